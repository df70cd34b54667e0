"""Registry writes: validation, repair, geometry history, scope checks and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from chacra.accounts.models import AuditAction, AuditEntry, Role
from chacra.accounts.services import user_set_role
from chacra.errors import AccessDenied, Conflict, InvalidInput
from chacra.registry import services
from chacra.registry.models import MappingMethod, Producer
from chacra.registry.models.producers import DNI_VALIDATOR
from tests.factories import (
    ComunidadFactory,
    DepartamentoFactory,
    ProducerFactory,
    UserFactory,
    plot_polygon,
)

pytestmark = pytest.mark.django_db

BOWTIE = "POLYGON((-76.70 -7.16, -76.69 -7.15, -76.69 -7.16, -76.70 -7.15, -76.70 -7.16))"


def test_register_producer_keeps_dni_as_text_and_audits_it() -> None:
    comunidad = ComunidadFactory()
    producer = services.producer_register(
        actor=None,
        comunidad=comunidad,
        surnames="Tuanama Sangama",
        given_names="Rosa",
        sex="F",
        dni="04512345",
        age_at_registration=38,
    )
    producer.refresh_from_db()
    assert producer.dni == "04512345"
    entry = AuditEntry.objects.get(model="registry.Producer", object_id=str(producer.pk))
    assert entry.action == AuditAction.CREATE
    assert entry.changes["dni"] == "04512345"


@pytest.mark.parametrize("bad", ["4512345", "045123456", "0451234A"])
def test_dni_must_have_eight_digits(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.producer_register(
            actor=None,
            comunidad=ComunidadFactory(),
            surnames="Ríos",
            given_names="Juan",
            sex="M",
            dni=bad,
        )
    assert str(DNI_VALIDATOR.message) in exc.value.message_dict["dni"]
    assert not Producer.objects.filter(surnames="Ríos").exists()


def test_dni_is_unique_when_present_and_optional() -> None:
    comunidad = ComunidadFactory()
    kw = {"actor": None, "comunidad": comunidad, "surnames": "Pinedo", "sex": "M"}
    services.producer_register(given_names="Luis", dni="11112222", **kw)
    with pytest.raises(Conflict, match="11112222"):
        services.producer_register(given_names="Otro", dni="11112222", **kw)
    a = services.producer_register(given_names="Sin", dni="", **kw)
    b = services.producer_register(given_names="Tampoco", dni=None, **kw)
    assert a.dni is None
    assert b.dni is None


def test_update_records_old_and_new_values() -> None:
    producer = ProducerFactory(phone="")
    services.producer_update(actor=None, producer=producer, phone="987654321", household_size=5)
    entry = AuditEntry.objects.filter(model="registry.Producer", action=AuditAction.UPDATE).latest(
        "id"
    )
    assert entry.changes["phone"] == ["", "987654321"]
    assert entry.changes["household_size"] == [None, 5]
    assert "surnames" not in entry.changes


def test_plot_area_is_geodesic_and_history_is_kept() -> None:
    producer = ProducerFactory()
    plot = services.plot_register(
        actor=None,
        producer=producer,
        boundary=plot_polygon(hectares=1.5),
        method=MappingMethod.GPS_WALK,
        mapped_on=dt.date(2015, 3, 1),
    )
    assert plot.area_ha == pytest.approx(1.5, rel=0.01)
    first_boundary = plot.boundary
    services.plot_remap(actor=None, plot=plot, boundary=plot_polygon(hectares=3.0, seed=5))
    plot.refresh_from_db()
    assert plot.area_ha == pytest.approx(3.0, rel=0.01)
    versions = list(plot.geometry_versions.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].boundary.equals_exact(first_boundary, 1e-9)
    assert versions[0].area_ha == pytest.approx(1.5, rel=0.01)


def test_self_intersecting_plot_is_repaired_and_flagged() -> None:
    plot = services.plot_register(actor=None, producer=ProducerFactory(), boundary=BOWTIE)
    assert plot.geometry_repaired
    assert plot.boundary.valid
    assert plot.boundary.num_geom == 2


def test_point_plot_keeps_declared_area_and_no_measured_area() -> None:
    plot = services.plot_register(
        actor=None,
        producer=ProducerFactory(),
        point="POINT(-76.7 -7.16)",
        declared_area_ha=Decimal("2.5"),
    )
    assert plot.mapping_method == MappingMethod.GPS_POINT
    assert plot.area_ha is None
    assert plot.declared_area_ha == Decimal("2.5")


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        (  # UTM 18S metres given as if they were degrees
            "POLYGON((350000 9200000, 350100 9200000, 350100 9200100, 350000 9200000))",
            "projected CRS",
        ),
        ("LINESTRING(-76.7 -7.16, -76.6 -7.1)", "Polygon or MultiPolygon"),
        ("POLYGON((-76.7 -7.16, -76.6", "cannot read"),
    ],
)
def test_bad_boundaries_are_refused_with_a_clear_message(boundary: str, message: str) -> None:
    producer = ProducerFactory()
    with pytest.raises(InvalidInput, match=message) as exc:
        services.plot_register(actor=None, producer=producer, boundary=boundary)
    assert exc.value.field == "boundary"
    assert not producer.plots.exists()


def test_agent_writes_only_for_her_producers_and_region() -> None:
    region = DepartamentoFactory()
    other_region = DepartamentoFactory(ubigeo="25", name="Ucayali")
    agent = UserFactory(username="agente-x")
    user_set_role(actor=None, user=agent, role=Role.AGENT, region=region)
    mine, theirs = ProducerFactory(), ProducerFactory()
    mine.agents.add(agent)
    services.producer_update(actor=agent, producer=mine, phone="912345678")
    with pytest.raises(AccessDenied):
        services.producer_update(actor=agent, producer=theirs, phone="912345678")
    far = ComunidadFactory(
        distrito__ubigeo="250101",
        distrito__provincia__ubigeo="2501",
        distrito__provincia__departamento=other_region,
    )
    with pytest.raises(AccessDenied, match="outside your region"):
        services.producer_register(
            actor=agent, comunidad=far, surnames="X", given_names="Y", sex="F"
        )
    registered = services.producer_register(
        actor=agent, comunidad=mine.comunidad, surnames="Nueva", given_names="Ana", sex="F"
    )
    assert list(registered.agents.all()) == [agent]


def test_investor_cannot_write() -> None:
    investor = UserFactory(username="inv")
    user_set_role(actor=None, user=investor, role=Role.INVESTOR)
    with pytest.raises(AccessDenied):
        services.producer_update(actor=investor, producer=ProducerFactory(), phone="1")


def test_visit_needs_an_extension_agent() -> None:
    producer = ProducerFactory()
    clerk = UserFactory(username="oficina")
    user_set_role(actor=None, user=clerk, role=Role.STAFF)
    with pytest.raises(InvalidInput, match="oficina is not one") as exc:
        services.visit_record(actor=None, agent=clerk, producer=producer, date=dt.date(2015, 5, 2))
    assert exc.value.field == "agent"


def test_visit_activities_come_from_the_list() -> None:
    producer = ProducerFactory()
    agent = UserFactory(username="agente-y")
    user_set_role(
        actor=None,
        user=agent,
        role=Role.AGENT,
        region=producer.comunidad.distrito.provincia.departamento,
    )
    with pytest.raises(ValidationError, match="dancing") as exc:
        services.visit_record(
            actor=None,
            agent=agent,
            producer=producer,
            date=dt.date(2015, 5, 2),
            activities=["dancing"],
        )
    assert "grafting" in str(exc.value)
    visit = services.visit_record(
        actor=None,
        agent=agent,
        producer=producer,
        date=dt.date(2015, 5, 2),
        activities=["grafting", "training"],
        point="POINT(-76.7 -7.16)",
    )
    assert visit.location is not None


def test_graft_needs_a_known_clone_and_records_month() -> None:
    plot = services.plot_register(actor=None, producer=ProducerFactory(), boundary=plot_polygon())
    with pytest.raises(InvalidInput, match="ICS-95"):
        services.graft_record(
            actor=None,
            plot=plot,
            clone="XYZ-1",
            grafted_ha=Decimal(1),
            grafted_on=dt.date(2015, 1, 9),
        )
    graft = services.graft_record(
        actor=None,
        plot=plot,
        clone="ics-95",
        grafted_ha=Decimal("1.2"),
        grafted_on=dt.date(2015, 7, 19),
    )
    assert graft.clone.code == "ICS-95"
    assert graft.grafted_on == dt.date(2015, 7, 1)


def test_assigning_an_agent_checks_role_region_and_who_assigns() -> None:
    region = DepartamentoFactory()
    other = DepartamentoFactory(ubigeo="25", name="Ucayali")
    producer = ProducerFactory()
    agent = UserFactory(username="agente-z")
    user_set_role(actor=None, user=agent, role=Role.AGENT, region=region)
    far_agent = UserFactory(username="agente-lejos")
    user_set_role(actor=None, user=far_agent, role=Role.AGENT, region=other)
    with pytest.raises(InvalidInput, match="another region"):
        services.producer_assign_agent(actor=None, producer=producer, agent=far_agent)
    colleague = UserFactory(username="agente-colega")
    user_set_role(actor=None, user=colleague, role=Role.AGENT, region=region)
    with pytest.raises(AccessDenied, match="assign agents"):
        services.producer_assign_agent(actor=agent, producer=producer, agent=colleague)
    services.producer_assign_agent(actor=None, producer=producer, agent=agent)
    assert list(producer.agents.all()) == [agent]
    entry = AuditEntry.objects.filter(model="registry.Producer", object_id=str(producer.pk)).latest(
        "id"
    )
    assert entry.changes == {"agents": ["+", "agente-z"]}


@pytest.mark.parametrize("field", ["pk", "id", "code", "agents", "created_at"])
def test_producer_update_refuses_fields_that_are_not_editable(field: str) -> None:
    producer = ProducerFactory()
    with pytest.raises(InvalidInput, match=r"accepted: .*surnames"):
        services.producer_update(actor=None, producer=producer, **{field: 1})


def test_swapped_coordinates_are_kept_and_flagged() -> None:
    swapped = "POLYGON((-7.16 -76.70, -7.15 -76.70, -7.15 -76.69, -7.16 -76.69, -7.16 -76.70))"
    plot = services.plot_register(actor=None, producer=ProducerFactory(), boundary=swapped)
    assert set(plot.flags.values_list("code", flat=True)) == {"outside_peru", "swapped_coordinates"}


def test_overlap_flags_both_plots_and_clear_when_fixed() -> None:
    a = services.plot_register(
        actor=None, producer=ProducerFactory(), boundary=plot_polygon(seed=1)
    )
    b = services.plot_register(
        actor=None, producer=ProducerFactory(), boundary=plot_polygon(seed=2)
    )
    assert set(a.flags.values_list("code", flat=True)) == {"overlap"}
    assert b.code in a.flags.get().detail
    assert set(b.flags.values_list("code", flat=True)) == {"overlap"}
    services.plot_remap(actor=None, plot=b, boundary=plot_polygon(lon=-76.60, seed=2))
    assert not a.flags.exists()
    assert not b.flags.exists()
