"""A plot with a story to tell, made through the services: shared by the plot page's tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chacra.accounts.models import Role
from chacra.accounts.services import user_set_role
from chacra.registry.models import (
    Clone,
    CloneGroup,
    ExtensionVisit,
    MappingMethod,
    Plot,
    Producer,
)
from chacra.registry.services import (
    graft_record,
    planting_record,
    plot_register,
    plot_remap,
    visit_record,
)
from tests.factories import ComunidadFactory, ProducerFactory, UserFactory, plot_polygon

# A figure of eight about 110 m across: it crosses itself, so intake repairs it into two
# triangles (about 0.6 ha) and keeps the ring as received.
BOWTIE = (
    "POLYGON((-76.7000 -7.1600, -76.6990 -7.1590, -76.6990 -7.1600, -76.7000 -7.1590, "
    "-76.7000 -7.1600))"
)


@dataclass
class PlotHistory:
    producer: Producer
    plot: Plot  # mapped twice: a GPS walk in 2015, then redrawn (invalid, repaired) in 2016
    neighbour: Plot  # another producer's plot with the same geometry: overlap and duplicate
    mapper: Any  # the staff member who redrew the plot
    agent: Any  # the agent who visited it
    visit: ExtensionVisit

    @property
    def path(self) -> str:
        return f"/plots/{self.plot.pk}/"


def _user(username: str, role: Role, region: Any = None) -> Any:
    user = UserFactory(username=username)
    user_set_role(actor=None, user=user, role=role, region=region)
    return user


def plot_with_history(prefix: str = "ph") -> PlotHistory:
    """Given a producer whose plot was mapped, redrawn badly, planted, grafted and visited."""
    producer = ProducerFactory(comunidad=ComunidadFactory(), surnames="Pizango Tapullima")
    region = producer.comunidad.distrito.provincia.departamento
    mapper = _user(f"{prefix}-mapper", Role.STAFF)
    agent = _user(f"{prefix}-agent", Role.AGENT, region)
    producer.agents.add(agent)
    plot = plot_register(
        actor=None,
        producer=producer,
        boundary=plot_polygon(-76.6995, -7.1595, hectares=1.2, seed=3),
        method=MappingMethod.GPS_WALK,
        mapped_on=dt.date(2015, 6, 1),
        declared_area_ha=Decimal("9.00"),
        property_area_ha=Decimal("12.00"),
        land_title=True,
    )
    plot_remap(
        actor=mapper,
        plot=plot,
        boundary=BOWTIE,
        method=MappingMethod.DRAWN,
        mapped_on=dt.date(2016, 2, 1),
    )
    neighbour = plot_register(
        actor=None,
        producer=ProducerFactory(comunidad=producer.comunidad),
        boundary=BOWTIE,
        method=MappingMethod.DRAWN,
    )
    clone, _ = Clone.objects.get_or_create(
        code="ICS-95", defaults={"group": CloneGroup.FINE_FLAVOUR}
    )
    planting_record(
        actor=None,
        plot=plot,
        cacao_installed_ha=Decimal("0.55"),
        installed_on=dt.date(2014, 11, 20),
        temporary_shade_ha=Decimal("0.50"),
        forestry_ha=Decimal("0.20"),
    )
    graft_record(
        actor=None,
        plot=plot,
        clone=clone,
        grafted_ha=Decimal("0.40"),
        grafted_on=dt.date(2015, 9, 3),
    )
    visit = visit_record(
        actor=None,
        producer=producer,
        agent=agent,
        plot=plot,
        date=dt.date(2016, 3, 14),
        activities=["mapping", "grafting"],
        notes="Remapped the north edge with the producer",
    )
    plot.refresh_from_db()
    return PlotHistory(producer, plot, neighbour, mapper, agent, visit)
