"""The web forms staff record material with, on the demo: what each role may record, the
refusals shown next to their field, and that a refused write writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse

from chacra.accounts.models import AuditEntry
from chacra.nurseries.models import Batch, BatchKind, Distribution, Nursery, NurseryKind
from chacra.registry.models import Distrito, Organisation, OrganisationKind, Plot

SAN_MARTIN, HUANUCO = "22", "10"


def _written() -> tuple[Any, ...]:
    """Everything a nursery write could change."""
    return (
        Nursery.objects.count(),
        Batch.objects.count(),
        Distribution.objects.count(),
        AuditEntry.objects.count(),
        list(Batch.objects.order_by("pk").values_list("taken", flat=True)),
        list(Distribution.objects.order_by("pk").values_list("returned", flat=True)),
    )


@pytest.fixture
def nothing_written(demo_db: Any) -> Iterator[None]:
    before = _written()
    yield
    assert _written() == before


def _agents_plot(username: str = "agent-sm-01") -> Plot:
    agent = get_user_model().objects.get(username=username)
    plot = Plot.objects.filter(producer__agents=agent).order_by("code").last()
    assert plot is not None
    return plot


def _plantain_in(region: str) -> Batch:
    batch = (
        Batch.objects.filter(
            kind=BatchKind.PLANTAIN,
            nursery__distrito__provincia__departamento__ubigeo=region,
            taken__lt=F("count"),
        )
        .order_by("code")
        .first()
    )
    assert batch is not None
    return batch


def _distribution(batch: Batch, plot: Plot, count: int) -> dict[str, Any]:
    return {"batch": batch.code, "plot": plot.code, "count": count, "date": "2016-06-01",
            "received_by_agent": "agent-sm-01", "donated": "on"}  # fmt: skip


def test_the_top_menu_links_the_nurseries_pages(login: Any) -> None:
    href = f'href="{reverse("nurseries")}"'
    for role in ("investor", "staff", "agent-sm-01"):
        assert href in login(role).get(reverse("home")).content.decode()


def test_an_agent_records_a_distribution_audited_as_from_the_web(login: Any) -> None:
    plot, batch = _agents_plot(), _plantain_in(SAN_MARTIN)
    last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = login("agent-sm-01").post(
        reverse("nursery-distribution-new"), _distribution(batch, plot, 10)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("nursery-batch", args=[batch.pk])
    made = Distribution.objects.get(batch=batch, plot=plot, count=10)
    assert (made.obligation, made.donated, made.received_by_agent.username) == (
        20, True, "agent-sm-01",
    )  # fmt: skip
    taken_before = batch.taken
    batch.refresh_from_db()
    assert batch.taken == taken_before + 10
    entries = AuditEntry.objects.filter(pk__gt=last_audit).values_list("model", "source")
    assert set(entries) == {
        ("nurseries.Distribution", "web"), ("nurseries.Batch", "web"),
    }  # fmt: skip


@pytest.mark.usefixtures("english", "nothing_written")
def test_over_distribution_shows_what_the_batch_holds_and_writes_nothing(login: Any) -> None:
    plot, batch = _agents_plot(), _plantain_in(SAN_MARTIN)
    response = login("agent-sm-01").post(
        reverse("nursery-distribution-new"), _distribution(batch, plot, batch.available + 1)
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        f"Batch {batch.code} holds {batch.available} now: at most {batch.available} can be "
        "distributed. Nothing was recorded."
    ) in page
    assert f"accepted: at most {batch.available}" in page  # the service's message, at its field
    assert response.context["form"].errors["count"]


@pytest.mark.usefixtures("nothing_written")
def test_field_errors_come_in_the_pages_language(login: Any) -> None:
    plot, batch = _agents_plot(), _plantain_in(SAN_MARTIN)
    data = _distribution(batch, plot, 10) | {"count": "diez", "plot": ""}
    client = login("agent-sm-01")
    for language, number, required in (
        ("es", "Introduzca un número entero.", "Este campo es requerido."),
        ("en", "Enter a whole number.", "This field is required."),
    ):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # as the language switch sets
        response = client.post(reverse("nursery-distribution-new"), data)
        assert response.status_code == 400
        page = response.content.decode()
        assert number in page
        assert required in page


@pytest.mark.usefixtures("english", "nothing_written")
def test_an_agent_cannot_distribute_to_a_producer_she_does_not_follow(login: Any) -> None:
    agent = get_user_model().objects.get(username="agent-sm-01")
    other = Plot.objects.exclude(producer__agents=agent).filter(
        comunidad__distrito__provincia__departamento__ubigeo=SAN_MARTIN
    ).first()  # fmt: skip
    assert other is not None
    batch = _plantain_in(SAN_MARTIN)
    response = login("agent-sm-01").post(
        reverse("nursery-distribution-new"), _distribution(batch, other, 5)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["plot"] == [
        f"plot: no plot {other.code!r} among those you may use"
    ]


@pytest.mark.usefixtures("english", "nothing_written")
def test_a_regional_office_cannot_start_a_batch_in_another_region(login: Any) -> None:
    elsewhere = Nursery.objects.filter(
        kind=NurseryKind.MUNICIPAL, distrito__provincia__departamento__ubigeo=HUANUCO
    ).first()  # fmt: skip
    assert elsewhere is not None
    data = {"kind": "plantain", "count": 100, "started_on": "2016-01-04",
            "nursery": elsewhere.code}  # fmt: skip
    response = login("regional-sm").post(reverse("nursery-batch-new"), data)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your role or region cannot record this." in page
    assert f"nursery {elsewhere.code} is outside your region" in page


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize("role", ["investor", "buyer", None])
def test_roles_without_producer_records_get_no_forms(login: Any, role: str | None) -> None:
    client = login(role)
    batch = _plantain_in(SAN_MARTIN)
    post = client.post(reverse("nursery-distribution-new"), _distribution(batch, _agents_plot(), 1))
    assert post.status_code == (302 if role is None else 403)
    for name in ("nursery-new", "nursery-batch-new", "nursery-distribution-new"):
        assert client.get(reverse(name)).status_code == (302 if role is None else 403)


def _donation_owing(username: str) -> Distribution:
    agent = get_user_model().objects.get(username=username)
    found = Distribution.objects.filter(
        producer__agents=agent, obligation__gt=F("returned")
    ).order_by("code").first()  # fmt: skip
    assert found is not None
    return found


@pytest.mark.usefixtures("english")
def test_a_plantain_return_through_the_form_never_exceeds_what_is_owed(login: Any) -> None:
    donation = _donation_owing("agent-sm-01")
    owed, returned = donation.outstanding, donation.returned
    url = reverse("nursery-plantain-return-new", args=[donation.pk])
    client = login("agent-sm-01")
    page = client.get(url).content.decode()
    assert f"{owed} still owed" in page
    before = _written()
    refused = client.post(url, {"count": owed + 1, "date": "2016-12-01"})
    assert refused.status_code == 409
    assert (
        f"{donation.producer.code} owes {owed} suckers on {donation.code} now: at most {owed} "
        "can be returned."
    ) in refused.content.decode()
    assert _written() == before
    made = client.post(url, {"count": 1, "date": "2016-12-01"})
    assert made.status_code == 302
    donation.refresh_from_db()
    assert donation.returned == returned + 1
    batch = Batch.objects.get(repays=donation, count=1, started_on="2016-12-01")
    assert made["Location"] == reverse("nursery-batch", args=[batch.pk])
    assert (batch.holder_id, batch.kind) == (donation.producer_id, BatchKind.PLANTAIN)
    assert AuditEntry.objects.filter(model="nurseries.Batch", object_id=str(batch.pk),
                                     source="web").exists()  # fmt: skip


@pytest.mark.usefixtures("english")
def test_staff_record_a_municipal_nursery_then_a_batch_at_it(login: Any) -> None:
    distrito = Distrito.objects.filter(provincia__departamento__ubigeo=SAN_MARTIN).first()
    assert distrito is not None
    town = Organisation.objects.create(
        name="Municipalidad Formulario", kind=OrganisationKind.MUNICIPALITY
    )
    client = login("staff")
    nursery_data = {"name": "Vivero  del Formulario", "kind": "municipal", "capacity": 5000,
                    "distrito": distrito.ubigeo, "operator_organisation": town.name}  # fmt: skip
    made = client.post(reverse("nursery-new"), nursery_data)
    assert made.status_code == 302
    nursery = Nursery.objects.get(name="Vivero del Formulario")
    assert (nursery.distrito, nursery.operator_organisation, nursery.capacity) == (
        distrito, town, 5000,
    )  # fmt: skip
    assert made["Location"] == reverse("nursery-detail", args=[nursery.pk])
    form = client.get(reverse("nursery-batch-new") + f"?nursery={nursery.pk}")
    assert form.context["form"].initial == {"nursery": nursery.code}
    batch_data = {"kind": "bolaina", "count": 800, "started_on": "2016-02-01",
                  "nursery": nursery.code}  # fmt: skip
    started = client.post(reverse("nursery-batch-new"), batch_data)
    assert started.status_code == 302
    batch = Batch.objects.get(nursery=nursery)
    assert (batch.kind, batch.count, batch.taken, batch.recorded_by.username) == (
        "bolaina", 800, 0, "staff",
    )  # fmt: skip
    audited = AuditEntry.objects.filter(
        object_id__in=[str(nursery.pk), str(batch.pk)], model__startswith="nurseries."
    )
    assert set(audited.values_list("model", "source")) == {
        ("nurseries.Nursery", "web"),
        ("nurseries.Batch", "web"),
    }


@pytest.mark.usefixtures("english", "nothing_written")
def test_a_farmer_nursery_needs_its_farmer(login: Any) -> None:
    data = {"name": "Vivero sin dueño", "kind": "farmer", "capacity": 2000}
    response = login("staff").post(reverse("nursery-new"), data)
    assert response.status_code == 400
    assert (
        response.context["form"]
        .errors["operator_producer"][0]
        .startswith("operator: a farmer nursery is run by a producer")
    )


@pytest.mark.usefixtures("english", "nothing_written")
def test_a_return_against_what_was_not_a_donation_is_refused_above_the_form(login: Any) -> None:
    agent = get_user_model().objects.get(username="agent-sm-01")
    given = Distribution.objects.filter(producer__agents=agent, obligation=0).first()
    assert given is not None
    url = reverse("nursery-plantain-return-new", args=[given.pk])
    response = login("agent-sm-01").post(url, {"count": 1, "date": "2016-12-01"})
    assert response.status_code == 400
    refusal = response.context["form"].non_field_errors()
    assert refusal[0].startswith(f"distribution: {given.code} created no obligation to return")
    assert refusal[1] == "Nothing was recorded."
