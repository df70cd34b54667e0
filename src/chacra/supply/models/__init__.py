from chacra.supply.models.access import BuyerAccess
from chacra.supply.models.facilities import Facility, FacilityKind
from chacra.supply.models.lots import (
    Allocation,
    CustodyModel,
    CustodyTransfer,
    Lot,
    ProcessingStep,
    Shipment,
    StepKind,
)
from chacra.supply.models.purchases import (
    BeanState,
    FlavourClass,
    Purchase,
    PurchasePlot,
    QualityGrade,
)

__all__ = [
    "Allocation",
    "BeanState",
    "BuyerAccess",
    "CustodyModel",
    "CustodyTransfer",
    "Facility",
    "FacilityKind",
    "FlavourClass",
    "Lot",
    "ProcessingStep",
    "Purchase",
    "PurchasePlot",
    "QualityGrade",
    "Shipment",
    "StepKind",
]
