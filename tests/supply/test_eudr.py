"""The EUDR GeoJSON of a shipment: exactly its plots, non-compliant ones refused with reasons,
from the CLI, the shipment page and the API, and only for whoever sees all of its plots."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from chacra.accounts.models import AuditEntry, Role
from chacra.accounts.services import user_set_role
from chacra.compliance.models import CheckStatus, PlotCheck
from chacra.errors import AccessDenied
from chacra.supply.eudr import shipment_eudr_export
from chacra.supply.services import buyer_access_grant
from tests.factories import DepartamentoFactory, UserFactory
from tests.supply.scenario import Chain, plot

pytestmark = pytest.mark.usefixtures("english")

IN_PARK = [{"code": "strict_protected_area", "figures": {"ha": 0.4},
            "message": "overlaps Parque Nacional Prueba by 0.40 ha"}]  # fmt: skip


def _user(role: Role, name: str, **kw: Any) -> Any:
    user = UserFactory(username=name)
    user_set_role(actor=None, user=user, role=role, **kw)
    return user


@pytest.fixture
def checked(chain: Chain) -> Chain:
    """TA1 and TA2 compliant, TB1 in a park; TA4 (compliant) sold nothing to the shipment."""
    for p in (chain.a1, chain.a2, plot(chain.a, "TA4", 4)):
        PlotCheck.objects.create(plot=p, status=CheckStatus.COMPLIANT, reasons=[])
    PlotCheck.objects.create(plot=chain.b1, status=CheckStatus.NON_COMPLIANT, reasons=IN_PARK)
    return chain


def _places(paths: list[Path]) -> list[str]:
    features = [f for p in paths for f in json.loads(p.read_text())["features"]]
    return sorted(f["properties"]["ProductionPlace"].split(",")[0] for f in features)


def test_a_shipment_exports_its_plots_and_refuses_the_non_compliant(
    checked: Chain, tmp_path: Path
) -> None:
    staff = _user(Role.STAFF, "staff-eudr")
    result = shipment_eudr_export(actor=staff, shipment=checked.shipment, out=tmp_path / "s.json")
    assert result.plots == ["TA1", "TA2"]
    assert _places([f.path for f in result.files]) == ["TA1", "TA2"]  # not TA4: not in it
    (refused,) = result.refused
    assert (refused.plot, refused.cause) == ("TB1", "non_compliant")
    assert refused.reasons[0]["message"] == "overlaps Parque Nacional Prueba by 0.40 ha"
    entry = AuditEntry.objects.get(model="compliance.EudrExport")
    assert entry.changes["asked"]["plots"] == ["TA1", "TA2", "TB1"]
    assert entry.changes["asked"]["purpose"] == f"shipment {checked.shipment.code}"


def test_plots_that_need_review_go_out_only_when_asked(checked: Chain, tmp_path: Path) -> None:
    PlotCheck.objects.filter(plot=checked.a2).update(status=CheckStatus.NEEDS_REVIEW)
    staff = _user(Role.STAFF, "staff-review")
    kept = shipment_eudr_export(actor=staff, shipment=checked.shipment, out=tmp_path / "a.json")
    assert kept.plots == ["TA1"]
    assert {r.plot: r.cause for r in kept.refused} == {
        "TA2": "needs_review",
        "TB1": "non_compliant",
    }
    asked = shipment_eudr_export(
        actor=staff, shipment=checked.shipment, out=tmp_path / "b.json", include_review=True
    )
    assert asked.plots == ["TA1", "TA2"]


def test_only_roles_that_see_every_plot_of_the_shipment_export_it(
    checked: Chain, tmp_path: Path
) -> None:
    elsewhere = _user(
        Role.REGIONAL, "reg-uc", region=DepartamentoFactory(ubigeo="25", name="Ucayali")
    )
    with pytest.raises(AccessDenied, match="3 of its 3 plots are outside your scope"):
        shipment_eudr_export(actor=elsewhere, shipment=checked.shipment, out=tmp_path / "x.json")
    investor = _user(Role.INVESTOR, "inv-eudr")
    with pytest.raises(AccessDenied, match="aggregate figures only"):
        shipment_eudr_export(actor=investor, shipment=checked.shipment, out=tmp_path / "y.json")
    assert not list(tmp_path.iterdir())
    assert not AuditEntry.objects.filter(model="compliance.EudrExport").exists()


def test_the_cli_exports_a_shipment_by_its_code(checked: Chain, tmp_path: Path) -> None:
    _user(Role.STAFF, "staff-cli")
    out = io.StringIO()
    target = tmp_path / "shipment.geojson"
    call_command(
        "export", "eudr", "--shipment", checked.shipment.code, "--out", str(target),
        "--as", "staff-cli", stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "refused TB1" in text
    assert "overlaps Parque Nacional Prueba" in text
    assert "2 plots exported, 1 refused" in text
    assert _places([target]) == ["TA1", "TA2"]
    with pytest.raises(CommandError, match=r"'L\d+' is a lot; accepted: a shipment code"):
        call_command(
            "export", "eudr", "--shipment", checked.part_200.code, "--out", str(target),
            "--as", "staff-cli",
        )  # fmt: skip
    with pytest.raises(CommandError, match="not allowed with argument"):
        call_command(
            "export", "eudr", "--shipment", checked.shipment.code, "--region", "San Martín",
            "--out", str(target), "--as", "staff-cli",
        )  # fmt: skip


def test_the_shipment_page_downloads_its_eudr_file(checked: Chain) -> None:
    client = Client()
    client.force_login(_user(Role.STAFF, "staff-web"))
    page = client.get(reverse("supply-shipment", args=[checked.shipment.pk])).content.decode()
    url = reverse("supply-shipment-eudr", args=[checked.shipment.pk])
    assert f'action="{url}"' in page
    assert client.get(url).status_code == 405  # a POST only: it writes and audits
    done = client.post(url)
    assert done.status_code == 200
    body = done.content.decode()
    assert "overlaps Parque Nacional Prueba by 0.40 ha" in body
    (file,) = done.context["result"].files
    download = client.get(
        reverse("compliance-export-file", args=[done.context["export_id"], file.path.name])
    )
    features = json.loads(b"".join(download.streaming_content))["features"]
    assert len(features) == 2


def test_the_api_returns_the_geojson_and_the_refusals(checked: Chain) -> None:
    client = Client()
    client.force_login(_user(Role.STAFF, "staff-api"))
    url = reverse("api:supply-shipment-eudr", args=[checked.shipment.pk])
    body = client.post(url, {"include_review": False}, content_type="application/json").json()
    (file,) = body["files"]
    assert sorted(f["properties"]["ProductionPlace"][:3] for f in file["geojson"]["features"]) == [
        "TA1",
        "TA2",
    ]
    assert file["plots"] == 2
    assert [(r["plot"], r["cause"]) for r in body["refused"]] == [("TB1", "non_compliant")]
    buyer, login = Client(), _user(Role.BUYER, "buyer-api")
    buyer.force_login(login)
    assert buyer.post(url).status_code == 404  # not its shipment
    buyer_access_grant(actor=None, user=login, organisation=checked.client)
    refused = buyer.post(url)
    assert refused.status_code == 403  # its shipment, but the file names producers
    assert "aggregate figures only" in refused.json()["detail"]
