"""New rows, written at once: the fast path of an import.

New rows (``chacra.intake.known``) become records, plain values by field: their shapes are
converted and measured at once (``chacra.intake.shapes``), their fields checked column by
column as ``full_clean`` would check them (``chacra.intake.records``), their comunidades made
at once, then each table takes one ``executemany``. The producers, plots and comunidades
created get one audit entry per table, listing their ids and naming the import's archived
file and its SHA-256, where the values they were created with are kept
(``chacra.accounts.services.records_bulk_create``); what an import changes in existing
records is audited record by record, old and new values (``chacra.intake.apply``).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from chacra.accounts.models import AuditAction, Role
from chacra.accounts.records import record_defaults, records_bulk_create, records_insert
from chacra.accounts.scope import scope_for
from chacra.accounts.services import audit_record, instances_bulk_create
from chacra.errors import ChacraError, InvalidInput
from chacra.intake.apply import RowApplier
from chacra.intake.models import Submission
from chacra.intake.records import RecordCheck
from chacra.intake.rows import RowError
from chacra.intake.shapes import Shapes, shapes_at_once
from chacra.intake.triggers import insert_triggers_batched
from chacra.intake.validate import CleanRow
from chacra.registry import services
from chacra.registry.models import (
    Comunidad,
    ExtensionVisit,
    Graft,
    MappingMethod,
    Membership,
    Planting,
    Plot,
    PlotGeometryVersion,
    Producer,
)
from chacra.registry.quality import PlotRow, PlotsWritten

FOREIGN_KEYS = [
    "producer", "comunidad", "mapped_by", "plot", "clone", "agent", "organisation", "distrito",
]  # fmt: skip
# what a plot's first geometry version copies from the plot (PlotGeometryVersion.of)
VERSIONED = ("boundary", "location", "area_ha", "mapping_method", "mapped_on", "mapped_by_id")


def _errors(row: CleanRow, exc: ValidationError) -> list[RowError]:
    return [
        RowError(row.ref, field, "", " ".join(str(m) for m in messages))
        for field, messages in exc.message_dict.items()
    ]


class _Prepared:
    """A new row's records (values by attname), validated, waiting for their ids."""

    def __init__(self, row: CleanRow, producer: dict[str, Any]) -> None:
        self.row = row
        self.producer = producer
        self.producer_id = 0
        self.plot: dict[str, Any] | None = None
        self.plot_id: int | None = None
        self.original: Any = None
        self.plantings: list[Planting] = []
        self.grafts: list[Graft] = []
        self.visits: list[ExtensionVisit] = []


def _mapping_method(method: str | None, boundary: Any, location: Any) -> str:
    """As ``registry.services.apply_shape`` sets it."""
    if method:
        return method
    if boundary is not None:
        return MappingMethod.IMPORTED
    if location is not None:
        return MappingMethod.GPS_POINT
    return MappingMethod.NOT_MAPPED


class BulkCreator:
    def __init__(self, applier: RowApplier) -> None:
        self.applier = applier
        self.actor = applier.actor
        self.scope = scope_for(self.actor) if self.actor is not None else None
        self._allowed: dict[int, str | None] = {}
        self.written = PlotsWritten()  # the plots created, as stored: for their quality flags
        self._producer = record_defaults(Producer)
        self._plot = record_defaults(Plot)
        # as full_clean(exclude=[*FOREIGN_KEYS, "code"]) and plot.clean_fields(...) did; the
        # plot's geometry fields come checked and repaired from shapes_at_once
        self._producer_check = RecordCheck(Producer, exclude=[*FOREIGN_KEYS, "code"])
        self._plot_check = RecordCheck(
            Plot, exclude=[*FOREIGN_KEYS, "code", "boundary", "location"], model_clean=False
        )

    def _may_write(self, row: CleanRow) -> str | None:
        """Why the actor may not add a producer in this row's distrito (None: she may)."""
        assert row.distrito is not None  # validated  # noqa: S101
        if row.distrito.pk not in self._allowed:
            place = Comunidad(distrito=row.distrito, name=row.comunidad or "")  # not saved
            try:
                services.require_producer_write(actor=self.actor, producer=None, comunidad=place)
                self._allowed[row.distrito.pk] = None
            except ChacraError as exc:
                self._allowed[row.distrito.pk] = exc.message
        return self._allowed[row.distrito.pk]

    def _plot_record(
        self, row: CleanRow, boundary: Any, location: Any, area_ha: float, repaired: bool
    ) -> dict[str, Any]:
        """The row's plot as ``registry.services.plot_register`` would make it."""
        method = _mapping_method(row.mapping_method, boundary, location)
        mapped = method != MappingMethod.NOT_MAPPED
        return {
            **self._plot,
            "code": "-",
            **{k: v for k, v in row.plot.items() if k != "mapped_on"},
            "boundary": boundary,
            "location": location,
            "area_ha": None if math.isnan(area_ha) else area_ha,
            "geometry_repaired": repaired,
            "mapping_method": method,
            "mapped_on": row.plot.get("mapped_on"),
            "mapped_by_id": self.actor.pk if mapped and getattr(self.actor, "pk", None) else None,
        }

    def _prepare(
        self, rows: list[CleanRow], shapes: Shapes, errors: list[RowError]
    ) -> list[_Prepared]:
        """The records of each new row, checked as ``full_clean`` would check its instances; a
        row that fails becomes errors (those of its first failing record, as one by one)."""
        found: dict[int, list[RowError]] = {}
        candidates: list[tuple[int, _Prepared]] = []
        boundaries, locations = shapes.boundary.tolist(), shapes.location.tolist()
        areas, repaired = shapes.area_ha.tolist(), shapes.repaired.tolist()
        originals = shapes.original.tolist()
        for i, row in enumerate(rows):
            refused = self._may_write(row)
            if refused:
                found[i] = [RowError(row.ref, "comunidad", row.comunidad, refused)]
                continue
            producer = {**self._producer, "code": "-", **row.producer}
            if producer["dni"] == "":
                producer["dni"] = None
            p = _Prepared(row, producer)
            if self.applier.has_plot_data(row) and i not in shapes.errors:
                p.plot = self._plot_record(row, boundaries[i], locations[i], areas[i], repaired[i])
                p.original = originals[i]
            candidates.append((i, p))
        producer_problems = self._producer_check.check_many([p.producer for _, p in candidates])
        plotted = [i for i, p in candidates if p.plot is not None]
        plot_problems = {
            plotted[k]: exc
            for k, exc in self._plot_check.check_many(
                [p.plot for _, p in candidates if p.plot is not None]
            ).items()
        }
        prepared: list[_Prepared] = []
        for k, (i, p) in enumerate(candidates):
            try:
                if k in producer_problems:
                    raise producer_problems[k]
                if i in shapes.errors and self.applier.has_plot_data(p.row):
                    raise shapes.errors[i]
                if i in plot_problems:
                    raise plot_problems[i]
                self._dated(p)
            except ValidationError as exc:
                found[i] = _errors(p.row, exc)
                continue
            except ChacraError as exc:
                found[i] = [RowError(p.row.ref, exc.field or "row", "", exc.message)]
                continue
            prepared.append(p)
        for i in sorted(found):
            errors.extend(found[i])
        return prepared

    def _dated(self, p: _Prepared) -> None:
        """The row's plantings, grafts and visits, each checked (few rows have them)."""
        row = p.row
        if p.plot is not None:
            for values in row.plantings:
                planting = Planting(
                    cacao_installed_ha=values["cacao_installed_ha"],
                    installed_on=values["installed_on"].replace(day=1),
                    temporary_shade_ha=values.get("temporary_shade_ha", Decimal(0)),
                    forestry_ha=values.get("forestry_ha", Decimal(0)),
                )
                planting.full_clean(exclude=FOREIGN_KEYS)
                p.plantings.append(planting)
            for values in row.grafts:
                graft = Graft(
                    clone=values["clone"],
                    grafted_ha=values["grafted_ha"],
                    grafted_on=values["grafted_on"].replace(day=1),
                )
                graft.full_clean(exclude=FOREIGN_KEYS)
                p.grafts.append(graft)
        for values in row.visits:
            if self.scope is None or self.scope.role != Role.AGENT:
                raise InvalidInput(
                    "a visit needs the extension agent who made it: import it as that agent",
                    field="agent",
                )
            visit = ExtensionVisit(
                agent=self.actor,
                date=values["date"],
                activities=values["activities"],
                notes=values["notes"],
            )
            visit.full_clean(exclude=FOREIGN_KEYS)
            p.visits.append(visit)

    def _comunidades(self, prepared: list[_Prepared], errors: list[RowError]) -> list[_Prepared]:
        """Each row's comunidad, the missing ones created at once; rows whose comunidad cannot
        be made become errors. Only rows known to be good get here: a comunidad is never made
        for a refused row."""
        applier = self.applier
        keys = [applier.comunidad_key(p.row) for p in prepared]
        known = applier.comunidades_read({distrito for distrito, _ in keys})
        wanted: dict[tuple[int, str], _Prepared] = {}
        for p, key in zip(prepared, keys, strict=True):
            if key not in known:
                wanted.setdefault(key, p)  # the first spelling in the file names it
        records = {
            key: {
                **record_defaults(Comunidad),
                "distrito_id": key[0],
                "name": " ".join((p.row.comunidad or "").split()),
            }
            for key, p in wanted.items()
        }
        problems = RecordCheck(Comunidad, exclude=FOREIGN_KEYS).check_many(list(records.values()))
        refused = {key: problems[k] for k, key in enumerate(records) if k in problems}
        new = {key: record for key, record in records.items() if key not in refused}
        ids = records_bulk_create(
            actor=self.actor,
            model=Comunidad,
            records=list(new.values()),
            key=["distrito_id", "name"],
            source=applier.source,
            about=self._about(),
        )
        for (key, record), pk in zip(new.items(), ids, strict=True):
            distrito = wanted[key].row.distrito
            known[key] = Comunidad(pk=pk, distrito=distrito, name=record["name"])
        applier.counts["comunidades_created"] += len(ids)
        kept = []
        for p, key in zip(prepared, keys, strict=True):
            if key in refused:
                errors.extend(
                    RowError(p.row.ref, "comunidad", p.row.comunidad, " ".join(messages))
                    for messages in refused[key].message_dict.values()
                )
                continue
            p.producer["comunidad_id"] = known[key].pk
            if p.plot is not None:
                p.plot["comunidad_id"] = known[key].pk
            kept.append(p)
        return kept

    def create(self, rows: list[CleanRow], errors: list[RowError]) -> None:
        shapes = shapes_at_once([r.boundary for r in rows], [r.point for r in rows])
        prepared = self._comunidades(self._prepare(rows, shapes, errors), errors)
        if not prepared:
            return
        source, actor, counts = self.applier.source, self.actor, self.applier.counts
        codes = iter(services.next_codes("P", Producer, len(prepared)))
        for p in prepared:
            p.producer["code"] = p.row.producer_code or next(codes)
        producer_ids = records_bulk_create(
            actor=actor,
            model=Producer,
            records=[p.producer for p in prepared],
            key=["code"],
            source=source,
            about=self._about(),
        )
        counts["producers_created"] += len(producer_ids)
        with_plot = [p for p in prepared if p.plot is not None]
        plot_codes = iter(services.next_codes("PA", Plot, len(with_plot)))
        for p, producer_id in zip(prepared, producer_ids, strict=True):
            p.producer_id = producer_id
            if p.plot is not None:
                p.plot["producer_id"] = producer_id
                p.plot["code"] = p.row.plot_code or next(plot_codes)
        plots = [p.plot for p in with_plot if p.plot is not None]
        with insert_triggers_batched([Plot, PlotGeometryVersion], rows=len(plots)):
            plot_ids = records_bulk_create(
                actor=actor,
                model=Plot,
                records=plots,
                key=["code"],
                source=source,
                about=self._about(),
            )
            counts["plots_created"] += len(plot_ids)
            self.applier.touched_plots.update(plot_ids)
            versions = record_defaults(PlotGeometryVersion)
            records_insert(
                PlotGeometryVersion,
                [
                    {
                        **versions,
                        "plot_id": pk,
                        "version": 1,
                        "original": p.original,
                        **{k: plot[k] for k in VERSIONED},
                    }
                    for p, plot, pk in zip(with_plot, plots, plot_ids, strict=True)
                    if plot["mapping_method"] != MappingMethod.NOT_MAPPED
                ],
            )
        plantings: list[Planting] = []
        grafts: list[Graft] = []
        visits: list[ExtensionVisit] = []
        for p, pk in zip(with_plot, plot_ids, strict=True):
            p.plot_id = pk
            self._written(p, pk)
            for planting in p.plantings:
                planting.plot_id = pk
            for graft in p.grafts:
                graft.plot_id = pk
        for p in prepared:
            for visit in p.visits:
                visit.producer_id, visit.plot_id = p.producer_id, p.plot_id
            plantings += p.plantings
            grafts += p.grafts
            visits += p.visits
        instances_bulk_create(actor=actor, instances=plantings, source=source)
        instances_bulk_create(actor=actor, instances=grafts, source=source)
        instances_bulk_create(actor=actor, instances=visits, source=source)
        counts["plantings_created"] += len(plantings)
        counts["grafts_created"] += len(grafts)
        counts["visits_created"] += len(visits)
        self._memberships(prepared)
        self._submissions(prepared)
        if self.scope is not None and self.scope.role == Role.AGENT:
            Producer.agents.through.objects.bulk_create(
                [
                    Producer.agents.through(producer_id=p.producer_id, user_id=actor.pk)
                    for p in prepared
                ]
            )
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                model="registry.Producer",
                summary=f"{len(prepared)} producers assigned to {actor}",
                changes={"agents": ["+", actor.username], "count": len(prepared)},
                source=source,
            )

    def _about(self) -> dict[str, Any]:
        """What a bulk audit entry says of where its records came from."""
        job = self.applier.job
        return {"import": job.pk, "file": job.file_name, "sha256": job.sha256}

    def _written(self, p: _Prepared, pk: int) -> None:
        plot = p.plot
        assert plot is not None  # noqa: S101  # only rows with a plot get here
        assert p.row.distrito is not None  # noqa: S101  # validated
        row = PlotRow(
            pk=pk,
            code=plot["code"],
            declared_area_ha=plot["declared_area_ha"],
            producer_id=plot["producer_id"],
            geometry_repaired=plot["geometry_repaired"],
            comunidad__distrito_id=p.row.distrito.pk,
            area_ha=plot["area_ha"],
        )
        self.written.add(row, plot["boundary"], plot["location"])

    def _memberships(self, prepared: list[_Prepared]) -> None:
        links = [
            Membership(producer_id=p.producer_id, organisation=self.applier.organisation(name))
            for p in prepared
            if (name := p.row.organisation)
        ]
        instances_bulk_create(actor=self.actor, instances=links, source=self.applier.source)
        self.applier.counts["memberships_created"] += len(links)

    def _submissions(self, prepared: list[_Prepared]) -> None:
        subs = [
            Submission(
                source=s.source,
                root_id=s.root_id,
                instance_id=s.instance_id,
                deprecated_id=s.deprecated_id,
                submitted_at=s.submitted_at,
                version=1,
                producer_id=p.producer_id,
                plot_id=p.plot_id,
                job=self.applier.job,
                payload=p.row.as_submitted,
            )
            for p in prepared
            if (s := p.row.submission) is not None
        ]
        Submission.objects.bulk_create(subs, batch_size=500)
        self.applier.counts["submissions_recorded"] += len(subs)
