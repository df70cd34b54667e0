"""The MVT encoder, checked by an independent decoder (mapbox-vector-tile)."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from chacra.geo.mvt import BUFFER, EXTENT, Layer, encode_tile, varints, zigzag
from chacra.geo.webmercator import (
    lonlat_to_mercator,
    mercator_to_lonlat,
    tile_bounds,
    tiles_covering,
    to_mercator,
)

# A tile over Tarapoto's farms at zoom 12.
Z, X, Y = tiles_covering(12, -76.37, -6.49, -76.37, -6.49)[0]


def _decode(data: bytes) -> dict:
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})


def _tile_box() -> shapely.Polygon:
    xmin, ymin, xmax, ymax = tile_bounds(Z, X, Y)
    lon, lat = mercator_to_lonlat([xmin, xmax], [ymin, ymax])
    return shapely.box(lon[0], lat[0], lon[1], lat[1])


def _grid_area(geometry: dict) -> float:
    shape = shapely.geometry.shape(geometry)
    return float(shape.area)


def test_varints_and_zigzag_follow_protobuf() -> None:
    data, lengths = varints([0, 127, 128, 16384, 2**32])
    assert data.tolist() == [0, 127, 128, 1, 128, 128, 1, 128, 128, 128, 128, 16]
    assert lengths.tolist() == [1, 1, 2, 3, 5]
    assert zigzag(np.array([0, -1, 1, -2, 2])).tolist() == [0, 1, 2, 3, 4]


def test_polygon_with_hole_and_two_parts_round_trips() -> None:
    box = _tile_box()
    cx, cy = box.centroid.x, box.centroid.y
    d = (box.bounds[2] - box.bounds[0]) / 8
    outer = shapely.box(cx - d, cy - d, cx + d, cy + d)
    hole = shapely.box(cx - d / 2, cy - d / 2, cx + d / 2, cy + d / 2)
    second = shapely.box(cx + 2 * d, cy, cx + 3 * d, cy + d)
    plot = shapely.MultiPolygon([shapely.Polygon(outer.exterior, [hole.exterior]), second])
    far = shapely.box(-70.0, -10.0, -69.99, -9.99)
    layer = Layer(
        "plots",
        "polygon",
        to_mercator(np.array([plot, far], dtype=object)),
        np.array([11, 12]),
        {"group": np.array(["fine_flavour", "ccn51"]), "ha": np.array([1.25, 3.0]),
         "year": np.array([2014, 2015])},
    )  # fmt: skip
    decoded = _decode(encode_tile([layer], Z, X, Y))
    features = decoded["plots"]["features"]
    assert [f["id"] for f in features] == [11]  # the far plot is not in this tile
    assert features[0]["properties"] == {"group": "fine_flavour", "ha": 1.25, "year": 2014}
    geometry = features[0]["geometry"]
    assert geometry["type"] == "MultiPolygon"
    first, other = geometry["coordinates"]
    assert len(first) == 2  # exterior and hole, told apart by their winding
    assert len(other) == 1
    # The hole is subtracted: the area in tile units is the plot's, within snapping.
    xmin, _, xmax, _ = tile_bounds(Z, X, Y)
    units = EXTENT / (xmax - xmin)
    mercator = layer.geometries[0]
    assert abs(_grid_area(geometry) - mercator.area * units**2) <= mercator.length * units


def test_points_outside_the_tile_and_its_buffer_are_dropped() -> None:
    box = _tile_box()
    inside = shapely.Point(box.centroid.x, box.centroid.y)
    outside = shapely.Point(box.bounds[2] + 1.0, box.centroid.y)
    layer = Layer(
        "points", "point", to_mercator(np.array([inside, outside], dtype=object)),
        np.array([1, 2]), {"ha_class": np.array([2, 3])},
    )  # fmt: skip
    features = _decode(encode_tile([layer], Z, X, Y))["points"]["features"]
    assert [(f["id"], f["properties"]["ha_class"]) for f in features] == [(1, 2)]
    x, y = features[0]["geometry"]["coordinates"]
    assert abs(x - EXTENT / 2) <= 2
    assert abs(y - EXTENT / 2) <= 2


def test_an_empty_tile_is_empty_bytes() -> None:
    layer = Layer("points", "point", np.array([], dtype=object), np.array([], dtype=np.int64))
    assert encode_tile([layer], Z, X, Y) == b""


def test_mercator_round_trip_and_tile_grid() -> None:
    x, y = lonlat_to_mercator([-76.37], [-6.49])
    xmin, ymin, xmax, ymax = tile_bounds(Z, X, Y)
    assert xmin <= x[0] <= xmax
    assert ymin <= y[0] <= ymax
    lon, lat = mercator_to_lonlat(x, y)
    assert abs(lon[0] + 76.37) < 1e-9
    assert abs(lat[0] + 6.49) < 1e-9


@settings(max_examples=40, deadline=None)
@given(
    st.floats(0.1, 0.8),
    st.floats(0.1, 0.8),
    st.floats(0.05, 0.4),
    st.integers(3, 12),
    st.integers(0, 2**31),
)
def test_any_star_polygon_keeps_its_area_on_the_grid(
    fx: float, fy: float, size: float, n: int, seed: int
) -> None:
    box = _tile_box()
    w = box.bounds[2] - box.bounds[0]
    cx, cy = box.bounds[0] + fx * w, box.bounds[1] + fy * w
    angles = np.sort(np.random.default_rng(seed).uniform(0, 2 * np.pi, n))
    radius = size * w * np.random.default_rng(seed + 1).uniform(0.5, 1.0, n)
    ring = np.column_stack([cx + radius * np.cos(angles), cy + radius * np.sin(angles)])
    poly = shapely.make_valid(shapely.Polygon(ring))
    layer = Layer("plots", "polygon", to_mercator(np.array([poly], dtype=object)), np.array([1]))
    mercator = to_mercator(np.array([poly], dtype=object))[0]
    xmin, ymin, xmax, ymax = tile_bounds(Z, X, Y)
    units = EXTENT / (xmax - xmin)
    pad = BUFFER / units
    clipped = shapely.clip_by_rect(mercator, xmin - pad, ymin - pad, xmax + pad, ymax + pad)
    decoded = _decode(encode_tile([layer], Z, X, Y))["plots"]["features"]
    got = sum(_grid_area(f["geometry"]) for f in decoded)
    # Snapping moves each vertex by at most half a unit along each axis.
    assert abs(got - clipped.area * units**2) <= clipped.length * units + 2
