"""The ``chacra`` command: Django's management commands with chacra's settings preset.

``chacra demo``, ``chacra bench NAME``, ``chacra migrate``, ``chacra runserver`` ... all run here.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chacra.config.settings")
    from django.core.management import execute_from_command_line

    args = ["chacra", *(sys.argv[1:] if argv is None else argv)]
    try:
        execute_from_command_line(args)
    except BrokenPipeError:  # `chacra producers ... | head`: the reader has had enough
        sys.stderr.close()
        raise SystemExit(0) from None


if __name__ == "__main__":
    main()
