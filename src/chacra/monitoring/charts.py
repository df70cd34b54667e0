"""An indicator's trend over the years as inline SVG geometry (as ``chacra.web.charts``): a column
per year for the cumulative figure, the yearly targets' running total as a line, and the whole
programme's target as a dashed level. Nothing is fetched; ``monitoring/_trend.html`` draws it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from chacra.monitoring.models import Aggregation
from chacra.monitoring.report import IndicatorRow
from chacra.web.charts import WIDTH, Bar, Label

HEIGHT = 200  # the tallest of the columns and targets
TOP = 24  # room above it for a value
LEFT = 10


@dataclass(frozen=True)
class Trend:
    id: str
    title: str
    unit: str
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    target_points: str  # SVG polyline points of the targets by year ("" when none are set)
    target_level: float | None  # y of the programme's target, when there is one
    target: float | None


def _yearly_targets(row: IndicatorRow) -> list[float | None]:
    """The target each year's cumulative figure is measured against (running total for sums)."""
    out: list[float | None] = []
    running = 0.0
    latest = row.indicator.aggregation == Aggregation.LATEST
    for p in row.trend:
        if p.target is None:
            out.append(None)
            continue
        running = p.target if latest else running + p.target
        out.append(running)
    return out


def trend_chart(row: IndicatorRow) -> Trend:
    """The geometry of ``row``'s trend chart.

    >>> from types import SimpleNamespace as N
    >>> from chacra.monitoring.report import YearPoint
    >>> row = N(indicator=N(code="F", aggregation="sum", unit="ha"), target=40.0,
    ...         trend=[YearPoint(2014, 10, 10, 20), YearPoint(2015, 10, 20, 20)])
    >>> t = trend_chart(row)
    >>> [round(b.height) for b in t.bars], round(t.target_level or 0), t.target_points
    ([50, 100], 24, '165.0,124.0 475.0,24.0')
    """
    targets = _yearly_targets(row)
    values = [p.cumulative for p in row.trend]
    top = max([*values, *(t for t in targets if t is not None), row.target or 0.0, 0.0])
    scale = HEIGHT / top if top > 0 else 0.0
    base = TOP + HEIGHT
    step = (WIDTH - 2 * LEFT) / max(len(values), 1)
    bars, labels, points = [], [], []
    for i, p in enumerate(row.trend):
        centre = LEFT + i * step + step / 2
        height = p.cumulative * scale
        bars.append(
            Bar("cumulative", 0, str(p.year), p.cumulative, LEFT + i * step + step * 0.15,
                base - height, step * 0.7, height, centre, base - height - 5)
        )  # fmt: skip
        labels.append(Label(str(p.year), centre, base + 16))
        if targets[i] is not None:
            points.append(f"{centre:.1f},{base - (targets[i] or 0) * scale:.1f}")
    return Trend(
        id=f"trend-{row.indicator.code}",
        title=_("%(code)s: cumulative by year against the target") % {"code": row.indicator.code},
        unit=row.indicator.unit, width=WIDTH, height=base + 24, bars=bars, labels=labels,
        target_points=" ".join(points),
        target_level=base - row.target * scale if row.target is not None else None,
        target=row.target,
    )  # fmt: skip
