"""GIS and GPX readers: the committed samples read into the expected rows; bad files say why.

Pure reading, no database. The samples are written by samples/make_gis_samples.py (README.md).
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.raw
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from chacra.geo.area import geodesic_area_ha
from chacra.intake.readers.base import IntakeError, Reader
from chacra.intake.readers.gpx import GpxReader
from chacra.intake.readers.vector import (
    GeoJsonReader,
    GpkgReader,
    KmlReader,
    KmzReader,
    ShapefileReader,
)
from chacra.intake.rows import ReadResult

GIS = Path(__file__).parent / "samples" / "gis"
JUANJUI = (-76.73, -7.18)


def _write_gpx(path: Path, points: list[tuple[float, float]], *, times: bool = True) -> Path:
    start = np.datetime64("2024-05-14T14:00:00")
    fixes = "".join(
        f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}">'
        + (f"<time>{start + np.timedelta64(2 * i, 's')}Z</time>" if times else "")
        + "</trkpt>"
        for i, (lon, lat) in enumerate(points)
    )
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>Parcela 2</name><trkseg>{fixes}</trkseg></trk></gpx>"
    )
    return path


def _square_walk(side_deg: float, fraction: float = 1.0) -> list[tuple[float, float]]:
    """Fixes every 1% of the way around a square near (-76.5, -6.5), up to ``fraction`` of it."""
    s = np.arange(int(400 * fraction)) / 100
    x = np.clip(s, 0, 1) - np.clip(s - 2, 0, 1)
    y = np.clip(s - 1, 0, 1) - np.clip(s - 3, 0, 1)
    return list(zip(-76.5 + side_deg * x, -6.5 + side_deg * y, strict=True))


# --- samples --------------------------------------------------------------------------------


def test_utm_shapefile_is_reprojected_to_juanjui_with_its_areas() -> None:
    path = GIS / "plots_utm18s.zip"
    source = f"/vsizip/{path}/parcelas_utm18s.shp"
    meta, _, wkb, _ = pyogrio.raw.read(source)
    planar_ha = shapely.area(shapely.from_wkb(wkb)) / 10_000

    result = ShapefileReader().read(path)

    assert meta["crs"] == "EPSG:32718"
    assert result.errors == []
    assert [r.ref.feature for r in result.rows] == [1, 2, 3]
    for row, planar in zip(result.rows, planar_ha, strict=True):
        centre = row.geometry.centroid
        assert abs(centre.x - JUANJUI[0]) < 0.01
        assert abs(centre.y - JUANJUI[1]) < 0.01
        assert geodesic_area_ha([row.geometry])[0] == pytest.approx(planar, rel=0.002)
        assert row.mapping_method == "imported"
        assert row.point is None
    first = result.rows[0].values
    assert first == {
        "dni": "04512345",
        "surnames": "Tuanama Sangama",
        "given_names": "Rosa Elvira",
        "sex": "F",
        "distrito": "Juanjuí",
        "comunidad": "Dos de Mayo",
        "declared_area_ha": 1.2,
    }  # "Cultivo" is not a record heading and is left out
    assert result.rows[1].values["surnames"] == "Núñez Ríos"  # the .cpg says UTF-8


def test_kmz_placemarks_are_polygons_without_altitude_named_as_plots() -> None:
    result = KmzReader().read(GIS / "plots.kmz")

    assert result.errors == []
    assert [r.geometry.geom_type for r in result.rows] == ["Polygon", "Polygon"]
    assert not any(shapely.has_z(r.geometry) for r in result.rows)
    # ExtendedData names the producer, so the placemark's own name is the plot's.
    assert result.rows[0].values == {
        "full_name": "Sangama Tapullima Julio",
        "dni": "44556677",
        "distrito": "Huicungo",
        "comunidad": "Pajarillo",
        "plot_name": "Parcela La Esperanza",
    }


def test_gpkg_gives_two_boundaries_and_one_point_with_spanish_headings() -> None:
    result = GpkgReader().read(GIS / "plots.gpkg")

    assert result.errors == []
    kinds = [(r.geometry is not None, r.point is not None) for r in result.rows]
    assert kinds == [(True, False), (True, False), (False, True)]
    assert [r.values["plot_code"] for r in result.rows] == ["BV-001-1", "BV-001-2", "BV-002-1"]
    assert result.rows[2].values["declared_area_ha"] == "0.8"
    assert result.rows[0].values["full_name"] == "Panaifo Amasifuén Luis"
    assert result.rows[0].values["dni"] == "45678901"


def test_eudr_geojson_maps_producer_place_and_area() -> None:
    result = GeoJsonReader().read(GIS / "eudr.geojson")

    assert result.errors == []
    polygon, point = result.rows
    assert polygon.values == {
        "full_name": "Tapullima Pashanasi Eusebio",
        "plot_name": "Chacra Alta",
        "declared_area_ha": 13.2,
    }  # ProducerCountry has no place in the record; no distrito or comunidad either
    assert polygon.geometry.geom_type == "Polygon"
    assert point.point.coords[0] == (-76.705432, -7.16321)
    assert point.values["plot_name"] == "Chacra Baja"


def test_swapped_coordinates_are_read_as_they_are() -> None:
    result = GeoJsonReader().read(GIS / "swapped.geojson")

    assert result.errors == []
    (row,) = result.rows
    min_x, min_y, max_x, max_y = row.geometry.bounds
    assert -18.5 < min_x < max_x < 0  # x holds Peru's latitudes: for the validator to catch
    assert -82 < min_y < max_y < -68


def test_gpx_walk_becomes_one_cleaned_polygon_and_waypoints_become_points() -> None:
    result = GpxReader().read(GIS / "walk.gpx")

    assert result.errors == []
    track, *waypoints = result.rows
    assert track.mapping_method == "gps_walk"
    assert track.values == {"plot_name": "Parcela 1", "mapped_on": dt.date(2024, 5, 14)}
    assert geodesic_area_ha([track.geometry])[0] == pytest.approx(1.0, rel=0.05)
    (note,) = track.notes
    assert note.startswith("track 'Parcela 1': 245 points, used ")
    trimmed = re.search(r"trimmed (\d+) stationary \((\d+) at the start, (\d+) at the end\)", note)
    assert trimmed is not None
    assert int(trimmed[2]) >= 15  # of the 20 fixes waiting at the start
    assert int(trimmed[3]) >= 15  # and at the end
    assert re.search(r"\b1 (GPS jump|out-and-back spike)\b", note)  # the fix 40 m off
    assert [w.values["plot_name"] for w in waypoints] == ["Casa", "Secadero"]
    assert all(w.mapping_method == "gps_point" and w.geometry is None for w in waypoints)
    assert waypoints[0].point.coords[0] == pytest.approx((-76.5011, -6.5002))
    assert [r.ref.feature for r in result.rows] == [1, 2, 3]


# --- GPX problems ---------------------------------------------------------------------------


def test_gpx_walk_that_stops_halfway_is_an_error_saying_what_to_do(tmp_path: Path) -> None:
    path = _write_gpx(tmp_path / "half.gpx", _square_walk(0.0009, fraction=0.6))

    result = GpxReader().read(path)

    assert result.rows == []
    (error,) = result.errors
    assert (error.field, error.value) == ("track", "Parcela 2")
    assert "walk around the whole plot" in error.message
    assert "within ~15 m of the start" in error.message


def test_gpx_track_with_three_fixes_has_too_few_points(tmp_path: Path) -> None:
    path = _write_gpx(
        tmp_path / "short.gpx", [(-76.5, -6.5), (-76.4995, -6.5), (-76.4995, -6.4995)]
    )

    result = GpxReader().read(path)

    (error,) = result.errors
    assert "at least 4 fixes" in error.message
    assert error.ref.feature == 1


def test_gpx_without_times_is_cleaned_without_the_speed_check(tmp_path: Path) -> None:
    path = _write_gpx(tmp_path / "notime.gpx", _square_walk(0.0009), times=False)

    result = GpxReader().read(path)

    (row,) = result.rows
    assert geodesic_area_ha([row.geometry])[0] == pytest.approx(0.99, abs=0.02)
    assert "400 fixes have no time" in row.notes[0]
    assert "mapped_on" not in row.values


def test_gpx_with_only_a_route_says_to_export_the_track(tmp_path: Path) -> None:
    path = tmp_path / "route.gpx"
    path.write_text(
        '<?xml version="1.0"?><gpx version="1.1" creator="t" '
        'xmlns="http://www.topografix.com/GPX/1/1"><rte><name>R</name>'
        '<rtept lat="-6.5" lon="-76.5"/><rtept lat="-6.6" lon="-76.5"/></rte></gpx>'
    )

    with pytest.raises(IntakeError, match=r"only routes.*export the recorded track"):
        GpxReader().read(path)


# --- what the vector readers refuse or adapt -------------------------------------------------


def _write_layer(
    path: Path, geometries: list[object], driver: str, crs: str | None = None, **options: object
) -> Path:
    names = np.array([f"0451234{i}" for i in range(len(geometries))], dtype=object)
    pyogrio.raw.write(
        str(path), shapely.to_wkb(geometries), [names], ["DNI"],
        driver=driver, geometry_type="Unknown", crs=crs, **options,
    )  # fmt: skip
    return path


def test_a_line_or_a_missing_geometry_is_an_error_and_not_a_row(tmp_path: Path) -> None:
    path = tmp_path / "mixed.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"name": "A"}, "geometry": '
        '{"type": "LineString", "coordinates": [[-76.5, -6.5], [-76.4, -6.5]]}},'
        '{"type": "Feature", "properties": {"name": "B"}, "geometry": null},'
        '{"type": "Feature", "properties": {"name": "C"}, "geometry": '
        '{"type": "Point", "coordinates": [-76.5, -6.5, 312.0]}}]}'
    )

    result = GeoJsonReader().read(path)

    line, missing = result.errors
    assert (line.ref.feature, line.field, line.value) == (1, "geometry", "LineString")
    assert "Polygon or MultiPolygon" in line.message
    assert "Point" in line.message
    assert (missing.ref.feature, missing.value) == (2, None)
    (row,) = result.rows
    assert row.values == {"full_name": "C"}
    assert not shapely.has_z(row.point)


def test_gpkg_with_two_layers_names_the_layer_of_each_feature(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    box = shapely.box(-76.5, -6.5, -76.49, -6.49)
    _write_layer(path, [box], "GPKG", "EPSG:4326", layer="parcelas")
    _write_layer(path, [shapely.Point(-76.5, -6.5)] * 2, "GPKG", "EPSG:4326", layer="puntos",
                 append=True)  # fmt: skip

    result = GpkgReader().read(path)

    refs = [(r.ref.sheet, r.ref.feature) for r in result.rows]
    assert refs == [("parcelas", 1), ("puntos", 1), ("puntos", 2)]


def test_shapefile_without_prj_is_read_as_lonlat_when_it_fits(tmp_path: Path) -> None:
    box = shapely.box(-76.5, -6.5, -76.49, -6.49)
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        shp = _write_layer(tmp_path / "p.shp", [box], "ESRI Shapefile")
    assert not shp.with_suffix(".prj").exists()

    (row,) = ShapefileReader().read(shp).rows

    assert row.geometry.bounds == pytest.approx((-76.5, -6.5, -76.49, -6.49))


def test_utm_shapefile_without_prj_says_the_crs_is_missing(tmp_path: Path) -> None:
    with zipfile.ZipFile(GIS / "plots_utm18s.zip") as archive:
        kept = [n for n in archive.namelist() if not n.endswith(".prj")]
        with zipfile.ZipFile(tmp_path / "noprj.zip", "w") as out:
            for name in kept:
                out.writestr(name, archive.read(name))

    with pytest.raises(IntakeError, match=r"noprj\.zip.*no coordinate reference system.*\.prj"):
        ShapefileReader().read(tmp_path / "noprj.zip")


def test_geojson_with_utm_numbers_but_no_crs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "utm.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
        '"geometry": {"type": "Point", "coordinates": [308965.6, 9205992.1]}}]}'
    )

    with pytest.raises(IntakeError, match=r"utm\.geojson.*not longitude/latitude.*32718"):
        GeoJsonReader().read(path)


@pytest.mark.parametrize(
    ("name", "content", "reader", "expected"),
    [
        ("corrupt.kmz", b"PK\x03\x04 not really a zip", KmzReader(), "not a readable zip file"),
        ("garbage.geojson", b'{"type": "FeatureColl', GeoJsonReader(), "cannot be read as a GeoJ"),
        ("empty.gpkg", b"", GpkgReader(), "the file is empty"),
        ("noise.gpkg", b"SQLite format 3\x00" + b"\x07" * 300, GpkgReader(), "GeoPackage"),
        ("nothing.zip", b"", ShapefileReader(), "the file is empty"),
        ("tracks.geojson", b"<gpx version='1.1'></gpx>", GeoJsonReader(), "GDAL reads it as GPX"),
        ("feature.gpx", b'{"type": "Feature"}', GpxReader(), "GDAL reads it as GeoJSON"),
        ("broken.gpx", b"<gpx><trk><trkseg><trkpt lat=", GpxReader(), "cannot be read as a GPX"),
    ],
)
def test_unreadable_files_name_the_file_and_the_accepted_formats(
    tmp_path: Path, name: str, content: bytes, reader: Reader, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(IntakeError) as caught:
        reader.read(path)

    message = caught.value.message
    assert message.startswith(f"{name}: ")
    assert expected in message
    assert str(tmp_path) not in message  # no server paths in what people read


def test_gpkg_without_features_and_zip_without_shapefile_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.gpkg"
    pyogrio.raw.write(str(empty), np.array([], dtype=object), [], [], driver="GPKG",
                      geometry_type="Polygon", crs="EPSG:4326", layer="parcelas")  # fmt: skip
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as archive:
        archive.writestr("__MACOSX/._plots.shp", b"resource fork")
        archive.writestr("foto.jpg", b"\xff\xd8")

    with pytest.raises(IntakeError, match=r"empty\.gpkg: no features"):
        GpkgReader().read(empty)
    with pytest.raises(IntakeError, match=r"photos\.zip: no \.shp file inside"):
        ShapefileReader().read(tmp_path / "photos.zip")
    assert not ShapefileReader().can_handle(tmp_path / "photos.zip", b"PK")


def test_can_handle_takes_json_only_when_it_looks_like_geojson() -> None:
    reader = GeoJsonReader()

    assert reader.can_handle(Path("a.json"), b'{"type": "FeatureCollection", "features": []}')
    assert not reader.can_handle(Path("a.json"), b'[{"_uuid": "x", "nombre": "Rosa"}]')
    assert reader.can_handle(Path("a.GeoJSON"), b"")
    assert ShapefileReader().can_handle(GIS / "plots_utm18s.zip", b"PK")
    assert KmlReader().can_handle(Path("a.kml"), b"")


# --- any bytes: an IntakeError or rows, never another exception -------------------------------


def _read_or_refuse(reader: Reader, path: Path) -> ReadResult | IntakeError:
    """The rows, or the IntakeError; any other exception fails the test."""
    try:
        return reader.read(path)
    except IntakeError as exc:
        return exc


PREFIXES = [
    b"",
    b"PK\x03\x04",
    b'{"type": "FeatureCollection", "features": [',
    b'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">',
    b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2">',
    b"SQLite format 3\x00",
]
READERS: list[tuple[str, Reader]] = [
    (".geojson", GeoJsonReader()),
    (".kml", KmlReader()),
    (".kmz", KmzReader()),
    (".zip", ShapefileReader()),
    (".gpkg", GpkgReader()),
    (".gpx", GpxReader()),
]


@settings(max_examples=40, deadline=None)
@given(
    reader=st.sampled_from(READERS),
    prefix=st.sampled_from(PREFIXES),
    data=st.binary(max_size=2_000),
)
def test_arbitrary_bytes_raise_only_intake_error(
    reader: tuple[str, Reader], prefix: bytes, data: bytes
) -> None:
    suffix, instance = reader
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(prefix + data)
        outcome = _read_or_refuse(instance, path)
    if isinstance(outcome, IntakeError):
        assert outcome.message.startswith(f"upload{suffix}: ")
    else:
        assert isinstance(outcome, ReadResult)


SAMPLES: list[tuple[str, Reader]] = [
    ("plots_utm18s.zip", ShapefileReader()),
    ("plots.kmz", KmzReader()),
    ("plots.gpkg", GpkgReader()),
    ("eudr.geojson", GeoJsonReader()),
    ("walk.gpx", GpxReader()),
]


@settings(max_examples=40, deadline=None)
@given(
    sample=st.sampled_from(SAMPLES),
    keep=st.floats(0, 1),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8),
)
def test_damaged_samples_raise_only_intake_error(
    sample: tuple[str, Reader], keep: float, flips: list[tuple[float, int]]
) -> None:
    """Truncated or bit-flipped real files reach deeper into GDAL than random bytes do."""
    name, reader = sample
    data = bytearray((GIS / name).read_bytes())
    for where, byte in flips:
        data[int(where * (len(data) - 1))] = byte
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(bytes(data[: max(1, int(len(data) * keep))] if keep < 0.5 else data))
        outcome = _read_or_refuse(reader, path)
    if isinstance(outcome, IntakeError):
        assert outcome.message.startswith(f"{name}: ")
    else:
        assert isinstance(outcome, ReadResult)
