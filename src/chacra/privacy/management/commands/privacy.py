"""``chacra privacy export|anonymise PRODUCER_CODE --as USER``: Ley 29733 requests.

``export --out FILE``: everything held about one producer, as JSON (audited as a disclosure).
``anonymise --reason TEXT``: remove the producer's identity, irreversibly, keeping the figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chacra.accounts.commands import acting_user
from chacra.accounts.models import AuditAction, AuditEntry
from chacra.errors import ChacraError
from chacra.privacy.services import producer_anonymise, producer_export


class Command(BaseCommand):
    help = "Export everything held about a producer, or anonymise one on request (Ley 29733)."

    def add_arguments(self, parser: CommandParser) -> None:
        duties = parser.add_subparsers(dest="duty", required=True)
        export = duties.add_parser("export", help="everything held about one producer, as JSON")
        anonymise = duties.add_parser("anonymise", help="remove a producer's identity for good")
        for sub in (export, anonymise):
            sub.add_argument("code", help="the producer's code, e.g. P000123")
            sub.add_argument("--as", dest="username", required=True, help="act as USER")
        export.add_argument("--out", required=True, type=Path, help="the JSON file to write")
        anonymise.add_argument("--reason", default="", help="why (required): the request")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = acting_user(opts["username"])
        try:
            if opts["duty"] == "export":
                data = producer_export(actor=user, code=opts["code"])
                opts["out"].write_text(json.dumps(data, ensure_ascii=False, indent=1))
                self.stdout.write(f"{opts['code']}: {len(data['plots'])} plots -> {opts['out']}")
            else:
                producer = producer_anonymise(actor=user, code=opts["code"], reason=opts["reason"])
                self.stdout.write(f"{opts['code']}: anonymised")
                done = AuditEntry.objects.filter(
                    action=AuditAction.ANONYMISE, object_id=str(producer.pk)
                ).first()
                for job in done.changes.get("archived_imports", []) if done else []:
                    self.stdout.write(
                        f"  still named in the archived file of import {job['import']} "
                        f"({job['file']}): {job['archived_as']}"
                    )
        except ChacraError as exc:
            raise CommandError(exc.message) from exc
