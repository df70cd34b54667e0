"""The rules of the supply chain, in one place: conversions, custody mixing, yield ceilings.

Each figure can be changed in the settings (``CHACRA_...``); the defaults are the programme's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from chacra.supply.models import BeanState, CustodyModel, FlavourClass, StepKind

KG_STEP = Decimal("0.01")
ONE = Decimal(1)
# From strictest to loosest: a lot may be as strict as the loosest of its inputs, never stricter.
CUSTODY_ORDER: list[str] = [
    CustodyModel.IDENTITY_PRESERVED.value,
    CustodyModel.SEGREGATED.value,
    CustodyModel.MASS_BALANCE.value,
]


def _decimal_setting(name: str, default: str) -> Decimal:
    return Decimal(str(getattr(settings, name, default)))


def drying_ratio_range() -> tuple[Decimal, Decimal]:
    """Dry kg per wet kg a drying step may claim: 0.35-0.40 unless the settings say otherwise."""
    return (
        _decimal_setting("CHACRA_DRYING_RATIO_MIN", "0.35"),
        _decimal_setting("CHACRA_DRYING_RATIO_MAX", "0.40"),
    )


@dataclass(frozen=True)
class StepRule:
    """What a step takes and makes: input states, output state, how many inputs and outputs."""

    inputs_from: str  # "purchases" or "lots"
    input_states: tuple[str, ...]
    output_state: str | None  # None: the same as the inputs
    min_inputs: int = 1
    max_inputs: int | None = None
    min_outputs: int = 1
    max_outputs: int | None = None


STEP_RULES: dict[str, StepRule] = {
    StepKind.COLLECTION: StepRule("purchases", (BeanState.WET, BeanState.DRY), None, 1, None, 1, 1),
    StepKind.FERMENTATION: StepRule("lots", (BeanState.WET,), BeanState.FERMENTED, 1, None, 1, 1),
    StepKind.DRYING: StepRule(
        "lots", (BeanState.WET, BeanState.FERMENTED), BeanState.DRY, 1, None, 1, 1
    ),
    StepKind.SORTING: StepRule("lots", (BeanState.DRY,), None, 1, 1, 1, None),
    StepKind.SPLIT: StepRule("lots", tuple(BeanState.values), None, 1, 1, 2, None),
    StepKind.MERGE: StepRule("lots", tuple(BeanState.values), None, 2, None, 1, 1),
}


def step_ratio(kind: str, asked: Decimal | None) -> Decimal:
    """The conversion a step may claim: kg out per kg in. Only drying converts (wet to dry)."""
    from chacra.errors import InvalidInput

    if kind != StepKind.DRYING:
        if asked is not None and asked != ONE:
            raise InvalidInput(
                f"ratio: a {kind} step does not convert weight (ratio {asked}); accepted: 1 "
                "(only drying has a wet-to-dry ratio)",
                field="ratio",
            )
        return ONE
    low, high = drying_ratio_range()
    if asked is None:
        return high
    if not low <= asked <= high:
        raise InvalidInput(
            f"ratio: wet-to-dry ratio {asked} is outside the accepted {low}-{high}", field="ratio"
        )
    return asked


def loosest(models: Iterable[str]) -> str:
    return max(models, key=CUSTODY_ORDER.index, default=CustodyModel.IDENTITY_PRESERVED)


def flavour_of(flavours: Iterable[str]) -> str:
    found = set(flavours)
    if len(found) == 1:
        return found.pop()
    return FlavourClass.MIXED


@dataclass(frozen=True)
class InputTraits:
    """What the custody rules need to know of one input."""

    label: str
    custody_model: str  # purchases count as identity preserved
    flavour: str
    producers: frozenset[int]  # the one producer of a purchase or identity-preserved lot


def custody_check(asked: str | None, inputs: Sequence[InputTraits]) -> tuple[str, int | None]:
    """The custody model of a step's outputs and, for identity preserved, its one producer.

    Raises InvalidInput naming the input that may not be mixed under the model asked for.
    """
    from chacra.errors import InvalidInput

    floor = loosest(i.custody_model for i in inputs)
    model = asked or floor
    if model not in CUSTODY_ORDER:
        raise InvalidInput(
            f"custody_model: {model!r} is not accepted; use one of {', '.join(CUSTODY_ORDER)}",
            field="custody_model",
        )
    if CUSTODY_ORDER.index(model) < CUSTODY_ORDER.index(floor):
        worst = next(i for i in inputs if i.custody_model == floor)
        raise InvalidInput(
            f"custody_model: {worst.label} is {floor}; a lot made from it cannot be {model}; "
            f"accepted: {', '.join(CUSTODY_ORDER[CUSTODY_ORDER.index(floor) :])}",
            field="custody_model",
        )
    producer: int | None = None
    if model == CustodyModel.IDENTITY_PRESERVED:
        producers = set().union(*(i.producers for i in inputs))
        if len(producers) != 1:
            raise InvalidInput(
                f"custody_model: identity preserved keeps one producer's beans apart; these "
                f"inputs come from {len(producers)} producers; accepted: inputs of one producer, "
                "or segregated / mass_balance",
                field="custody_model",
            )
        producer = producers.pop()
    if model == CustodyModel.SEGREGATED:
        flavours = {i.flavour for i in inputs}
        if len(flavours) > 1:
            raise InvalidInput(
                f"custody_model: segregated lots keep one flavour class; these inputs are "
                f"{' and '.join(sorted(flavours))}; accepted: one flavour class, or mass_balance",
                field="custody_model",
            )
    return model, producer


# --- plausibility ----------------------------------------------------------------------------

# Dry kg per hectare per year by tree age in years (linear in between, flat past the last point).
DEFAULT_YIELD_CURVE: dict[str, list[tuple[float, float]]] = {
    "default": [(1.0, 0.0), (2.0, 300.0), (3.0, 900.0), (4.0, 1600.0), (5.0, 2500.0)],
    "ccn51": [(1.0, 0.0), (2.0, 400.0), (3.0, 1100.0), (4.0, 2000.0), (5.0, 3000.0)],
}


def yield_curves() -> dict[str, list[tuple[float, float]]]:
    """The yield ceilings by clone group or clone code ("default" for the rest)."""
    curves: dict[str, Any] = getattr(settings, "CHACRA_YIELD_CEILING", None) or DEFAULT_YIELD_CURVE
    return {k: [(float(a), float(y)) for a, y in v] for k, v in curves.items()}


def yield_ceiling(age_years: float, curve: list[tuple[float, float]]) -> float:
    """Dry kg/ha/yr a plot of this age can give at most, e.g. 2,500 when mature by default."""
    if age_years <= curve[0][0]:
        return curve[0][1]
    for (a0, y0), (a1, y1) in itertools.pairwise(curve):
        if age_years <= a1:
            return y0 + (y1 - y0) * (age_years - a0) / (a1 - a0)
    return curve[-1][1]


def season_start_month() -> int:
    return int(getattr(settings, "CHACRA_SEASON_START_MONTH", 1))


def price_tolerance() -> float:
    """How far from the period's median a price may be before it is flagged (0.3 = 30%)."""
    return float(getattr(settings, "CHACRA_PRICE_TOLERANCE", 0.30))
