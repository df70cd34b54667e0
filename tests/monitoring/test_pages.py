"""The indicator table page and its XLSX, opened and checked; who may see what."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from chacra.monitoring.models import Indicator, Loan

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_report_table_as_targets(demo_db: Any) -> None:
    codes = list(Indicator.objects.values_list("code", flat=True))
    assert len(codes) == 15
    jobs = Indicator.objects.get(code="F02")
    assert jobs.values.get().note  # entered with its evidence
    assert Indicator.objects.get(code="F09").targets.get().value == 10


def test_indicator_page_shows_target_achieved_and_status(login: Any) -> None:
    response = login("investor").get("/monitoring/")
    assert response.status_code == 200
    rows = {r.indicator.code: r for r, _s in response.context["rows"]}
    families = rows["F01"]
    assert families.achieved == 500  # the small demo's producers
    assert families.target is not None
    assert families.percent == round(100 * families.achieved / families.target, 1)
    assert sum(families.by_region.values()) == families.achieved
    assert sum(families.by_sex.values()) == families.achieved
    assert 'id="indicator-F01"' in response.content.decode()
    assert response.context["charts"]


def test_indicator_xlsx_holds_the_table(login: Any) -> None:
    page = login("staff").get("/monitoring/")
    rows = {r.indicator.code: r for r, _s in page.context["rows"]}
    response = login("investor").get("/monitoring/indicators.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    table = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(table) == set(rows)
    _code, _name, _unit, target, achieved, percent, _status = table["F03"]
    f03 = rows["F03"]
    assert (target, achieved, percent) == (f03.target, f03.achieved, f03.percent)
    by_region = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert sum(r[3] for r in by_region if r[0] == "F03") == pytest.approx(f03.achieved)


def test_indicator_pdf_is_a_pdf(login: Any) -> None:
    response = login("staff").get("/monitoring/indicators.pdf?region=22")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_investors_see_no_producer_names_but_staff_see_loans(login: Any) -> None:
    loan = Loan.objects.select_related("producer").first()
    assert loan is not None
    name = loan.producer.surnames
    for url in ("/monitoring/", "/monitoring/coinvestment/", "/monitoring/api/indicators/"):
        body = login("investor").get(url).content.decode()
        assert name not in body
    assert login("investor").get("/monitoring/finance/").status_code == 403
    staff = login("staff").get("/monitoring/finance/")
    assert staff.status_code == 200
    assert staff.context["page"].paginator.count == Loan.objects.count()


def test_api_returns_the_report(login: Any) -> None:
    data = login("buyer").get("/monitoring/api/indicators/").json()["indicators"]
    assert {d["code"] for d in data} >= {"F01", "F08", "F15"}
    assert login(None).get("/monitoring/api/indicators/").status_code == 403


def test_indicator_page_draws_the_trend_against_the_target(login: Any) -> None:
    response = login("investor").get("/monitoring/indicators/F01/")
    assert response.status_code == 200
    row, trend = response.context["row"], response.context["trend"]
    assert [b.category for b in trend.bars] == [str(p.year) for p in row.trend]
    assert [b.value for b in trend.bars] == [p.cumulative for p in row.trend]
    assert row.trend[-1].cumulative == row.achieved  # families add up, year after year
    body = response.content.decode()
    assert body.count('class="bar s0"') == len(row.trend)
    assert f'data-value="{row.target}"' in body  # the target's dashed level
    assert "<script" not in body.split('id="trend-F01"')[1].split("</figure>")[0]
    assert login("investor").get("/monitoring/indicators/NOPE/").status_code == 404


def test_indicator_xlsx_breakdowns_sum_to_the_table(login: Any) -> None:
    rows = {r.indicator.code: r for r, _s in login("staff").get("/monitoring/").context["rows"]}
    book = load_workbook(io.BytesIO(login("staff").get("/monitoring/indicators.xlsx").content))
    by_sex = list(book.worksheets[2].iter_rows(min_row=2, values_only=True))
    by_year = list(book.worksheets[3].iter_rows(min_row=2, values_only=True))
    checked = 0
    for code, row in rows.items():
        sheet_sex = [r[3] for r in by_sex if r[0] == code]
        assert sum(sheet_sex) == pytest.approx(row.achieved if row.by_sex else 0), code
        if row.indicator.aggregation == "sum" and row.trend:
            years = [r for r in by_year if r[0] == code]
            assert sum(r[3] for r in years) == pytest.approx(row.achieved), code
            assert years[-1][4] == pytest.approx(row.achieved), code
            checked += 1
    assert checked >= 5


def test_indicator_pdf_has_a_page_of_trends(login: Any) -> None:
    pdf = login("staff").get("/monitoring/indicators.pdf").content
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 2  # the table, then the trends
