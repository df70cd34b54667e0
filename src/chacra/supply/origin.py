"""The public origin of a lot or shipment: what a QR code on a sack or a container leads to.

Aggregates only, never a person or a plot: regions and distritos with their share, clones,
cooperatives, the harvest months, the processing steps, the compliance status, and a coarse
map of the origin area drawn from distrito capitals (rounded to 0.01 degree, about 1 km) and
distrito boundaries, never a plot outline. Counts under 3 producers are not printed, so a
lot from one family cannot be told apart from its village.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.utils.html import escape
from django.utils.translation import gettext as _

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.registry.models import Distrito
from chacra.supply.checks import LotCompliance
from chacra.supply.models import Lot, Shipment
from chacra.supply.selectors import AreaLine, StepLine, trace_report

SMALL_COUNT = 3
# Reads everything to aggregate it; only aggregates leave this module.
INTERNAL = Scope(role=Role.STAFF)


@dataclass(frozen=True)
class StepSummary:
    label: str
    first: Any
    last: Any
    count: int
    kg_out: Decimal


@dataclass(frozen=True)
class Origin:
    kind: str
    code: str
    kg: Decimal
    custody_model: str
    bean_state: str
    flavour: str
    destination: str
    areas: list[tuple[AreaLine, float]]  # each distrito with its share of the kilos
    regions: list[tuple[str, float]]
    clones: list[str]
    cooperatives: list[str]
    harvest: tuple[Any, Any] | None
    producers: str  # "37", or "fewer than 3"
    steps: list[StepSummary]
    compliance: LotCompliance
    map_svg: str


def _count(n: int) -> str:
    return str(n) if n >= SMALL_COUNT else _("fewer than %(n)s") % {"n": SMALL_COUNT}


def _steps(steps: list[StepLine]) -> list[StepSummary]:
    grouped: dict[str, list[StepLine]] = {}
    for s in steps:
        grouped.setdefault(s.label, []).append(s)
    return [
        StepSummary(
            label,
            min(s.date for s in group),
            max(s.date for s in group),
            len(group),
            sum((s.kg_out for s in group), Decimal(0)),
        )
        for label, group in grouped.items()
    ]


def origin_of(target: Lot | Shipment) -> Origin:
    """The public summary of a lot or shipment (no personal data in it)."""
    report = trace_report(scope=INTERNAL, target=target)
    total = float(report.kg) or 1.0
    regions: dict[str, float] = {}
    for a in report.areas:
        regions[a.region] = regions.get(a.region, 0.0) + float(a.kg) / total
    is_lot = isinstance(target, Lot)
    return Origin(
        kind="lot" if is_lot else "shipment",
        code=target.code,
        kg=target.kg,
        custody_model=target.get_custody_model_display(),
        bean_state=target.get_bean_state_display() if isinstance(target, Lot) else _("Dry"),
        flavour=target.get_flavour_display() if isinstance(target, Lot) else "",
        destination="" if isinstance(target, Lot) else target.destination,
        areas=[(a, float(a.kg) / total) for a in report.areas],
        regions=sorted(regions.items(), key=lambda r: -r[1]),
        clones=report.clones,
        cooperatives=report.cooperatives,
        harvest=report.harvest,
        producers=_count(report.producers),
        steps=_steps(report.steps),
        compliance=report.compliance,
        map_svg=origin_map_svg(report.areas),
    )


def origin_map_svg(areas: list[AreaLine], width: int = 360, height: int = 300) -> str:
    """Origin distritos, coarse: boundaries simplified to ~1 km and capitals as circles sized
    by kilos. Coordinates are screen units with one decimal: no position is printed."""
    distritos = {
        d.ubigeo: d
        for d in Distrito.objects.filter(ubigeo__in=[a.ubigeo for a in areas]).only(
            "ubigeo", "name", "capital_location", "boundary"
        )
    }
    points = []
    for a in areas:
        d = distritos.get(a.ubigeo)
        if d is not None and d.capital_location is not None:
            lon, lat = d.capital_location.coords
            points.append((round(lon, 2), round(lat, 2), a))
    shapes = [
        d.boundary.simplify(0.01, preserve_topology=True)
        for d in distritos.values()
        if d.boundary is not None
    ]
    xs = [p[0] for p in points] + [c for s in shapes for c in (s.extent[0], s.extent[2])]
    ys = [p[1] for p in points] + [c for s in shapes for c in (s.extent[1], s.extent[3])]
    if not xs:
        return ""
    pad = 0.15
    x0, x1, y0, y1 = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    k = min(width / (x1 - x0), height / (y1 - y0))

    def px(lon: float, lat: float) -> str:
        return f"{(lon - x0) * k:.1f},{(y1 - lat) * k:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="origin-map" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_("Origin area")}">',
        f'<rect width="{width}" height="{height}" fill="#f4efe6"/>',
    ]
    for shape in shapes:
        for poly in cast(Any, shape):
            ring = " ".join(px(x, y) for x, y in poly[0].coords)
            parts.append(f'<polygon points="{ring}" fill="#e3d5bd" stroke="#9b7b4f"/>')
    biggest = max((float(a.kg) for *_, a in points), default=1.0) or 1.0
    for lon, lat, a in points:
        r = 4 + 14 * math.sqrt(float(a.kg) / biggest)
        x, y = px(lon, lat).split(",")
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{r:.1f}" fill="#7a4a1e" fill-opacity=".7">'
            f"<title>{escape(a.distrito)}</title></circle>"
            f'<text x="{x}" y="{float(y) - r - 2:.1f}" text-anchor="middle" '
            f'font-size="11">{escape(a.distrito)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
