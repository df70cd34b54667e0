"""The decision: a plot's figures in, a status and every reason for it out. Pure; no Django.

A plot is ``compliant`` when no reason says otherwise, ``needs_review`` when a person must look
(a direct-use protected area, a registry quality flag, a layer that is not loaded), and
``non_compliant`` when a rule of the EU Deforestation Regulation (EU) 2023/1115 fails (forest loss
after 31 December 2020, a strict protected area, no usable geolocation). The worst reason decides.

Each reason has a stable ``code``, an English ``message`` that names the figures, and the
``figures`` themselves. The message is ``MESSAGES[code] % figures``: a page can show it in another
language by translating the template and formatting it with the same figures.

Tolerances, and why:

``LOSS_TOLERANCE_HA`` (0.01 ha, 100 m^2, an eighth of a 30 m cell)
    A plot's edge drawn a few metres off (consumer GPS is good to 3-5 m) brings in slivers of
    the loss cells next to it; less than this is such noise and is reported, not failed.
``NO_DATA_TOLERANCE_HA`` (0.01 ha)
    The same for the part of a plot a layer has no data for.
``PROTECTED_TOLERANCE_HA`` (0.0001 ha, 1 m^2)
    Overlaps smaller than this are a shared boundary measured in floating point.
``POINT_MAX_HA`` (4 ha)
    The EU information system accepts a single point only for plots of at most 4 ha.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

COMPLIANT: Final = "compliant"
NEEDS_REVIEW: Final = "needs_review"
NON_COMPLIANT: Final = "non_compliant"
STATUSES: Final = (COMPLIANT, NEEDS_REVIEW, NON_COMPLIANT)  # in order of severity

LOSS_TOLERANCE_HA = 0.01
NO_DATA_TOLERANCE_HA = 0.01
PROTECTED_TOLERANCE_HA = 0.0001
POINT_MAX_HA = 4.0
CUTOFF = "31 December 2020"

#: What each reference layer kind is for, as named in the reason when it is missing.
LAYER_PURPOSES: Final = {
    "loss_year": "tree-cover loss by year (e.g. Hansen GFC lossyear)",
    "forest_2020": "forest cover in 2020 (e.g. JRC GFC2020)",
    "protected_area": "protected areas (e.g. WDPA or SERNANP)",
}

#: code -> (the status it leads to, the English message template).
RULES: Final[dict[str, tuple[str, str]]] = {
    "no_geolocation": (
        NON_COMPLIANT,
        "The plot has neither a boundary nor a GPS point; the EUDR needs the geolocation of "
        "every plot.",
    ),
    "invalid_geometry": (
        NON_COMPLIANT,
        "The plot's boundary is not a valid polygon (%(reason)s); map it again or repair it "
        "before it can be declared.",
    ),
    "polygon_required": (
        NON_COMPLIANT,
        "The plot is a GPS point with a declared area of %(declared_ha).2f ha; a polygon is "
        "required above %(max_ha).0f ha.",
    ),
    "point_area_missing": (
        NEEDS_REVIEW,
        "The plot is a GPS point without a declared area, so it cannot be checked as a circle; "
        "record its area (at most %(max_ha).0f ha) or map its boundary.",
    ),
    "loss_after_cutoff": (
        NON_COMPLIANT,
        "%(loss_ha).2f ha of tree-cover loss after " + CUTOFF + " inside the plot "
        "(%(loss_pct).1f%% of its %(area_ha).2f ha): %(years)s, according to %(layer)s.",
    ),
    "loss_within_tolerance": (
        COMPLIANT,
        "%(loss_ha).4f ha of tree-cover loss after " + CUTOFF + " touches the plot's edge, "
        "below the %(tolerance_ha).2f ha tolerance for GPS error (%(layer)s).",
    ),
    "loss_no_data": (
        NEEDS_REVIEW,
        "%(layer)s has no data for %(no_data_ha).2f ha of the plot's %(area_ha).2f ha; loss "
        "there cannot be ruled out.",
    ),
    "forest_no_data": (
        NEEDS_REVIEW,
        "%(layer)s does not cover %(no_data_ha).2f ha of the plot's %(area_ha).2f ha; its forest "
        "cover in 2020 is incomplete.",
    ),
    "protected_strict": (
        NON_COMPLIANT,
        "%(overlap_ha).2f ha (%(overlap_pct).1f%% of the plot) lie in %(name)s, a %(designation)s "
        "where farming is not allowed.",
    ),
    "protected_direct_use": (
        NEEDS_REVIEW,
        "%(overlap_ha).2f ha (%(overlap_pct).1f%% of the plot) lie in %(name)s, a %(designation)s "
        "of direct use; a legality review is needed (the farmer may hold a conservation "
        "agreement).",
    ),
    "protected_buffer": (
        NEEDS_REVIEW,
        "%(overlap_ha).2f ha (%(overlap_pct).1f%% of the plot) lie in %(name)s, a buffer zone; "
        "check that farming there follows the area's management plan.",
    ),
    "quality_flag": (
        NEEDS_REVIEW,
        "The registry flags this plot: %(flag)s%(detail)s; review it before declaring the plot.",
    ),
    "layer_missing": (
        NEEDS_REVIEW,
        "No %(kind)s layer is loaded, so %(purpose)s could not be checked; load one with "
        "`chacra layers add %(kind)s PATH --name ... --version ...`.",
    ),
}
MESSAGES: Final = {code: template for code, (_status, template) in RULES.items()}
FLAG_NAMES: Final = {
    "overlap": "it overlaps another producer's plot",
    "area_mismatch": "its mapped area is outside 0.5-2x its declared area",
    "invalid_geometry": "its boundary was invalid and was repaired at intake",
    "duplicate_geometry": "it has the same geometry as another plot",
    "swapped_coordinates": "its latitude and longitude look swapped",
    "outside_peru": "it lies outside Peru",
    "outside_distrito": "it lies outside its declared distrito",
    "sliver": "it is a sliver",
    "few_vertices": "it has fewer than 4 distinct vertices",
}


@dataclass(frozen=True)
class Reason:
    """One reason for a plot's status: a stable code, an English message, the figures behind it."""

    code: str
    message: str
    figures: dict[str, Any]

    @property
    def status(self) -> str:
        return RULES[self.code][0]


def reason(code: str, **figures: Any) -> Reason:
    """A reason with its message formatted from its figures.

    >>> reason("polygon_required", declared_ha=5.0, max_ha=4.0).message
    'The plot is a GPS point with a declared area of 5.00 ha; a polygon is required above 4 ha.'
    """
    return Reason(code, RULES[code][1] % figures, figures)


_RANK: Final = {status: rank for rank, status in enumerate(STATUSES)}


def worst(reasons: Iterable[Reason]) -> str:
    """The most severe status among the reasons; compliant when there are none."""
    statuses = [r.status for r in reasons]
    return max(statuses, key=_RANK.__getitem__) if statuses else COMPLIANT


def _pct(part: float, whole: float | None) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def assess(
    figures: Mapping[str, Any],
    *,
    flags: Iterable[str] = (),
    flag_details: Mapping[str, str] | None = None,
    missing: Iterable[str] = (),
) -> tuple[str, tuple[Reason, ...]]:
    """A plot's status and reasons from its figures (as :mod:`chacra.compliance.engine` makes
    them), its registry quality flags and the reference layer kinds that are not loaded.

    >>> status, why = assess({"geometry": "point", "declared_ha": 5.0, "valid": True})
    >>> status, [r.code for r in why]
    ('non_compliant', ['polygon_required'])
    >>> status, why = assess({"geometry": "polygon", "valid": True, "area_ha": 2.0,
    ...                       "loss_ha": 0.5, "loss_by_year": {"2022": 0.5},
    ...                       "loss_layer": "Hansen GFC v1.12"}, flags={"overlap"})
    >>> status, [r.code for r in why]
    ('non_compliant', ['loss_after_cutoff', 'quality_flag'])
    >>> why[0].message
    '0.50 ha of tree-cover loss after 31 December 2020 inside the plot (25.0% of its 2.00 ha): \
2022: 0.50 ha, according to Hansen GFC v1.12.'
    """
    reasons: list[Reason] = []
    kind = figures.get("geometry")
    area_ha = figures.get("area_ha")
    if kind not in ("polygon", "point"):
        reasons.append(reason("no_geolocation"))
    elif kind == "polygon" and not figures.get("valid", True):
        reasons.append(reason("invalid_geometry", reason=figures.get("invalid_reason") or "?"))
    elif kind == "point":
        declared = figures.get("declared_ha")
        if declared is None or declared <= 0:
            reasons.append(reason("point_area_missing", max_ha=POINT_MAX_HA))
        elif declared > POINT_MAX_HA:
            reasons.append(reason("polygon_required", declared_ha=declared, max_ha=POINT_MAX_HA))
    reasons.extend(_loss(figures, area_ha))
    reasons.extend(_protected(figures))
    details = flag_details or {}
    for flag in sorted(flags) if flags else ():
        detail = f" ({details[flag]})" if details.get(flag) else ""
        reasons.append(
            reason("quality_flag", flag=FLAG_NAMES.get(flag, flag), flag_code=flag, detail=detail)
        )
    for layer_kind in missing:
        reasons.append(
            reason("layer_missing", kind=layer_kind, purpose=LAYER_PURPOSES.get(layer_kind, "it"))
        )
    return worst(reasons), tuple(reasons)


def _loss(figures: Mapping[str, Any], area_ha: float | None) -> list[Reason]:
    out: list[Reason] = []
    loss = figures.get("loss_ha")
    layer = figures.get("loss_layer") or "the loss layer"
    whole = area_ha or 0.0
    if loss is not None and loss > LOSS_TOLERANCE_HA:
        by_year = figures.get("loss_by_year") or {}
        years = ", ".join(f"{y}: {ha:.2f} ha" for y, ha in sorted(by_year.items()) if ha > 0)
        pct = _pct(loss, area_ha)
        out.append(
            reason("loss_after_cutoff", loss_ha=loss, loss_pct=pct, area_ha=whole,
                   years=years or "-", by_year=dict(by_year), layer=layer)
        )  # fmt: skip
    elif loss is not None and loss > 0:
        out.append(
            reason("loss_within_tolerance", loss_ha=loss, tolerance_ha=LOSS_TOLERANCE_HA,
                   layer=layer)
        )  # fmt: skip
    no_data = figures.get("loss_no_data_ha") or 0.0
    if no_data > NO_DATA_TOLERANCE_HA:
        out.append(reason("loss_no_data", no_data_ha=no_data, area_ha=whole, layer=layer))
    gap = figures.get("forest_no_data_ha") or 0.0
    if gap > NO_DATA_TOLERANCE_HA:
        forest_layer = figures.get("forest_layer") or "the forest layer"
        out.append(reason("forest_no_data", no_data_ha=gap, area_ha=whole, layer=forest_layer))
    return out


def _protected(figures: Mapping[str, Any]) -> list[Reason]:
    out: list[Reason] = []
    for area in figures.get("protected") or ():
        if area["ha"] < PROTECTED_TOLERANCE_HA:
            continue
        code = {"strict": "protected_strict", "buffer": "protected_buffer"}.get(
            area["category"], "protected_direct_use"
        )
        out.append(
            reason(code, overlap_ha=area["ha"], overlap_pct=round(100.0 * area["share"], 2),
                   name=area["name"] or "an unnamed area", category=area["category"],
                   designation=area.get("designation") or "protected area",
                   layer=area.get("layer", ""))
        )  # fmt: skip
    return out
