"""The decision table: figures in, a status and the reasons behind it out."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chacra.compliance.rules
from chacra.compliance.rules import (
    COMPLIANT,
    LOSS_TOLERANCE_HA,
    MESSAGES,
    NEEDS_REVIEW,
    NON_COMPLIANT,
    RULES,
    STATUSES,
    assess,
)
from chacra.registry.models import FlagCode

CLEAN = {
    "geometry": "polygon", "valid": True, "area_ha": 2.0, "declared_ha": 2.0,
    "loss_ha": 0.0, "loss_by_year": {}, "loss_no_data_ha": 0.0, "loss_layer": "Hansen GFC v1.12",
    "forest_2020_ha": 1.2, "forest_no_data_ha": 0.0, "forest_layer": "JRC GFC2020 V2",
    "protected": [],
}  # fmt: skip


def _assess(**changes):
    return assess({**CLEAN, **changes})


def _area(category: str, ha: float = 0.3, name: str = "Cordillera Azul") -> dict:
    designation = {"strict": "Parque Nacional", "direct_use": "Reserva Comunal",
                   "buffer": "Zona de Amortiguamiento"}[category]  # fmt: skip
    return {"name": name, "category": category, "designation": designation, "ha": ha,
            "share": ha / 2.0, "layer": "WDPA"}  # fmt: skip


def test_rules_doctests_pass() -> None:
    result = doctest.testmod(chacra.compliance.rules)
    assert result.attempted > 0
    assert result.failed == 0


def test_a_clean_plot_is_compliant_without_reasons() -> None:
    assert _assess() == (COMPLIANT, ())


def test_loss_after_the_cutoff_fails_and_names_the_figures() -> None:
    status, reasons = _assess(loss_ha=0.5, loss_by_year={"2022": 0.4, "2024": 0.1})
    assert status == NON_COMPLIANT
    (why,) = reasons
    assert why.code == "loss_after_cutoff"
    assert why.message == (
        "0.50 ha of tree-cover loss after 31 December 2020 inside the plot (25.0% of its "
        "2.00 ha): 2022: 0.40 ha, 2024: 0.10 ha, according to Hansen GFC v1.12."
    )
    assert why.figures["by_year"] == {"2022": 0.4, "2024": 0.1}
    assert why.figures["loss_ha"] == 0.5


def test_loss_within_the_tolerance_is_reported_not_failed() -> None:
    status, reasons = _assess(loss_ha=LOSS_TOLERANCE_HA / 2, loss_by_year={"2023": 0.005})
    assert status == COMPLIANT
    assert [r.code for r in reasons] == ["loss_within_tolerance"]
    assert "below the 0.01 ha tolerance" in reasons[0].message


@pytest.mark.parametrize(
    ("category", "status", "code", "words"),
    [
        ("strict", NON_COMPLIANT, "protected_strict", "a Parque Nacional where farming is not"),
        ("direct_use", NEEDS_REVIEW, "protected_direct_use", "a legality review is needed"),
        ("buffer", NEEDS_REVIEW, "protected_buffer", "a buffer zone"),
    ],
)
def test_protected_areas_by_category(category, status, code, words) -> None:
    got, reasons = _assess(protected=[_area(category)])
    assert got == status
    assert [r.code for r in reasons] == [code]
    assert words in reasons[0].message
    assert "0.30 ha (15.0% of the plot) lie in Cordillera Azul" in reasons[0].message


def test_the_worst_reason_decides() -> None:
    status, reasons = _assess(protected=[_area("buffer"), _area("strict", name="Río Abiseo")])
    assert status == NON_COMPLIANT
    assert [r.status for r in reasons] == [NEEDS_REVIEW, NON_COMPLIANT]


@pytest.mark.parametrize(
    ("changes", "status", "codes"),
    [
        ({"geometry": "none"}, NON_COMPLIANT, ["no_geolocation"]),
        ({"valid": False, "invalid_reason": "Self-intersection[-76.5 -7.1]"}, NON_COMPLIANT,
         ["invalid_geometry"]),
        ({"geometry": "point", "declared_ha": 5.0}, NON_COMPLIANT, ["polygon_required"]),
        ({"geometry": "point", "declared_ha": 4.0}, COMPLIANT, []),
        ({"geometry": "point", "declared_ha": None}, NEEDS_REVIEW, ["point_area_missing"]),
        ({"loss_no_data_ha": 0.5}, NEEDS_REVIEW, ["loss_no_data"]),
        ({"forest_no_data_ha": 0.5}, NEEDS_REVIEW, ["forest_no_data"]),
    ],
    ids=["none", "invalid", "point-5ha", "point-4ha", "point-no-area", "loss-gap", "forest-gap"],
)  # fmt: skip
def test_geometry_and_data_rules(changes, status, codes) -> None:
    got, reasons = _assess(**changes)
    assert (got, [r.code for r in reasons]) == (status, codes)


def test_registry_flags_need_review_each_with_its_reason() -> None:
    status, reasons = assess(
        CLEAN, flags={FlagCode.OVERLAP, FlagCode.AREA_MISMATCH},
        flag_details={"area_mismatch": "mapped 5.10 ha, declared 2.00 ha"},
    )  # fmt: skip
    assert status == NEEDS_REVIEW
    assert [r.figures["flag_code"] for r in reasons] == ["area_mismatch", "overlap"]
    assert reasons[0].message == (
        "The registry flags this plot: its mapped area is outside 0.5-2x its declared area "
        "(mapped 5.10 ha, declared 2.00 ha); review it before declaring the plot."
    )


def test_every_registry_flag_has_a_name() -> None:
    assert set(FlagCode.values) <= set(chacra.compliance.rules.FLAG_NAMES)


def test_missing_layers_need_review_and_say_which() -> None:
    status, reasons = assess(CLEAN, missing=("loss_year", "forest_2020"))
    assert status == NEEDS_REVIEW
    assert [r.figures["kind"] for r in reasons] == ["loss_year", "forest_2020"]
    assert reasons[0].message.startswith(
        "No loss_year layer is loaded, so tree-cover loss by year (e.g. Hansen GFC lossyear) "
        "could not be checked; load one with `chacra layers add loss_year PATH"
    )


def test_every_code_has_a_status_and_a_template() -> None:
    assert set(MESSAGES) == set(RULES)
    assert all(status in STATUSES for status, _ in RULES.values())


@settings(max_examples=200, deadline=None)
@given(
    loss=st.floats(0, 10), gap=st.floats(0, 1), declared=st.none() | st.floats(0.01, 20),
    point=st.booleans(), category=st.none() | st.sampled_from(["strict", "direct_use", "buffer"]),
)  # fmt: skip
def test_the_status_is_always_the_worst_reason(loss, gap, declared, point, category) -> None:
    status, reasons = _assess(
        loss_ha=loss, loss_by_year={"2022": loss}, loss_no_data_ha=gap, declared_ha=declared,
        geometry="point" if point else "polygon",
        protected=[_area(category)] if category else [],
    )  # fmt: skip
    assert status == max((r.status for r in reasons), key=STATUSES.index, default=COMPLIANT)
    assert (status == NON_COMPLIANT) >= (loss > LOSS_TOLERANCE_HA or category == "strict")
    for r in reasons:
        assert r.message == MESSAGES[r.code] % r.figures
