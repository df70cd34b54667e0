"""The EUDR GeoJSON of a shipment: the plots its trace-back finds, through the EUDR export.

A due-diligence statement covers a whole container, so the export is refused when any of the
shipment's plots is outside the caller's scope (it would be incomplete); the plots themselves
go through :func:`chacra.compliance.eudr_export.eudr_export`, which refuses each non-compliant,
unchecked or unmappable plot with its reasons and audits the disclosure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope, scope_for
from chacra.compliance.eudr_export import EudrExport, eudr_export
from chacra.errors import AccessDenied, InvalidInput
from chacra.registry import selectors as registry
from chacra.registry.models import Plot
from chacra.supply import selectors
from chacra.supply.models import Shipment
from chacra.supply.trace import trace_back


def _scope(actor: Any) -> Scope:
    return Scope(role=Role.ADMIN) if actor is None else scope_for(actor)


def shipment_plot_codes(*, scope: Scope, shipment: Shipment) -> list[str]:
    """The codes of every plot the shipment's beans come from; all must be in ``scope``."""
    if not scope.sees_personal_data:
        raise AccessDenied(
            _("the EUDR GeoJSON names producers; your role sees aggregate figures only "
              "(Ley 29733)")
        )  # fmt: skip
    shipment = selectors.shipment_get(scope=scope, pk=shipment.pk)
    plot_ids = list(trace_back(shipment).by_plot())
    seen = registry.plot_list(scope=scope).filter(pk__in=plot_ids).order_by().count()
    if seen < len(plot_ids):
        raise AccessDenied(
            _("shipment %(code)s: %(outside)s of its %(plots)s plots are outside your scope, and "
              "its EUDR file must hold them all; ask programme staff to export it")
            % {"code": shipment.code, "outside": len(plot_ids) - seen, "plots": len(plot_ids)}
        )  # fmt: skip
    return sorted(Plot.objects.filter(pk__in=plot_ids).values_list("code", flat=True))


def shipment_eudr_export(
    *,
    actor: Any,
    shipment: Shipment,
    out: Path | str,
    include_review: bool = False,
    source: str = "code",
) -> EudrExport:
    """Write the EUDR GeoJSON of the plots in ``shipment`` to ``out`` (``out-2`` ... if large)."""
    scope = _scope(actor)
    codes = shipment_plot_codes(scope=scope, shipment=shipment)
    return eudr_export(
        actor=actor,
        out=out,
        plots=codes,
        include_review=include_review,
        purpose=f"shipment {shipment.code}",
        source=source,
    )


def shipment_by_code(*, actor: Any, code: str) -> Shipment:
    """A shipment (S000045) by its code, within the caller's scope."""
    found = selectors.target_by_code(scope=_scope(actor), code=code.strip())
    if not isinstance(found, Shipment):
        raise InvalidInput(
            f"shipment: {code!r} is a lot; accepted: a shipment code such as S000045",
            field="shipment",
        )
    return found
