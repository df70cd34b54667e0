"""Production forecast per plot and year from planting date, clone group and agroforestry.

Cacao bears its first pods in year 3-5 after planting and reaches full production later; the
curve of yield by age is a set of (age, fraction of full yield) points, linear in between, that
the caller can change. Full yield depends on the clone group; shade trees lower it somewhat.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

#: Fraction of full yield by age in years: nothing before year 3, full from year 7.
DEFAULT_CURVE: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (2.0, 0.0),
    (3.0, 0.2),
    (4.0, 0.45),
    (5.0, 0.7),
    (6.0, 0.9),
    (7.0, 1.0),
)
#: Full yield (kg of dry beans per ha and year) by clone group. The programme averaged 518 kg/ha
#: where 2,000 is possible (final report, 2016); these are attainable figures with good practice.
DEFAULT_FULL_YIELD = {
    "fine_flavour": 1000.0,
    "ccn51": 1500.0,
    "mixed": 1200.0,
    "native": 600.0,
    "none": 800.0,
}


@dataclass(frozen=True)
class YieldModel:
    """The assumptions of a forecast; every one can be changed by the caller."""

    curve: tuple[tuple[float, float], ...] = DEFAULT_CURVE
    full_yield_kg_ha: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FULL_YIELD))
    agroforestry_factor: float = 0.85  # shade trees compete for light and water

    def fraction(self, age: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The fraction of full yield at these ages (years; negative: not planted yet).

        >>> YieldModel().fraction([-1, 0, 2, 3, 3.5, 7, 30]).round(3).tolist()
        [0.0, 0.0, 0.0, 0.2, 0.325, 1.0, 1.0]
        """
        ages, fractions = zip(*self.curve, strict=True)
        a = np.asarray(age, dtype=np.float64)
        out: npt.NDArray[np.float64] = np.where(
            a < 0, 0.0, np.interp(a, np.asarray(ages), np.asarray(fractions))
        )
        return out


def forecast_kg(
    planted_year: npt.ArrayLike,
    hectares: npt.ArrayLike,
    group: npt.ArrayLike,
    agroforestry: npt.ArrayLike,
    years: npt.ArrayLike,
    model: YieldModel | None = None,
) -> npt.NDArray[np.float64]:
    """Expected kg of dry beans, one row per plot and one column per year.

    Age in a year is the year minus the planting year (a plot planted in 2014 is 3 in 2017).

    >>> forecast_kg([2014, 2014], [1.0, 2.0], ["ccn51", "fine_flavour"], [False, True],
    ...             [2016, 2017, 2021]).round(1).tolist()
    [[0.0, 300.0, 1500.0], [0.0, 340.0, 1700.0]]
    """
    m = model or YieldModel()
    planted = np.asarray(planted_year, dtype=np.float64)
    ha = np.asarray(hectares, dtype=np.float64)
    groups = np.asarray(group, dtype=str)
    shade = np.asarray(agroforestry, dtype=bool)
    full = np.array([m.full_yield_kg_ha.get(g, m.full_yield_kg_ha["none"]) for g in groups])
    per_ha = full * np.where(shade, m.agroforestry_factor, 1.0)
    age = np.asarray(years, dtype=np.float64)[None, :] - planted[:, None]
    age = np.where(np.isnan(planted)[:, None], -1.0, age)
    out: npt.NDArray[np.float64] = m.fraction(age) * (ha * per_ha)[:, None]
    return out
