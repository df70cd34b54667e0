"""Template filters for genetic material: the labels of kinds kept as codes in lineage steps."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from chacra.nurseries.models import BatchKind, NurseryKind, SourceKind

register = template.Library()
LABELS: dict[str, Any] = {
    **dict(BatchKind.choices),
    **dict(SourceKind.choices),
    "timber": _("Timber seedlings (bolaina and capirona)"),
}
NURSERY_LABELS: dict[str, Any] = dict(NurseryKind.choices)


@register.filter
def material_label(value: str) -> Any:
    """``cacao_seedling`` -> "Cacao seedlings"; a mother plant or budwood garden likewise."""
    return LABELS.get(value, value)


@register.filter
def nursery_label(value: str) -> Any:
    return NURSERY_LABELS.get(value, value)


@register.filter
def get(mapping: Any, key: str) -> Any:
    """``cells|get:"budwood"``: a mapping's value, for tables keyed by material."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"
