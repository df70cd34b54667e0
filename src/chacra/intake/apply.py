"""Write one validated row through the registry's services: match what exists, change what differs.

Matching, in order: a form submission already seen (ODK/Kobo root id) -> its producer and plot;
the producer's DNI; the producer code; the same names in the same comunidad. Plots: the plot code;
the submission's plot; the same geometry or GPS point among the producer's plots; the producer's
only plot when it has no geometry yet.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction

from chacra.accounts.scope import scope_for
from chacra.accounts.services import instance_save
from chacra.errors import AccessDenied, ChacraError, InvalidInput
from chacra.geo.shapes import repair_polygonal
from chacra.intake.models import ImportJob, Submission
from chacra.intake.parse import fold
from chacra.intake.rows import RowError
from chacra.intake.validate import CleanRow
from chacra.registry import selectors, services
from chacra.registry.models import (
    Comunidad,
    ExtensionVisit,
    Graft,
    Organisation,
    OrganisationKind,
    Planting,
    Plot,
    Producer,
)
from chacra.registry.quality import plots_around


def _as_stored(geom: Any) -> Any:
    """A geometry as the registry stores it: polygons as (repaired) MultiPolygons."""
    if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return geom
    fixed = repair_polygonal(shapely.force_2d(geom))
    if fixed is not None and fixed.geom_type == "Polygon":
        return shapely.MultiPolygon([fixed])
    return fixed


def _same_geometry(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return False
    a = _as_stored(a)
    other = shapely.from_wkb(bytes(b.wkb)) if isinstance(b, GEOSGeometry) else b
    return bool(
        shapely.equals_exact(shapely.normalize(a), shapely.normalize(other), tolerance=1e-7)
    )


class RowApplier:
    def __init__(self, *, actor: Any, job: ImportJob) -> None:
        self.actor = actor
        self.job = job
        self.source = f"import:{job.pk}"
        self.counts: Counter[str] = Counter()
        self.touched_plots: set[int] = set()
        self._comunidades: dict[tuple[int, str], Comunidad] = {}
        self._distritos_read: set[int] = set()

    def apply(self, row: CleanRow, errors: list[RowError]) -> None:
        """Apply one row; a service's refusal becomes a RowError and nothing of the row stays."""
        try:
            with transaction.atomic():
                self._apply(row)
        except ChacraError as exc:
            errors.append(RowError(row.ref, exc.field or "row", "", exc.message))
            self.counts["rows_refused"] += 1
            self._comunidades.clear()  # one made in the rolled-back row no longer exists
            self._distritos_read.clear()

    def comunidad(self, row: CleanRow) -> Comunidad:
        if row.distrito is None or row.comunidad is None:
            raise InvalidInput(
                "comunidad: the row names no distrito and comunidad", field="comunidad"
            )
        key = self.comunidad_key(row)
        if key not in self._comunidades:
            self.comunidades_read({row.distrito.pk})
        if key not in self._comunidades:
            self._comunidades[key] = services.comunidad_register(
                actor=self.actor, distrito=row.distrito, name=row.comunidad, source=self.source
            )
            self.counts["comunidades_created"] += 1
        return self._comunidades[key]

    @staticmethod
    def comunidad_key(row: CleanRow) -> tuple[int, str]:
        """The row's comunidad as it is matched: in its distrito, accent- and case-blind."""
        assert row.distrito is not None  # validated  # noqa: S101
        return (row.distrito.pk, fold(row.comunidad or ""))

    def comunidades_read(self, distritos: set[int]) -> dict[tuple[int, str], Comunidad]:
        """The comunidades known in these distritos (and in those read before), by
        :meth:`comunidad_key`: one query for the distritos not read yet. Callers that create
        comunidades add them to the dict."""
        unread = distritos - self._distritos_read
        if unread:
            for c in Comunidad.objects.filter(distrito_id__in=unread):
                self._comunidades.setdefault((c.distrito_id, fold(c.name)), c)
            self._distritos_read |= unread
        return self._comunidades

    def _submission(self, row: CleanRow) -> Submission | None:
        if row.submission is None:
            return None
        return (
            Submission.objects.filter(source=row.submission.source, root_id=row.submission.root_id)
            .order_by("-version")
            .first()
        )

    def _visible(self) -> Any:
        """Producers the importing user may see: matching never reaches past them."""
        if self.actor is None:
            return Producer.objects.all()
        return selectors.producer_list(scope=scope_for(self.actor))

    def _producer(self, row: CleanRow, comunidad: Comunidad, seen: Submission | None) -> Producer:
        p = row.producer
        visible = self._visible()
        found = seen.producer if seen is not None and seen.producer_id else None
        if found is not None and not visible.filter(pk=found.pk).exists():
            raise AccessDenied("this form submission belongs to a producer outside your scope")
        if found is None and p.get("dni"):
            found = visible.filter(dni=p["dni"]).first()
            if found is None and Producer.objects.filter(dni=p["dni"]).exists():
                # say no more than that it exists: not where, not whose (Ley 29733)
                raise AccessDenied(
                    f"dni: {p['dni']} is registered to a producer outside your scope; "
                    "ask programme staff",
                    field="dni",
                )
        if found is None and row.producer_code:
            found = visible.filter(code=row.producer_code).first()
        if found is None:
            # Same names in the same comunidad is the same person only if the DNIs agree.
            namesakes = visible.filter(
                comunidad=comunidad,
                surnames__iexact=p["surnames"],
                given_names__iexact=p["given_names"],
            )
            if p.get("dni"):
                namesakes = namesakes.filter(dni__isnull=True)
            found = namesakes.first()
        if found is None:
            self.counts["producers_created"] += 1
            return services.producer_register(
                actor=self.actor,
                comunidad=comunidad,
                code=row.producer_code,
                source=self.source,
                **p,
            )
        changes = {k: v for k, v in p.items() if getattr(found, k) != v}
        if found.comunidad_id != comunidad.pk:
            changes["comunidad"] = comunidad
        if changes:
            self.counts["producers_updated"] += 1
            return services.producer_update(
                actor=self.actor, producer=found, source=self.source, **changes
            )
        self.counts["producers_unchanged"] += 1
        return found

    @staticmethod
    def has_plot_data(row: CleanRow) -> bool:
        return bool(
            row.boundary is not None or row.point is not None or row.plot or row.plantings
            or row.plot_code
        )  # fmt: skip

    def _plot(
        self, row: CleanRow, producer: Producer, comunidad: Comunidad, seen: Submission | None
    ) -> Plot | None:
        if not self.has_plot_data(row):
            return None
        found = Plot.objects.filter(code=row.plot_code).first() if row.plot_code else None
        if found is not None and found.producer_id != producer.pk:
            raise InvalidInput(
                f"plot_code: {row.plot_code} is another producer's plot; "
                "give this plot its own code",
                field="plot_code",
            )
        if found is None and seen is not None and seen.plot_id:
            found = seen.plot
        if found is None:
            own = list(producer.plots.all())
            found = next(
                (pl for pl in own if _same_geometry(row.boundary, pl.boundary) or
                 (row.boundary is None and _same_geometry(row.point, pl.location))),
                None,
            )  # fmt: skip
            if found is None and row.boundary is None and row.point is None:
                # no geometry to match by: the producer's one plot without a geometry, if any
                bare = [pl for pl in own if pl.boundary is None and pl.location is None]
                found = bare[0] if len(bare) == 1 else None
            if (
                found is None
                and len(own) == 1
                and own[0].boundary is None
                and row.boundary is not None
            ):
                found = own[0]
        method = row.mapping_method
        if found is None:
            self.counts["plots_created"] += 1
            plot = services.plot_register(
                actor=self.actor, producer=producer, comunidad=comunidad, boundary=row.boundary,
                point=row.point, method=method, mapped_on=row.plot.get("mapped_on"),
                code=row.plot_code, source=self.source, refresh_flags=False,
                **{k: v for k, v in row.plot.items() if k != "mapped_on"},
            )  # fmt: skip
            self.touched_plots.add(plot.pk)
            return plot
        changed = False
        new_shape = row.boundary is not None and not _same_geometry(row.boundary, found.boundary)
        new_point = (
            row.boundary is None
            and row.point is not None
            and found.boundary is None
            and not _same_geometry(row.point, found.location)
        )
        if new_shape or new_point:
            self.touched_plots |= plots_around({found.pk})  # what it overlapped before it moved
            services.plot_remap(
                actor=self.actor, plot=found, boundary=row.boundary, point=row.point, method=method,
                mapped_on=row.plot.get("mapped_on"), source=self.source, refresh_flags=False,
            )  # fmt: skip
            changed = True
        fields = {k: v for k, v in row.plot.items() if k != "mapped_on" and getattr(found, k) != v}
        if fields:
            services.require_producer_write(
                actor=self.actor, producer=found.producer, comunidad=found.comunidad
            )
            for k, v in fields.items():
                setattr(found, k, v)
            instance_save(actor=self.actor, instance=found, source=self.source)
            changed = True
        self.counts["plots_updated" if changed else "plots_unchanged"] += 1
        self.touched_plots.add(found.pk)
        return found

    def _plantings(self, row: CleanRow, plot: Plot) -> None:
        for planting in row.plantings:
            # A plot's planting of a month is the same planting: an edit changes its figures.
            existing = Planting.objects.filter(
                plot=plot, installed_on=planting["installed_on"]
            ).first()
            if existing is not None:
                self._update(existing, planting, "plantings")
                continue
            services.planting_record(
                actor=self.actor, plot=plot, source=self.source,
                cacao_installed_ha=planting["cacao_installed_ha"],
                installed_on=planting["installed_on"],
                temporary_shade_ha=planting.get("temporary_shade_ha", Decimal(0)),
                forestry_ha=planting.get("forestry_ha", Decimal(0)),
            )  # fmt: skip
            self.counts["plantings_created"] += 1
        for graft in row.grafts:
            same_graft = Graft.objects.filter(
                plot=plot, clone=graft["clone"], grafted_on=graft["grafted_on"]
            ).first()
            if same_graft is not None:
                self._update(same_graft, graft, "grafts")
                continue
            services.graft_record(actor=self.actor, plot=plot, source=self.source, **graft)
            self.counts["grafts_created"] += 1

    def _update(self, record: Any, values: dict[str, Any], kind: str) -> None:
        changes = {k: v for k, v in values.items() if getattr(record, k) != v}
        if not changes:
            self.counts[f"{kind}_unchanged"] += 1
            return
        plot = record.plot
        services.require_producer_write(
            actor=self.actor, producer=plot.producer, comunidad=plot.comunidad
        )
        for k, v in changes.items():
            setattr(record, k, v)
        instance_save(actor=self.actor, instance=record, source=self.source)
        self.counts[f"{kind}_updated"] += 1

    def _visits(self, row: CleanRow, producer: Producer, plot: Plot | None) -> None:
        for visit in row.visits:
            if ExtensionVisit.objects.filter(
                producer=producer, date=visit["date"], plot=plot
            ).exists():
                self.counts["visits_unchanged"] += 1
                continue
            services.visit_record(
                actor=self.actor, producer=producer, plot=plot, date=visit["date"],
                activities=visit["activities"], notes=visit["notes"], source=self.source,
            )  # fmt: skip
            self.counts["visits_created"] += 1

    def organisation(self, name: str) -> Organisation:
        org = Organisation.objects.filter(name__iexact=" ".join(name.split())).first()
        if org is None:
            org = services.organisation_register(
                actor=self.actor, name=name, kind=OrganisationKind.ASSOCIATION, source=self.source
            )
            self.counts["organisations_created"] += 1
        return org

    def _membership(self, row: CleanRow, producer: Producer) -> None:
        if not row.organisation:
            return
        _, created = services.membership_add(
            actor=self.actor,
            producer=producer,
            organisation=self.organisation(row.organisation),
            source=self.source,
        )
        self.counts["memberships_created" if created else "memberships_unchanged"] += 1

    def _apply(self, row: CleanRow) -> None:
        comunidad = self.comunidad(row)
        seen = self._submission(row)
        producer = self._producer(row, comunidad, seen)
        plot = self._plot(row, producer, comunidad, seen)
        if plot is not None:
            self._plantings(row, plot)
        self._visits(row, producer, plot)
        self._membership(row, producer)
        if row.submission is not None:
            self._record_submission(row, seen, producer, plot)

    def _record_submission(
        self, row: CleanRow, seen: Submission | None, producer: Producer, plot: Plot | None
    ) -> None:
        sub = row.submission
        assert sub is not None  # noqa: S101
        if Submission.objects.filter(instance_id=sub.instance_id).exists():
            self.counts["submissions_unchanged"] += 1
            return
        Submission.objects.create(
            source=sub.source, root_id=sub.root_id, instance_id=sub.instance_id,
            deprecated_id=sub.deprecated_id, submitted_at=sub.submitted_at,
            version=(seen.version + 1) if seen is not None else 1,
            producer=producer, plot=plot, job=self.job,
            payload=row.as_submitted,
        )  # fmt: skip
        self.counts["submissions_recorded" if seen is None else "submission_edits"] += 1
