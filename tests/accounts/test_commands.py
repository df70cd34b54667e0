"""The ``--as USER`` every command takes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from chacra.accounts.commands import acting_user


def test_the_named_user_acts_and_none_means_chacra_itself(demo_db: Any) -> None:
    assert acting_user("staff").username == "staff"
    assert acting_user(None) is None
    assert acting_user("") is None


@pytest.mark.parametrize(
    "command",
    [["producers"], ["trace", "S000001"], ["imports", "purge", "--older-than", "9"]],
)
def test_an_unknown_user_is_refused_by_name(demo_db: Any, command: list[str]) -> None:
    with pytest.raises(CommandError, match=r"^--as: no user named 'nadie'$"):
        call_command(*command, "--as", "nadie")
