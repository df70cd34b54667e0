"""A lot's or shipment's compliance follows its plots' current checks (chacra.compliance).

Any non-compliant plot makes the lot non-compliant; else any plot needing review makes it need
review; else any plot not yet checked leaves it unchecked (and says which); else compliant.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from chacra.compliance.models import CheckStatus, PlotCheck
from chacra.supply.trace import CENT, TraceBack

UNCHECKED = "unchecked"
ORDER = [CheckStatus.NON_COMPLIANT, CheckStatus.NEEDS_REVIEW, UNCHECKED, CheckStatus.COMPLIANT]
LABELS = {
    CheckStatus.NON_COMPLIANT: _("Non-compliant"),
    CheckStatus.NEEDS_REVIEW: _("Needs review"),
    UNCHECKED: _("Not all plots checked"),
    CheckStatus.COMPLIANT: _("Compliant"),
}


@dataclass(frozen=True)
class LotCompliance:
    status: str
    plots: dict[str, list[int]] = field(default_factory=dict)  # status -> plot ids
    kg: dict[str, Decimal] = field(default_factory=dict)  # status -> kg of the lot

    @property
    def label(self) -> str:
        return str(LABELS[self.status])

    def counts(self) -> dict[str, int]:
        return {s: len(self.plots.get(s, [])) for s in ORDER}


def compliance_of(trace: TraceBack) -> LotCompliance:
    """The status of what was traced, from the current check of each of its plots."""
    by_plot = trace.by_plot()
    current = dict(
        PlotCheck.objects.filter(plot_id__in=list(by_plot), is_current=True).values_list(
            "plot_id", "status"
        )
    )
    plots: dict[str, list[int]] = defaultdict(list)
    kg: dict[str, Decimal] = defaultdict(Decimal)
    for plot, (share, _bought) in sorted(by_plot.items()):
        status = current.get(plot, UNCHECKED)
        plots[status].append(plot)
        kg[status] += share
    status = next((s for s in ORDER if plots.get(s)), UNCHECKED)
    return LotCompliance(
        status=status, plots=dict(plots), kg={k: v.quantize(CENT) for k, v in kg.items()}
    )
