"""A producer's purchase statement: every purchase in a period with kilos, price, premium and
what was paid, and the totals; as a page and as a PDF (matplotlib's PDF backend)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from chacra.accounts.scope import Scope
from chacra.registry import selectors as registry
from chacra.registry.models import Producer
from chacra.supply.models import BeanState, Purchase

ROWS_PER_PAGE = 32


@dataclass(frozen=True)
class Statement:
    producer: Producer
    start: dt.date | None
    end: dt.date | None
    purchases: list[Purchase]
    kg: dict[str, Decimal]  # by bean state
    paid: Decimal
    premium: Decimal


def statement_for(
    *, scope: Scope, producer_pk: int, start: dt.date | None = None, end: dt.date | None = None
) -> Statement:
    """The purchases of one producer the caller may see, oldest first (NotFound outside scope)."""
    producer = registry.producer_get(scope=scope, pk=producer_pk)
    qs = Purchase.objects.filter(producer=producer).select_related("buyer").order_by("date", "pk")
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    purchases = list(qs)
    kg: dict[str, Decimal] = {}
    for p in purchases:
        kg[p.bean_state] = kg.get(p.bean_state, Decimal(0)) + p.kg
    return Statement(
        producer=producer,
        start=start,
        end=end,
        purchases=purchases,
        kg=kg,
        paid=sum((p.amount_paid for p in purchases), Decimal(0)),
        premium=sum((p.kg * p.premium_per_kg for p in purchases), Decimal(0)).quantize(
            Decimal("0.01")
        ),
    )


def statement_pdf(statement: Statement) -> bytes:
    """The statement as an A4 PDF, one table page per 32 purchases."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    p = statement.producer
    states = dict(BeanState.choices)
    header = [_("Date"), _("Receipt"), _("Buyer"), _("Beans"), _("kg"), _("S/ per kg"),
              _("Premium per kg"), _("Paid (S/)")]  # fmt: skip
    rows = [
        [f"{x.date:%d-%m-%Y}", x.receipt_number, x.buyer.name[:28], str(states[x.bean_state]),
         f"{x.kg:,.2f}", f"{x.price_per_kg:.2f}", f"{x.premium_per_kg:.2f}",
         f"{x.amount_paid:,.2f}"]
        for x in statement.purchases
    ]  # fmt: skip
    pages = [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)] or [[]]
    period = " - ".join(f"{d:%d-%m-%Y}" for d in (statement.start, statement.end) if d)
    totals = "; ".join(f"{states[s]}: {kg:,.2f} kg" for s, kg in statement.kg.items())
    out = io.BytesIO()
    with PdfPages(out, metadata={"Title": f"{_('Purchase statement')} {p.code}"}) as pdf:
        for n, page in enumerate(pages, start=1):
            fig = Figure(figsize=(8.27, 11.69))
            fig.text(0.06, 0.95, _("Purchase statement"), fontsize=16, weight="bold")
            fig.text(0.06, 0.925, f"{p.full_name} ({p.code})" + (f" · {period}" if period else ""),
                     fontsize=10)  # fmt: skip
            ax = fig.add_axes((0.04, 0.12, 0.92, 0.78))
            ax.axis("off")
            if page:
                table = ax.table(cellText=page, colLabels=header, loc="upper center",
                                 cellLoc="right", colLoc="center")  # fmt: skip
                table.auto_set_font_size(False)
                table.set_fontsize(7)
                table.scale(1, 1.3)
            else:
                ax.text(0.5, 0.9, _("No purchases in this period."), ha="center")
            fig.text(0.06, 0.08, _("Total: %(kg)s; premium S/ %(premium)s; paid S/ %(paid)s")
                     % {"kg": totals or "0 kg", "premium": f"{statement.premium:,.2f}",
                        "paid": f"{statement.paid:,.2f}"}, fontsize=9)  # fmt: skip
            fig.text(0.94, 0.04, f"{n}/{len(pages)}", ha="right", fontsize=8)
            pdf.savefig(fig)
    return out.getvalue()
