"""The EUDR GeoJSON export: the plots a user may see, as the EU information system takes them.

Only plots whose current check is compliant go out (needs-review ones too when asked for); every
other plot is refused with its reasons. Geometries are rounded to 6 decimals, repaired and cut
free of holes (``eudr_geometry``); points go out with their declared area, up to 4 ha. Files are
cut at 1,000 producers or 25 MB, each producer whole in one file, and each is checked with
:func:`chacra.compliance.eudr_validate.validate` before it is written: a plot the validator
would reject is refused, never written. Names leave chacra here, so only roles that see personal
data may export, and every export is audited (a disclosure under Ley 29733).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chacra.accounts.models import AuditAction, Role
from chacra.accounts.scope import Scope, scope_for
from chacra.accounts.services import audit_record
from chacra.compliance.eudr_geojson import collection_text, feature_text, file_paths, files_pack
from chacra.compliance.eudr_geometry import eudr_geometries
from chacra.compliance.eudr_validate import (
    DECIMALS,
    MAX_FILE_BYTES,
    MAX_PRODUCERS,
    POINT_AREA_HA,
    ValidationReport,
    validate,
)
from chacra.compliance.models import CheckStatus, PlotCheck
from chacra.errors import AccessDenied, NotFound
from chacra.registry.models import Plot, PlotGeometryVersion
from chacra.registry.selectors import PlotFilters, plot_list

COUNTRY = "PE"
FIELDS = ("pk", "code", "declared_area_ha", "producer__code", "producer__surnames",
          "producer__given_names", "comunidad__name", "comunidad__distrito__name")  # fmt: skip


@dataclass(frozen=True)
class Refusal:
    """A plot left out: ``cause`` a stable code, ``message`` why, ``reasons`` its check's."""

    plot: str
    producer: str
    cause: str
    message: str
    reasons: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ExportFile:
    path: Path
    plots: int
    producers: int
    report: ValidationReport


@dataclass(frozen=True)
class EudrExport:
    files: list[ExportFile]
    plots: list[str]  # codes of the plots written
    producers: list[str]  # codes of the producers named
    refused: list[Refusal]


@dataclass
class _Plot:
    code: str
    producer: str
    features: list[str]


def _scope(actor: Any) -> Scope:
    return Scope(role=Role.ADMIN) if actor is None else scope_for(actor)


def _rows(
    scope: Scope, region: str | None, producers: Sequence[str], plots: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The plots to consider, in the scope, with what a feature needs; one query."""
    seen = plot_list(scope=scope, filters=PlotFilters(region=region))
    if plots:
        seen = seen.filter(code__in=plots)
        missing = sorted(set(plots) - set(seen.order_by().values_list("code", flat=True)))
        if missing:
            raise NotFound(
                _("plots %(codes)s: not in your scope%(region)s")
                % {"codes": ", ".join(missing), "region": f" ({region})" if region else ""}
            )
    if producers:
        seen = seen.filter(producer__code__in=producers)
        found = set(seen.order_by().values_list("producer__code", flat=True))
        missing = sorted(set(producers) - found)
        if missing:
            raise NotFound(
                _("producers %(codes)s: no plots of theirs in your scope%(region)s")
                % {"codes": ", ".join(missing), "region": f" ({region})" if region else ""}
            )
    return list(
        Plot.objects.filter(pk__in=seen.order_by().values("pk"))
        .order_by("producer__code", "code")
        .values(*FIELDS, boundary_wkb=AsWKB("boundary"), location_wkb=AsWKB("location"))
    )


def _gate(plot_ids: list[int], include_review: bool) -> dict[int, tuple[str, str, list[Any]]]:
    """Plots the compliance checks keep out: {plot id: (cause, message, reasons)}."""
    checks = {
        c.plot_id: c
        for c in PlotCheck.objects.filter(plot_id__in=plot_ids, is_current=True).only(
            "plot_id", "status", "reasons", "geometry_version_id"
        )
    }
    latest = dict(
        PlotGeometryVersion.objects.filter(plot_id__in=plot_ids)
        .order_by()
        .values_list("plot_id")
        .annotate(m=Max("id"))
    )
    out: dict[int, tuple[str, str, list[Any]]] = {}
    for pk in plot_ids:
        check = checks.get(pk)
        if check is None:
            out[pk] = ("not_checked", _("not checked yet: run chacra check"), [])
        elif check.geometry_version_id not in (None, latest.get(pk)):
            out[pk] = ("stale_check", _("mapped again since its check: run chacra check"), [])
        elif check.status == CheckStatus.NON_COMPLIANT:
            out[pk] = ("non_compliant", _("non-compliant"), list(check.reasons))
        elif check.status == CheckStatus.NEEDS_REVIEW and not include_review:
            out[pk] = ("needs_review", _("needs review (export it with --include-review once "
                       "reviewed)"), list(check.reasons))  # fmt: skip
    return out


class _Refused(Exception):
    def __init__(self, cause: str, message: str) -> None:
        super().__init__(message)
        self.cause, self.message = cause, message


def _geometries(row: dict[str, Any]) -> tuple[list[Any], float | None]:
    """The geometries of a plot's features and, for a point, its Area; or _Refused."""
    if row["boundary_wkb"] is not None:
        parts = eudr_geometries(shapely.from_wkb(bytes(row["boundary_wkb"])))
        if not parts:
            raise _Refused("no_area_left", _("nothing of the boundary is left at 6 decimals"))
        return parts, None
    if row["location_wkb"] is None:
        raise _Refused(
            "not_mapped", _("not mapped: give it a boundary, or a point with its declared area")
        )
    declared: Decimal | None = row["declared_area_ha"]
    if declared is None or float(declared) < POINT_AREA_HA[0]:
        raise _Refused("no_declared_area", _("mapped as a point without a declared area"))
    if float(declared) > POINT_AREA_HA[1]:
        raise _Refused(
            "point_too_large",
            _("a point of %(ha)s ha: above 4 ha the EU requires the plot's polygon")
            % {"ha": declared},
        )
    point = shapely.from_wkb(bytes(row["location_wkb"]))
    return [shapely.Point(round(point.x, DECIMALS), round(point.y, DECIMALS))], float(declared)


def _features(row: dict[str, Any], country: str) -> list[str]:
    """A plot's features as text: one, or one per part when holes were cut out."""
    geometries, area = _geometries(row)
    name = f"{row['producer__surnames']} {row['producer__given_names']}".strip()
    where = f"{row['comunidad__name']}, {row['comunidad__distrito__name']}"
    texts = []
    for k, geometry in enumerate(geometries, start=1):
        part = f" ({k}/{len(geometries)})" if len(geometries) > 1 else ""
        props: dict[str, Any] = {"ProducerName": name, "ProducerCountry": country,
                                 "ProductionPlace": f"{row['code']}{part}, {where}"}  # fmt: skip
        if area is not None:
            props["Area"] = area
        texts.append(feature_text(geometry, props))
    return texts


def _files(
    plots: list[_Plot], refused: list[Refusal], max_producers: int, max_bytes: int
) -> list[tuple[str, list[_Plot], ValidationReport]]:
    """Texts of the files, each validated; plots the validator rejects join the refused."""
    while True:
        by_producer: dict[str, list[_Plot]] = {}
        for plot in plots:
            by_producer.setdefault(plot.producer, []).append(plot)
        groups = list(by_producer.values())
        packed, too_big = files_pack(
            [[t for p in g for t in p.features] for g in groups],
            max_producers=max_producers, max_bytes=max_bytes,
        )  # fmt: skip
        rejected = {p.code: ("too_big", _("this producer's plots are more than one file can "
                    "hold")) for k in too_big for p in groups[k]}  # fmt: skip
        files = []
        for members in packed:
            chosen = [p for k in members for p in groups[k]]
            owner = [p for p in chosen for _t in p.features]
            text = collection_text([t for p in chosen for t in p.features])
            report = validate(text, max_bytes=max_bytes, max_producers=max_producers)
            for problem in report.problems:
                if problem.feature is None:
                    raise RuntimeError(f"chacra made a file the EU would reject: {problem}")
                rejected[owner[problem.feature].code] = ("eu_rules", problem.text(_))
            files.append((text, chosen, report))
        if not rejected:
            return files
        refused.extend(Refusal(p.code, p.producer, *rejected[p.code])
                       for p in plots if p.code in rejected)  # fmt: skip
        plots = [p for p in plots if p.code not in rejected]


def eudr_export(
    *,
    actor: Any,
    out: Path | str,
    producers: Sequence[str] = (),
    region: str | None = None,
    include_review: bool = False,
    plots: Sequence[str] = (),
    purpose: str = "",
    country: str = COUNTRY,
    max_producers: int = MAX_PRODUCERS,
    max_bytes: int = MAX_FILE_BYTES,
    source: str = "code",
) -> EudrExport:
    """Write the EUDR GeoJSON of the plots ``actor`` may see to ``out`` (and ``out-2`` ...).

    ``producers``: producer codes to export (all in scope when empty); ``region``: a
    departamento name or ubigeo; ``plots``: plot codes (such as the plots a shipment's trace
    finds), each of which must be in scope; ``purpose``: what the export is for, kept in the
    audit entry (e.g. "shipment S000012"). Returns the files written (none when every plot was
    refused), the plots and producers in them, and every refused plot with its reasons.
    """
    scope = _scope(actor)
    if not scope.sees_personal_data:
        raise AccessDenied(
            _("the EUDR GeoJSON names producers; your role sees aggregate figures only "
              "(Ley 29733)")
        )  # fmt: skip
    rows = _rows(scope, region, producers, plots)
    gate = _gate([r["pk"] for r in rows], include_review)
    refused: list[Refusal] = []
    kept: list[_Plot] = []
    for row in rows:
        plot, producer = row["code"], row["producer__code"]
        if row["pk"] in gate:
            refused.append(Refusal(plot, producer, *gate[row["pk"]]))
            continue
        try:
            kept.append(_Plot(plot, producer, _features(row, country)))
        except _Refused as exc:
            refused.append(Refusal(plot, producer, exc.cause, exc.message))
    files = _files(kept, refused, max_producers, max_bytes) if kept else []
    written = [
        ExportFile(path, len(chosen), len({p.producer for p in chosen}), report)
        for path, (_text, chosen, report) in zip(file_paths(Path(out), len(files)), files,
                                                 strict=True)
    ]  # fmt: skip
    exported = [p for _text, chosen, _report in files for p in chosen]
    result = EudrExport(
        files=written,
        plots=[p.code for p in exported],
        producers=sorted({p.producer for p in exported}),
        refused=refused,
    )
    if written:
        asked = {"region": region, "producers": list(producers), "include_review": include_review}
        if plots:
            asked |= {"plots": list(plots), "purpose": purpose}
        _write(actor, result, [text for text, _c, _r in files], asked, source)
    return result


@transaction.atomic
def _write(
    actor: Any,
    result: EudrExport,
    texts: list[str],
    asked: dict[str, Any],
    source: str,
) -> None:
    """Audit the disclosure, then write the files; a failed write writes none and no entry."""
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        model="compliance.EudrExport",
        summary=f"EUDR GeoJSON: {len(result.plots)} plots of {len(result.producers)} producers "
        f"in {len(result.files)} file(s), {result.files[0].path.name}",
        changes={
            "files": [str(f.path) for f in result.files],
            "producers": result.producers,
            "plots": result.plots,
            "refused": {r.plot: r.cause for r in result.refused},
            "asked": asked,
        },
        source=source,
    )
    parts = [f.path.with_name(f.path.name + ".part") for f in result.files]
    try:
        for part, text in zip(parts, texts, strict=True):
            part.parent.mkdir(parents=True, exist_ok=True)
            part.write_text(text, encoding="utf-8")
        for part, exported in zip(parts, result.files, strict=True):
            part.replace(exported.path)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)
