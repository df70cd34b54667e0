"""Demo nurseries and genetic material, consistent with the demo's plantings and grafts.

Shaped like the programme (DOMAIN.md): about 260 farmer nurseries at full size on farmers' plots,
a municipal nursery (of 600,000 seedlings a year) and a cooperative's private nursery in each
region, mother plants and budwood gardens of every clone grafted, the agroforestry model, and
planting plans for the second half of 2016 with stock raised for most of them (what the material
is: ``chacra.registry.demo.material``).

Everything follows from the seed, drawn from a generator of its own so the rest of the demo is
unchanged. Records are written in bulk one layer of the plantain cascade at a time (a return
needs the donation it repays, the next donation its return), with one audit entry per layer.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Max, Min

from chacra.accounts.models import AuditAction
from chacra.accounts.records import records_insert
from chacra.accounts.services import audit_record, bulk_audit
from chacra.nurseries.models import (
    AgroforestryClone,
    AgroforestryModel,
    Batch,
    BatchKind,
    Distribution,
    MaterialSource,
    Nursery,
    NurseryKind,
    PlantingMaterial,
    PlantingPlan,
    SourceKind,
)
from chacra.registry.demo import material
from chacra.registry.demo.material import (
    BUDWOOD_PER_HA,
    CACAO_PER_HA,
    PLANTAIN_PER_HA,
    TIMBER_PER_HA,
    Material,
    Record,
    months_after,
    xy_of,
)
from chacra.registry.models import (
    Clone,
    Departamento,
    Graft,
    Organisation,
    OrganisationKind,
    Planting,
    Plot,
    Producer,
)

SOURCE = "demo"
FULL_PLOTS = 19_533
FARMER_NURSERIES_FULL = 260
MIX = {
    "ICS-95": 22,
    "TSH-565": 20,
    "ICS-6": 14,
    "ICS-1": 12,
    "ICS-39": 12,
    "UF-613": 10,
    "IMC-67": 10,
}
PLAN_MONTHS = [dt.date(2016, m, 1) for m in range(7, 13)]


@dataclass
class NurseryDemo:
    nurseries: int
    sources: int
    batches: int
    distributions: int
    plantain_originals: int
    plantain_generations: int


def _sources(
    grafts: list[Graft], region_of: dict[int, str], n_ratio: float, rng: np.random.Generator
) -> list[MaterialSource]:
    """Budwood gardens and mother plants of each clone, on early grafted plots of each region."""
    by: dict[tuple[str, str], list[Graft]] = defaultdict(list)
    for g in grafts:
        by[(region_of[g.plot_id], g.clone.code)].append(g)
    out: list[MaterialSource] = []
    gardens, mothers = max(1, round(2 * n_ratio)), max(1, round(3 * n_ratio))
    for _, rows in sorted(by.items()):
        rows.sort(key=lambda g: (g.grafted_on, g.plot.code))
        for i, g in enumerate(rows[: (gardens + mothers) * 3 : 3]):
            garden = i < gardens
            out.append(
                MaterialSource(
                    code=f"M{len(out) + 1:06d}",
                    kind=SourceKind.BUDWOOD_GARDEN if garden else SourceKind.MOTHER_PLANT,
                    plot=g.plot,
                    clone=g.clone,
                    plants=int(rng.integers(20, 120)) if garden else 1,
                    established_on=months_after(g.grafted_on, -int(rng.integers(12, 36))),
                    location=g.plot.location,
                )
            )
    return out


def _nurseries(
    plots: list[Plot], region_of: dict[int, str], n_ratio: float, rng: np.random.Generator
) -> dict[str, list[Nursery]]:
    """Farmer nurseries on plots (spread like the plots); a municipal nursery in each region's
    district with most plots, and a private one run by the region's first cooperative."""
    deps = {d.ubigeo: d for d in Departamento.objects.all()}
    coops: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(kind=OrganisationKind.COOPERATIVE).select_related(
        "departamento"
    ):
        if org.departamento is not None:
            coops.setdefault(org.departamento.ubigeo, org)
    out: dict[str, list[Nursery]] = defaultdict(list)
    picks = rng.choice(
        len(plots), min(max(6, round(FARMER_NURSERIES_FULL * n_ratio)), len(plots)), replace=False
    )
    codes = iter(range(1, 10_000))
    for i in sorted(int(i) for i in picks):
        plot = plots[i]
        out[region_of[plot.pk]].append(
            Nursery(
                code=f"V{next(codes):06d}",
                name=f"Vivero {plot.comunidad.name}",
                kind=NurseryKind.FARMER,
                distrito=plot.comunidad.distrito,
                location=plot.location or plot.comunidad.location,
                capacity=int(rng.integers(20, 150)) * 1000,
                operator_producer=plot.producer,
                plot=plot,
                established_on=dt.date(2012, int(rng.integers(6, 13)), 1),
            )
        )
    for ubigeo, region in sorted(deps.items()):
        places = Counter(p.comunidad.distrito for p in plots if region_of[p.pk] == ubigeo)
        if not places:
            continue
        distrito = places.most_common(1)[0][0]
        town = distrito.capital or distrito.name
        municipality, _ = Organisation.objects.get_or_create(
            name=f"Municipalidad Provincial Demo {town}",
            defaults={
                "kind": OrganisationKind.MUNICIPALITY,
                "departamento": region,
                "location": distrito.capital_location,
            },
        )
        out[ubigeo].append(
            Nursery(
                code=f"V{next(codes):06d}",
                name=f"Vivero Municipal {town}",
                kind=NurseryKind.MUNICIPAL,
                distrito=distrito,
                location=distrito.capital_location,
                capacity=600_000,
                operator_organisation=municipality,
                established_on=dt.date(2012, 3, 1),
            )
        )
        coop = coops.get(ubigeo)
        if coop is not None:
            out[ubigeo].append(
                Nursery(
                    code=f"V{next(codes):06d}",
                    name=f"Vivero Forestal {coop.name.removeprefix('Cooperativa Agraria ')}",
                    kind=NurseryKind.PRIVATE,
                    distrito=distrito,
                    location=coop.location or distrito.capital_location,
                    capacity=250_000,
                    operator_organisation=coop,
                    established_on=dt.date(2012, 9, 1),
                )
            )
    return out


def _agroforestry(clones: dict[str, Clone]) -> AgroforestryModel:
    model = AgroforestryModel.objects.create(
        code="AF-ALIANZA",
        name="Cacao agroforestal de la Alianza",
        cacao_per_ha=CACAO_PER_HA,
        plantain_per_ha=PLANTAIN_PER_HA,
        timber_per_ha=TIMBER_PER_HA,
        budwood_per_ha=BUDWOOD_PER_HA,
        notes="Cacao at 3 x 3 m; plantain for temporary shade; bolaina and capirona in lines",
    )
    AgroforestryClone.objects.bulk_create(
        [AgroforestryClone(model=model, clone=clones[c], share=Decimal(s)) for c, s in MIX.items()]
    )
    bulk_audit(actor=None, model=AgroforestryModel, objects=[model], source=SOURCE)
    return model


def _plans(
    m: Material,
    nurseries: dict[str, list[Nursery]],
    model: AgroforestryModel,
    installed: dict[str, float],
) -> None:
    """Plans for July to December 2016 (about 1.2% of a region's hectares a month) and batches
    raised for them: most of the seedlings and timber, part of the budwood."""
    deps = {d.ubigeo: d for d in Departamento.objects.all()}
    mix = [c.clone_id for c in model.clones.all()]
    plans = []
    for region, here in sorted(nurseries.items()):
        monthly = [
            installed.get(region, 0.0) * 0.012 * m.rng.uniform(0.6, 1.4) for _ in PLAN_MONTHS
        ]
        plans += [
            PlantingPlan(
                region=deps[region], month=month, hectares=Decimal(f"{ha:.2f}"), model=model
            )
            for month, ha in zip(PLAN_MONTHS, monthly, strict=True)
        ]
        farm = [n for n in here if n.kind == NurseryKind.FARMER] or here
        public = [n for n in here if n.kind != NurseryKind.FARMER] or here
        for kind, per_ha, share, at in (
            (BatchKind.CACAO_SEEDLING, CACAO_PER_HA, 0.85, farm),
            (BatchKind.BUDWOOD, BUDWOOD_PER_HA, 0.4, farm),
            (BatchKind.BOLAINA, TIMBER_PER_HA, 0.7, public),
            (BatchKind.CAPIRONA, TIMBER_PER_HA, 0.5, public),
        ):
            for k in range(4):
                ready = PLAN_MONTHS[min(len(PLAN_MONTHS) - 1, k + int(m.rng.integers(0, 3)))]
                nursery = at[int(m.rng.integers(0, len(at)))]
                cut = kind == BatchKind.BUDWOOD  # sticks are cut when they are needed
                m.batch(
                    None,
                    kind=kind.value,
                    nursery_id=nursery.pk,
                    clone_id=mix[k % len(mix)] if cut else None,
                    started_on=ready if cut else months_after(ready, -5),
                    ready_on=ready,
                    count=max(1, round(sum(monthly) * per_ha * share * m.rng.uniform(0.17, 0.33))),
                )
    PlantingPlan.objects.bulk_create(plans)
    bulk_audit(actor=None, model=PlantingPlan, objects=plans, source=SOURCE)


def _write(model: Any, records: list[Record], refs: dict[str, str]) -> None:
    """Insert records, their references (``{"batch_id": "_batch"}``) resolved to the ids of
    records written before; give each its id; one audit entry for the lot."""
    if not records:
        return
    for rec in records:
        for attname, key in refs.items():
            ref = rec.get(key)
            rec[attname] = ref["id"] if ref is not None else None
    last = model.objects.aggregate(m=Max("id"))["m"] or 0
    records_insert(model, records)
    made = model.objects.filter(pk__gt=last)
    if "code" in records[0]:
        ids = dict(made.values_list("code", "pk"))
        for rec in records:
            rec["id"] = ids[rec["code"]]
    span = made.aggregate(first=Min("id"), last=Max("id"))
    audit_record(
        actor=None,
        action=AuditAction.BULK_CREATE,
        model=model._meta.label,
        summary=f"{len(records)} {model._meta.verbose_name_plural}",
        changes={"count": len(records), "first_id": span["first"], "last_id": span["last"]},
        source=SOURCE,
    )


def nurseries_build(
    *, plots: list[Plot], plantings: list[Planting], grafts: list[Graft], seed: int
) -> NurseryDemo:
    """Nurseries, sources, batches, distributions and the plantain cascade for the demo's plots
    (saved already), their plantings (one a plot, in the same order) and grafts."""
    rng = np.random.default_rng([seed, 7])
    n_ratio = len(plots) / FULL_PLOTS
    region_of = {p.pk: p.comunidad.distrito.ubigeo[:2] for p in plots}
    model = _agroforestry({c.code: c for c in Clone.objects.all()})
    nurseries = _nurseries(plots, region_of, n_ratio, rng)
    all_nurseries = [n for here in nurseries.values() for n in here]
    Nursery.objects.bulk_create(all_nurseries)
    bulk_audit(actor=None, model=Nursery, objects=all_nurseries, source=SOURCE)
    sources = _sources(grafts, region_of, n_ratio, rng)
    MaterialSource.objects.bulk_create(sources)
    bulk_audit(actor=None, model=MaterialSource, objects=sources, source=SOURCE)

    agents = dict(Producer.agents.through.objects.values_list("producer_id", "user_id"))
    m = Material(rng, agents)
    xy = np.array([xy_of(p) for p in plots]).reshape(-1, 2)
    material.seedlings_and_timber(m, plots, plantings, nurseries, region_of, xy)
    index = {p.pk: i for i, p in enumerate(plots)}
    graft_xy = xy[[index[g.plot_id] for g in grafts]].reshape(-1, 2)
    material.budwood(m, grafts, sources, nurseries, region_of, graft_xy)
    material.plantain(m, plots, plantings, nurseries, region_of, xy)
    m.settle(young_from=dt.date(2016, 4, 1))
    installed: dict[str, float] = defaultdict(float)
    for p in plantings:
        installed[region_of[p.plot_id]] += float(p.cacao_installed_ha)
    _plans(m, nurseries, model, installed)

    _write(Batch, [b for b in m.batches if b["_repays"] is None], {})
    generations = max((d["generation"] for d in m.distributions), default=0)
    for generation in range(1, generations + 1):
        layer = [d for d in m.distributions if d["generation"] == generation]
        _write(Distribution, layer, {"batch_id": "_batch", "root_id": "_root"})
        returns = [b for b in m.returns if b["generation"] == generation]
        _write(Batch, returns, {"repays_id": "_repays"})
    _write(PlantingMaterial, m.links, {"distribution_id": "_distribution"})
    return NurseryDemo(
        nurseries=len(all_nurseries),
        sources=len(sources),
        batches=len(m.batches),
        distributions=len(m.distributions),
        plantain_originals=m.originals,
        plantain_generations=generations,
    )
