"""SYNTHETIC reference layers for the demo: borders, roads and rivers. None of it is real.

chacra ships no real boundaries, road network or rivers (a programme loads them with ``chacra
layers add``). So that the demo's maps have something to draw, this module makes stand-ins, and
labels every layer it writes with the source ``demo (synthetic)``:

- borders: Voronoi cells of the demo's distrito capitals (and of a few filler points that keep
  each region in one piece), clipped to a padded concave hull of them, dissolved into provincias
  and departamentos. Real borders follow rivers and ridges; these do not.
  Distritos keep no boundary: the quality check "outside its declared distrito" would flag real
  demo plots against made-up cells.
- roads and rivers: lines through the real capitals along which the real roads and rivers run,
  smoothed (rivers) but otherwise straight. They are drawings, not surveys.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from chacra.layers.boundaries import boundaries_set
from chacra.layers.models import LayerKind
from chacra.layers.services import layer_features_replace
from chacra.registry.demo.places import DISTRITOS

SYNTHETIC = "demo (synthetic)"
VERSION = "demo"
THROUGH = "demo"
CAPITAL = {row.ubigeo: (row.lon, row.lat) for row in DISTRITOS}
TARAPOTO = (-76.3597, -6.4875)  # not a demo distrito, but where the roads of San Martín meet

# Each road is a chain of capitals (ubigeo) or (lon, lat) waypoints; named for what it stands in.
ROADS: dict[str, list[Any]] = {
    "Carretera Fernando Belaúnde Terry (PE-5N)": [
        "220102", "220101", "220510", TARAPOTO, "220701", "220201", "220601", "220602",
        "221001", "221005", "100604", "100605", "100601", "100606",
    ],
    "Carretera Federico Basadre (PE-18C)": [
        "100601", (-75.75, -9.16), "250301", "250302", "250102", "250101",
    ],
    "Tarapoto - Lamas": [TARAPOTO, "220501"],
    "Tabalosos - Roque": ["220510", "220502"],
    "Tarapoto - Chazuta": [TARAPOTO, (-76.25, -6.55), "220904"],
    "Bellavista - San José de Sisa": ["220201", "220301"],
    "Juanjuí - Saposoa": ["220601", "220401"],
    "Juanjuí - Huicungo": ["220601", "220603"],
    "Campoverde - Nueva Requena": ["250102", "250106"],
    "Campoverde - Tournavista": ["250102", (-74.78, -8.70), "100904"],
    "San Alejandro - Curimaná": ["250302", (-75.05, -8.62), "250303"],
    "Von Humboldt - Puerto Inca": [(-75.02, -8.84), "100901"],
    "Pucallpa - Puerto Callao": ["250101", "250105"],
    "Pucallpa - Masisea": ["250101", "250104"],
}  # fmt: skip

# Extra Voronoi seeds (lon, lat) -> provincia, not places: they keep each synthetic region in
# one piece, as the real ones are (Ucayali along its river to Atalaya, Huánuco west of it).
FILLERS: dict[tuple[float, float], str] = {
    (-74.25, -9.15): "2501",
    (-74.05, -9.75): "2502",
    (-73.90, -10.30): "2502",
    (-75.40, -9.55): "1009",
}

# Rivers drawn downstream through waypoints near the capitals on their banks.
RIVERS: dict[str, list[tuple[float, float]]] = {
    "Río Huallaga": [
        (-75.92, -9.50), (-75.95, -9.37), (-75.98, -9.28), (-76.09, -8.93), (-76.43, -8.47),
        (-76.48, -8.19), (-76.62, -7.50), (-76.75, -7.33), (-76.70, -7.17), (-76.57, -7.05),
        (-76.31, -6.92), (-76.24, -6.66), (-76.12, -6.56), (-75.95, -6.25),
    ],
    "Río Mayo": [
        (-77.20, -5.92), (-76.98, -6.05), (-76.72, -6.28), (-76.45, -6.44), (-76.32, -6.53),
        (-76.24, -6.66),
    ],
    "Río Ucayali": [
        (-73.55, -10.95), (-73.76, -10.70), (-74.02, -10.20), (-74.18, -9.50), (-74.30, -8.95),
        (-74.28, -8.60), (-74.52, -8.37), (-74.62, -8.05), (-74.82, -7.60),
    ],
    "Río Aguaytía": [
        (-75.62, -9.12), (-75.50, -9.03), (-75.21, -8.80), (-74.95, -8.52), (-74.62, -8.05),
    ],
    "Río Pachitea": [
        (-75.05, -9.75), (-74.96, -9.36), (-74.71, -8.92), (-74.28, -8.60),
    ],
}  # fmt: skip


def _chain(points: list[Any]) -> shapely.LineString:
    return shapely.LineString([CAPITAL[p] if isinstance(p, str) else p for p in points])


def _meander(line: shapely.LineString, rounds: int = 3) -> shapely.LineString:
    """Chaikin's corner cutting, then a gentle deterministic wiggle: a river, not a ruler line."""
    xy = shapely.get_coordinates(line)
    for _ in range(rounds):
        q = 0.75 * xy[:-1] + 0.25 * xy[1:]
        r = 0.25 * xy[:-1] + 0.75 * xy[1:]
        xy = np.vstack([xy[:1], np.column_stack([q, r]).reshape(-1, 2), xy[-1:]])
    step = np.diff(xy, axis=0)
    normal = np.column_stack([-step[:, 1], step[:, 0]])
    normal /= np.maximum(np.hypot(normal[:, 0], normal[:, 1]), 1e-12)[:, None]
    along = np.r_[0, np.cumsum(np.hypot(step[:, 0], step[:, 1]))]
    wiggle = 0.012 * np.sin(along * 40.0)
    wiggle[[0, -1]] = 0.0  # ends stay where they join
    xy[1:] += normal * wiggle[1:, None]
    return shapely.LineString(xy)


def synthetic_borders() -> tuple[dict[str, Any], dict[str, Any]]:
    """(provincia shapes, departamento shapes) by ubigeo: dissolved Voronoi cells of capitals."""
    owners = [row.ubigeo[:4] for row in DISTRITOS] + list(FILLERS.values())
    seeds = shapely.MultiPoint([CAPITAL[row.ubigeo] for row in DISTRITOS] + list(FILLERS))
    hull = shapely.concave_hull(seeds, ratio=0.3).buffer(0.3).simplify(0.01)
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=hull, ordered=True))
    cells = shapely.intersection(cells, hull)
    provincias: dict[str, list[Any]] = {}
    for owner, cell in zip(owners, cells, strict=True):
        provincias.setdefault(owner, []).append(cell)
    by_provincia = {code: shapely.union_all(parts) for code, parts in provincias.items()}
    departamentos: dict[str, list[Any]] = {}
    for code, shape in by_provincia.items():
        departamentos.setdefault(code[:2], []).append(shape)
    by_departamento = {code: shapely.union_all(parts) for code, parts in departamentos.items()}
    return by_provincia, by_departamento


def reference_layers_build() -> None:
    """Write the synthetic borders, roads and rivers (replacing any earlier demo copy)."""
    provincias, departamentos = synthetic_borders()
    for level, shapes in (("provincia", provincias), ("departamento", departamentos)):
        boundaries_set(
            actor=None, level=level, shapes=shapes, name="Límites sintéticos (demo)",
            version=VERSION, source=SYNTHETIC, through=THROUGH,
        )  # fmt: skip
    for kind, name, lines in (
        (LayerKind.ROAD, "Vías sintéticas (demo)", {k: _chain(v) for k, v in ROADS.items()}),
        (LayerKind.RIVER, "Ríos sintéticos (demo)", {
            k: _meander(shapely.LineString(v)) for k, v in RIVERS.items()
        }),
    ):  # fmt: skip
        layer_features_replace(
            actor=None, kind=kind, name=name, version=VERSION, source=SYNTHETIC,
            geometries=list(lines.values()), names=list(lines),
            properties=[{"synthetic": True}] * len(lines), through=THROUGH,
        )  # fmt: skip
