"""Supply pages and API as people use them: trace, origin page, statements, buyers' view."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chacra.accounts.models import Role
from chacra.accounts.services import user_set_role
from chacra.compliance.models import PlotCheck
from chacra.registry.models import Clone, Graft, Membership, Producer
from chacra.supply import services
from chacra.supply.services import buyer_access_grant
from tests.factories import UserFactory
from tests.supply.scenario import Chain

MORE_THAN_TWO_DECIMALS = re.compile(r"-?\d+\.\d{3,}")


def _client(role: Role, name: str) -> tuple[Client, Any]:
    user = UserFactory(username=name)
    user_set_role(actor=None, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def staff(chain: Chain) -> Client:
    return _client(Role.STAFF, "staff-x")[0]


def _personal_strings() -> tuple[set[str], list[str]]:
    dnis = set(Producer.objects.exclude(dni=None).values_list("dni", flat=True))
    names = [
        n
        for p in Producer.objects.all()
        for n in (p.full_name, f"{p.surnames}, {p.given_names}", p.surnames)
    ]
    return dnis, names


@pytest.mark.parametrize("kind", ["lot", "shipment"])
def test_public_origin_page_has_no_personal_data(chain: Chain, kind: str) -> None:
    target = chain.shipment if kind == "shipment" else chain.part_200
    url = reverse(f"origin-{kind}", kwargs={"public_id": target.public_id})
    response = Client().get(url, headers={"accept-language": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    dnis, names = _personal_strings()
    assert not dnis & set(re.findall(r"(?<!\d)\d{8}(?!\d)", html))
    assert not [n for n in names if n in html]
    assert not [c for c in ("TA1", "TA2", "TB1") if c in html]  # plot codes
    assert MORE_THAN_TWO_DECIMALS.findall(html) == []  # no coordinates
    assert "POLYGON" not in html.upper()
    assert "Juanjuí" in html  # the distrito of origin
    assert "fewer than 3" in html  # two producers: not counted out loud
    assert 'class="origin-map"' in html


def test_origin_qr_code_is_svg_of_the_page_address(chain: Chain) -> None:
    url = reverse("origin-qr", kwargs={"kind": "shipment", "public_id": chain.shipment.public_id})
    response = Client().get(url)
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert body.startswith("<svg")
    assert chain.shipment.public_id in body  # in its title: the address it encodes


def test_unknown_public_ids_are_not_found(db: None) -> None:
    assert Client().get(reverse("origin-lot", kwargs={"public_id": "nope"})).status_code == 404


def test_trace_page_shows_plots_steps_and_a_flow_diagram(chain: Chain, staff: Client) -> None:
    html = staff.get(reverse("supply-shipment", args=[chain.shipment.pk])).content.decode()
    assert chain.a.full_name in html
    assert "<svg" in html
    assert 'class="flow"' in html
    assert "Drying" in html or "Secado" in html
    assert "120,00" in html  # TA1's kilos in the shipment (Spanish decimal comma)


def test_lot_compliance_follows_its_plots(chain: Chain, staff: Client) -> None:
    api = reverse("api:supply-shipment-trace", args=[chain.shipment.pk])
    assert staff.get(api).json()["compliance"]["status"] == "unchecked"
    for plot in (chain.a1, chain.a2, chain.b1):
        PlotCheck.objects.create(plot=plot, status="compliant")
    assert staff.get(api).json()["compliance"]["status"] == "compliant"
    PlotCheck.objects.filter(plot=chain.b1).update(status="needs_review")
    body = staff.get(api).json()["compliance"]
    assert body["status"] == "needs_review"
    assert body["kg"] == {"compliant": "200.00", "needs_review": "100.00"}
    PlotCheck.objects.filter(plot=chain.a2).update(status="non_compliant")
    assert staff.get(api).json()["compliance"]["status"] == "non_compliant"


def test_a_buyer_sees_its_shipments_origin_by_distrito_only(chain: Chain) -> None:
    client, user = _client(Role.BUYER, "buyer-x")
    trace = reverse("api:supply-shipment-trace", args=[chain.shipment.pk])
    assert client.get(trace).status_code == 404
    buyer_access_grant(actor=None, user=user, organisation=chain.client)
    body = client.get(trace).json()
    assert body["plots"] == []
    assert body["areas"] == [
        {"region": "San Martín", "distrito": "Juanjuí", "ubigeo": "220601", "kg": "300.00",
         "plots": 3, "producers": 2}
    ]  # fmt: skip
    assert body["kg_outside_your_scope"] == "300.00"
    listed = client.get(reverse("api:supply-shipment-list")).json()["results"]
    assert [s["code"] for s in listed] == [chain.shipment.code]
    lot = client.get(reverse("api:supply-lot-detail", args=[chain.part_300.pk]))
    assert lot.status_code == 200
    assert client.get(reverse("api:supply-lot-detail", args=[chain.part_200.pk])).status_code == 404


def test_purchases_are_recorded_through_the_api(chain: Chain, staff: Client) -> None:
    response = staff.post(
        reverse("api:supply-purchase-list"),
        {"buyer": chain.coop.pk, "receipt_number": "API-1", "date": "2015-06-02",
         "producer": chain.a.pk, "plots": [{"plot": "TA1", "kg": "40"}], "bean_state": "dry",
         "flavour": "fine_flavour", "price_per_kg": "7.50", "premium_per_kg": "0.75"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["amount_paid"] == "330.00"
    refused = staff.post(
        reverse("api:supply-purchase-list"),
        {"buyer": chain.coop.pk, "receipt_number": "API-2", "date": "2015-06-02",
         "producer": chain.a.pk, "plots": [{"plot": "TB1", "kg": "40"}], "bean_state": "dry",
         "flavour": "fine_flavour", "price_per_kg": "7.50"},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 400
    assert refused.json()["field"] == "plots"
    assert "belongs to producer" in refused.json()["detail"]


def test_forward_api_lists_lots_and_shipments(chain: Chain, staff: Client) -> None:
    body = staff.get(reverse("api-supply-producer-forward", args=[chain.b.pk])).json()
    shipment = next(h for h in body["holdings"] if h["kind"] == "shipment")
    assert (shipment["code"], shipment["kg"], shipment["purchased_kg"]) == (
        chain.shipment.code, "100.00", "300.00",
    )  # fmt: skip


def test_statement_page_and_pdf(chain: Chain, staff: Client) -> None:
    html = staff.get(reverse("supply-statement", args=[chain.a.pk])).content.decode()
    assert "R-1" in html
    assert '<th id="paid">2750,00</th>' in html  # 1,000 kg x (2.50 + 0.25)
    assert '<th id="premium">250,00</th>' in html
    pdf = staff.get(reverse("supply-statement-pdf", args=[chain.a.pk]) + "?from=2015-01-01")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    bad = staff.get(reverse("supply-statement", args=[chain.a.pk]) + "?from=junio")
    assert bad.status_code == 400


def test_lot_page_says_where_its_beans_went(chain: Chain, staff: Client) -> None:
    html = staff.get(reverse("supply-lot", args=[chain.dried.pk])).content.decode()
    went = html[html.index('id="went-to"') :]
    assert chain.shipment.code in went
    assert chain.part_300.code in went


def test_lot_forward_api_and_what_a_buyer_sees_of_it(chain: Chain, staff: Client) -> None:
    body = staff.get(reverse("api:supply-lot-forward", args=[chain.dried.pk])).json()
    assert {(h["code"], h["kg"]) for h in body["holdings"]} == {
        (chain.part_300.code, "300.00"), (chain.part_200.code, "200.00"),
        (chain.shipment.code, "300.00"),
    }  # fmt: skip
    kw: dict[str, Any] = {"destination": "Rotterdam", "date": chain.shipment.date}
    ours = services.shipment_make(actor=None, lots=[(chain.part_200, "100")], buyer=chain.client,
                                  container_number="MSCU7654321", **kw)  # fmt: skip
    rival = type(chain.client).objects.create(name="Otra Chocolatera", kind="buyer")
    theirs = services.shipment_make(actor=None, lots=[(chain.part_200, "100")], buyer=rival,
                                    container_number="MSCU7654322", **kw)  # fmt: skip
    client, user = _client(Role.BUYER, "buyer-fwd")
    buyer_access_grant(actor=None, user=user, organisation=chain.client)
    url = reverse("api:supply-lot-forward", args=[chain.part_200.pk])
    assert [h["code"] for h in client.get(url).json()["holdings"]] == [ours.code]
    seen_by_staff = [h["code"] for h in staff.get(url).json()["holdings"]]
    assert sorted(seen_by_staff) == sorted([ours.code, theirs.code])
    page = client.get(reverse("supply-lot", args=[chain.part_200.pk])).content.decode()
    assert ours.code in page
    assert theirs.code not in page
    assert rival.name not in page


def test_a_shipment_shows_the_custody_transfers_of_its_lots(chain: Chain, staff: Client) -> None:
    exporter = type(chain.coop).objects.create(name="Exportadora Prueba", kind="buyer")
    services.custody_transfer(
        actor=None, lot=chain.part_200, to_organisation=exporter, date=chain.shipment.date,
        document="GR-0001-123",
    )  # fmt: skip
    shipped = services.shipment_make(
        actor=None, lots=[(chain.part_200, None)], buyer=chain.client, destination="Rotterdam",
        container_number="MSCU7654321", date=chain.shipment.date,
    )  # fmt: skip
    assert shipped.shipper == exporter
    body = staff.get(reverse("api:supply-shipment-trace", args=[shipped.pk])).json()
    assert body["custody_transfers"] == [
        {"date": str(chain.shipment.date), "lot": chain.part_200.code, "from": chain.coop.name,
         "to": exporter.name, "kg": "200.00", "document": "GR-0001-123"}
    ]  # fmt: skip
    html = staff.get(reverse("supply-shipment", args=[shipped.pk])).content.decode()
    assert "GR-0001-123" in html[html.index('id="transfers"') :]
    lot = staff.get(reverse("api:supply-lot-trace", args=[chain.part_200.pk])).json()
    assert [t["document"] for t in lot["custody_transfers"]] == ["GR-0001-123"]
    first = staff.get(reverse("api:supply-shipment-trace", args=[chain.shipment.pk])).json()
    assert first["custody_transfers"] == []  # part_300 never changed hands


def test_public_origin_page_names_clones_cooperatives_harvest_and_steps(chain: Chain) -> None:
    clone = Clone.objects.create(code="TSC-02", group="fine_flavour")
    Graft.objects.create(
        plot=chain.a1, clone=clone, grafted_ha="1.0", grafted_on=chain.shipment.date
    )
    Membership.objects.create(producer=chain.a, organisation=chain.coop)
    url = reverse("origin-shipment", kwargs={"public_id": chain.shipment.public_id})
    html = Client().get(url, headers={"accept-language": "en"}).content.decode()

    def cell(element_id: str) -> str:
        start = html.index(f'id="{element_id}"')
        return html[start : html.index("</", start)]

    assert "TSC-02" in cell("clones")
    assert chain.coop.name in cell("cooperatives")
    assert "June 2015" in cell("harvest")
    steps = html[
        html.index('id="origin-steps"') : html.index("</table>", html.index("origin-steps"))
    ]
    for label in ("Collection", "Fermentation", "Drying", "Split"):
        assert label in steps
