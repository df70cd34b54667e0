"""``eudr_validate``: one small hand-written file per rule the EU information system applies.

Each test starts from a valid FeatureCollection (a polygon, a point and a multipolygon in San
Martín, coordinates with 6 decimals), breaks one thing, and checks that exactly that is reported,
with the feature, the value found and what to fix.
"""

from __future__ import annotations

import copy
import doctest
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import chacra.compliance.eudr_validate
from chacra.compliance.eudr_rules import MESSAGES, RULES
from chacra.compliance.eudr_validate import Problem, validate

pytestmark = pytest.mark.usefixtures("english")

SQUARE = [[-76.700000, -7.160000], [-76.690000, -7.160000], [-76.690000, -7.150000],
          [-76.700000, -7.150000], [-76.700000, -7.160000]]  # fmt: skip


def _props(place: str, **more: Any) -> dict[str, Any]:
    return {"ProducerName": "Tuanama Sangama Rosa", "ProducerCountry": "PE",
            "ProductionPlace": place, **more}  # fmt: skip


def _valid() -> dict[str, Any]:
    shifted = [[x + 0.02, y] for x, y in SQUARE]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": _props("PA000001, Pacayzapa, Juanjuí"),
             "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
            {"type": "Feature", "properties": _props("PA000002, Pacayzapa, Juanjuí", Area=3.0),
             "geometry": {"type": "Point", "coordinates": [-76.712345, -7.165432]}},
            {"type": "Feature", "properties": _props("PA000003, Pacayzapa, Juanjuí"),
             "geometry": {"type": "MultiPolygon", "coordinates": [[SQUARE], [shifted]]}},
        ],
    }  # fmt: skip


def _six(doc: Any) -> str:
    """JSON with every float written with 6 decimals, as chacra writes coordinates."""
    if isinstance(doc, float):
        return f"{doc:.6f}"
    if isinstance(doc, list):
        return "[" + ",".join(_six(v) for v in doc) + "]"
    if isinstance(doc, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_six(v)}" for k, v in doc.items()) + "}"
    return json.dumps(doc, ensure_ascii=False)


def _broken(change: Any) -> list[Problem]:
    doc = copy.deepcopy(_valid())
    change(doc)
    return validate(_six(doc)).problems


def _rules(problems: list[Problem]) -> list[str]:
    return [p.rule for p in problems]


def test_a_valid_file_passes_without_warnings() -> None:
    report = validate(_six(_valid()))
    assert report.problems == []
    assert report.warnings == []
    assert not report.rejected
    assert (report.features, report.producers) == (3, 1)


def test_a_problem_names_the_feature_the_rule_the_value_and_the_fix() -> None:
    problems = _broken(lambda d: d["features"][1]["properties"].update(Area=5.5))
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.feature, problem.rule, problem.value) == (1, "point_too_large", "5.5")
    assert problem.place == "PA000002, Pacayzapa, Juanjuí"
    assert problem.producer == "Tuanama Sangama Rosa"
    assert str(problem) == (
        "feature 1 (PA000002, Pacayzapa, Juanjuí; Tuanama Sangama Rosa) [point_too_large]: "
        "a plot of more than 4 ha needs a polygon, not a point (found: 5.5). "
        "Map the plot's boundary and give it as a Polygon."
    )


def test_every_rule_has_a_stable_code() -> None:
    assert {r % {"rule": "producer_name"} for r, _w, _f in MESSAGES.values()} <= RULES


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        (b"\xff\xfe not utf-8", "not_json"),
        (b'{"type": "FeatureCollection", "features": [', "not_json"),
        (b'{"type": "FeatureCollection", "features": [], "x": NaN}', "not_json"),
        (b'{"type": "Feature", "geometry": null, "properties": {}}', "collection"),
        (b"[]", "collection"),
        (b'{"type": "FeatureCollection", "features": []}', "collection"),
        (b'{"type": "FeatureCollection"}', "collection"),
    ],
)
def test_not_a_feature_collection_is_rejected(raw: bytes, rule: str) -> None:
    report = validate(raw)
    assert report.rejected
    assert _rules(report.problems) == [rule]
    assert report.problems[0].feature is None


def test_a_crs_other_than_wgs84_lon_lat_is_rejected() -> None:
    def utm(doc: dict[str, Any]) -> None:
        doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32718"}}

    problems = _broken(utm)
    assert _rules(problems) == ["crs"]
    assert problems[0].value == "urn:ogc:def:crs:EPSG::32718"
    assert "Reproject the file to EPSG:4326" in str(problems[0])


def test_crs84_passes_and_epsg_4326_is_a_warning() -> None:
    doc = _valid()
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    report = validate(_six(doc))
    assert (report.problems, report.warnings) == ([], [])
    doc["crs"]["properties"]["name"] = "EPSG:4326"
    report = validate(_six(doc))
    assert report.problems == []
    assert _rules(report.warnings) == ["crs"]


@pytest.mark.parametrize(
    ("geometry", "value"),
    [
        ({"type": "LineString", "coordinates": SQUARE}, "LineString"),
        ({"type": "MultiPoint", "coordinates": SQUARE[:2]}, "MultiPoint"),
        (
            {
                "type": "GeometryCollection",
                "geometries": [{"type": "Polygon", "coordinates": [SQUARE]}],
            },
            "GeometryCollection",
        ),
        (None, "null"),
    ],
)
def test_only_points_polygons_and_multipolygons(geometry: Any, value: str) -> None:
    problems = _broken(lambda d: d["features"][0].update(geometry=geometry))
    assert _rules(problems) == ["geometry_type"]
    assert (problems[0].feature, problems[0].value) == (0, value)


def test_coordinates_out_of_range_are_rejected_and_a_swap_suggested() -> None:
    problems = _broken(lambda d: d["features"][1]["geometry"].update(coordinates=[-7.1, 120.5]))
    assert _rules(problems) == ["coordinate_range"]
    assert "swap each pair" in str(problems[0])
    utm = [[330123.456789, 9208765.432109]]
    problems = _broken(lambda d: d["features"][1]["geometry"].update(coordinates=utm[0]))
    assert _rules(problems) == ["coordinate_range"]
    assert "not projected coordinates such as UTM" in str(problems[0])


def test_lat_lon_pairs_in_peru_are_caught_as_swapped() -> None:
    swapped = [[y, x] for x, y in SQUARE]
    problems = _broken(lambda d: d["features"][0]["geometry"].update(coordinates=[swapped]))
    assert _rules(problems) == ["swapped_coordinates"]
    assert problems[0].value == "[-7.16, -76.7]"


def test_a_plot_far_from_its_country_is_a_warning() -> None:
    doc = _valid()
    doc["features"][1]["geometry"]["coordinates"] = [-60.123456, -7.123456]  # Brazil
    report = validate(_six(doc))
    assert report.problems == []
    assert _rules(report.warnings) == ["swapped_coordinates"]
    assert "outside PE" in str(report.warnings[0])


def test_fewer_than_six_decimals_is_rejected_more_is_a_warning() -> None:
    doc = _valid()
    point = doc["features"][1]["geometry"]
    point["coordinates"] = [-76.71234, -7.16543]
    text = _six(doc).replace("-76.712340,-7.165430", "-76.71234,-7.16543")
    report = validate(text)
    assert _rules(report.problems) == ["precision"]
    assert report.problems[0].feature == 1
    assert "at most 5 decimals" in str(report.problems[0])
    # One dropped trailing zero in a polygon is not a lower precision.
    assert validate(_six(_valid()).replace("-76.690000", "-76.69", 1)).problems == []
    many = _six(_valid()).replace("-76.712345", "-76.71234567")
    report = validate(many)
    assert report.problems == []
    assert _rules(report.warnings) == ["precision"]
    assert "up to 8" in str(report.warnings[0])


def test_a_ring_that_does_not_close_is_rejected() -> None:
    problems = _broken(
        lambda d: d["features"][0]["geometry"].update(coordinates=[[*SQUARE[:-1], SQUARE[1]]])
    )
    assert "ring_not_closed" in _rules(problems)
    assert problems[0].feature == 0


def test_a_ring_of_three_positions_is_rejected() -> None:
    ring = [SQUARE[0], SQUARE[1], SQUARE[0]]
    problems = _broken(lambda d: d["features"][2]["geometry"].update(coordinates=[[ring]]))
    assert _rules(problems) == ["ring_positions"]
    assert problems[0].feature == 2


def test_a_hole_is_rejected_with_split_as_the_fix() -> None:
    hole = [[-76.696, -7.156], [-76.694, -7.156], [-76.694, -7.154], [-76.696, -7.156]]
    problems = _broken(lambda d: d["features"][0]["geometry"].update(coordinates=[SQUARE, hole]))
    assert _rules(problems) == ["hole"]
    assert "Split the polygon into parts without holes" in str(problems[0])


def test_a_self_intersecting_polygon_is_rejected() -> None:
    bowtie = [SQUARE[0], SQUARE[2], SQUARE[1], SQUARE[3], SQUARE[0]]
    problems = _broken(lambda d: d["features"][0]["geometry"].update(coordinates=[bowtie]))
    assert _rules(problems) == ["invalid_geometry"]
    assert problems[0].value.startswith("Self-intersection")
    assert problems[0].place == "PA000001, Pacayzapa, Juanjuí"


def test_positions_must_be_numbers_and_elevation_is_a_warning() -> None:
    problems = _broken(lambda d: d["features"][1]["geometry"].update(coordinates=["-76.7", -7.1]))
    assert _rules(problems) == ["position"]
    doc = _valid()
    doc["features"][1]["geometry"]["coordinates"] = [-76.712345, -7.165432, 350.0]
    report = validate(_six(doc))
    assert (report.problems, _rules(report.warnings)) == ([], ["elevation"])


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("ProducerName", None, "producer_name"),
        ("ProducerName", "  ", "producer_name"),
        ("ProductionPlace", None, "production_place"),
        ("ProducerCountry", None, "producer_country"),
        ("ProducerCountry", "PER", "producer_country"),
        ("ProducerCountry", "pe", "producer_country"),
        ("ProducerCountry", "XX", "producer_country"),
    ],
)
def test_required_properties(key: str, value: Any, rule: str) -> None:
    def change(doc: dict[str, Any]) -> None:
        props = doc["features"][0]["properties"]
        if value is None:
            del props[key]
        else:
            props[key] = value

    problems = _broken(change)
    assert _rules(problems) == [rule]
    assert problems[0].feature == 0


@pytest.mark.parametrize(
    ("area", "rule"),
    [(None, "area"), ("3.2", "area"), (True, "area"), (0.00001, "area"), (4.01, "point_too_large")],
)
def test_a_point_needs_its_area_as_a_number_up_to_4_ha(area: Any, rule: str) -> None:
    def change(doc: dict[str, Any]) -> None:
        props = doc["features"][1]["properties"]
        if area is None:
            del props["Area"]
        else:
            props["Area"] = area

    problems = _broken(change)
    assert _rules(problems) == [rule]
    assert problems[0].feature == 1


def test_a_point_of_exactly_4_ha_or_0_0001_ha_passes() -> None:
    for area in (4, 0.0001):
        assert _broken(lambda d, a=area: d["features"][1]["properties"].update(Area=a)) == []


def test_a_file_above_25_mb_is_rejected() -> None:
    text = _six(_valid())
    size = len(text.encode())
    assert validate(text + " " * (25_000_000 - size)).problems == []
    report = validate(text + " " * (25_000_001 - size))
    assert _rules(report.problems) == ["file_size"]
    assert report.problems[0].feature is None
    assert "25000001 bytes" in str(report.problems[0])


def test_a_file_naming_more_than_1000_producers_is_rejected() -> None:
    def collection(producers: int) -> str:
        doc = _valid()
        point = doc["features"][1]
        doc["features"] = [
            {**point, "properties": {**point["properties"], "ProducerName": f"Productor {k}"}}
            for k in range(producers)
        ]
        return _six(doc)

    assert validate(collection(1000)).problems == []
    report = validate(collection(1001))
    assert _rules(report.problems) == ["producers_per_file"]
    assert report.producers == 1001
    assert _rules(validate(collection(3), max_producers=2).problems) == ["producers_per_file"]


def test_every_problem_of_a_file_is_listed() -> None:
    doc = _valid()
    doc["features"][0]["properties"]["ProducerCountry"] = "PER"
    doc["features"][1]["properties"]["Area"] = "3"
    doc["features"][2]["geometry"] = {"type": "LineString", "coordinates": SQUARE}
    problems = validate(_six(doc)).problems
    assert [(p.feature, p.rule) for p in problems] == [
        (0, "producer_country"), (1, "area"), (2, "geometry_type"),
    ]  # fmt: skip


def _command(*files: Path) -> str:
    out = io.StringIO()
    call_command("eudr", "validate", *[str(f) for f in files], stdout=out)
    return out.getvalue()


def test_command_lists_problems_and_fails_when_rejected(tmp_path: Path) -> None:
    good = tmp_path / "good.geojson"
    good.write_text(_six(_valid()), encoding="utf-8")
    assert "good.geojson: accepted: 3 features, 1 producers" in _command(good)
    bad = tmp_path / "bad.geojson"
    doc = _valid()
    doc["features"][1]["properties"]["Area"] = 12.5
    bad.write_text(_six(doc), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"would reject .*bad\.geojson"):
        call_command("eudr", "validate", str(good), str(bad), stdout=out)
    lines = out.getvalue().splitlines()
    assert any("bad.geojson: feature 1" in line and "[point_too_large]" in line for line in lines)
    assert lines[-1].startswith(f"{bad}: rejected: 3 features")


def test_command_says_when_a_file_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"missing\.geojson"):
        _command(tmp_path / "missing.geojson")


def test_docstring_examples_run() -> None:
    assert doctest.testmod(chacra.compliance.eudr_validate).failed == 0
