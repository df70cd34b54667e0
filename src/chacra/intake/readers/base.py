"""The reader interface: every source format answers ``can_handle`` and ``read``."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from chacra.errors import InvalidInput
from chacra.intake.rows import ReadResult


class IntakeError(InvalidInput):
    """A file chacra cannot read at all; the message names the file and what is accepted."""

    code = "intake_error"


class Reader(Protocol):
    name: str
    description: str
    extensions: tuple[str, ...]

    def can_handle(self, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path) -> ReadResult: ...


def head_of(path: Path, size: int = 4096) -> bytes:
    with path.open("rb") as f:
        return f.read(size)
