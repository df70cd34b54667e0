"""The bulk path of an import writes what the one-by-one services would: same shapes, same
checks; and one audit entry per table for what it created."""

from __future__ import annotations

import doctest
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

import chacra.intake.shapes
from chacra.accounts.models import AuditEntry
from chacra.accounts.records import record_defaults
from chacra.accounts.services import bulk_entries_about
from chacra.errors import InvalidInput
from chacra.intake.models import ImportStatus
from chacra.intake.records import RecordCheck
from chacra.intake.services import import_file
from chacra.intake.shapes import shapes_at_once
from chacra.registry.geometry import plot_shapes
from chacra.registry.models import Comunidad, Plot, PlotGeometryVersion, Producer

SQUARE = shapely.box(-76.50, -6.50, -76.49, -6.49)
BOWTIE = shapely.Polygon([(-76.4, -6.5), (-76.39, -6.49), (-76.39, -6.5), (-76.4, -6.49)])
LINE = shapely.LineString([(-76.4, -6.5), (-76.39, -6.49)])
FAR = shapely.box(-300, -6.5, -299.9, -6.4)
SLIVER = shapely.Polygon([(-76.4, -6.5), (-76.39, -6.5), (-76.395, -6.5)])  # no area


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return bool(shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=1e-12))


def _check_like_plot_shapes(boundaries: list[Any], points: list[Any]) -> None:
    fast = shapes_at_once(boundaries, points)
    for i, one in enumerate(plot_shapes(boundaries, points)):
        if isinstance(one, InvalidInput):
            assert fast.errors[i].message == one.message
            continue
        assert i not in fast.errors
        assert _same(fast.boundary[i], one.boundary and shapely.from_wkb(bytes(one.boundary.wkb)))
        assert _same(fast.location[i], one.location and shapely.from_wkb(bytes(one.location.wkb)))
        assert _same(fast.original[i], one.original and shapely.from_wkb(bytes(one.original.wkb)))
        assert fast.repaired[i] == one.repaired
        if one.area_ha is None:
            assert np.isnan(fast.area_ha[i])
        else:
            assert fast.area_ha[i] == pytest.approx(one.area_ha, rel=1e-12)


def test_shapes_doctests_pass() -> None:
    outcome = doctest.testmod(chacra.intake.shapes)
    assert outcome.attempted > 0
    assert outcome.failed == 0


def test_shapes_at_once_accepts_repairs_and_refuses_as_plot_shapes() -> None:
    point = shapely.Point(-76.3, -6.3)
    boundaries = [SQUARE, BOWTIE, shapely.MultiPolygon([SQUARE]), SQUARE.wkt, None, None, LINE,
                  FAR, SLIVER, shapely.force_3d(SQUARE), SQUARE, shapely.Polygon()]  # fmt: skip
    points = [None, None, None, None, point, None, None, None, None, None, point, None]
    _check_like_plot_shapes(boundaries, points)


@settings(max_examples=30, deadline=None)
@given(
    coords=st.lists(
        st.lists(st.tuples(st.floats(-76.6, -76.4), st.floats(-6.6, -6.4)), min_size=3, max_size=7),
        min_size=1,
        max_size=8,
    )
)
def test_random_rings_come_out_as_plot_shapes_makes_them(coords: list[Any]) -> None:
    boundaries = [shapely.Polygon(ring) for ring in coords]  # many of them self-intersect
    _check_like_plot_shapes(boundaries, [None] * len(boundaries))


def test_record_check_reports_what_full_clean_reports() -> None:
    good = {**record_defaults(Producer), "code": "-", "surnames": "Vela", "given_names": "Rosa",
            "sex": "F"}  # fmt: skip
    no_method = {**good, "consent_given_on": good["registered_on"]}
    blank_and_old = {**good, "given_names": "", "age_at_registration": 130, "sex": "X"}
    long_and_nul = {**good, "given_names": "Rosa" * 26, "surnames": "Ve\x00la", "dni": "123"}
    check = RecordCheck(Producer, exclude=["comunidad", "code"])
    records = [dict(good), dict(no_method), dict(blank_and_old), dict(good), dict(long_and_nul)]
    problems = check.check_many(records)
    assert sorted(problems) == [1, 2, 4]
    for i, values in ((1, no_method), (2, blank_and_old), (4, long_and_nul)):
        with pytest.raises(ValidationError) as one_by_one:
            Producer(**values).full_clean(
                exclude=["comunidad", "code"], validate_unique=False, validate_constraints=False
            )
        assert problems[i].message_dict == one_by_one.value.message_dict


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("dni", ["04512345", "4512345", "0451234a", "045123456", "0451\x002345", " 04512345"]),
        ("area_ha", [1.5, float("nan"), float("inf"), -2.0, "1.5", "uno", 3]),
    ],
)
def test_values_checked_in_line_are_refused_and_kept_as_clean_refuses_and_keeps(
    field: str, values: list[Any]
) -> None:
    model = Producer if field == "dni" else Plot
    fixed = {"code": "-", "surnames": "Vela", "given_names": "Rosa", "sex": "F", "name": ""}
    base = {k: v for k, v in {**record_defaults(model), **fixed}.items() if hasattr(model, k)}
    records = [{**base, field: value} for value in values]
    problems = RecordCheck(model, exclude=["comunidad", "producer", "code"]).check_many(records)
    for i, value in enumerate(values):
        instance = model(**{**base, field: value})
        refused: dict[str, Any] = {}
        try:
            instance.clean_fields(exclude=["comunidad", "producer", "code"])
        except ValidationError as exc:
            refused = exc.message_dict
        assert (problems[i].message_dict if i in problems else {}) == refused, value
        if not refused:
            assert records[i][field] == getattr(instance, field) or value != value, value
            assert type(records[i][field]) is type(getattr(instance, field)), value


def _geojson(tmp_path: Path, n: int) -> Path:
    def feature(i: int) -> dict[str, Any]:
        shape = BOWTIE if i == 2 else shapely.box(-76.7 + i / 100, -7.2, -76.695 + i / 100, -7.195)
        return {
            "type": "Feature",
            "geometry": json.loads(shapely.to_geojson(shape)),
            "properties": {
                "Apellidos y Nombres": f"Prueba Bulto Persona{i}",
                "Sexo": "F",
                "Ubigeo": "220601",
                "Comunidad": "Caserío Nuevo" if i % 2 else "caserio nuevo",
                "N° DNI": f"{60_000_000 + i}",
            },
        }

    path = tmp_path / "parcelas.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": list(map(feature, range(n)))})
    )
    return path


def test_bulk_created_records_are_audited_by_one_entry_per_table_naming_the_file(
    demo_db: Any, tmp_path: Path
) -> None:
    path = _geojson(tmp_path, 5)
    report = import_file(actor=None, path=path)
    assert report.status == ImportStatus.IMPORTED, report.errors
    assert report.counts["producers_created"] == 5
    assert report.counts["comunidades_created"] == 1  # one comunidad, however it is spelt
    source = f"import:{report.job_id}"
    producers = list(Producer.objects.filter(dni__startswith="6000000"))
    plots = list(Plot.objects.filter(producer__in=producers))
    comunidades = list(Comunidad.objects.filter(name__in=["Caserío Nuevo", "caserio nuevo"]))
    made: list[Any] = [*producers, *plots, *comunidades]
    assert len(made) == 11
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    for model, records in ((Producer, producers), (Plot, plots), (Comunidad, comunidades)):
        entry = AuditEntry.objects.get(source=source, model=model._meta.label)
        assert entry.action == "bulk_create"
        assert entry.changes["count"] == len(records)
        covered = {pk for first, last in entry.changes["runs"] for pk in range(first, last + 1)}
        assert covered == {r.pk for r in records}
        assert entry.changes["sha256"] == sha256
        assert entry.changes["file"] == path.name
        assert entry.changes["import"] == report.job_id
        assert bulk_entries_about(model._meta.label, [records[-1].pk]) == [entry.pk]
    assert not AuditEntry.objects.filter(source=source, action="create").exists()
    # the log keeps no copy of the names and DNIs: they are in the archived file
    logged = json.dumps(list(AuditEntry.objects.filter(source=source).values("summary", "changes")))
    assert "60000001" not in logged
    assert "Persona" not in logged
    repaired = Plot.objects.get(producer__dni="60000002")
    assert repaired.geometry_repaired
    version = repaired.geometry_versions.get()
    assert version.version == 1
    assert shapely.from_wkb(bytes(version.original.wkb)).equals(BOWTIE)
    assert PlotGeometryVersion.objects.filter(plot__in=plots).count() == 5


def test_a_record_refused_by_its_model_names_its_row_and_field_and_writes_nothing(
    demo_db: Any, tmp_path: Path
) -> None:
    path = _geojson(tmp_path, 4)
    data = json.loads(path.read_text())
    data["features"][3]["properties"]["Fecha de consentimiento"] = "2024-05-02"  # but not how
    path.write_text(json.dumps(data))
    before = (Producer.objects.count(), Plot.objects.count(), AuditEntry.objects.count())
    report = import_file(actor=None, path=path)
    assert report.status == ImportStatus.REJECTED
    assert [(e.ref.feature, e.field) for e in report.errors] == [(4, "consent_method")]
    assert (Producer.objects.count(), Plot.objects.count(), AuditEntry.objects.count()) == before
