"""Who may record what in monitoring (the services check again on every write)."""

from __future__ import annotations

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope

# The programme's books: definitions, targets, rates, partners and unit values.
PROGRAMME_KINDS = frozenset({"indicator", "target", "rate", "partner", "unit-value"})
# What a regional office also records, in its own region.
REGIONAL_KINDS = frozenset({"value", "contribution", "loan", "loan-status"})


def may_record(scope: Scope, kind: str) -> bool:
    """Whether ``scope`` may open the record page of ``kind`` (the service checks the region).

    >>> may_record(Scope(role=Role.REGIONAL, region_id=1), "loan")
    True
    >>> may_record(Scope(role=Role.REGIONAL, region_id=1), "rate")
    False
    """
    if scope.is_programme_wide:
        return kind in PROGRAMME_KINDS | REGIONAL_KINDS
    return scope.role == Role.REGIONAL and kind in REGIONAL_KINDS
