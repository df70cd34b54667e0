"""Every write to monitoring: permission-checked, validated, audited (as every chacra service)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, TypeVar

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Model

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope, scope_for
from chacra.accounts.services import instance_save
from chacra.errors import AccessDenied, InvalidInput
from chacra.monitoring.currency import both_currencies
from chacra.monitoring.models import (
    Aggregation,
    Contribution,
    ExchangeRate,
    Indicator,
    IndicatorValue,
    InKindUnitValue,
    Loan,
    Nature,
    Partner,
    RepaymentStatus,
    Source,
    Target,
)
from chacra.registry.models import Departamento, Organisation, OrganisationKind, Producer

DOCUMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".xls", ".docx", ".doc", ".odt",
                  ".ods", ".csv", ".txt")  # fmt: skip
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024

M = TypeVar("M", bound=Model)


def document_store(document: UploadedFile) -> str:
    """Keep an evidence document under ``monitoring/``; returns the name it is kept under."""
    name = document.name or ""
    if not name.lower().endswith(DOCUMENT_TYPES):
        raise InvalidInput(
            f"document: {name!r} is not an accepted kind of file; accepted: "
            f"{', '.join(DOCUMENT_TYPES)}",
            field="document",
        )
    if (document.size or 0) > DOCUMENT_MAX_BYTES:
        raise InvalidInput(
            f"document: {name!r} has {document.size:,} bytes; accepted: at most "
            f"{DOCUMENT_MAX_BYTES:,} bytes (10 MB)",
            field="document",
        )
    return str(default_storage.save(f"monitoring/{name}", document))


def _scope(actor: Any) -> Scope:
    """The actor's scope; no actor is chacra itself (the demo, a migration), as elsewhere."""
    return Scope(role=Role.ADMIN) if actor is None else scope_for(actor)


def _programme(actor: Any, what: str) -> Scope:
    """Programme staff (and administrators) keep the programme's books."""
    scope = _scope(actor)
    if not scope.is_programme_wide:
        raise AccessDenied(f"only programme staff may {what}")
    return scope


def _in_region(actor: Any, region: Departamento | None, what: str) -> None:
    """Programme staff anywhere; a regional office in its own region."""
    scope = _scope(actor)
    if scope.is_programme_wide:
        return
    if scope.role == Role.REGIONAL and region is not None and region.pk == scope.region_id:
        return
    raise AccessDenied(f"only programme staff, or the region's office, may {what}")


def _keep(
    actor: Any, model: type[M], key: dict[str, Any], values: dict[str, Any], source: str
) -> M:
    """The row of ``model`` with ``key`` (a new one if there is none yet) set to ``values``,
    saved and audited: targets, rates, partners and unit values are kept one per key."""
    row = model._default_manager.filter(**key).first() or model(**key)
    for name, value in values.items():
        setattr(row, name, value)
    instance_save(actor=actor, instance=row, source=source)
    return row


def _one_of(value: str, accepted: list[str], field: str, what: str) -> None:
    if value not in accepted:
        raise InvalidInput(
            f"{field}: {value!r} is not {what}; use one of {', '.join(accepted)}", field=field
        )


@transaction.atomic
def indicator_define(
    *,
    actor: Any,
    code: str,
    name_es: str,
    name_en: str,
    unit: str,
    aggregation: str = Aggregation.SUM,
    by_region: bool = True,
    by_sex: bool = False,
    source: str = "code",
) -> Indicator:
    """Define an indicator the programme enters itself (with evidence), or rename one it has."""
    _programme(actor, "define indicators")
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9._-]{0,23}", code):
        raise InvalidInput(
            f"code: {code!r} is not accepted; give 1 to 24 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            field="code",
        )
    indicator = Indicator.objects.filter(code=code).first()
    if indicator is not None and indicator.source != Source.ENTERED:
        raise InvalidInput(
            f"code: {code} is an indicator chacra computes from the records; choose another code",
            field="code",
        )
    indicator = indicator or Indicator(code=code, source=Source.ENTERED)
    indicator.name_es, indicator.name_en, indicator.unit = name_es, name_en, unit
    indicator.aggregation, indicator.by_region, indicator.by_sex = aggregation, by_region, by_sex
    if indicator.pk is None:
        indicator.order = (Indicator.objects.aggregate(m=Max("order"))["m"] or 0) + 1
    instance_save(actor=actor, instance=indicator, source=source)
    return indicator


@transaction.atomic
def target_set(
    *,
    actor: Any,
    indicator: Indicator,
    value: Decimal,
    year: int | None = None,
    region: Departamento | None = None,
    source: str = "code",
) -> Target:
    """Set the target of an indicator for a year (None: the programme) and region (None: all)."""
    _programme(actor, "set targets")
    key = {"indicator": indicator, "year": year, "region": region}
    return _keep(actor, Target, key, {"value": value}, source)


@transaction.atomic
def indicator_value_enter(
    *,
    actor: Any,
    indicator: Indicator,
    year: int,
    value: Decimal,
    note: str,
    region: Departamento | None = None,
    sex: str = "",
    document: UploadedFile | None = None,
    source: str = "code",
) -> IndicatorValue:
    """Enter a value of an indicator chacra cannot compute, with what backs it up."""
    _in_region(actor, region, "enter indicator values")
    if indicator.source != Source.ENTERED:
        raise InvalidInput(
            f"indicator: {indicator.code} is computed from the records; values are entered only "
            "for indicators whose source is 'entered'",
            field="indicator",
        )
    if sex not in ("", "F", "M"):
        raise InvalidInput(f"sex: {sex!r} is not accepted; use F, M or nothing (both)", field="sex")
    if not note.strip() and document is None:
        raise InvalidInput(
            "note: give the evidence (a note saying where the figure comes from, or a document)",
            field="note",
        )
    entry = IndicatorValue(
        indicator=indicator,
        year=year,
        region=region,
        sex=sex,
        value=value,
        note=note.strip(),
        entered_by=actor,
    )
    if document is not None:
        entry.document = document_store(document)
    instance_save(actor=actor, instance=entry, source=source)
    return entry


@transaction.atomic
def exchange_rate_set(
    *, actor: Any, date: dt.date, pen_per_usd: Decimal, note: str = "", source: str = "code"
) -> ExchangeRate:
    _programme(actor, "record exchange rates")
    values = {"pen_per_usd": pen_per_usd, "source": note}
    return _keep(actor, ExchangeRate, {"date": date}, values, source)


@transaction.atomic
def partner_register(
    *,
    actor: Any,
    organisation: Organisation,
    sector: str,
    committed_usd: Decimal = Decimal(0),
    source: str = "code",
) -> Partner:
    _programme(actor, "register co-investment partners")
    values = {"sector": sector, "committed_usd": committed_usd}
    return _keep(actor, Partner, {"organisation": organisation}, values, source)


@transaction.atomic
def contribution_record(
    *,
    actor: Any,
    partner: Partner,
    date: dt.date,
    amount: Decimal,
    currency: str,
    nature: str,
    region: Departamento | None = None,
    evidence: str = "",
    document: UploadedFile | None = None,
    source: str = "code",
) -> Contribution:
    """Record a partner's contribution in US$ or soles, converted at the rate of its date."""
    _in_region(actor, region, "record contributions")
    _one_of(nature, Nature.values, "nature", "a nature of contribution")
    usd, pen, rate = both_currencies(amount=amount, currency=currency, day=date)
    contribution = Contribution(
        partner=partner, date=date, currency=currency, amount_usd=usd, amount_pen=pen, rate=rate,
        nature=nature, region=region, evidence=evidence.strip(), recorded_by=actor,
    )  # fmt: skip
    if document is not None:
        contribution.document = document_store(document)
    instance_save(actor=actor, instance=contribution, source=source)
    return contribution


@transaction.atomic
def unit_value_set(
    *,
    actor: Any,
    activity: str,
    usd_per_unit: Decimal,
    valid_from: dt.date,
    source: str = "code",
) -> InKindUnitValue:
    """What the programme counts one unit of a farmer activity as worth, from a date on."""
    _programme(actor, "set in-kind unit values")
    key = {"activity": activity, "valid_from": valid_from}
    return _keep(actor, InKindUnitValue, key, {"usd_per_unit": usd_per_unit}, source)


@transaction.atomic
def loan_record(
    *,
    actor: Any,
    institution: Organisation,
    producer: Producer,
    date: dt.date,
    amount: Decimal,
    currency: str,
    term_months: int,
    purpose: str,
    programme_support: bool,
    source: str = "code",
) -> Loan:
    """Record a loan a financial institution made to a producer."""
    region = producer.comunidad.distrito.provincia.departamento
    _in_region(actor, region, "record loans")
    if institution.kind != OrganisationKind.FINANCIAL:
        raise InvalidInput(
            f"institution: {institution.name!r} is a {institution.kind}, not a financial "
            "institution; register it with kind 'financial' first",
            field="institution",
        )
    usd, pen, rate = both_currencies(amount=amount, currency=currency, day=date)
    loan = Loan(
        institution=institution, producer=producer, date=date, currency=currency,
        amount_usd=usd, amount_pen=pen, rate=rate, term_months=term_months, purpose=purpose,
        programme_support=programme_support, recorded_by=actor,
    )  # fmt: skip
    instance_save(actor=actor, instance=loan, source=source)
    return loan


@transaction.atomic
def loan_status_set(*, actor: Any, loan: Loan, status: str, source: str = "code") -> Loan:
    _one_of(status, RepaymentStatus.values, "status", "a repayment status")
    _in_region(actor, loan.producer.comunidad.distrito.provincia.departamento, "update loans")
    loan.status = status
    instance_save(actor=actor, instance=loan, source=source)
    return loan
