"""Inspect a raster before registering it: it must open, and be a grid chacra's checks can read.

Rasters are registered by path and read where they lie (a Hansen tile is 1.6 GB; a national forest
map more): chacra never copies them. What it records is enough to cite the layer and to notice
that the file changed: its grid (CRS, resolution, bounds, nodata) and the SHA-256 of its bytes,
read in blocks.

Files are read with GDAL through rasterio, with the network closed (a VRT that points at a URL
fails). A VRT mosaic of local tiles is accepted: it is how several Hansen tiles become one layer.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chacra.intake.readers.base import file_sha256
from chacra.layers.vectors import LayerFileError

ACCEPTED_RASTERS = (
    "a single-band raster GDAL reads (GeoTIFF .tif, or a .vrt mosaic of local tiles) in "
    "longitude/latitude (EPSG:4326), north up, with integer cells"
)
# What each raster kind holds, as said in error messages and in `chacra layers list`.
RASTER_CONTENTS = {
    "forest_2020": "a forest mask for 2020: 1 forest, 0 or nodata not forest (e.g. JRC GFC2020)",
    "loss_year": "the year of tree-cover loss: 0 none, 1-24 for 2001-2024 (Hansen GFC lossyear)",
    "tmf": "a JRC tropical moist forest class map (e.g. the 2020 annual change layer)",
}
NO_NETWORK = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".chacra-no-network",
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
}


@dataclass(frozen=True)
class RasterInfo:
    """What a raster file is: enough to read its cells later and to cite it."""

    file_name: str
    path: str  # absolute
    sha256: str
    crs: str
    width: int
    height: int
    resolution: tuple[float, float]  # degrees, x and y, both positive
    bounds: tuple[float, float, float, float]  # west, south, east, north
    nodata: float | None
    dtype: str
    driver: str

    def details(self) -> dict[str, Any]:
        """As stored in ``Layer.details``."""
        return {
            "crs": self.crs,
            "width": self.width,
            "height": self.height,
            "resolution": list(self.resolution),
            "bounds": list(self.bounds),
            "nodata": self.nodata,
            "dtype": self.dtype,
            "driver": self.driver,
        }


@contextmanager
def raster_env() -> Iterator[None]:
    """GDAL options for every raster chacra opens: no network."""
    import rasterio

    with rasterio.Env(**NO_NETWORK):
        yield


def _refuse(path: Path, said: str) -> LayerFileError:
    return LayerFileError(f"{path.name}: {said}; chacra reads {ACCEPTED_RASTERS}")


def raster_inspect(path: Path, *, kind: str) -> RasterInfo:
    """Open ``path`` and check it is a raster chacra can read for ``kind``.

    Raises :class:`LayerFileError` naming the file, what is wrong and what is accepted.
    """
    import rasterio
    from rasterio.errors import RasterioError

    path = Path(path)
    if not path.is_file():
        raise _refuse(path, "no such file")
    if path.stat().st_size == 0:
        raise _refuse(path, "the file is empty")
    try:
        with raster_env(), rasterio.open(path) as ds:
            info = _checked(path, ds, kind)
    except RasterioError as exc:
        reason = " ".join(str(exc).replace(str(path.parent) + "/", "").split())[:200]
        raise _refuse(path, f"cannot be read as a raster ({reason})") from exc
    return info


def _checked(path: Path, ds: Any, kind: str) -> RasterInfo:
    what = RASTER_CONTENTS.get(kind, kind)
    if ds.count != 1:
        raise _refuse(
            path, f"has {ds.count} bands; a {kind} layer is {what}, in one band (extract it with "
            "gdal_translate -b N)",
        )  # fmt: skip
    if ds.crs is None:
        raise _refuse(path, "has no coordinate reference system")
    if ds.crs.to_epsg() != 4326:
        raise _refuse(
            path, f"is in {ds.crs.to_string()[:80]}; reproject it with gdalwarp -t_srs EPSG:4326"
        )
    transform = ds.transform
    if transform.b != 0 or transform.d != 0 or transform.e >= 0:
        raise _refuse(path, "is rotated or not north up; warp it with gdalwarp first")
    dtype = str(ds.dtypes[0])
    if not dtype.startswith(("uint", "int")):
        raise _refuse(path, f"has {dtype} cells; a {kind} layer is {what}")
    west, south, east, north = ds.bounds
    if not (-180.5 <= west < east <= 180.5 and -90.5 <= south < north <= 90.5):
        raise _refuse(path, f"has bounds {tuple(ds.bounds)}, which are not longitude/latitude")
    nodata = ds.nodata
    return RasterInfo(
        file_name=path.name,
        path=str(path.resolve()),
        sha256=file_sha256(path),
        crs="EPSG:4326",
        width=int(ds.width),
        height=int(ds.height),
        resolution=(float(transform.a), float(-transform.e)),
        bounds=(float(west), float(south), float(east), float(north)),
        nodata=None if nodata is None or math.isnan(nodata) else float(nodata),
        dtype=dtype,
        driver=str(ds.driver),
    )
