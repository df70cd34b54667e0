"""``chacra places FILE.csv``: load or update departamentos, provincias and distritos (INEI ubigeo).

The CSV has the columns ubigeo (6 digits), departamento, provincia, distrito, and optionally
capital, latitude, longitude. chacra ships only the demo's districts; a programme loads the
districts it works in (or all of Peru's) from INEI's table this way.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from chacra.accounts.models import AuditAction
from chacra.accounts.services import audit_record
from chacra.registry.models import Departamento, Distrito, Provincia

REQUIRED = ("ubigeo", "departamento", "provincia", "distrito")


def _point(row: dict[str, str], where: str) -> Point | None:
    lat, lon = (row.get("latitude") or "").strip(), (row.get("longitude") or "").strip()
    if not lat and not lon:
        return None
    try:
        point = Point(float(lon), float(lat), srid=4326)
    except ValueError as exc:
        raise CommandError(f"{where}: latitude/longitude {lat!r}/{lon!r} are not numbers") from exc
    if not (-90 <= point.y <= 90 and -180 <= point.x <= 180):
        raise CommandError(f"{where}: latitude/longitude {lat}/{lon} out of range")
    return point


class Command(BaseCommand):
    help = "Load departamentos, provincias and distritos from an INEI ubigeo CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"{path.name}: missing columns {missing}; needs {REQUIRED}")
            rows = list(reader)
        counts = {"created": 0, "updated": 0}
        for n, row in enumerate(rows, start=2):
            where = f"{path.name}, row {n}"
            ubigeo = row["ubigeo"].strip().zfill(6)
            if not ubigeo.isdigit() or len(ubigeo) != 6:
                raise CommandError(f"{where}: ubigeo {row['ubigeo']!r} is not 6 digits")
            name = row["departamento"].strip()
            clash = Departamento.objects.filter(name=name).exclude(ubigeo=ubigeo[:2]).first()
            if clash is not None:
                raise CommandError(
                    f"{where}: ubigeo {ubigeo} puts the distrito in departamento {ubigeo[:2]}, "
                    f"but {name} is {clash.ubigeo}; check the ubigeo (a lost leading zero?)"
                )
            dep, _ = Departamento.objects.update_or_create(
                ubigeo=ubigeo[:2], defaults={"name": name}
            )
            prov, _ = Provincia.objects.update_or_create(
                ubigeo=ubigeo[:4], defaults={"name": row["provincia"].strip(), "departamento": dep}
            )
            values = {"name": row["distrito"].strip(), "provincia": prov}
            if row.get("capital"):
                values["capital"] = row["capital"].strip()
            point = _point(row, where)
            if point is not None:
                values["capital_location"] = point
            _, created = Distrito.objects.update_or_create(ubigeo=ubigeo, defaults=values)
            counts["created" if created else "updated"] += 1
        audit_record(
            actor=None, action=AuditAction.UPDATE, model="registry.Distrito",
            summary=f"places loaded from {path.name}", changes=counts, source="cli",
        )  # fmt: skip
        self.stdout.write(
            f"{path.name}: {counts['created']} distritos created, {counts['updated']} updated"
        )
