"""``chacra xlsform --out form.xlsx``: write the field form for ODK Central or KoboToolbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chacra.intake.readers.formfields import FORM_ID, FORM_VERSION
from chacra.intake.xlsform import build_xlsform


class Command(BaseCommand):
    help = (
        f"Write the XLSForm ({FORM_ID}) that extension agents fill in ODK Collect or KoboCollect; "
        "its exports import with no mapping step."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", default=f"{FORM_ID}.xlsx", help=f"where to write it (default {FORM_ID}.xlsx)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        out = Path(opts["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError(f"--out {out}: give a path ending in .xlsx")
        if not out.parent.is_dir():
            raise CommandError(f"--out {out}: the folder {out.parent} does not exist")
        build_xlsform(out)
        self.stdout.write(
            f"wrote {out} (form_id {FORM_ID}, version {FORM_VERSION}); "
            "upload it to ODK Central or KoboToolbox"
        )
