"""The investor report: hexagon map, distritos, forecast and carbon, as PDF or XLSX.

Built from the same selectors as the workspace, so it holds aggregates only.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from chacra.accounts.scope import Scope
from chacra.errors import InvalidInput
from chacra.insights import selectors
from chacra.insights.data import reuse_tables


def investor_figures(*, scope: Scope, region: str | None, resolution: int = 6) -> dict[str, Any]:
    with reuse_tables():
        return _figures(scope, region, resolution)


def _figures(scope: Scope, region: str | None, resolution: int) -> dict[str, Any]:
    return {
        "hexagons": selectors.concentration_hexagons(
            scope=scope, region=region, resolution=resolution
        ),
        "distritos": selectors.concentration_distritos(scope=scope, region=region),
        "forecast": selectors.forecast_by_region(scope=scope, region=region),
        "carbon": selectors.carbon_by_year(scope=scope, region=region),
    }


def _sheets(f: dict[str, Any]) -> dict[str, list[list[Any]]]:
    names = list(selectors.FIGURES)
    hexes, dist, fc, co = f["hexagons"], f["distritos"], f["forecast"], f["carbon"]
    return {
        "Hexagons": [["h3_cell", *names, "hot_spot_z"]]
        + [[r["key"], *(r[k] for k in names), r.get("hot_spot_z")] for r in hexes.rows]
        + [["suppressed", *(hexes.suppressed[k] for k in names), None]],
        "Distritos": [["distrito", *names]]
        + [[r["key"], *(r[k] for k in names)] for r in dist.rows]
        + [["suppressed", *(dist.suppressed[k] for k in names)]],
        "Forecast (t)": [["region", *fc["years"]]]
        + [[r, *v] for r, v in fc["by_region"].items()]
        + [[f"purchases {r}", *v] for r, v in fc["purchases_t"].items()],
        "Carbon (tCO2e)": [
            ["", *co["years"]],
            ["removals", *co["removals"]],
            ["emissions", *co["emissions"]],
            ["net", *co["net"]],
        ],
        "Coefficients": [["key", "value", "unit", "source"]]
        + [[c["key"], c["value"], c["unit"], c["source"]] for c in co["coefficients"]],
    }


def write_report(figures: dict[str, Any], out: Path, title: str) -> None:
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for name, rows in _sheets(figures).items():
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(row)
        book.save(out)
    elif suffix == ".pdf":
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_pdf import PdfPages

        from chacra.insights.drawing import carbon_chart, forecast_chart, hexagon_png

        with PdfPages(out) as pdf:
            png = hexagon_png(figures["hexagons"], title=title)
            fig = plt.figure(figsize=(8.27, 11.69))
            fig.figimage(plt.imread(io.BytesIO(png)), xo=40, yo=200)
            fig.text(0.05, 0.95, title, fontsize=14)
            pdf.savefig(fig)
            plt.close(fig)
            fig = plt.figure(figsize=(8.27, 11.69))
            charts = [
                forecast_chart(figures["forecast"], title="Production forecast (t of dry beans)"),
                carbon_chart(figures["carbon"], title="Carbon balance (tCO2e)"),
            ]
            for i, chart in enumerate(charts):
                fig.figimage(plt.imread(io.BytesIO(chart)), xo=40, yo=640 - 420 * i)
            pdf.savefig(fig)
            plt.close(fig)
            for name, rows in _sheets(figures).items():
                fig, ax = plt.subplots(figsize=(11.69, 8.27))
                ax.axis("off")
                ax.set_title(name)
                shown = [[_cell(v) for v in row] for row in rows[:40]]
                width = max(len(r) for r in shown)
                shown = [r + [""] * (width - len(r)) for r in shown]
                table = ax.table(cellText=shown, loc="upper center")
                table.auto_set_font_size(False)
                table.set_fontsize(6)
                pdf.savefig(fig)
                plt.close(fig)
    else:
        raise InvalidInput(f"--out {out.name}: use a .pdf or .xlsx file", field="out")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    return "" if value is None else str(value)[:60]
