"""What the supply page tests share: a logged-in client per role, and what a write left behind."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.test import Client

from chacra.accounts.models import AuditEntry, Role
from chacra.accounts.services import user_set_role
from chacra.supply.models import Allocation, CustodyTransfer, Lot, ProcessingStep, Shipment
from tests.factories import DepartamentoFactory, UserFactory
from tests.supply.scenario import Chain

LEDGER = (Lot, ProcessingStep, Allocation, CustodyTransfer, Shipment, AuditEntry)


def client_as(role: Role, name: str, **kw: Any) -> Client:
    user = UserFactory(username=name)
    user_set_role(actor=None, user=user, role=role, **kw)
    client = Client()
    client.force_login(user)
    return client


def ledger() -> dict[str, int]:
    """Rows of every supply record a page may write, and of the audit log."""
    return {m.__name__: m.objects.count() for m in LEDGER}


def web_audit() -> Counter[str]:
    """Audit entries written through the web, by record type and action."""
    rows = AuditEntry.objects.filter(source="web").values_list("model", "action")
    return Counter(f"{model} {action}" for model, action in rows)


def refused_roles(chain: Chain) -> list[Client]:
    """Logins that may not write supply data: an investor, a buyer, an extension agent."""
    region = chain.a.comunidad.distrito.provincia.departamento
    return [
        client_as(Role.INVESTOR, "inv-page"),
        client_as(Role.BUYER, "buyer-page"),
        client_as(Role.AGENT, "agent-page", region=region),
    ]


def far_regional() -> Client:
    """A regional office outside the chain's region (San Martín)."""
    return client_as(
        Role.REGIONAL, "reg-far", region=DepartamentoFactory(ubigeo="25", name="Ucayali")
    )


def errors_of(answer: Any, field: str | None) -> str:
    """The errors the page shows at ``field`` (None: above the form), as one text."""
    form = answer.context["form"]
    return " ".join(str(e) for e in form.errors.get(field or "__all__", []))
