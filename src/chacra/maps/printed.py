"""The printed map: "Location of new cacao planted", as the programme published it, for any scope.

``printed_map_save`` draws the plots a user may see (or one region of them) as points sized and
coloured by hectare class, over province and region borders, roads and rivers, with district
capitals, programme offices, legend, geodesic scale bar, north arrow, date and sources, and writes
it as PDF, PNG or SVG. No names or codes are printed, so every role that sees the dashboard may
print it. Modules: ``printed_data`` (what is drawn), ``printed_draw`` (the page),
``printed_furniture`` (projection, scale bar, north arrow, graticule, labels).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chacra.accounts.scope import Scope
from chacra.errors import InvalidInput
from chacra.maps.printed_data import map_data
from chacra.maps.printed_draw import map_figure
from chacra.maps.printed_legend import class_labels, grouped

FORMATS = (".pdf", ".png", ".svg")
LANGUAGES = ("es", "en")
PNG_DPI = 200


@dataclass(frozen=True)
class PrintedMap:
    """What was printed: plots drawn by hectare class (0 = area unknown) and what was left out."""

    path: Path
    region: str | None
    plots: int
    by_class: dict[int, int]
    class_labels: list[str]
    unplaced: int
    hectares: float
    scale_km: float
    sources: list[str]


def printed_map_save(
    *,
    scope: Scope,
    out: Path,
    region: str | None = None,
    lang: str = "es",
    title: str | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> PrintedMap:
    """Draw the map of what ``scope`` sees (in ``region``: a name or ubigeo) into ``out``.

    The file type follows the extension: .pdf (vector), .png (200 dpi) or .svg.
    """
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(
            f"{out.name}: the map is written as {', '.join(FORMATS)}; name the file with one",
            field="out",
        )
    if lang not in LANGUAGES:
        raise InvalidInput(f"lang: {lang!r}; choose one of {', '.join(LANGUAGES)}", field="lang")
    today = today or timezone.localdate()
    data = map_data(scope=scope, region=region)
    with translation.override(lang):
        plots = len(data.plot_xy)
        hectares = float(data.plot_ha[data.plot_ha == data.plot_ha].sum())
        where = data.region.name if data.region is not None else _("all regions")
        where = where[:1].upper() + where[1:]
        subtitle = ngettext(
            "%(where)s: %(plots)s plot, %(ha)s ha",
            "%(where)s: %(plots)s plots, %(ha)s ha",
            plots,
        ) % {"where": where, "plots": grouped(plots), "ha": grouped(round(hectares))}
        figure, drawn = map_figure(
            data,
            title=title or _("Location of new cacao planted"),
            subtitle=subtitle,
            today=today,
            note=note,
        )
        labels = class_labels()
    out.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Title": title or "chacra", "Creator": "chacra"} if suffix == ".pdf" else None
    # SVG keeps its words as text, so that a designer can still edit the title, legend and notes
    # (labels with a white halo are drawn as outlines).
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(out, dpi=PNG_DPI, metadata=metadata)
    return PrintedMap(
        path=out,
        region=data.region.name if data.region is not None else None,
        plots=plots,
        by_class=drawn.by_class,
        class_labels=labels,
        unplaced=data.unplaced,
        hectares=drawn.hectares,
        scale_km=drawn.scale_km,
        sources=list(data.sources),
    )
