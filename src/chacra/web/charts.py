"""Bar charts laid out on the server and drawn as inline SVG: no chart library, nothing fetched.

A chart here is geometry only (rectangles and label positions in SVG user units); the template
``web/charts/bars.html`` draws it, so numbers are formatted in the page's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from chacra.registry.selectors import ProgrammeFigures

WIDTH = 640
LABEL_WIDTH = 130  # horizontal charts: the category names on the left
VALUE_ROOM = 70  # room right of (or above) a bar for its value
BAR = 16
GAP = 12
LEGEND_ROW = 18  # one row of the legend
CHAR_WIDTH = 6.8  # a generous average for 12px sans-serif
COLUMN_HEIGHT = 200  # vertical charts: the tallest column


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    values: Sequence[float]


@dataclass(frozen=True)
class Bar:
    series: str
    index: int  # the series' position, for its colour
    category: str
    value: float
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float


@dataclass(frozen=True)
class LegendItem:
    index: int  # the series' position, for its colour
    label: str
    x: float
    text_x: float
    y: float

    @property
    def text_y(self) -> float:
        return self.y + 10


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    unit: str
    number_format: str  # for Django's floatformat: "0g" is whole numbers, grouped
    width: int
    height: int
    horizontal: bool
    bars: list[Bar]
    labels: list[Label]
    legend: list[LegendItem]


def _scale(series: Sequence[Series], room: float) -> float:
    top = max((v for s in series for v in s.values), default=0.0)
    return room / top if top > 0 else 0.0


def _legend(series: Sequence[Series]) -> list[LegendItem]:
    """A swatch and a label per series, in rows that wrap before the chart's right edge."""
    if len(series) < 2:
        return []
    x, y, out = float(LABEL_WIDTH), 4.0, []
    for i, s in enumerate(series):
        width = 16 + CHAR_WIDTH * len(s.label) + 18
        if x + width > WIDTH and x > LABEL_WIDTH:
            x, y = float(LABEL_WIDTH), y + LEGEND_ROW
        out.append(LegendItem(i, s.label, x, x + 16, y))
        x += width
    return out


def bar_chart(
    *,
    id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    number_format: str = "0g",
) -> Chart:
    """Horizontal bars: one group per category, one bar per series in each group.

    >>> c = bar_chart(id="c", title="t", categories=["a", "b"], series=[Series("n", "n", [1, 2])])
    >>> [round(b.width) for b in c.bars]
    [220, 440]
    """
    legend = _legend(series)
    top = (legend[-1].y + LEGEND_ROW + 4) if legend else 6
    scale = _scale(series, WIDTH - LABEL_WIDTH - VALUE_ROOM)
    group = BAR * len(series) + GAP
    bars, labels = [], []
    for c, category in enumerate(categories):
        y0 = top + c * group
        labels.append(Label(category, LABEL_WIDTH - 8, y0 + BAR * len(series) / 2 + 4))
        for i, s in enumerate(series):
            value = float(s.values[c])
            y, width = y0 + i * BAR, value * scale
            bars.append(
                Bar(s.key, i, category, value, LABEL_WIDTH, y, width, BAR - 2,
                    LABEL_WIDTH + width + 4, y + BAR - 4)
            )  # fmt: skip
    return Chart(
        id=id, title=title, unit=unit, number_format=number_format, width=WIDTH,
        height=int(top + len(categories) * group), horizontal=True, bars=bars, labels=labels,
        legend=legend,
    )  # fmt: skip


def column_chart(
    *, id: str, title: str, categories: Sequence[str], values: Sequence[float], key: str,
    unit: str = "", number_format: str = "0g",
) -> Chart:  # fmt: skip
    """Vertical columns, one per category (e.g. a year), labelled underneath."""
    n = max(len(categories), 1)
    step = (WIDTH - 20) / n
    scale = _scale([Series(key, "", values)], COLUMN_HEIGHT)
    base = COLUMN_HEIGHT + 24  # room above the tallest column for its value
    bars, labels = [], []
    for c, category in enumerate(categories):
        value = float(values[c])
        x, height = 10 + c * step + step * 0.15, value * scale
        centre = 10 + c * step + step / 2
        bars.append(
            Bar(key, 0, category, value, x, base - height, step * 0.7, height, centre,
                base - height - 5)
        )  # fmt: skip
        labels.append(Label(category, centre, base + 16))
    return Chart(
        id=id, title=title, unit=unit, number_format=number_format, width=WIDTH, height=base + 24,
        horizontal=False, bars=bars, labels=labels, legend=[],
    )  # fmt: skip


def dashboard_charts(figures: ProgrammeFigures) -> list[Chart]:
    """The dashboard's charts, titled in the language of the request being answered."""
    regions = figures.by_region
    sexes = figures.by_sex
    years = figures.by_planting_year

    def column(rows: list[dict[str, Any]], key: str) -> list[float]:
        return [r[key] for r in rows]

    hectare_series = [
        ("hectares_installed", _("cacao installed")),
        ("hectares_grafted_fine_flavour", _("grafted with fine flavour")),
        ("hectares_agroforestry", _("under agroforestry")),
        ("hectares_georeferenced", _("georeferenced")),
    ]
    charts = [
        bar_chart(
            id="chart-region-hectares",
            title=_("Hectares by region"),
            unit=_("ha"),
            categories=[r["region"] for r in regions],
            series=[Series(k, label, column(regions, k)) for k, label in hectare_series],
        ),
        bar_chart(
            id="chart-region-producers",
            title=_("Producers by region and sex"),
            categories=[r["region"] for r in regions],
            series=[
                Series("producers_female", _("women"), column(regions, "producers_female")),
                Series("producers_male", _("men"), column(regions, "producers_male")),
            ],
        ),
        bar_chart(
            id="chart-sex-hectares",
            title=_("Hectares by the producer's sex"),
            unit=_("ha"),
            categories=[s["label"] for s in sexes],
            series=[Series(k, label, column(sexes, k)) for k, label in hectare_series[:3]],
        ),
    ]
    if years:
        charts.append(
            column_chart(
                id="chart-planting-years",
                title=_("Hectares of cacao installed by planting year"),
                unit=_("ha"),
                key="hectares_installed",
                categories=[str(y["year"]) for y in years],
                values=column(years, "hectares_installed"),
            )
        )
    return charts
