"""The indicator report as a spreadsheet (openpyxl) and as a PDF (matplotlib): aggregates only."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from chacra.monitoring.report import IndicatorRow

FILL = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}
PDF_COLOUR = {"green": "#c6efce", "amber": "#ffeb9c", "red": "#ffc7ce", "none": "#ffffff"}


def status_label(status: str) -> str:
    return {
        "green": _("met"), "amber": _("close"), "red": _("behind"), "none": _("no target")
    }[status]  # fmt: skip


def table_headings() -> list[str]:
    return [_("Code"), _("Indicator"), _("Unit"), _("Target"), _("Achieved"), _("% achieved"),
            _("Status")]  # fmt: skip


def table_row(r: IndicatorRow) -> list[Any]:
    i = r.indicator
    return [i.code, i.name, i.unit, r.target, r.achieved, r.percent, status_label(r.status)]


def _header(sheet: Any, headings: list[str]) -> None:
    sheet.append(headings)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def report_xlsx(rows: list[IndicatorRow], title: str) -> bytes:
    """Sheets: the indicator table, then each indicator by region, by sex and by year."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("indicators")[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    _header(sheet, table_headings())
    for r in rows:
        sheet.append(table_row(r))
        if r.status in FILL:
            sheet.cell(sheet.max_row, 7).fill = PatternFill("solid", fgColor=FILL[r.status])
    regions = book.create_sheet(_("by region")[:31])
    _header(regions, [_("Code"), _("Indicator"), _("Region"), _("Achieved")])
    sexes = book.create_sheet(_("by sex")[:31])
    _header(sexes, [_("Code"), _("Indicator"), _("Sex"), _("Achieved")])
    years = book.create_sheet(_("by year")[:31])
    _header(years, [_("Code"), _("Indicator"), _("Year"), _("In the year"), _("Cumulative"),
                    _("Target")])  # fmt: skip
    sex_names = {"F": _("Female"), "M": _("Male")}
    for r in rows:
        code, name = r.indicator.code, r.indicator.name
        for region, value in r.by_region.items():
            regions.append([code, name, region, value])
        for sex, value in r.by_sex.items():
            sexes.append([code, name, sex_names.get(sex, sex), value])
        for p in r.trend:
            years.append([code, name, p.year, p.value, p.cumulative, p.target])
    for ws in book.worksheets:
        ws.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}".rstrip("0").rstrip(".")


def report_pdf(rows: list[IndicatorRow], title: str) -> bytes:
    """An A4 landscape page: the table with status colours, and % of target as bars."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    out = io.BytesIO()
    with PdfPages(out, metadata={"Title": title}) as pdf:
        fig = Figure(figsize=(11.69, 8.27))
        fig.text(0.04, 0.95, title, fontsize=15, weight="bold")
        ax = fig.add_axes((0.03, 0.08, 0.62, 0.84))
        ax.axis("off")
        cells = [
            [r.indicator.code, r.indicator.name[:70], r.indicator.unit, _number(r.target),
             _number(r.achieved), _number(r.percent), status_label(r.status)]
            for r in rows
        ]  # fmt: skip
        if cells:
            table = ax.table(cellText=cells, colLabels=table_headings(), loc="upper center",
                             cellLoc="left", colLoc="center",
                             colWidths=[0.05, 0.55, 0.09, 0.09, 0.09, 0.06, 0.07])  # fmt: skip
            table.auto_set_font_size(False)
            table.set_fontsize(6)
            table.scale(1, 1.5)
            for n, r in enumerate(rows, start=1):
                table[n, 6].set_facecolor(PDF_COLOUR[r.status])
        bars = fig.add_axes((0.72, 0.08, 0.25, 0.84))
        shown = [r for r in rows if r.percent is not None][::-1]
        bars.barh(
            [r.indicator.code for r in shown], [r.percent or 0 for r in shown],
            color=[PDF_COLOUR[r.status] for r in shown], edgecolor="#555555",
        )  # fmt: skip
        bars.axvline(100, color="#333333", linewidth=0.8)
        bars.set_title(_("% of target"), fontsize=9)
        bars.tick_params(labelsize=7)
        pdf.savefig(fig)
        trended = [r for r in rows if r.trend]
        if trended:
            pdf.savefig(_trend_page(trended, title))
    return out.getvalue()


def _trend_page(rows: list[IndicatorRow], title: str) -> Any:
    """Each indicator's cumulative figure by year as columns, its target as a dashed level."""
    from matplotlib.figure import Figure

    columns = 4
    lines = -(-len(rows) // columns)
    fig = Figure(figsize=(11.69, 8.27))
    fig.suptitle(f"{title}: " + _("trend over the years"), fontsize=12, weight="bold")
    axes = fig.subplots(lines, columns, squeeze=False)
    for ax, r in zip(axes.flat, rows, strict=False):
        years = [str(p.year) for p in r.trend]
        ax.bar(years, [p.cumulative for p in r.trend], color=PDF_COLOUR[r.status],
               edgecolor="#555555")  # fmt: skip
        if r.target is not None:
            ax.axhline(r.target, color="#333333", linewidth=0.8, linestyle="--")
        ax.set_title(f"{r.indicator.code} ({r.indicator.unit})", fontsize=7)
        ax.tick_params(labelsize=5)
    for ax in list(axes.flat)[len(rows) :]:
        ax.axis("off")
    fig.subplots_adjust(hspace=0.6, wspace=0.3)
    return fig
