"""What a caller may see: derived once from the user, passed to every selector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chacra.accounts.models import Role

PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.STAFF, Role.REGIONAL, Role.AGENT})


@dataclass(frozen=True)
class Scope:
    """A caller's role, identity and region. ``role=None`` is an anonymous or unassigned user."""

    role: Role | None
    user_id: int | None = None
    region_id: int | None = None

    @property
    def sees_personal_data(self) -> bool:
        """Names, DNI, phone and plot geometry tied to a person (Ley 29733)."""
        return self.role in PERSONAL_DATA_ROLES

    @property
    def sees_aggregates(self) -> bool:
        return self.role is not None

    @property
    def is_programme_wide(self) -> bool:
        return self.role in (Role.ADMIN, Role.STAFF)


ANONYMOUS = Scope(role=None)


def scope_for(user: Any) -> Scope:
    """The scope of a Django user (anonymous users get no role)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    if user.is_superuser:
        return Scope(role=Role.ADMIN, user_id=user.pk)
    profile = getattr(user, "profile", None)
    if profile is None:
        return Scope(role=None, user_id=user.pk)
    return Scope(role=Role(profile.role), user_id=user.pk, region_id=profile.region_id)
