"""Every refused nursery write names the value and what is accepted, and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from chacra.accounts.models import AuditEntry, Role
from chacra.accounts.services import user_set_role
from chacra.errors import AccessDenied, ChacraError, Conflict, InvalidInput
from chacra.nurseries import services
from chacra.nurseries.models import Batch, Distribution, PlantingMaterial
from chacra.registry import services as registry
from chacra.registry.models import Departamento
from tests.factories import DepartamentoFactory, UserFactory
from tests.nurseries.scenario import Scenario, day, give

# The messages quoted here are the English ones (the catalogue translates them).
pytestmark = pytest.mark.usefixtures("english")


def _nothing_written(call: Callable[[], Any], error: type[ChacraError], match: str) -> None:
    counts = (Batch.objects.count(), Distribution.objects.count(), AuditEntry.objects.count())
    taken = list(Batch.objects.order_by("pk").values_list("taken", flat=True))
    with pytest.raises(error, match=match):
        call()
    assert (Batch.objects.count(), Distribution.objects.count(), AuditEntry.objects.count()) == (
        counts
    )
    assert list(Batch.objects.order_by("pk").values_list("taken", flat=True)) == taken


def test_a_batch_cannot_distribute_more_than_it_holds(scenario: Scenario) -> None:
    """S1: 500 seedlings, 300 to A and 150 to C: 50 left."""
    _nothing_written(
        lambda: give(scenario.s1, scenario.d1, 51, day(2014, 7)),
        Conflict,
        rf"batch {scenario.s1.code} holds 50 cacao seedlings \(450 of 500 already taken\); "
        r"cannot distribute 51; accepted: at most 50",
    )
    give(scenario.s1, scenario.d1, 50, day(2014, 7))
    scenario.s1.refresh_from_db()
    assert (scenario.s1.taken, scenario.s1.available) == (500, 0)


def test_the_database_check_backs_the_service(scenario: Scenario) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Batch.objects.filter(pk=scenario.s1.pk).update(taken=501)
    with pytest.raises(IntegrityError), transaction.atomic():
        Distribution.objects.filter(pk=scenario.d7_plantain.pk).update(returned=201)


def test_a_batch_made_from_another_takes_its_count(scenario: Scenario) -> None:
    """BW1: 100 sticks, 60 grafted into S1 and 30 to B: 10 left."""
    _nothing_written(
        lambda: services.batch_start(
            actor=None, kind="budwood", count=11, started_on=day(2014, 7),
            nursery=scenario.v2, origin_batch=scenario.bw1,
        ),
        Conflict,
        r"holds 10 budwood sticks \(90 of 100 already taken\); cannot take 11; "
        r"accepted: at most 10",
    )  # fmt: skip
    moved = services.batch_start(
        actor=None, kind="budwood", count=10, started_on=day(2014, 7), nursery=scenario.v2,
        origin_batch=scenario.bw1,
    )  # fmt: skip
    assert (moved.clone.code, moved.origin_count) == ("ICS-95", 10)
    scenario.bw1.refresh_from_db()
    assert scenario.bw1.available == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kind": "budwood", "count": 5, "origin_count": 4}, r"holds what it took \(4\), not 5"),
        (
            {"kind": "cacao_seedling", "count": 41, "origin_count": 4},
            r"4 budwood sticks graft at most 40 seedlings",
        ),
        ({"kind": "cacao_seedling", "count": 20}, "say how many sticks"),
        ({"kind": "plantain", "count": 5}, "plantain suckers cannot be made from budwood"),
        ({"kind": "budwood", "count": 2, "clone": "TSH-565"}, "TSH-565 differs from the clone"),
    ],
)
def test_counts_are_never_created_from_an_origin(
    scenario: Scenario, kwargs: dict[str, Any], match: str
) -> None:
    _nothing_written(
        lambda: services.batch_start(
            actor=None, started_on=day(2014, 7), nursery=scenario.v1, origin_batch=scenario.bw1,
            **kwargs,
        ),
        InvalidInput,
        match,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kind": "budwood"}, "budwood sticks are cut from one clone"),
        ({"kind": "plantain", "clone": "ICS-95"}, "carry no cacao clone"),
        ({"kind": "seedlings"}, "'seedlings' is not accepted; use one of cacao_seedling, budwood"),
        ({"kind": "bolaina", "count": "12.5"}, "'12.5' is not a count"),
        ({"kind": "bolaina", "count": 0}, "0 is not a count"),
        ({"kind": "bolaina", "started_on": dt.date(2999, 1, 1)}, "2999-01-01 is in the future"),
        ({"kind": "bolaina", "ready_on": dt.date(2013, 1, 1)}, "is before the batch started"),
    ],
)
def test_batch_refusals(scenario: Scenario, kwargs: dict[str, Any], match: str) -> None:
    values = {"count": 10, "started_on": day(2014, 1), "nursery": scenario.v2} | kwargs
    _nothing_written(lambda: services.batch_start(actor=None, **values), InvalidInput, match)


def test_a_distribution_goes_to_the_producers_own_plot(scenario: Scenario) -> None:
    _nothing_written(
        lambda: services.distribution_record(
            actor=None, batch=scenario.t0, plot=scenario.b1, producer=scenario.a, count=1,
            date=day(2014, 6), signed_by="A",
        ),
        InvalidInput,
        rf"plot: {scenario.b1.code} belongs to another producer than {scenario.a.code}; "
        rf"accepted: {scenario.a.code}'s plots \({scenario.a1.code}\)",
    )  # fmt: skip


def test_a_distribution_needs_a_signature_or_an_agent(scenario: Scenario) -> None:
    _nothing_written(
        lambda: services.distribution_record(
            actor=None, batch=scenario.t0, plot=scenario.b1, count=1, date=day(2014, 6)
        ),
        InvalidInput,
        "needs the receiver's signature",
    )
    _nothing_written(
        lambda: services.distribution_record(
            actor=None, batch=scenario.t0, plot=scenario.b1, count=1, date=day(2014, 6),
            received_by_agent=UserFactory(),
        ),
        InvalidInput,
        "is not an extension agent",
    )  # fmt: skip


def test_a_distribution_before_the_batch_started_is_refused(scenario: Scenario) -> None:
    _nothing_written(
        lambda: give(scenario.t0, scenario.b1, 1, day(2013, 12)),
        InvalidInput,
        rf"2013-12-01 is before batch {scenario.t0.code} started \(2014-01-01\)",
    )


def test_only_a_donated_plantain_distribution_can_be_repaid(scenario: Scenario) -> None:
    _nothing_written(
        lambda: services.plantain_return_record(
            actor=None, distribution=scenario.d8_bolaina, count=1, date=day(2015, 1)
        ),
        InvalidInput,
        "created no obligation to return",
    )
    sold = give(scenario.p0, scenario.b1, 10, day(2014, 6), donated=False)
    assert sold.obligation == 0


def test_a_loss_leaves_the_batch_for_good(scenario: Scenario) -> None:
    services.batch_loss_record(actor=None, batch=scenario.t0, count=50, reason="sequía")
    scenario.t0.refresh_from_db()
    assert (scenario.t0.taken, scenario.t0.lost, scenario.t0.available) == (150, 50, 150)
    entry = AuditEntry.objects.filter(object_id=str(scenario.t0.pk), model="nurseries.Batch")
    assert entry.first().summary == f"{scenario.t0.code}: 50 lost: sequía"


def test_material_links_match_plot_kind_clone_and_count(scenario: Scenario) -> None:
    graft = registry.graft_record(
        actor=None, plot=scenario.c1, clone="TSH-565", grafted_ha=Decimal("0.1"),
        grafted_on=day(2015, 1),
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="went to plot"):
        services.planting_material_link(actor=None, distribution=scenario.d2_budwood, graft=graft)
    with pytest.raises(InvalidInput, match="which a grafting does not use; accepted: budwood"):
        services.planting_material_link(actor=None, distribution=scenario.d4_seedlings, graft=graft)
    budwood = give(scenario.bw1, scenario.c1, 5, day(2015, 1))
    with pytest.raises(InvalidInput, match="budwood of ICS-95, but the grafting used TSH-565"):
        services.planting_material_link(actor=None, distribution=budwood, graft=graft)
    planting = registry.planting_record(
        actor=None, plot=scenario.c1, cacao_installed_ha=Decimal("0.1"), installed_on=day(2014, 6)
    )
    services.planting_material_link(
        actor=None, distribution=scenario.d4_seedlings, planting=planting, count=100
    )
    with pytest.raises(Conflict, match="is already linked to this planting"):
        services.planting_material_link(
            actor=None, distribution=scenario.d4_seedlings, planting=planting, count=10
        )
    later = registry.planting_record(
        actor=None, plot=scenario.c1, cacao_installed_ha=Decimal("0.1"), installed_on=day(2014, 9)
    )
    with pytest.raises(Conflict, match=r"50 of the 150 delivered .* cannot link 60"):
        services.planting_material_link(
            actor=None, distribution=scenario.d4_seedlings, planting=later, count=60
        )
    assert PlantingMaterial.objects.filter(distribution=scenario.d4_seedlings).count() == 1


def _role(role: Role, region: Departamento | None = None) -> Any:
    user = UserFactory()
    user_set_role(actor=None, user=user, role=role, region=region)
    return user


def test_roles_outside_the_record_are_refused(scenario: Scenario) -> None:
    elsewhere = DepartamentoFactory(ubigeo="25", name="Ucayali")
    for actor in (_role(Role.INVESTOR), _role(Role.REGIONAL, elsewhere)):
        _nothing_written(
            lambda a=actor: services.distribution_record(
                actor=a, batch=scenario.t0, plot=scenario.b1, count=1, date=day(2014, 6),
                signed_by="B",
            ),
            AccessDenied,
            "outside your region|your role cannot",
        )  # fmt: skip
    here = _role(Role.REGIONAL, scenario.b.comunidad.distrito.provincia.departamento)
    made = services.distribution_record(
        actor=here, batch=scenario.t0, plot=scenario.b1, count=1, date=day(2014, 6), signed_by="B"
    )
    assert made.recorded_by == here


def test_an_agent_records_for_her_own_producers_only(scenario: Scenario) -> None:
    region = scenario.b.comunidad.distrito.provincia.departamento
    agent = _role(Role.AGENT, region)
    registry.producer_assign_agent(actor=None, producer=scenario.b, agent=agent)
    give(scenario.t0, scenario.b1, 1, day(2014, 6), received_by_agent=agent)
    with pytest.raises(AccessDenied):
        services.distribution_record(
            actor=agent, batch=scenario.t0, plot=scenario.c1, count=1, date=day(2014, 6),
            received_by_agent=agent,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("mix", "match"),
    [
        ({"ICS-95": 60, "TSH-565": 30}, "shares sum to 90.00%"),
        ({"ICS-95": 100}, "ICS-95 alone is not known to pollinate itself"),
        ({"XX-1": 100}, "'XX-1' is not in the catalogue"),
        ({"ICS-95": -5, "TSH-565": 105}, "share -5 is not accepted"),
    ],
)
def test_a_clone_mix_must_pollinate(db: None, mix: dict[str, int], match: str) -> None:
    with pytest.raises(InvalidInput, match=match):
        services.agroforestry_model_define(
            actor=None, code="AF", name="x", cacao_per_ha=1111, plantain_per_ha=500,
            timber_per_ha=125, budwood_per_ha=140, clone_mix=mix,
        )  # fmt: skip


def test_ccn51_alone_is_a_valid_mix(db: None) -> None:
    model = services.agroforestry_model_define(
        actor=None, code="AF-CCN", name="CCN-51", cacao_per_ha=1111, plantain_per_ha=500,
        timber_per_ha=125, budwood_per_ha=140, clone_mix={"CCN-51": 100},
    )  # fmt: skip
    assert [c.clone.code for c in model.clones.all()] == ["CCN-51"]
