"""Who may write to the supply chain; facilities and buyer logins."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope, scope_for
from chacra.accounts.services import instance_save
from chacra.errors import AccessDenied, InvalidInput
from chacra.registry.models import Organisation, Producer
from chacra.supply.models import BuyerAccess, Facility


def _scope(actor: Any) -> Scope:
    return Scope(role=Role.ADMIN) if actor is None else scope_for(actor)


def require_supply_write(actor: Any, producer: Producer | None = None) -> None:
    """Programme-wide roles record anything; a regional office its region's purchases and lots."""
    scope = _scope(actor)
    if scope.is_programme_wide:
        return
    if scope.role == Role.REGIONAL:
        if producer is None:
            return
        region = producer.comunidad.distrito.provincia.departamento_id
        if region == scope.region_id:
            return
        raise AccessDenied(f"producer {producer.code} is outside your region")
    raise AccessDenied("your role cannot record purchases, lots or shipments")


# --- facilities and buyer logins ---------------------------------------------------------------


@transaction.atomic
def facility_register(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    kind: str,
    distrito: Any = None,
    location: Any = None,
    capacity_kg_per_year: Decimal | None = None,
    source: str = "code",
) -> Facility:
    require_supply_write(actor)
    facility = Facility(
        organisation=organisation,
        name=" ".join(name.split()),
        kind=kind,
        distrito=distrito,
        location=location,
        capacity_kg_per_year=capacity_kg_per_year,
    )
    return instance_save(actor=actor, instance=facility, source=source)  # type: ignore[return-value]


@transaction.atomic
def buyer_access_grant(
    *, actor: Any, user: Any, organisation: Organisation, source: str = "code"
) -> BuyerAccess:
    """Let a login with the buyer role see its organisation's shipments' origin (aggregates)."""
    if not _scope(actor).is_programme_wide:
        raise AccessDenied("only programme staff link buyer logins to organisations")
    if scope_for(user).role != Role.BUYER:
        raise InvalidInput(f"user: {user} does not have the buyer role", field="user")
    access = BuyerAccess.objects.filter(user=user).first() or BuyerAccess(user=user)
    access.organisation = organisation
    return instance_save(actor=actor, instance=access, source=source)  # type: ignore[return-value]
