"""Write the GIS sample files into ``gis/`` next to this script (deterministic).

    .venv/bin/python tests/intake/samples/make_gis_samples.py

The plots and people are made up (San Martín: Juanjuí, Huicungo, Bellavista); what each file
should produce is in README.md and tested by tests/intake/test_vector_gpx.py. Files GDAL writes
carry no run-dependent bytes: the DBF date and the GeoPackage timestamps are fixed, zip entries
get a fixed time, and the GeoPackage is vacuumed with a small page size so it stays small.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyogrio.raw
import shapely
from pyproj import Transformer

HERE = Path(__file__).resolve().parent
GIS = HERE / "gis"
FIXED_TIME = (2024, 6, 1, 0, 0, 0)
JUANJUI = (-76.73, -7.18)  # lon, lat
WALK_CENTRE = (-76.5, -6.5)
WALK_SIDES_M = (125.0, 80.0)  # exactly 1 ha
WALK_START = np.datetime64("2024-05-14T14:00:00")  # UTC; 09:00 in Peru
PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")

# Offsets in metres east/north of Juanjuí for each plot's vertices (all simple rings).
UTM_PLOTS = [
    [(0, 0), (110, -10), (130, 70), (40, 110), (-20, 60)],
    [(300, 0), (420, 20), (410, 120), (290, 100)],
    [(-200, -250), (-60, -240), (-80, -120), (-150, -100), (-210, -160)],
]
UTM_ATTRIBUTES = {  # shapefile field names: at most 10 characters
    "DNI": ["04512345", "41234567", "00876543"],
    "Apellidos": ["Tuanama Sangama", "Núñez Ríos", "Pinedo Panaifo"],
    "Nombres": ["Rosa Elvira", "José", "María Lucía"],
    "Sexo": ["F", "M", "F"],
    "Distrito": ["Juanjuí", "Juanjuí", "Huicungo"],
    "Comunidad": ["Dos de Mayo", "Dos de Mayo", "Pajarillo"],
    "Area_ha": [1.2, 1.1, 1.5],
    "Cultivo": ["cacao", "cacao", "cacao"],  # not a record heading: ignored
}


def _zip(target: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


def _utm_plots() -> list[Any]:
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32718", always_xy=True)
    x0, y0 = to_utm.transform(*JUANJUI)
    return [shapely.Polygon([(x0 + dx, y0 + dy) for dx, dy in ring]) for ring in UTM_PLOTS]


def write_shapefile_zip() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / "parcelas_utm18s.shp"
        fields = [
            np.array(values, dtype=np.float64 if name == "Area_ha" else object)
            for name, values in UTM_ATTRIBUTES.items()
        ]
        pyogrio.raw.write(
            str(shp), shapely.to_wkb(_utm_plots()), fields, list(UTM_ATTRIBUTES),
            driver="ESRI Shapefile", geometry_type="Polygon", crs="EPSG:32718",
            encoding="UTF-8", layer_options={"DBF_DATE_LAST_UPDATE": "2024-06-01"},
        )  # fmt: skip
        members = {shp.with_suffix(ext).name: shp.with_suffix(ext).read_bytes() for ext in PARTS}
    _zip(GIS / "plots_utm18s.zip", members)


def _kml_ring(coords: list[tuple[float, float]], altitude: float) -> str:
    closed = [*coords, coords[0]]
    return " ".join(f"{lon:.6f},{lat:.6f},{altitude:.1f}" for lon, lat in closed)


def write_kmz() -> None:
    """Two placemarks as Google Earth saves them: a name, ExtendedData, altitudes (dropped)."""
    plots = [
        ("Parcela La Esperanza", "Sangama Tapullima Julio", "44556677", "Huicungo", "Pajarillo",
         [(-76.7301, -7.1805), (-76.7290, -7.1806), (-76.7289, -7.1795), (-76.7300, -7.1794)]),
        ("Parcela El Mirador", "Ríos Vásquez Teresa", "40011223", "Huicungo", "Pajarillo",
         [(-76.7280, -7.1810), (-76.7268, -7.1812), (-76.7266, -7.1801), (-76.7279, -7.1799),
          (-76.7283, -7.1804)]),
    ]  # fmt: skip
    placemarks = []
    for name, person, dni, distrito, comunidad, ring in plots:
        data = {"Apellidos y Nombres": person, "N° DNI": dni, "Distrito": distrito}
        data["Comunidad"] = comunidad
        extended = "".join(
            f'<Data name="{key}"><value>{value}</value></Data>' for key, value in data.items()
        )
        placemarks.append(
            f"<Placemark><name>{name}</name><ExtendedData>{extended}</ExtendedData>"
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
            f"{_kml_ring(ring, 310.0)}"
            "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
        )
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Parcelas Pajarillo</name>\n'
        + "\n".join(placemarks)
        + "\n</Document></kml>\n"
    )
    _zip(GIS / "plots.kmz", {"doc.kml": kml.encode()})


def write_gpkg() -> None:
    """One mixed layer: two polygons and a point, with the record's Spanish headings."""
    target = GIS / "plots.gpkg"
    target.unlink(missing_ok=True)
    geometries = [
        shapely.Polygon([(-76.5210, -6.9850), (-76.5198, -6.9851), (-76.5197, -6.9839),
                         (-76.5209, -6.9838)]),
        shapely.Polygon([(-76.5190, -6.9860), (-76.5176, -6.9862), (-76.5175, -6.9848),
                         (-76.5189, -6.9846)]),
        shapely.Point(-76.5150, -6.9870),
    ]  # fmt: skip
    fields = {
        "Apellidos y Nombres": ["Panaifo Amasifuén Luis", "Panaifo Amasifuén Luis", "Cenepo Rosa"],
        "N° DNI": ["45678901", "45678901", "47890123"],
        "Sexo": ["M", "M", "F"],
        "Distrito": ["Bellavista", "Bellavista", "Bellavista"],
        "Comunidad": ["Nuevo Lima", "Nuevo Lima", "Nuevo Lima"],
        "Código parcela": ["BV-001-1", "BV-001-2", "BV-002-1"],
        "Área declarada (ha)": ["1.5", "2.0", "0.8"],
    }
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2024-06-01T00:00:00Z"})
    try:
        pyogrio.raw.write(
            str(target), shapely.to_wkb(geometries),
            [np.array(v, dtype=object) for v in fields.values()], list(fields),
            driver="GPKG", layer="parcelas", geometry_type="Unknown", crs="EPSG:4326",
            layer_options={"SPATIAL_INDEX": "NO"}, dataset_options={"METADATA_TABLES": "NO"},
        )  # fmt: skip
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    db = sqlite3.connect(target)
    try:
        db.execute("PRAGMA page_size = 1024")
        db.execute("VACUUM")
    finally:
        db.close()


def _feature(geometry: Any, properties: dict[str, Any]) -> dict[str, Any]:
    shape = json.loads(shapely.to_geojson(geometry, indent=None))
    return {"type": "Feature", "properties": properties, "geometry": shape}


def _write_geojson(target: Path, features: list[dict[str, Any]]) -> None:
    lines = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    target.write_text('{"type": "FeatureCollection", "features": [\n' + lines + "\n]}\n", "utf-8")


def write_eudr_geojson() -> None:
    """The EU deforestation regulation's format: WGS84, 6 decimals, plot > 4 ha as polygon."""
    polygon = shapely.Polygon(
        [(-76.701234, -7.160123), (-76.698012, -7.160456), (-76.697789, -7.157001),
         (-76.701001, -7.156789)]
    )  # fmt: skip
    features = [
        _feature(polygon, {"ProducerName": "Tapullima Pashanasi Eusebio",
                           "ProducerCountry": "PE", "ProductionPlace": "Chacra Alta",
                           "Area": 13.2}),
        _feature(shapely.Point(-76.705432, -7.163210),
                 {"ProducerName": "Tapullima Pashanasi Eusebio", "ProducerCountry": "PE",
                  "ProductionPlace": "Chacra Baja", "Area": 2.5}),
    ]  # fmt: skip
    _write_geojson(GIS / "eudr.geojson", features)


def write_swapped_geojson() -> None:
    """A plot near Juanjuí whose coordinates were written latitude first."""
    ring = [(-7.1810, -76.7310), (-7.1811, -76.7299), (-7.1800, -76.7298), (-7.1799, -76.7309)]
    features = [
        _feature(shapely.Polygon(ring), {"Apellidos y Nombres": "Sangama Rengifo Nilda",
                                         "Distrito": "Juanjuí", "Comunidad": "Dos de Mayo"}),
    ]  # fmt: skip
    _write_geojson(GIS / "swapped.geojson", features)


def _walk_metres(rng: np.random.Generator) -> np.ndarray:
    """Local metres (east, north) of a walk around the rectangle, one fix every 2 s at 1 m/s.

    20 fixes while the walker waits at the start and 20 at the end (2 m from the start), one
    fix 40 m off the south side (a spike: out to it and back in 4 s), and ~0.8 m of GPS noise on
    every fix.
    """
    w, h = WALK_SIDES_M
    corners = np.array([(0, 0), (w, 0), (w, h), (0, h), (0, 0)], dtype=float)
    path = [corners[0]]
    for a, b in itertools.pairwise(corners):
        steps = int(np.hypot(*(b - a)) / 2.0)
        path.extend(a + (b - a) * (i / steps) for i in range(1, steps + 1))
    spike = int(WALK_SIDES_M[0] / 4)  # halfway along the south side
    path[spike] = path[spike] + np.array([0.0, -40.0])
    start = np.zeros((20, 2))
    end = np.zeros((20, 2)) + np.array([2.0, 1.0])
    walk = np.vstack([start, path, end])
    return walk + rng.normal(0, 0.8, walk.shape)


def write_gpx() -> None:
    rng = np.random.default_rng(2024)
    lon0, lat0 = WALK_CENTRE
    local = Transformer.from_crs(
        f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +ellps=WGS84", "EPSG:4326", always_xy=True
    )
    xy = _walk_metres(rng) - np.array(WALK_SIDES_M) / 2  # the rectangle centred on WALK_CENTRE
    lon, lat = local.transform(xy[:, 0], xy[:, 1])
    times = WALK_START + np.arange(len(xy)) * np.timedelta64(2, "s")
    ele = 310 + rng.normal(0, 2, len(xy))
    points = "\n".join(
        f'<trkpt lat="{y:.7f}" lon="{x:.7f}"><ele>{e:.1f}</ele><time>{t}Z</time></trkpt>'
        for x, y, e, t in zip(lon, lat, ele, times.astype("datetime64[s]"), strict=True)
    )
    waypoints = [("Casa", -76.50110, -6.50020), ("Secadero", -76.50095, -6.50045)]
    marks = "\n".join(
        f'<wpt lat="{y:.7f}" lon="{x:.7f}"><ele>312.0</ele><time>{WALK_START}Z</time>'
        f"<name>{name}</name><sym>Flag, Blue</sym></wpt>"
        for name, x, y in waypoints
    )
    gpx = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="eTrex 22x" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"<metadata><time>{WALK_START}Z</time></metadata>\n{marks}\n"
        f"<trk><name>Parcela 1</name><trkseg>\n{points}\n</trkseg></trk>\n</gpx>\n"
    )
    (GIS / "walk.gpx").write_text(gpx, "utf-8")


def main() -> None:
    GIS.mkdir(exist_ok=True)
    write_shapefile_zip()
    write_kmz()
    write_gpkg()
    write_eudr_geojson()
    write_swapped_geojson()
    write_gpx()
    for path in sorted(GIS.iterdir()):
        print(f"{path.relative_to(HERE)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
