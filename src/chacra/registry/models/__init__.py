from chacra.registry.models.organisations import Membership, Organisation, OrganisationKind
from chacra.registry.models.places import Comunidad, Departamento, Distrito, Provincia
from chacra.registry.models.plots import (
    Clone,
    CloneGroup,
    Graft,
    MappingMethod,
    Planting,
    Plot,
    PlotGeometryVersion,
)
from chacra.registry.models.producers import ConsentMethod, Producer, Sex
from chacra.registry.models.quality import FlagCode, PlotFlag
from chacra.registry.models.visits import ExtensionVisit, VisitActivity

__all__ = [
    "Clone",
    "CloneGroup",
    "Comunidad",
    "ConsentMethod",
    "Departamento",
    "Distrito",
    "ExtensionVisit",
    "FlagCode",
    "Graft",
    "MappingMethod",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "Planting",
    "Plot",
    "PlotFlag",
    "PlotGeometryVersion",
    "Producer",
    "Provincia",
    "Sex",
    "VisitActivity",
]
