"""Pages, API and the map overlay on the demo: what each role sees, and what it must not."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from chacra.nurseries.models import (
    Batch,
    BatchKind,
    Distribution,
    MaterialSource,
    Nursery,
    NurseryKind,
    PlantingMaterial,
)
from chacra.registry.models import Plot, Producer

PRODUCER_CODE = re.compile(r"\bP\d{6}\b")


def _all(client: Any, url: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


def test_the_demo_traces_grafts_to_sources_and_counts_add_up(demo_db: Any) -> None:
    assert PlantingMaterial.objects.filter(graft__isnull=False).exists()
    given_budwood = Batch.objects.filter(kind=BatchKind.BUDWOOD, distributions__isnull=False)
    assert not given_budwood.filter(source__isnull=True).exists()
    batches = Batch.objects.annotate(given=Coalesce(Sum("distributions__count"), 0))
    assert [b.code for b in batches if b.taken != b.given + b.lost or b.taken > b.count] == []
    donations = Distribution.objects.filter(obligation__gt=0).annotate(
        back=Coalesce(Sum("returns__count"), 0)
    )
    assert [d.code for d in donations if d.obligation != 2 * d.count or d.returned != d.back] == []


def test_the_map_overlay_draws_nurseries_without_operators(login: Any) -> None:
    body = login("investor").get(reverse("map-overlay", kwargs={"name": "nurseries"})).json()
    features = body["features"]
    assert len(features) == Nursery.objects.filter(location__isnull=False).count() > 0
    assert {f["properties"]["kind"] for f in features} == {"farmer", "municipal", "private"}
    assert all(f["geometry"]["type"] == "Point" for f in features)
    assert not PRODUCER_CODE.search(str(body))


def test_farmer_nursery_operators_are_named_to_those_who_see_them(login: Any) -> None:
    farmer = Nursery.objects.filter(kind=NurseryKind.FARMER).first()
    assert farmer is not None
    code = farmer.operator_producer.code
    url = reverse("nursery-detail", args=[farmer.pk])
    assert code in login("staff").get(url).content.decode()
    assert code not in login("investor").get(url).content.decode()
    listed = {
        n["code"]: n for n in login("investor").get(reverse("api:nursery-list")).json()["results"]
    }
    assert listed[farmer.code]["operator"] == ""
    staff = {
        n["code"]: n for n in login("staff").get(reverse("api:nursery-list")).json()["results"]
    }
    assert staff[farmer.code]["operator"] == code
    held = Batch.objects.filter(nursery=farmer).values_list("count", "taken")
    assert sum(staff[farmer.code]["stock"].values()) == sum(c - t for c, t in held)


def test_the_producer_card_shows_clones_with_their_origin(login: Any) -> None:
    traced = PlantingMaterial.objects.filter(
        graft__isnull=False, distribution__batch__source__isnull=False
    )
    link = traced.select_related(
        "distribution__batch__source", "distribution__batch__nursery", "graft__plot"
    ).first()
    assert link is not None
    batch = link.distribution.batch
    body = login("staff").get(reverse("producer-detail", args=[link.graft.plot.producer_id]))
    html = body.content.decode()
    section = html[html.index('id="clone-origins"') :]
    assert batch.source.code in section
    assert batch.nursery.name in section
    assert batch.code in section


def test_an_agent_lists_only_her_producers_distributions(login: Any) -> None:
    agent = get_user_model().objects.get(username="agent-sm-01")
    mine = Distribution.objects.filter(producer__agents=agent)
    page = login("agent-sm-01").get(reverse("nursery-distributions"))
    assert page.context["page"].paginator.count == mine.count() > 0
    rows = _all(login("agent-sm-01"), reverse("api:distribution-list") + "?kind=plantain")
    assert {r["code"] for r in rows} == set(
        mine.filter(batch__kind="plantain").values_list("code", flat=True)
    )


def test_a_regional_office_gets_its_regions_distributions(login: Any) -> None:
    rows = _all(login("regional-sm"), reverse("api:distribution-list") + "?kind=budwood")
    producers = {r["producer"] for r in rows}
    assert producers
    regions = set(
        Producer.objects.filter(code__in=producers).values_list(
            "comunidad__distrito__provincia__departamento__ubigeo", flat=True
        )
    )
    assert regions == {"22"}


def test_the_plantain_ledger_names_producers_only_to_roles_that_see_them(login: Any) -> None:
    investor = login("investor")
    page = investor.get(reverse("nursery-plantain")).content.decode()
    assert 'id="by-region"' in page
    assert 'id="by-producer"' not in page
    assert not PRODUCER_CODE.search(page)
    api = investor.get(reverse("api:plantain-ledger-list")).json()
    assert api["by_producer"] == []
    assert api["cascades"] == []
    staff = login("staff").get(reverse("api:plantain-ledger-list")).json()
    assert api["totals"] == staff["totals"]  # aggregates are programme-wide
    assert staff["totals"]["owed"] == 2 * staff["totals"]["received"]
    assert max(int(g) for g in staff["reached_generations"]) >= 3
    assert staff["by_producer"][0]["outstanding"] >= staff["by_producer"][-1]["outstanding"]
    regional = login("regional-sm").get(reverse("api:plantain-ledger-list")).json()
    assert [r["label"] for r in regional["by_region"]] == ["San Martín"]


def test_demand_vs_stock_shows_each_regions_shortfalls(login: Any) -> None:
    body = login("investor").get(reverse("api:nursery-demand-list")).json()
    regions = {t["region"] for t in body["totals"]}
    assert regions == {"Huánuco", "San Martín", "Ucayali"}
    assert any(t["shortfall"] > 0 for t in body["totals"] if t["material"] == "budwood")
    for t in body["totals"]:
        assert t["needed"] == t["supplied"] + t["shortfall"]
    page = login("investor").get(reverse("nursery-demand"))
    assert page.status_code == 200
    assert 'id="demand-months"' in page.content.decode()


def test_a_batch_page_tells_investors_regions_not_plots(login: Any) -> None:
    batch = Batch.objects.filter(nursery__isnull=False, kind="plantain").first()
    assert batch is not None
    investor = login("investor").get(reverse("nursery-batch", args=[batch.pk]))
    html = investor.content.decode()
    assert 'id="by-region"' in html
    assert not PRODUCER_CODE.search(html)
    staff = login("staff").get(reverse("nursery-batch", args=[batch.pk])).content.decode()
    assert 'id="reached"' in staff
    returned = Batch.objects.filter(repays__isnull=False).first()
    assert login("investor").get(reverse("nursery-batch", args=[returned.pk])).status_code == 404


def test_plot_lineage_in_the_api(login: Any) -> None:
    agent = get_user_model().objects.get(username="agent-sm-01")
    link = PlantingMaterial.objects.filter(
        graft__isnull=False, graft__plot__producer__agents=agent,
        distribution__batch__source__isnull=False,
    ).select_related("graft__plot", "distribution__batch__source").first()  # fmt: skip
    assert link is not None
    body = (
        login("agent-sm-01")
        .get(reverse("api:plot-lineage-detail", args=[link.graft.plot_id]))
        .json()
    )
    graft = next(c for c in body["chains"] if c["use"] == "graft")
    assert graft["steps"][-1]["code"] == link.distribution.batch.source.code
    assert body["comparison"]["model"] == "AF-ALIANZA"
    assert {c["material"] for c in body["comparison"]["components"]} == {
        "cacao_seedling", "budwood", "plantain", "timber",
    }  # fmt: skip


def test_forward_from_a_source_in_the_api(login: Any) -> None:
    source = MaterialSource.objects.filter(batches__distributions__isnull=False).first()
    assert source is not None
    body = login("staff").get(reverse("api:material-source-lineage", args=[source.pk])).json()
    reached = Distribution.objects.filter(batch__source=source)
    assert {r["distribution"] for r in body["reached"]} >= set(
        reached.values_list("code", flat=True)
    )
    assert body["hidden_plots"] == 0


def test_recording_a_distribution_and_a_return_through_the_api(login: Any) -> None:
    """An agent records a donation of plantain to one of her producers, then its return; the
    batch never gives more than it holds."""
    agent = get_user_model().objects.get(username="agent-sm-01")
    plot = Plot.objects.filter(producer__agents=agent).order_by("code").last()
    batch = Batch.objects.filter(
        kind=BatchKind.PLANTAIN, nursery__distrito__provincia__departamento__ubigeo="22",
        taken__lt=F("count"),
    ).first()  # fmt: skip
    assert plot is not None
    assert batch is not None
    client = login("agent-sm-01")
    url = reverse("api:distribution-list")
    too_many = {"batch": batch.code, "plot": plot.code, "count": batch.available + 1,
                "date": "2016-06-01", "received_by_agent": "agent-sm-01"}  # fmt: skip
    refused = client.post(url, too_many, content_type="application/json")
    assert refused.status_code == 409
    assert f"accepted: at most {batch.available}" in refused.json()["detail"]
    made = client.post(url, too_many | {"count": 10}, content_type="application/json")
    assert made.status_code == 201, made.json()
    assert made.json()["obligation"] == 20
    returns = reverse("api:distribution-returns", args=[made.json()["id"]])
    back = client.post(
        returns, {"count": 20, "date": "2016-12-01"}, content_type="application/json"
    )
    assert back.status_code == 201, back.json()
    assert back.json()["holder"] == plot.producer.code
    again = client.post(
        returns, {"count": 1, "date": "2016-12-01"}, content_type="application/json"
    )
    assert again.status_code == 409
    assert login("investor").post(url, too_many, content_type="application/json").status_code == 403
