"""The forecast's and the carbon balance's assumptions, from settings, and the plots' tonnes."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.utils import timezone

from chacra.accounts.scope import Scope
from chacra.geo import carbon, forecast
from chacra.insights.data import PlotTable, ProducerTable, plot_table, producer_table


def yield_model() -> forecast.YieldModel:
    """The forecast's assumptions, with any set in settings ``CHACRA_YIELD``."""
    return forecast.YieldModel(**getattr(settings, "CHACRA_YIELD", {}))


def carbon_model() -> carbon.CarbonModel:
    """The IPCC-style coefficients, with any value replaced in settings ``CHACRA_CARBON``."""
    return carbon.CarbonModel().with_values(getattr(settings, "CHACRA_CARBON", {}))


def year_or_now(year: int | None) -> int:
    return year or timezone.localdate().year


def expected_t(plots: PlotTable, year: int) -> npt.NDArray[np.float64]:
    kg = forecast.forecast_kg(
        plots.planted_year,
        plots.installed_ha,
        plots.group,
        plots.forestry_ha > 0,
        [year],
        yield_model(),
    )
    return kg[:, 0] / 1000.0


def tables(scope: Scope, region: str | None) -> tuple[PlotTable, ProducerTable]:
    plots = plot_table(scope=scope, region=region)
    return plots, producer_table(scope=scope, plots=plots, region=region)
