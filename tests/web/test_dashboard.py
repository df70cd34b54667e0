"""The dashboard: live figures equal to sums made independently, charts that draw them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope
from chacra.registry.models import CloneGroup, Graft, Planting, Plot, Producer
from chacra.registry.selectors import programme_figures, programme_totals, totals_by_region
from chacra.web.charts import Series, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"


def _independent_sums() -> dict[str, Any]:
    """Every figure summed row by row in Python, keyed by (figure, region name, sex)."""
    producers = {
        p.pk: (p.comunidad.distrito.provincia.departamento.name, p.sex, p.household_size or 0)
        for p in Producer.objects.select_related("comunidad__distrito__provincia__departamento")
    }
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)

    def add(figure: str, producer_id: int, value: Any) -> None:
        region, sex, _ = producers[producer_id]
        for key in (
            (figure, "", ""),
            (figure, region, ""),
            (figure, "", sex),
            (figure, region, sex),
        ):
            sums[key] += Decimal(str(value))

    for pk, (_, _, household) in producers.items():
        add("producers", pk, 1)
        add("household_members", pk, household)
    for plot in Plot.objects.all():
        add("plots", plot.producer_id, 1)
        if plot.boundary is not None:
            add("plots_mapped", plot.producer_id, 1)
            add("hectares_georeferenced", plot.producer_id, plot.area_ha)
    for planting in Planting.objects.select_related("plot"):
        add("hectares_installed", planting.plot.producer_id, planting.cacao_installed_ha)
        if planting.forestry_ha > 0:
            add("hectares_agroforestry", planting.plot.producer_id, planting.cacao_installed_ha)
    for graft in Graft.objects.select_related("plot", "clone"):
        if graft.clone.group == CloneGroup.FINE_FLAVOUR:
            add("hectares_grafted_fine_flavour", graft.plot.producer_id, graft.grafted_ha)
    return sums


FIGURES = [
    "producers",
    "household_members",
    "plots",
    "plots_mapped",
    "hectares_installed",
    "hectares_agroforestry",
    "hectares_grafted_fine_flavour",
    "hectares_georeferenced",
]


def test_programme_figures_equal_sums_made_row_by_row(demo_db: Any) -> None:
    sums = _independent_sums()
    figures = programme_figures(scope=Scope(role=Role.INVESTOR))

    for figure in FIGURES:
        assert figures.totals[figure] == pytest.approx(float(sums[figure, "", ""]), abs=0.01)
        for row in figures.by_region:
            expected = float(sums[figure, row["region"], ""])
            assert row[figure] == pytest.approx(expected, abs=0.01), (figure, row["region"])
        for row in figures.by_sex:
            expected = float(sums[figure, "", row["sex"]])
            assert row[figure] == pytest.approx(expected, abs=0.01), (figure, row["sex"])
    # one family per registered producer: the record has no household id to join them
    assert figures.totals["families"] == Producer.objects.count()
    assert figures.totals["hectares_installed_female"] == pytest.approx(
        float(sums["hectares_installed", "", "F"]), abs=0.01
    )
    assert {r["region"] for r in figures.by_region} == {"Huánuco", "San Martín", "Ucayali"}


def test_planting_years_add_up_to_the_hectares_installed(demo_db: Any) -> None:
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    for planting in Planting.objects.all():
        by_year[planting.installed_on.year] += planting.cacao_installed_ha

    years = programme_figures(scope=Scope(role=Role.STAFF)).by_planting_year

    assert [y["year"] for y in years] == sorted(by_year)
    for y in years:
        assert y["hectares_installed"] == pytest.approx(float(by_year[y["year"]]), abs=0.01)


def test_the_older_selectors_agree_with_the_figures(demo_db: Any) -> None:
    scope = Scope(role=Role.STAFF)
    figures = programme_figures(scope=scope)
    assert programme_totals(scope=scope) == figures.totals
    assert totals_by_region(scope=scope) == figures.by_region
    region = figures.by_region[0]
    assert programme_totals(scope=scope, region=region["ubigeo"]) == {
        k: v for k, v in region.items() if k not in ("region", "ubigeo")
    }


def test_figures_take_the_same_few_queries_whatever_the_regions(
    demo_db: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        programme_figures(scope=Scope(role=Role.INVESTOR))


def test_an_agent_counts_only_her_producers(demo_db: Any) -> None:
    from django.contrib.auth import get_user_model

    agent = get_user_model().objects.get(username="agent-sm-01")
    scope = Scope(role=Role.AGENT, user_id=agent.pk, region_id=agent.profile.region_id)
    figures = programme_figures(scope=scope)
    assert figures.totals["producers"] == Producer.objects.filter(agents=agent).count()
    assert [r["region"] for r in figures.by_region] == ["San Martín"]


# --- the page ---------------------------------------------------------------------------------


def _page(login: Any, username: str, language: str) -> tuple[Any, str]:
    client = login(username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, response.content.decode()


def _charts(body: str) -> dict[str, ET.Element]:
    """Each chart's <svg>, parsed as XML (which also proves it well formed), by figure id."""
    found = re.findall(r'<figure class="chart" id="([\w-]+)">.*?(<svg .*?</svg>)', body, re.S)
    # our own page, not untrusted input
    return {chart_id: ET.fromstring(svg) for chart_id, svg in found}  # noqa: S314


def _bars(svg: ET.Element, series: str) -> dict[str, float]:
    return {
        rect.get("data-category", ""): float(rect.get("data-value", "nan"))
        for rect in svg.iter(f"{SVG}rect")
        if rect.get("data-series") == series
    }


def test_the_charts_draw_one_bar_per_region_with_its_value(login: Any) -> None:
    sums = _independent_sums()
    _, body = _page(login, "investor", "en")

    charts = _charts(body)
    assert set(charts) == {
        "chart-region-hectares",
        "chart-region-producers",
        "chart-sex-hectares",
        "chart-planting-years",
    }
    regions = {"Huánuco", "San Martín", "Ucayali"}
    for series in ("hectares_installed", "hectares_grafted_fine_flavour", "hectares_georeferenced"):
        bars = _bars(charts["chart-region-hectares"], series)
        assert set(bars) == regions
        for region, value in bars.items():
            assert value == pytest.approx(float(sums[series, region, ""]), abs=0.01)
    women = _bars(charts["chart-region-producers"], "producers_female")
    assert women == {r: pytest.approx(float(sums["producers", r, "F"])) for r in regions}
    installed = _bars(charts["chart-sex-hectares"], "hectares_installed")
    assert installed == {
        "Female": pytest.approx(float(sums["hectares_installed", "", "F"]), abs=0.01),
        "Male": pytest.approx(float(sums["hectares_installed", "", "M"]), abs=0.01),
    }


def test_bar_lengths_are_proportional_to_values(login: Any) -> None:
    _, body = _page(login, "staff", "en")
    svg = _charts(body)["chart-region-hectares"]
    rects = [r for r in svg.iter(f"{SVG}rect") if r.get("data-series")]
    per_unit = {round(float(r.get("width", 0)) / float(r.get("data-value", 1)), 2) for r in rects}
    assert len(per_unit) == 1  # one scale for every bar of the chart
    widest = max(float(r.get("width", 0)) for r in rects)
    assert widest <= float(svg.get("width", 0))


def test_chart_layout_by_hand() -> None:
    chart = bar_chart(
        id="c", title="t", categories=["a", "b"], series=[Series("x", "x", [5, 10])], unit="ha"
    )
    assert [b.width for b in chart.bars] == [chart.bars[1].width / 2, chart.bars[1].width]
    assert chart.bars[0].y < chart.bars[1].y
    columns = column_chart(id="y", title="t", categories=["2013", "2014"], values=[0, 4], key="h")
    assert columns.bars[0].height == 0
    assert columns.bars[1].y + columns.bars[1].height == columns.bars[0].y  # a common baseline
    empty = bar_chart(id="e", title="t", categories=["a"], series=[Series("x", "x", [0])])
    assert empty.bars[0].width == 0  # no division by zero when nothing is there yet


def test_the_page_in_english(login: Any) -> None:
    response, body = _page(login, "investor", "en")
    totals = response.context["totals"]

    assert '<html lang="en">' in body
    assert "Programme at a glance" in body
    assert "Hectares by region" in body
    assert f"{totals['hectares_installed']:,.0f}" in body  # 1,234 in English
    assert f"families ({totals['household_members']:,} people in their households)" in body
    assert ">Female<" in body


def test_the_page_in_spanish(login: Any) -> None:
    response, body = _page(login, "investor", "es")
    totals = response.context["totals"]

    assert '<html lang="es">' in body
    assert "El programa en cifras" in body
    # the sex chart's categories
    assert ">Femenino<" in body
    assert ">Masculino<" in body
    # Spanish groups thousands with a (non-breaking) space and writes a decimal comma
    grouped = f"{totals['hectares_installed']:,.0f}".replace(",", "\xa0")
    assert f"<b>{grouped}</b>" in body
    first = response.context["regions"][0]
    tenths = Decimal(str(first["hectares_installed"])).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert f"<td>{tenths:,}</td>".replace(",", "\xa0").replace(".", ",") in body


def test_no_personal_data_on_the_investors_dashboard(login: Any) -> None:
    _, body = _page(login, "investor", "en")
    for surnames, given, dni in Producer.objects.values_list("surnames", "given_names", "dni")[:50]:
        assert f"{surnames} {given}" not in body
        assert not dni or dni not in body


def test_anonymous_visitors_are_sent_to_log_in(demo_db: Any) -> None:
    response = Client().get(reverse("home"))
    assert response.status_code == 302
