"""What every reader produces: rows in the producer record's terms, and errors that say where.

Readers only map a source's columns, features or form fields onto these keys; they do not judge
values. ``chacra.intake.validate`` turns the raw values into typed ones, or into ``RowError``s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PRODUCER_KEYS = (
    "producer_code", "full_name", "surnames", "given_names", "dni", "sex", "age", "birth_date",
    "phone", "household_size", "organisation", "consent_given_on", "consent_method",
    "departamento", "provincia", "distrito", "ubigeo", "comunidad",
)  # fmt: skip
PLOT_KEYS = (
    "plot_code", "plot_name", "property_area_ha", "land_title", "cacao_in_production_ha",
    "declared_area_ha", "mapped_on", "latitude", "longitude", "gps_accuracy_m", "geometry",
)  # fmt: skip
PLANTING_KEYS = (
    "cacao_installed_ha", "installed_on", "temporary_shade_ha", "forestry_ha",
    "grafted_ha", "clone", "grafted_on",
)  # fmt: skip
VISIT_KEYS = ("visit_date", "activities", "notes")


@dataclass(frozen=True)
class SourceRef:
    """Where a row came from: a file and a row (spreadsheets) or a feature (GIS files)."""

    file: str
    row: int | None = None
    feature: int | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.feature is not None:
            where.append(f"feature {self.feature}")
        return ", ".join(where)


@dataclass(frozen=True)
class SubmissionId:
    """ODK / Kobo identity of a form submission, so that edits update the same records."""

    source: str  # "odk" or "kobo"
    instance_id: str
    root_id: str  # the first submission's id: ODK deprecatedID chain / Kobo rootUuid
    deprecated_id: str = ""
    submitted_at: str = ""


@dataclass
class IntakeRow:
    """One producer with (usually) one plot, as read; values still raw (text, numbers, dates)."""

    ref: SourceRef
    values: dict[str, Any] = field(default_factory=dict)
    # Geometry already read by the reader (shapely, EPSG:4326), e.g. from a GIS file or a track.
    geometry: Any = None
    point: Any = None
    plantings: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    submission: SubmissionId | None = None
    mapping_method: str | None = None
    notes: list[str] = field(default_factory=list)  # what the reader did (e.g. track cleaning)


@dataclass(frozen=True)
class RowError:
    """A value chacra cannot accept: where, which field, the value, and what would be accepted."""

    ref: SourceRef
    field: str
    value: Any
    message: str

    def __str__(self) -> str:
        return f"{self.ref}: {self.field} = {self.value!r}: {self.message}"


@dataclass
class ReadResult:
    rows: list[IntakeRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
