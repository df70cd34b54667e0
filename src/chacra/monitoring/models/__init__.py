from chacra.monitoring.models.coinvestment import (
    Contribution,
    Currency,
    ExchangeRate,
    InKindActivity,
    InKindUnitValue,
    Nature,
    Partner,
    Sector,
)
from chacra.monitoring.models.finance import Loan, LoanPurpose, RepaymentStatus
from chacra.monitoring.models.indicators import (
    Aggregation,
    Computation,
    Indicator,
    IndicatorValue,
    Source,
    Target,
)

__all__ = [
    "Aggregation",
    "Computation",
    "Contribution",
    "Currency",
    "ExchangeRate",
    "InKindActivity",
    "InKindUnitValue",
    "Indicator",
    "IndicatorValue",
    "Loan",
    "LoanPurpose",
    "Nature",
    "Partner",
    "RepaymentStatus",
    "Sector",
    "Source",
    "Target",
]
