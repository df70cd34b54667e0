"""Carbon balance per plot and year: woody biomass gained minus fertiliser N2O, in tCO2e.

IPCC Tier 1 style: biomass carbon accumulates at a default rate per hectare until the system
reaches maturity; shade and timber trees add their own growth; synthetic nitrogen emits N2O
directly and indirectly (volatilisation, leaching), converted with the 100-year global warming
potential. Every coefficient carries its source and can be replaced (``CarbonModel.with_values``);
the two without a published default (``n_rate``, ``timber_cycle_years``) say "assumption:".
Removals are negative and emissions positive, as in the programme's report (-211,467 tCO2e
sequestered, +10,286 tCO2e from fertilisers and pesticides).

Comparison with the report (the 2016 final report's section on carbon capture; DOMAIN.md).
The report's figures are CCAFS's preliminary estimate for expanding *cacao only* (no plantain
or timber) on 29,000 ha: -211,467 tCO2e, i.e. -7.3 tCO2e per hectare, and +10,286 tCO2e (+0.35
per hectare) from fertiliser *and pesticide* use; it gives neither its period nor its baseline
land use. On the full demo (``chacra demo --size full``: 29,245 ha of cacao planted 2013-2016,
5,268 ha of timber trees; the workspace's carbon table for 2012-2016, measured 2026-11-29) this
model gives -916,699 tCO2e of removals (-762,769 from cacao alone, -26.1 per hectare) and
+1,425 tCO2e of N2O. The signs agree and the totals are within a factor of 4.3 (removals) and 7
(emissions), but the values are not expected to match:

- removals: Tier 1 counts gross growth (2.6 t C/ha/yr, 9.5 tCO2e, from planting), whereas an
  expansion estimate nets out the carbon the land held before (fallow, pasture or coca) and any
  clearing; -7.3 t per hectare is under one year of Tier 1 growth, consistent with a net figure
  or a shorter accounting period. Set ``cacao_c_rate`` to a net rate to reproduce it
  (0.72 t C/ha/yr over the demo's 2012-2016 plantings gives -211,200).
- emissions: this model counts only N2O from synthetic N (an assumed 30 kg N/ha/yr, from the
  first harvest at age 3, so only the 2013 plantings emit, in 2016); the report adds pesticides
  and probably fertiliser at establishment. Set ``n_rate`` to the programme's own figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

CO2_PER_C = 44.0 / 12.0
N2O_PER_N2O_N = 44.0 / 28.0


@dataclass(frozen=True)
class Coefficient:
    value: float
    unit: str
    source: str


def _defaults() -> dict[str, Coefficient]:
    ipcc_ag = "IPCC 2006 Guidelines, Vol. 4 (AFOLU)"
    return {
        "cacao_c_rate": Coefficient(
            2.6,
            "t C / ha / yr",
            f"{ipcc_ag}, Ch. 5, Table 5.1: perennial woody crops, tropical moist",
        ),
        "cacao_cycle_years": Coefficient(
            8.0, "yr", f"{ipcc_ag}, Ch. 5, Table 5.1: harvest/maturity cycle, tropical moist"
        ),
        "timber_growth": Coefficient(
            5.0,
            "t dry matter / ha / yr",
            f"{ipcc_ag}, Ch. 4, Table 4.10 (tropical plantations, low end; assumption for "
            "bolaina and capirona in agroforestry, to be replaced with local measurements)",
        ),
        "timber_cycle_years": Coefficient(
            20.0, "yr", "assumption: growth counted until the timber trees are harvested"
        ),
        "root_shoot": Coefficient(
            0.24, "ratio", f"{ipcc_ag}, Ch. 4, Table 4.4: tropical moist deciduous forest"
        ),
        "carbon_fraction": Coefficient(
            0.47, "t C / t dry matter", f"{ipcc_ag}, Ch. 4, Table 4.3: tropical and subtropical"
        ),
        "n_rate": Coefficient(
            30.0,
            "kg N / ha / yr",
            "assumption: synthetic N on cacao in production; set the programme's own figure",
        ),
        "ef1": Coefficient(
            0.01, "kg N2O-N / kg N", f"{ipcc_ag}, Ch. 11, Table 11.1: EF1 direct emissions"
        ),
        "frac_gasf": Coefficient(
            0.10, "fraction", f"{ipcc_ag}, Ch. 11, Table 11.3: FracGASF, synthetic fertiliser"
        ),
        "ef4": Coefficient(
            0.01, "kg N2O-N / kg N volatilised", f"{ipcc_ag}, Ch. 11, Table 11.3: EF4"
        ),
        "frac_leach": Coefficient(
            0.30, "fraction", f"{ipcc_ag}, Ch. 11, Table 11.3: FracLEACH-(H)"
        ),
        "ef5": Coefficient(
            0.0075, "kg N2O-N / kg N leached", f"{ipcc_ag}, Ch. 11, Table 11.3: EF5"
        ),
        "gwp_n2o": Coefficient(
            265.0, "kg CO2e / kg N2O", "IPCC AR5 WG1 (2013), Ch. 8, Table 8.7: GWP100"
        ),
    }


@dataclass(frozen=True)
class CarbonModel:
    coefficients: dict[str, Coefficient] = field(default_factory=_defaults)

    def __getitem__(self, key: str) -> float:
        return self.coefficients[key].value

    def with_values(self, values: dict[str, Any]) -> CarbonModel:
        """The same model with some values replaced (the source then says who changed them).

        >>> CarbonModel().with_values({"n_rate": 50})["n_rate"]
        50.0
        """
        unknown = set(values) - set(self.coefficients)
        if unknown:
            from chacra.errors import InvalidInput

            raise InvalidInput(
                f"unknown carbon coefficient(s) {sorted(unknown)}; "
                f"known: {sorted(self.coefficients)}",
                field="carbon",
            )
        changed = {
            k: replace(self.coefficients[k], value=float(v), source="set in CHACRA_CARBON")
            for k, v in values.items()
        }
        return CarbonModel({**self.coefficients, **changed})

    def n2o_per_kg_n(self) -> float:
        """kg CO2e emitted per kg of synthetic N applied (direct plus indirect N2O).

        >>> round(CarbonModel().n2o_per_kg_n(), 4)
        5.5177
        """
        n2o_n = self["ef1"] + self["frac_gasf"] * self["ef4"] + self["frac_leach"] * self["ef5"]
        return n2o_n * N2O_PER_N2O_N * self["gwp_n2o"]


def carbon_balance(
    planted_year: npt.ArrayLike,
    cacao_ha: npt.ArrayLike,
    forestry_ha: npt.ArrayLike,
    years: npt.ArrayLike,
    model: CarbonModel | None = None,
    *,
    first_harvest_age: float = 3.0,
) -> dict[str, npt.NDArray[np.float64]]:
    """tCO2e per plot (rows) and year (columns): ``removals`` (negative), ``emissions``, ``net``.

    Growth counts in each year from planting until the cycle ends; fertiliser from the first
    harvest age.

    >>> b = carbon_balance([2014], [1.0], [0.5], [2014, 2017])
    >>> b["removals"].round(3).tolist(), b["emissions"].round(4).tolist()
    ([[-14.876, -14.876]], [[0.0, 0.1655]])
    """
    m = model or CarbonModel()
    planted = np.asarray(planted_year, dtype=np.float64)[:, None]
    cacao = np.asarray(cacao_ha, dtype=np.float64)[:, None]
    trees = np.asarray(forestry_ha, dtype=np.float64)[:, None]
    age = np.asarray(years, dtype=np.float64)[None, :] - planted
    growing = lambda cycle: (age >= 0) & (age < cycle)  # noqa: E731
    cacao_t = cacao * m["cacao_c_rate"] * CO2_PER_C * growing(m["cacao_cycle_years"])
    tree_rate = m["timber_growth"] * (1 + m["root_shoot"]) * m["carbon_fraction"] * CO2_PER_C
    tree_t = trees * tree_rate * growing(m["timber_cycle_years"])
    fertilised = (age >= first_harvest_age) & ~np.isnan(age)
    emissions = cacao * m["n_rate"] * m.n2o_per_kg_n() / 1000.0 * fertilised
    removals = -(np.nan_to_num(cacao_t) + np.nan_to_num(tree_t))
    return {"removals": removals, "emissions": emissions, "net": removals + emissions}
