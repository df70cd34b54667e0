"""``python -m tests.trust.pause PATTERN N ARGS...``: run ``chacra ARGS...`` and freeze it for good
right after its Nth SQL statement matching the regular expression PATTERN.

When it freezes it prints ``PAUSED in_atomic=True|False`` on stdout: the kill tests wait for that
line, so their SIGKILL lands at a known point (inside the statement's transaction, not yet
committed) however slow the machine is, instead of racing a timer.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from typing import Any


def main(argv: list[str]) -> None:
    pattern, nth, *args = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chacra.config.settings")
    import django

    django.setup()
    from django.db import connection

    wanted = re.compile(pattern)
    seen = 0

    def freeze_after(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
        nonlocal seen
        result = execute(sql, *rest)
        if wanted.search(sql):
            seen += 1
            if seen == int(nth):
                print(f"PAUSED in_atomic={connection.in_atomic_block}", flush=True)
                time.sleep(3600)  # until the test kills this process
        return result

    connection.execute_wrappers.append(freeze_after)
    from chacra.cli import main as chacra

    chacra(args)
    print("FINISHED without pausing", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
