"""Raw rows into typed ones, or into errors naming file, row, field, value and what is accepted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chacra.errors import InvalidInput
from chacra.intake import parse
from chacra.intake.rows import IntakeRow, RowError, SourceRef, SubmissionId
from chacra.registry.geometry import to_shapely
from chacra.registry.models import Clone, ConsentMethod, Distrito, VisitActivity


@dataclass
class CleanRow:
    ref: SourceRef
    producer: dict[str, Any] = field(default_factory=dict)
    producer_code: str | None = None
    distrito: Distrito | None = None
    comunidad: str | None = None
    organisation: str | None = None
    plot: dict[str, Any] = field(default_factory=dict)
    plot_code: str | None = None
    boundary: Any = None
    point: Any = None
    mapping_method: str | None = None
    plantings: list[dict[str, Any]] = field(default_factory=list)
    grafts: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    submission: SubmissionId | None = None
    # What the row said, as text: kept with a form submission so every version can be read back.
    as_submitted: dict[str, Any] = field(default_factory=dict)


class Places:
    """Distritos by ubigeo or by name (accent- and case-blind), looked up once per import."""

    def __init__(self) -> None:
        self.by_ubigeo: dict[str, Distrito] = {}
        self.by_name: dict[str, list[Distrito]] = {}
        for d in Distrito.objects.select_related("provincia__departamento"):
            self.by_ubigeo[d.ubigeo] = d
            self.by_name.setdefault(parse.fold(d.name), []).append(d)

    def find(self, values: dict[str, Any]) -> Distrito:
        ubigeo = str(values.get("ubigeo", "")).strip()
        if ubigeo:
            if ubigeo.isdigit() and len(ubigeo) == 5:
                ubigeo = "0" + ubigeo  # a spreadsheet number lost its leading zero
            if ubigeo in self.by_ubigeo:
                return self.by_ubigeo[ubigeo]
            raise ValueError("a distrito ubigeo known to chacra (6 digits, e.g. 220601)")
        name = parse.fold(values.get("distrito", ""))
        if not name:
            raise ValueError("a distrito name or its 6-digit ubigeo")
        found = self.by_name.get(name, [])
        for key, attr in (("provincia", "provincia"), ("departamento", "provincia.departamento")):
            wanted = parse.fold(values.get(key, ""))
            if wanted and len(found) > 1:
                found = [d for d in found if parse.fold(_attr(d, attr).name) == wanted]
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValueError(f"a distrito known to chacra; {len(self.by_ubigeo)} are loaded")
        raise ValueError("a distrito named in one provincia only; add Provincia or the ubigeo")


def _attr(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _names(values: dict[str, Any]) -> tuple[str, str]:
    surnames = str(values.get("surnames", "")).strip()
    given = str(values.get("given_names", "")).strip()
    full = " ".join(str(values.get("full_name", "")).split())
    if surnames and given:
        return surnames, given
    if "," in full:  # "Apellidos, Nombres"
        s, _, g = full.partition(",")
        return s.strip(), g.strip()
    words = full.split()
    if len(words) >= 3:  # Peruvian order: two surnames, then the given names
        return " ".join(words[:2]), " ".join(words[2:])
    if len(words) == 2:
        return words[0], words[1]
    raise ValueError("surnames and given names, e.g. 'Tuanama Sangama Rosa' or 'Tuanama, Rosa'")


class RowValidator:
    def __init__(self) -> None:
        self.places = Places()
        self.clones = {parse.fold(c.code).replace(" ", ""): c for c in Clone.objects.all()}

    def clean(self, row: IntakeRow) -> tuple[CleanRow | None, list[RowError]]:
        errors: list[RowError] = []
        out = CleanRow(ref=row.ref, submission=row.submission, mapping_method=row.mapping_method)
        if row.submission is not None:
            out.as_submitted = {
                "ref": str(row.ref),
                "values": {k: str(val) for k, val in row.values.items()},
                "boundary": row.geometry.wkt if row.geometry is not None else None,
                "point": row.point.wkt if row.point is not None else None,
                "plantings": [{k: str(val) for k, val in p.items()} for p in row.plantings],
                "visits": [{k: str(val) for k, val in v.items()} for v in row.visits],
            }
        v = row.values

        def take(key: str, parser: Callable[[Any], Any], target: dict[str, Any], name: str) -> None:
            if key in v and str(v[key]).strip() != "":
                try:
                    target[name] = parser(v[key])
                except ValueError as exc:
                    errors.append(RowError(row.ref, key, v[key], f"expected {exc}"))

        try:
            out.producer["surnames"], out.producer["given_names"] = _names(v)
        except ValueError as exc:
            errors.append(RowError(row.ref, "full_name", v.get("full_name", ""), f"expected {exc}"))
        p = out.producer
        take("dni", parse.dni, p, "dni")
        take("sex", parse.sex, p, "sex")
        if "sex" not in v:
            errors.append(RowError(row.ref, "sex", "", "expected F or M (Sexo is required)"))
        take("age", lambda x: parse.whole(x, 12, 110), p, "age_at_registration")
        take("birth_date", parse.date, p, "birth_date")
        take("household_size", lambda x: parse.whole(x, 1, 40), p, "household_size")
        take("consent_given_on", parse.date, p, "consent_given_on")
        if "phone" in v:
            p["phone"] = str(v["phone"]).strip()[:20]
        if "consent_method" in v:
            method = parse.fold(v["consent_method"]).replace(" ", "_")
            if method in ConsentMethod.values:
                p["consent_method"] = method
            else:
                accepted = ", ".join(ConsentMethod.values)
                errors.append(
                    RowError(row.ref, "consent_method", v["consent_method"], f"expected {accepted}")
                )
        out.producer_code = str(v["producer_code"]).strip() if v.get("producer_code") else None
        out.organisation = str(v["organisation"]).strip() if v.get("organisation") else None
        try:
            out.distrito = self.places.find(v)
        except ValueError as exc:
            field_name = "ubigeo" if v.get("ubigeo") else "distrito"
            errors.append(RowError(row.ref, field_name, v.get(field_name, ""), f"expected {exc}"))
        out.comunidad = " ".join(str(v.get("comunidad", "")).split()) or None
        for key, value, limit in (
            ("comunidad", out.comunidad, 120),
            ("organisation", out.organisation, 160),
            ("surnames", p.get("surnames"), 100),
            ("given_names", p.get("given_names"), 100),
        ):
            if value and len(value) > limit:
                errors.append(
                    RowError(row.ref, key, value[:40] + "…", f"expected at most {limit} characters")
                )
        if out.comunidad is None:
            errors.append(
                RowError(row.ref, "comunidad", "", "expected the comunidad (village) name")
            )

        pl = out.plot
        for key in ("property_area_ha", "cacao_in_production_ha", "declared_area_ha"):
            take(key, parse.hectares, pl, key)
        take("land_title", parse.yes_no, pl, "land_title")
        take("mapped_on", parse.date, pl, "mapped_on")
        if v.get("plot_name"):
            pl["name"] = str(v["plot_name"]).strip()[:80]
        out.plot_code = str(v["plot_code"]).strip() if v.get("plot_code") else None
        self._geometry(row, out, errors)
        for planting in row.plantings:
            self._planting(row.ref, planting, out, errors)
        for visit in row.visits:
            self._visit(row.ref, visit, out, errors)
        return (None if errors else out), errors

    def _geometry(self, row: IntakeRow, out: CleanRow, errors: list[RowError]) -> None:
        v = row.values
        out.boundary = row.geometry
        if "geometry" in v and out.boundary is None:
            try:
                out.boundary = to_shapely(str(v["geometry"]), field="geometry")
            except InvalidInput as exc:
                errors.append(RowError(row.ref, "geometry", str(v["geometry"])[:60], exc.message))
        out.point = row.point
        if out.point is None and ("latitude" in v or "longitude" in v):
            coords: dict[str, Any] = {}
            take_lat = ("latitude", -90.0, 90.0, "latitude")
            take_lon = ("longitude", -180.0, 180.0, "longitude")
            for key, low, high, what in (take_lat, take_lon):
                try:
                    coords[key] = parse.degrees(v.get(key, ""), low, high, what)
                except ValueError as exc:
                    errors.append(RowError(row.ref, key, v.get(key, ""), f"expected {exc}"))
            if len(coords) == 2:
                import shapely

                out.point = shapely.Point(coords["longitude"], coords["latitude"])

    def _planting(
        self, ref: SourceRef, raw: dict[str, Any], out: CleanRow, errors: list[RowError]
    ) -> None:
        given = {k for k, v in raw.items() if v is not None and str(v).strip() != ""}
        before = len(errors)
        planting: dict[str, Any] = {}
        graft: dict[str, Any] = {}
        for key, parser, target in (
            ("cacao_installed_ha", parse.hectares, planting),
            ("installed_on", parse.month, planting),
            ("temporary_shade_ha", parse.hectares, planting),
            ("forestry_ha", parse.hectares, planting),
            ("grafted_ha", parse.hectares, graft),
            ("grafted_on", parse.month, graft),
        ):
            if key in raw and str(raw[key]).strip() != "":
                try:
                    target[key] = parser(raw[key])
                except ValueError as exc:
                    errors.append(RowError(ref, key, raw[key], f"expected {exc}"))
        if raw.get("clone"):
            clone = self.clones.get(parse.fold(raw["clone"]).replace(" ", ""))
            if clone is None:
                known = ", ".join(sorted(c.code for c in self.clones.values()))
                errors.append(
                    RowError(
                        ref, "clone", raw["clone"], f"expected a clone in the catalogue: {known}"
                    )
                )
            else:
                graft["clone"] = clone
        if len(errors) > before:
            return  # the values themselves are wrong; say that, not that some are missing
        if planting:
            if not {"cacao_installed_ha", "installed_on"} <= given:
                errors.append(
                    RowError(
                        ref,
                        "installed_on",
                        raw.get("installed_on", ""),
                        "expected both Cacao instalado (ha) and Mes-año instalación",
                    )
                )
            else:
                out.plantings.append(planting)
        if graft:
            if not {"grafted_ha", "clone", "grafted_on"} <= given:
                errors.append(
                    RowError(
                        ref,
                        "clone",
                        raw.get("clone", ""),
                        "expected Cacao injertado (ha), Clon utilizado and Mes-año injertación "
                        "together",
                    )
                )
            else:
                out.grafts.append(graft)

    def _visit(
        self, ref: SourceRef, raw: dict[str, Any], out: CleanRow, errors: list[RowError]
    ) -> None:
        visit: dict[str, Any] = {"notes": str(raw.get("notes", "")).strip()}
        try:
            visit["date"] = parse.date(raw.get("visit_date", ""))
        except ValueError as exc:
            errors.append(RowError(ref, "visit_date", raw.get("visit_date", ""), f"expected {exc}"))
            return
        activities = str(raw.get("activities", "")).replace(",", " ").split()
        unknown = [a for a in activities if a not in VisitActivity.values]
        if unknown:
            errors.append(
                RowError(
                    ref,
                    "activities",
                    " ".join(unknown),
                    f"expected some of: {', '.join(VisitActivity.values)}",
                )
            )
        visit["activities"] = activities
        out.visits.append(visit)
