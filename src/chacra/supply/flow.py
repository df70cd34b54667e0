"""The flow diagram of a trace, as server-side SVG: distritos of origin on the left, each step
in a column by how far it is from the traced lot or shipment, the lot or shipment on the right.
Bands are as wide as the kilos of the traced lot that flow along them (no names, no plots).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _

from chacra.supply.selectors import TraceReport

MAX_PER_COLUMN = 24
WIDTH, COLUMN, BOX, GAP = 960, 150, 12, 6


@dataclass
class _Node:
    key: str
    label: str
    kg: float
    column: int
    y: float = 0.0
    h: float = 0.0


def flow_svg(report: TraceReport) -> str:
    """An SVG of how the kilos of a trace flowed (needs ``trace_report(..., flows=True)``)."""
    trace = report.trace
    if not trace.flows:
        return ""
    steps = {s.id: s for s in report.steps}
    target_key = f"{report.kind}:{trace.id}"
    # depth of each step: the longest path from it to the target
    out_edges: dict[int, set[int | None]] = defaultdict(set)
    for f in trace.flows:
        if f.source == "lot" and f.source_step is not None:
            out_edges[f.source_step].add(f.step_id)
    depth: dict[int | None, int] = {None: 0}
    if report.kind == "lot":
        root = report.target.step_id  # type: ignore[union-attr]
        depth[root] = 1
    for step in sorted(trace.step_ids, reverse=True):
        nexts = out_edges.get(step, set())
        depth[step] = max([depth.get(n, 0) + 1 for n in nexts] + [depth.get(step, 1)])
    columns = max(depth.values()) + 2  # + origins
    nodes: dict[str, _Node] = {
        target_key: _Node(target_key, f"{report.target.code} · {report.kg} kg", float(report.kg), 0)
    }
    bands: dict[tuple[str, str], float] = defaultdict(float)

    def step_key(step: int | None) -> str:
        if step is None or (report.kind == "lot" and step == report.target.step_id):  # type: ignore[union-attr]
            return target_key
        return f"step:{step}"

    for f in trace.flows:
        into = step_key(f.step_id)
        if f.source == "lot":
            source = step_key(f.source_step)
            bands[(source, into)] += float(f.kg)
    # origins: each purchase's flow split over its plots' distritos
    area_of = _plot_distritos(report)
    per_purchase: dict[int, float] = defaultdict(float)
    for o in trace.origins:
        per_purchase[o.purchase_id] += o.kg
    plot_share: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for o in trace.origins:
        total = per_purchase[o.purchase_id] or 1.0
        plot_share[o.purchase_id].append((area_of.get(o.plot_id, "?"), o.kg / total))
    for f in trace.flows:
        if f.source == "purchase":
            for distrito, share in plot_share.get(f.source_id, []):
                bands[(f"area:{distrito}", step_key(f.step_id))] += float(f.kg) * share
    for (source, into), kg in bands.items():
        for key in (source, into):
            if key not in nodes:
                if key.startswith("area:"):
                    nodes[key] = _Node(key, key[5:], 0.0, columns - 1)
                else:
                    line = steps.get(int(key[5:]))
                    label = f"{line.label} {line.date:%d-%m}" if line else key
                    column = depth.get(int(key[5:]), 1)
                    nodes[key] = _Node(key, label, 0.0, column)
        nodes[source].kg += kg
    _layout(nodes, columns)
    return _draw(nodes, bands, columns)


def _plot_distritos(report: TraceReport) -> dict[int, str]:
    from chacra.registry.models import Plot

    return dict(
        Plot.objects.filter(pk__in=list(report.trace.by_plot())).values_list(
            "pk", "comunidad__distrito__name"
        )
    )


def _layout(nodes: dict[str, _Node], columns: int) -> None:
    by_column: dict[int, list[_Node]] = defaultdict(list)
    for n in nodes.values():
        by_column[n.column].append(n)
    height = 0.0
    for column, members in by_column.items():
        members.sort(key=lambda n: -n.kg)
        if len(members) > MAX_PER_COLUMN:  # fold the smallest into one box
            rest = members[MAX_PER_COLUMN - 1 :]
            folded = _Node(f"rest:{column}", _("%(n)s more") % {"n": len(rest)},
                           sum(n.kg for n in rest), column)  # fmt: skip
            for n in rest:
                n.key = folded.key
            members[MAX_PER_COLUMN - 1 :] = [folded]
            nodes[folded.key] = folded
        total = sum(n.kg for n in members) or 1.0
        y = 20.0
        for n in members:
            n.h = max(BOX, 360.0 * n.kg / total)
            n.y = y
            y += n.h + GAP
        height = max(height, y)
    nodes["_height"] = _Node("_height", "", height, -1)


def _draw(nodes: dict[str, _Node], bands: dict[tuple[str, str], float], columns: int) -> str:
    height = nodes.pop("_height").kg + 20
    step = (WIDTH - COLUMN) / max(1, columns - 1)

    def x(column: int) -> float:
        return (columns - 1 - column) * step

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow" width="{WIDTH}" '
        f'height="{height:.0f}" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-label="{escape(_("Flow of kilos"))}">'
    ]
    scale = {k: (n.h / n.kg if n.kg else 0.0) for k, n in nodes.items()}
    offset_out: dict[str, float] = defaultdict(float)
    offset_in: dict[str, float] = defaultdict(float)
    for (source, into), kg in sorted(bands.items(), key=lambda b: -b[1]):
        a, b = nodes[source], nodes[into]
        a = nodes.get(a.key, a)
        b = nodes.get(b.key, b)
        w = max(1.0, kg * scale.get(a.key, 0.0))
        y0 = a.y + offset_out[a.key] + w / 2
        y1 = b.y + offset_in[b.key] + w / 2
        offset_out[a.key] += w
        offset_in[b.key] += w
        x0, x1 = x(a.column) + COLUMN * 0.8, x(b.column)
        mid = (x0 + x1) / 2
        parts.append(
            f'<path d="M{x0:.1f} {y0:.1f} C{mid:.1f} {y0:.1f} {mid:.1f} {y1:.1f} {x1:.1f} '
            f'{y1:.1f}" stroke="#c8a165" stroke-opacity=".55" stroke-width="{w:.1f}" '
            f'fill="none"><title>{kg:.2f} kg</title></path>'
        )
    for n in {id(n): n for n in nodes.values()}.values():
        if nodes.get(n.key) is not n:
            continue
        parts.append(
            f'<g class="node"><rect x="{x(n.column):.1f}" y="{n.y:.1f}" width="{COLUMN * 0.8:.1f}"'
            f' height="{n.h:.1f}" fill="#7a4a1e" rx="2"/><text x="{x(n.column) + 4:.1f}" '
            f'y="{n.y + 11:.1f}" font-size="10" fill="#fff">{escape(n.label)}</text>'
            f'<text x="{x(n.column) + 4:.1f}" y="{n.y + 23:.1f}" font-size="10" fill="#fff">'
            f"{n.kg:,.0f} kg</text>"
            f"<title>{escape(n.label)}: {n.kg:.2f} kg</title></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
