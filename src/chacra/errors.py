"""One root error for chacra; narrow subclasses carry a stable code.

A message names what was wrong (file, row, field, value) and what would be accepted.
"""

from __future__ import annotations


class ChacraError(Exception):
    """Root of every error chacra raises on purpose."""

    code = "chacra_error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(ChacraError):
    """A value that chacra cannot accept; the message says what is accepted."""

    code = "invalid_input"


class Conflict(ChacraError):
    """A write that would break a uniqueness or consistency rule."""

    code = "conflict"
    status = 409


class AccessDenied(ChacraError):
    """The caller's role or scope does not reach this data."""

    code = "access_denied"
    status = 403


class NotFound(ChacraError):
    code = "not_found"
    status = 404
