"""New rows, written at once: the fast path of an import.

A row is new when nothing in the registry or elsewhere in the file matches it (DNI, producer
code, names in the comunidad, plot code, form submission). New rows are validated one by one as
the per-row path would, then created with one bulk insert per table, each record with its own
audit entry. Every other row goes through ``RowApplier.apply``, which matches and updates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from chacra.accounts.models import AuditAction, Role
from chacra.accounts.scope import scope_for
from chacra.accounts.services import audit_record, instances_bulk_create
from chacra.errors import ChacraError, InvalidInput
from chacra.intake.apply import RowApplier
from chacra.intake.models import Submission
from chacra.intake.parse import fold
from chacra.intake.rows import RowError
from chacra.intake.validate import CleanRow
from chacra.registry import services
from chacra.registry.geometry import PlotShape, plot_shapes
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

FOREIGN_KEYS = ["producer", "comunidad", "mapped_by", "plot", "clone", "agent", "organisation"]


def _keys(row: CleanRow) -> list[tuple[str, Any]]:
    p = row.producer
    assert row.distrito is not None  # validated  # noqa: S101
    place = (row.distrito.pk, fold(row.comunidad or ""))
    keys: list[tuple[str, Any]] = [("names", (*place, fold(p["surnames"]), fold(p["given_names"])))]
    if p.get("dni"):
        keys.append(("dni", p["dni"]))
    if row.producer_code:
        keys.append(("producer_code", row.producer_code))
    if row.plot_code:
        keys.append(("plot_code", row.plot_code))
    if row.submission is not None:
        keys.append(("root", (row.submission.source, row.submission.root_id)))
    return keys


def _errors(row: CleanRow, exc: ValidationError) -> list[RowError]:
    return [
        RowError(row.ref, field, "", " ".join(str(m) for m in messages))
        for field, messages in exc.message_dict.items()
    ]


class _Prepared:
    def __init__(self, row: CleanRow, producer: Producer) -> None:
        self.row = row
        self.producer = producer
        self.plot: Plot | None = None
        self.original: Any = None
        self.plantings: list[Planting] = []
        self.grafts: list[Graft] = []
        self.visits: list[ExtensionVisit] = []


class BulkCreator:
    def __init__(self, applier: RowApplier) -> None:
        self.applier = applier
        self.actor = applier.actor
        self.scope = scope_for(self.actor) if self.actor is not None else None
        self._allowed: dict[int, str | None] = {}

    def split(
        self, rows: list[CleanRow], errors: list[RowError]
    ) -> tuple[list[CleanRow], list[CleanRow]]:
        """(new rows, rows that may match something): one query per kind of key, not per row."""
        keyed = [(row, _keys(row)) for row in rows]
        seen = Counter(k for _, keys in keyed for k in keys)
        existing = self._existing([k for _, keys in keyed for k in keys])
        new: list[CleanRow] = []
        other: list[CleanRow] = []
        for row, keys in keyed:
            clash = any(seen[k] > 1 or k in existing for k in keys)
            (other if clash else new).append(row)
        return new, other

    def _existing(self, keys: Iterable[tuple[str, Any]]) -> set[tuple[str, Any]]:
        by_kind: dict[str, set[Any]] = {}
        for kind, value in keys:
            by_kind.setdefault(kind, set()).add(value)
        found: set[tuple[str, Any]] = set()
        dnis = Producer.objects.filter(dni__in=by_kind.get("dni", ())).values_list("dni", flat=True)
        found |= {("dni", d) for d in dnis}
        codes = Producer.objects.filter(code__in=by_kind.get("producer_code", ()))
        found |= {("producer_code", c) for c in codes.values_list("code", flat=True)}
        plots = Plot.objects.filter(code__in=by_kind.get("plot_code", ()))
        found |= {("plot_code", c) for c in plots.values_list("code", flat=True)}
        roots = {r for _, r in by_kind.get("root", ())}
        subs = Submission.objects.filter(root_id__in=roots).values_list("source", "root_id")
        found |= {("root", tuple(s)) for s in subs}
        distritos = {d for d, _, _, _ in by_kind.get("names", ())}
        people = Producer.objects.filter(comunidad__distrito_id__in=distritos).values_list(
            "comunidad__distrito_id", "comunidad__name", "surnames", "given_names"
        )
        for d, c, s, g in people:
            found.add(("names", (d, fold(c), fold(s), fold(g))))
        return found

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

    def _prepare(
        self, row: CleanRow, shape: PlotShape | InvalidInput, errors: list[RowError]
    ) -> _Prepared | None:
        refused = self._may_write(row)
        if refused:
            errors.append(RowError(row.ref, "comunidad", row.comunidad, refused))
            return None
        producer = Producer(code="-", **row.producer)
        if producer.dni == "":
            producer.dni = None
        prepared = _Prepared(row, producer)
        try:
            producer.full_clean(
                exclude=[*FOREIGN_KEYS, "code"], validate_unique=False, validate_constraints=False
            )
            if self.applier.has_plot_data(row):
                plot = Plot(
                    code="-",
                    **{k: v for k, v in row.plot.items() if k != "mapped_on"},
                )
                if isinstance(shape, InvalidInput):
                    raise shape
                prepared.original = services.apply_shape(
                    plot, row.boundary, row.point, row.mapping_method, shape=shape
                )
                plot.mapped_on = row.plot.get("mapped_on")
                mapped = plot.mapping_method != MappingMethod.NOT_MAPPED
                plot.mapped_by = self.actor if mapped and getattr(self.actor, "pk", None) else None
                # field checks only: the shape was validated and repaired by plot_shapes
                plot.clean_fields(exclude=[*FOREIGN_KEYS, "code"])
                prepared.plot = plot
                for values in row.plantings:
                    planting = Planting(
                        cacao_installed_ha=values["cacao_installed_ha"],
                        installed_on=values["installed_on"].replace(day=1),
                        temporary_shade_ha=values.get("temporary_shade_ha", Decimal(0)),
                        forestry_ha=values.get("forestry_ha", Decimal(0)),
                    )
                    planting.full_clean(exclude=FOREIGN_KEYS)
                    prepared.plantings.append(planting)
                for values in row.grafts:
                    graft = Graft(
                        clone=values["clone"],
                        grafted_ha=values["grafted_ha"],
                        grafted_on=values["grafted_on"].replace(day=1),
                    )
                    graft.full_clean(exclude=FOREIGN_KEYS)
                    prepared.grafts.append(graft)
            for values in row.visits:
                if self.scope is None or self.scope.role != Role.AGENT:
                    errors.append(
                        RowError(
                            row.ref,
                            "agent",
                            "",
                            "a visit needs the extension agent "
                            "who made it: import it as that agent",
                        )
                    )
                    return None
                visit = ExtensionVisit(
                    agent=self.actor,
                    date=values["date"],
                    activities=values["activities"],
                    notes=values["notes"],
                )
                visit.full_clean(exclude=FOREIGN_KEYS)
                prepared.visits.append(visit)
        except ValidationError as exc:
            errors.extend(_errors(row, exc))
            return None
        except ChacraError as exc:
            errors.append(RowError(row.ref, exc.field or "row", "", exc.message))
            return None
        # only now, with the row known to be good, may its comunidad be created
        try:
            producer.comunidad = self.applier.comunidad(row)
        except ChacraError as exc:
            errors.append(RowError(row.ref, exc.field or "comunidad", row.comunidad, exc.message))
            return None
        if prepared.plot is not None:
            prepared.plot.comunidad = producer.comunidad
        return prepared

    def create(self, rows: list[CleanRow], errors: list[RowError]) -> None:
        shapes = plot_shapes([r.boundary for r in rows], [r.point for r in rows])
        prepared = [
            p
            for p in (self._prepare(r, s, errors) for r, s in zip(rows, shapes, strict=True))
            if p is not None
        ]
        if not prepared:
            return
        source, actor, counts = self.applier.source, self.actor, self.applier.counts
        codes = iter(services.next_codes("P", Producer, len(prepared)))
        for p in prepared:
            p.producer.code = p.row.producer_code or next(codes)
        producers = instances_bulk_create(
            actor=actor, instances=[p.producer for p in prepared], source=source
        )
        counts["producers_created"] += len(producers)
        with_plot = [(p, p.plot) for p in prepared if p.plot is not None]
        plot_codes = iter(services.next_codes("PA", Plot, len(with_plot)))
        for p, plot in with_plot:
            plot.producer = p.producer
            plot.code = p.row.plot_code or next(plot_codes)
        plots = instances_bulk_create(
            actor=actor, instances=[plot for _, plot in with_plot], source=source
        )
        counts["plots_created"] += len(plots)
        self.applier.touched_plots |= {plot.pk for plot in plots}
        PlotGeometryVersion.objects.bulk_create(
            [
                PlotGeometryVersion.of(plot, 1, p.original)
                for p, plot in with_plot
                if plot.mapping_method != MappingMethod.NOT_MAPPED
            ],
            batch_size=500,
        )
        plantings: list[Planting] = []
        grafts: list[Graft] = []
        visits: list[ExtensionVisit] = []
        for p in prepared:
            for planting in p.plantings:
                planting.plot = p.plot  # type: ignore[assignment]
            for graft in p.grafts:
                graft.plot = p.plot  # type: ignore[assignment]
            for visit in p.visits:
                visit.producer, visit.plot = p.producer, p.plot
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
                    Producer.agents.through(producer_id=p.producer.pk, user_id=actor.pk)
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

    def _memberships(self, prepared: list[_Prepared]) -> None:
        links = [
            Membership(producer=p.producer, organisation=self.applier.organisation(name))
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
                producer=p.producer,
                plot=p.plot,
                job=self.applier.job,
                payload=p.row.as_submitted,
            )
            for p in prepared
            if (s := p.row.submission) is not None
        ]
        Submission.objects.bulk_create(subs, batch_size=500)
        self.applier.counts["submissions_recorded"] += len(subs)
