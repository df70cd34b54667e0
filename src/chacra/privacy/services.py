"""Ley 29733 duties on one producer: log each reading, export everything held, anonymise.

Export and anonymisation are for programme-wide roles (administrators and programme staff);
``actor=None`` is the operator at the command line.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db import models, transaction
from django.db.models import ForeignObjectRel, Q
from django.utils import timezone

from chacra.accounts.models import AuditAction, AuditEntry, Role
from chacra.accounts.scope import Scope, scope_for
from chacra.accounts.services import audit_record, bulk_entries_about
from chacra.compliance.models import PlotCheck
from chacra.errors import AccessDenied, InvalidInput, NotFound
from chacra.intake.models import ImportJob, Submission
from chacra.privacy.models import AccessKind, PersonalDataAccess
from chacra.registry.models import Plot, PlotGeometryVersion, Producer
from chacra.registry.services import producer_version_claim

EXPORT_FORMAT = "chacra-producer-export/1"
ANONYMOUS_SURNAMES = "ANONIMIZADO"
# Related records that are about a plot or producer but hold nothing of theirs worth exporting.
SKIPPED = {"privacy.PersonalDataAccess"}


def _scope(actor: Any) -> Scope:
    return Scope(role=Role.ADMIN) if actor is None else scope_for(actor)


def personal_data_access_record(
    *, actor: Any, producer_id: int, kind: AccessKind, detail: str = ""
) -> None:
    """Log one reading of a producer's personal data; the caller has already been let in."""
    PersonalDataAccess.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        producer_id=producer_id,
        kind=kind,
        detail=detail[:80],
    )


def _programme_producer(*, actor: Any, code: str, duty: str) -> Producer:
    if not _scope(actor).is_programme_wide:
        raise AccessDenied(f"only administrators and programme staff may {duty}")
    producer = Producer.objects.filter(code=code).first()
    if producer is None:
        raise NotFound(f"code: no producer has the code {code!r}", field="code")
    return producer


def _value(value: Any) -> Any:
    if isinstance(value, GEOSGeometry):
        return json.loads(value.geojson)
    if isinstance(value, dt.date | dt.datetime | decimal.Decimal):
        return str(value)
    return value


def _row(instance: models.Model) -> dict[str, Any]:
    return {f.attname: _value(getattr(instance, f.attname)) for f in instance._meta.concrete_fields}


def _related(instance: models.Model) -> dict[str, list[dict[str, Any]]]:
    """Every row that points at ``instance`` (one level), by model label: whatever apps hold,
    through hidden relations too (``related_name="+"``: form submissions as received)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for rel in instance._meta.get_fields(include_hidden=True):
        if not isinstance(rel, ForeignObjectRel) or not (rel.one_to_many or rel.one_to_one):
            continue
        model: Any = rel.related_model
        label = model._meta.label
        if label in SKIPPED or model._meta.auto_created:  # many-to-many tables: listed apart
            continue
        rows = model._default_manager.filter(**{rel.field.name: instance}).order_by("pk")
        if rows.exists():
            found.setdefault(label, []).extend(_row(r) for r in rows)
    return found


def producer_export(*, actor: Any, code: str) -> dict[str, Any]:
    """Everything chacra holds about one producer, as JSON-ready values; audited as a disclosure.

    The producer's record, the records that point at it (plots, visits, memberships, purchases
    ... whichever apps are installed), the records that point at each plot (geometry history,
    plantings, grafts, flags, checks ...), the audit entries about all of these and the log of
    who read them.
    """
    producer = _programme_producer(actor=actor, code=code, duty="export a producer's data")
    record = _row(producer)
    record["agents"] = list(producer.agents.values_list("username", flat=True))
    related = _related(producer)
    plots = list(Plot.objects.filter(producer=producer).order_by("code"))
    plot_records = [{"plot": _row(p), "related": _related(p)} for p in plots]
    about = _audit_about(producer, plots)
    export = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "exported_by": getattr(actor, "username", None),
        "producer": record,
        "related": {k: v for k, v in related.items() if k != "registry.Plot"},
        "plots": plot_records,
        "audit": [_row(e) for e in AuditEntry.objects.filter(about).order_by("at", "pk")],
        "accesses": [
            {"at": str(a.at), "who": getattr(a.actor, "username", None), "through": a.kind}
            for a in producer.accesses.select_related("actor").order_by("at", "pk")
        ],
    }
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.DISCLOSE,
            instance=producer,
            summary=f"{producer.code}: export of everything held",
            changes={"plots": len(plots), "related": {k: len(v) for k, v in related.items()}},
        )
        personal_data_access_record(
            actor=actor, producer_id=producer.pk, kind=AccessKind.EXPORT, detail=EXPORT_FORMAT
        )
    return export


def _audit_about(producer: Producer, plots: list[Plot]) -> Q:
    """Audit entries about the producer, her plots, and every record pointing at either: their
    own entries, and the bulk entries (an import, the demo) that created any of them."""
    ids = {Producer._meta.label: [producer.pk], Plot._meta.label: [p.pk for p in plots]}
    for owner in (producer, *plots):
        for label, rows in _related(owner).items():
            if label != Plot._meta.label:
                ids.setdefault(label, []).extend(r["id"] for r in rows if "id" in r)
    about = Q(pk__in=[])
    for label, pks in ids.items():
        about |= Q(model=label, object_id__in=[str(pk) for pk in pks])
        about |= Q(pk__in=bulk_entries_about(label, pks))
    return about


def _age_band_start(producer: Producer) -> int | None:
    age = producer.age_on(producer.registered_on)
    return None if age is None else max(12, age // 10 * 10)


@transaction.atomic
def producer_anonymise(*, actor: Any, code: str, reason: str) -> Producer:
    """Remove a producer's identity on request; irreversible.

    Kept so that every programme figure stays the same: sex, an age band (the decade of the
    age at registration), household size, region and comunidad, plots with their areas, current
    geometry and plantings, visits' dates and activities, purchases. The current plot boundary
    stays because buyers' due-diligence statements rely on it (EUDR keeps geolocation five
    years). Removed: names, DNI, phone, birth date, plot names, member numbers, visit notes and
    points, geometries as first received, superseded geometry versions that no check refers to,
    and the old values in the audit entries about the producer and her records.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(
            "reason: anonymisation is irreversible; say why (e.g. the producer's written "
            "request of 2025-03-01)",
            field="reason",
        )
    producer = _programme_producer(actor=actor, code=code, duty="anonymise a producer")
    plots = list(Plot.objects.filter(producer=producer))
    about = _audit_about(producer, plots)  # before the records change

    producer.age_at_registration = _age_band_start(producer)
    producer.surnames, producer.given_names = ANONYMOUS_SURNAMES, producer.code
    producer.dni, producer.phone, producer.birth_date = None, "", None
    # A new version: an edit form opened before this cannot write the names back.
    producer_version_claim(producer=producer, version=producer.version)
    # Not instance_save: its audit entry would copy the old names and DNI into the log.
    producer.save(
        update_fields=[
            "surnames", "given_names", "dni", "phone", "birth_date", "age_at_registration",
            "updated_at", "version",
        ]
    )  # fmt: skip
    producer.memberships.update(member_number="")
    producer.visits.update(notes="", location=None)
    Plot.objects.filter(producer=producer).update(name="")
    versions = PlotGeometryVersion.objects.filter(plot__producer=producer)
    newest: dict[int, tuple[int, int]] = {}
    for pk, plot_id, number in versions.values_list("pk", "plot_id", "version"):
        if number > newest.get(plot_id, (0, 0))[0]:
            newest[plot_id] = (number, pk)
    kept = {pk for _, pk in newest.values()} | _checked_version_ids(versions)
    dropped, _ = versions.exclude(pk__in=kept).delete()
    versions.update(original=None)
    archived = _imports_about(about)  # before the entries are redacted
    # Form submissions keep what was submitted (names, DNI, the outline): emptied, while their
    # ids stay, so that a later edit of the same form still finds its records.
    submitted = Submission.objects.filter(Q(producer=producer) | Q(plot__in=plots))
    submissions = submitted.update(payload={"redacted": "anonymised on request"})
    # Bulk entries hold ids and counts, no one's values, and speak of others too: kept whole.
    own = AuditEntry.objects.filter(about).exclude(action=AuditAction.BULK_CREATE)
    redacted = own.update(summary="", changes={"redacted": "anonymised on request"})
    audit_record(
        actor=actor,
        action=AuditAction.ANONYMISE,
        instance=producer,
        summary=f"{producer.code}: anonymised",
        changes={
            "reason": reason[:500],
            "plots": len(plots),
            "geometry_versions_dropped": dropped,
            "audit_entries_redacted": redacted,
            "submissions_redacted": submissions,
            # the files as imported are kept whole (they hold other producers too): named here so
            # that whoever keeps the archive can remove her from them or delete them
            "archived_imports": archived,
        },
    )
    return producer


def _imports_about(about: Q) -> list[dict[str, Any]]:
    """The imports whose archived files hold something of hers: those that wrote her records."""
    ids: set[int] = set()
    for source, changes in AuditEntry.objects.filter(about).values_list("source", "changes"):
        if source.startswith("import:") and source[7:].isdigit():
            ids.add(int(source[7:]))
        if isinstance(changes, dict) and isinstance(changes.get("import"), int):
            ids.add(changes["import"])
    jobs = ImportJob.objects.filter(pk__in=ids).exclude(archived_as="").order_by("pk")
    return [{"import": j.pk, "file": j.file_name, "archived_as": j.archived_as} for j in jobs]


def _checked_version_ids(versions: Any) -> set[int]:
    """Geometry versions that a compliance check points at: evidence kept with the check."""
    return set(
        PlotCheck.objects.filter(geometry_version__in=versions).values_list(
            "geometry_version_id", flat=True
        )
    )
