"""Small GIS files written on the spot with pyogrio, so every test says what its file holds."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
import shapely
from pyproj import Transformer


def vector_write(
    path: Path,
    geometries: list[Any],
    fields: dict[str, list[Any]] | None = None,
    *,
    crs: str | None = "EPSG:4326",
    layer: str | None = None,
    append: bool = False,
) -> Path:
    """Write shapely geometries (with attribute columns) in the driver the suffix implies."""
    fields = fields or {}
    with warnings.catch_warnings():
        # A file without a CRS is what some tests mean to write; pyogrio warns about it.
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        _write(path, geometries, fields, crs=crs, layer=layer, append=append)
    return path


def _write(path: Path, geometries: list[Any], fields: dict[str, list[Any]], **options: Any) -> None:
    kinds = {g.geom_type for g in geometries if g is not None}
    pyogrio.raw.write(
        str(path),
        geometry=np.array([shapely.to_wkb(g) if g is not None else None for g in geometries]),
        field_data=[_column(v) for v in fields.values()],
        fields=list(fields),
        geometry_type=kinds.pop() if len(kinds) == 1 else "Unknown",
        **options,
    )


def _column(values: list[Any]) -> Any:
    """Numbers stay numbers; anything else (text, None) is written as text."""
    array = np.asarray(values)
    return array if array.dtype.kind in "if" else np.asarray(values, dtype=object)


def to_utm18s(geometry: Any) -> Any:
    """The same geometry in UTM zone 18S (EPSG:32718), as Peruvian agencies often publish."""
    transformer = Transformer.from_crs(4326, 32718, always_xy=True)
    return shapely.transform(
        geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def raster_write(
    path: Path,
    values: Any,
    *,
    west: float,
    north: float,
    res: float = 0.00025,
    crs: str | None = "EPSG:4326",
    nodata: float | None = None,
) -> Path:
    """Write a north-up single-band GeoTIFF of ``values`` whose cell (0, 0) has this corner."""
    import rasterio
    from affine import Affine

    array = np.asarray(values)
    transform = Affine(res, 0.0, west, 0.0, -res, north)
    with rasterio.open(
        path, "w", driver="GTiff", width=array.shape[1], height=array.shape[0], count=1,
        dtype=array.dtype, crs=crs, transform=transform, nodata=nodata,
    ) as dataset:  # fmt: skip
        dataset.write(array, 1)
    return path
