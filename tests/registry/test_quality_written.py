"""An import hands the plots it wrote to the quality flags instead of their being read back:
the flags must come out exactly as from the database, for every kind of flag."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely
import shapely.affinity
from django.contrib.gis.geos import GEOSGeometry

from chacra.geo.quality import CODES
from chacra.intake.models import ImportStatus
from chacra.intake.services import import_file
from chacra.registry.models import Distrito, Plot, PlotFlag
from chacra.registry.quality import plot_flags_refresh

SQUARE = shapely.box(-76.70, -7.20, -76.697, -7.197)  # about 11 ha, in distrito 220601
SHAPES: list[tuple[shapely.Geometry, float | None]] = [
    (SQUARE, 11.0),  # overlapped by the next, duplicated by the one after
    (shapely.affinity.translate(SQUARE, 0.001), 11.0),  # overlap
    (SQUARE, 11.0),  # duplicate geometry
    (shapely.Polygon([(-76.69, -7.2), (-76.687, -7.2), (-76.689, -7.197)]), None),  # few vertices
    (shapely.box(-76.68, -7.2, -76.6799, -7.196), None),  # sliver (1:40)
    (shapely.box(-76.67, -7.2, -76.667, -7.197), 400.0),  # area mismatch
    (shapely.Polygon([(-76.66, -7.2), (-76.657, -7.197), (-76.657, -7.2), (-76.66, -7.197)]), None),
    (shapely.box(-7.20, -76.70, -7.197, -76.697), None),  # swapped coordinates, outside Peru
    (shapely.box(-75.00, -12.0, -74.997, -11.997), None),  # outside its distrito
]


def _geojson(tmp_path: Path) -> Path:
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(shapely.to_geojson(shape)),
            "properties": {
                "Apellidos y Nombres": f"Prueba Bandera Persona{i}",
                "N° DNI": f"{61_000_000 + i}",
                "Sexo": "M",
                "Ubigeo": "220601",
                "Comunidad": "Caserío Bandera",
                **({"Área declarada (ha)": declared} if declared else {}),
            },
        }
        for i, (shape, declared) in enumerate(SHAPES)
    ]
    path = tmp_path / "banderas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _flags() -> set[tuple[int, str, str]]:
    return set(PlotFlag.objects.values_list("plot_id", "code", "detail"))


def test_flags_from_the_plots_an_import_wrote_are_those_read_back(
    demo_db: Any, tmp_path: Path
) -> None:
    # the demo's distritos have no boundary; give this one a box around the plots near it
    around = shapely.MultiPolygon([shapely.box(-76.8, -7.3, -76.6, -7.1)])
    Distrito.objects.filter(ubigeo="220601").update(boundary=GEOSGeometry(around.wkt, srid=4326))
    report = import_file(actor=None, path=_geojson(tmp_path))
    assert report.status == ImportStatus.IMPORTED, report.errors
    assert report.counts["plots_created"] == len(SHAPES)
    imported = set(Plot.objects.filter(producer__dni__startswith="6100000").values_list("pk"))
    from_import = _flags()
    assert {code for pk, code, _ in from_import if (pk,) in imported} == set(CODES)
    PlotFlag.objects.filter(plot_id__in=[pk for (pk,) in imported]).delete()
    plot_flags_refresh(plot_ids={pk for (pk,) in imported})
    assert _flags() == from_import
