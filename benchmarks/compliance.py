"""chacra's compliance check against exactextract alone and against a plain per-plot baseline.

Synthetic plots (irregular polygons around the demo's distrito capitals, coordinates rounded to
6 decimals as the EU's GeoJSON wants them) are checked against rasters written to a temporary
folder as tiled GeoTIFFs over their extent, on a 0.00025-degree (~30 m) grid:

- a Hansen-style loss year (0 none, 1-24 for 2001-2024): clearings of 0.5-50 ha, placed mostly
  where the plots are, in every year;
- a forest mask for 2020: forest where a smooth random field (wavelengths of 2-6 km) is high,
  minus the clearings made before 2021;

and a protected-area file in WDPA's fields: a national park with its buffer zone and a reserva
comunal, each a polygon of a few thousand vertices near the busiest capitals.

For each size, in the same run, on the same plots:

(a) chacra: ``check_plots`` on in-memory plot inputs (no database), with the layers read from
    the files (``ReferenceLayers.from_paths``, not timed: it is registration, done once);
    everything a check does: loss by year, forest 2020, protected areas, rules, results.
(b) exactextract alone computing the same loss hectares: every plot through exactextract (cell
    ids and coverage fractions, the loss raster read by exactextract's own rasterio source, and
    again with the raster read into memory first: the faster of the two is the floor), then
    coverage times the geodesic cell areas summed over cells of loss after 2020.
(c) what a user would write: rasterstats ``zonal_stats`` per plot on both rasters (pixel counts
    times a cell area from the cosine of the latitude), and a geopandas ``overlay`` with the
    protected areas measured in UTM 18S.

Printed: the times, a/b, c/a, and the largest difference in loss hectares between (a) and (b),
over all plots and over the plots where exactextract did not drop a cell (chacra's guard
restores the cell; exactextract alone does not).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from chacra.geo.zonal import Grid, _CellWriter, _WkbFeature, _WkbFeatures

CELL = 0.00025  # degrees
TILE = 256


def _plots(n: int, seed: int) -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chacra.config.settings")
    import numpy as np
    import shapely

    from chacra.geo.shapes import irregular_polygons
    from chacra.registry.demo.places import DISTRITOS

    rng = np.random.default_rng(seed)
    weights = np.array([d.weight for d in DISTRITOS])
    which = rng.choice(len(DISTRITOS), n, p=weights / weights.sum())
    lat = np.array([DISTRITOS[i].lat for i in which]) + rng.normal(0, 0.06, n)
    lon = np.array([DISTRITOS[i].lon for i in which]) + rng.normal(0, 0.06, n)
    area_m2 = np.clip(rng.lognormal(np.log(12_000), 0.6, n), 1_000, 120_000)
    polys = irregular_polygons(lon, lat, area_m2, rng)
    return np.asarray(shapely.set_precision(polys, 1e-6), dtype=object)  # 6 decimals


def _grid(polys: Any) -> tuple[float, float, int, int]:
    import numpy as np
    import shapely

    west, south, east, north = shapely.total_bounds(polys)
    west = np.floor((west - 0.02) / CELL) * CELL
    north = np.ceil((north + 0.02) / CELL) * CELL
    width = int(np.ceil((east + 0.02 - west) / CELL))
    height = int(np.ceil((north - (south - 0.02)) / CELL))
    return float(west), float(north), width, height


def _rasters(folder: Path, polys: Any, seed: int) -> tuple[Path, Path]:
    """Loss year and forest 2020 over the plots' extent, as tiled, compressed GeoTIFFs."""
    import numpy as np
    import rasterio
    import shapely
    from affine import Affine

    rng = np.random.default_rng(seed + 1)
    west, north, width, height = _grid(polys)
    loss = np.zeros((height, width), np.uint8)
    # Clearings: most near plots (where people farm), some anywhere; every year alike.
    k = 120_000
    centre = shapely.get_coordinates(shapely.centroid(polys[rng.integers(0, len(polys), k)]))
    near = rng.random(k) < 0.8
    lon = np.where(near, centre[:, 0] + rng.normal(0, 0.02, k), rng.uniform(0, width, k) * CELL
                   + west)  # fmt: skip
    lat = np.where(near, centre[:, 1] + rng.normal(0, 0.02, k), north - rng.uniform(0, height, k)
                   * CELL)  # fmt: skip
    radius = np.clip(rng.lognormal(np.log(2.5), 0.6, k), 1.0, 14.0)  # cells: 0.3-50 ha
    year = rng.integers(1, 25, k).astype(np.uint8)
    rows, cols = (north - lat) / CELL, (lon - west) / CELL
    for r, c, rad, y in zip(rows, cols, radius, year, strict=True):
        r0, r1 = max(int(r - rad), 0), min(int(r + rad) + 1, height)
        c0, c1 = max(int(c - rad), 0), min(int(c + rad) + 1, width)
        if r0 >= r1 or c0 >= c1:
            continue
        yy, xx = np.ogrid[r0:r1, c0:c1]
        disc = (yy + 0.5 - r) ** 2 + (xx + 0.5 - c) ** 2 <= rad * rad
        loss[r0:r1, c0:c1][disc] = y
    forest = np.zeros((height, width), np.uint8)
    phases = rng.uniform(0, 2 * np.pi, 4)
    waves = 2 * np.pi / np.array([0.05, 0.037, 0.029, 0.021])  # 2-6 km
    x = west + (np.arange(width) + 0.5) * CELL
    for s in range(0, height, 1024):
        y = (north - (np.arange(s, min(s + 1024, height)) + 0.5) * CELL)[:, None]
        field = (
            np.sin(waves[0] * x + phases[0]) + np.sin(waves[1] * y + phases[1])
            + np.sin(waves[2] * (x + y) + phases[2]) + 0.5 * np.sin(waves[3] * (x - y) + phases[3])
        )  # fmt: skip
        forest[s : s + 1024] = field > -0.2
    forest[(loss >= 1) & (loss <= 20)] = 0  # cleared before 2021: not forest in 2020
    transform = Affine(CELL, 0.0, west, 0.0, -CELL, north)
    paths = []
    for name, values in (("lossyear", loss), ("forest2020", forest)):
        path = folder / f"{name}.tif"
        with rasterio.open(
            path, "w", driver="GTiff", width=width, height=height, count=1, dtype="uint8",
            crs="EPSG:4326", transform=transform, tiled=True, blockxsize=TILE, blockysize=TILE,
            compress="deflate",
        ) as ds:  # fmt: skip
            ds.write(values, 1)
        paths.append(path)
    return paths[0], paths[1]


def _protected(folder: Path, polys: Any, seed: int) -> Path:
    """A national park with its buffer zone and a reserva comunal, in WDPA's fields."""
    import numpy as np
    import pyogrio.raw
    import shapely

    from chacra.geo.shapes import irregular_polygons

    rng = np.random.default_rng(seed + 2)
    centres = shapely.get_coordinates(shapely.centroid(polys[rng.integers(0, len(polys), 2)]))
    park, reserve = irregular_polygons(
        centres[:, 0] + 0.05, centres[:, 1] + 0.05, [2.0e8, 1.5e8], rng, vertices=3000,
        roughness=0.08,
    )  # fmt: skip
    buffer = shapely.buffer(park, 0.04, quad_segs=64).difference(park)
    areas = [park, buffer, reserve]
    fields = {
        "WDPAID": np.array([1, 2, 3]),
        "NAME": np.array(["Sintético", "Sintético", "Sintética"], dtype=object),
        "DESIG": np.array(["Parque Nacional", "Zona de Amortiguamiento", "Reserva Comunal"],
                          dtype=object),
        "IUCN_CAT": np.array(["II", "Not Applicable", "VI"], dtype=object),
    }  # fmt: skip
    path = folder / "wdpa.gpkg"
    pyogrio.raw.write(
        str(path), geometry=np.array(shapely.to_wkb(areas)), field_data=list(fields.values()),
        fields=list(fields), geometry_type="Unknown", crs="EPSG:4326",
    )  # fmt: skip
    return path


def _chacra(polys: Any, layers: Any) -> tuple[float, Any, Any]:
    import numpy as np

    from chacra.compliance.engine import PlotInput, check_plots
    from chacra.geo.area import geodesic_area_ha

    area = geodesic_area_ha(polys)  # stored with each plot in chacra
    inputs = [
        PlotInput(id=i, boundary=p, point=None, declared_ha=None, area_ha=float(a))
        for i, (p, a) in enumerate(zip(polys, area, strict=True))
    ]
    started = time.perf_counter()
    results = check_plots(inputs, layers)
    seconds = time.perf_counter() - started
    loss = np.array([r.figures.get("loss_ha", 0.0) for r in results])
    return seconds, loss, results


def _exactextract_alone(polys: Any, loss_path: Path, *, in_memory: bool) -> tuple[float, Any]:
    import numpy as np
    import rasterio
    import shapely
    from exactextract import exact_extract
    from exactextract.raster import NumPyRasterSource, RasterioRasterSource

    started = time.perf_counter()
    with rasterio.open(loss_path) as ds:
        t = ds.transform
        grid = Grid(west=t.c, north=t.f, dx=t.a, dy=-t.e, width=ds.width, height=ds.height)
        if in_memory:
            west, south, east, north = ds.bounds
            source = NumPyRasterSource(ds.read(1), west, south, east, north)
        else:
            source = RasterioRasterSource(ds)
        writer = _ValuesWriter()
        exact_extract(
            source, _WkbFeatures(shapely.to_wkb(polys)), ["cell_id", "coverage", "values"],
            output=writer, include_cols=["index"],
        )  # fmt: skip
    sizes = np.array([len(c) for c in writer.cells])
    owner = np.repeat(np.arange(len(polys)), sizes)
    cells = np.concatenate(writer.cells)
    weights = np.concatenate(writer.fractions) * grid.row_areas_m2(cells // grid.width)
    lost = np.concatenate(writer.values) >= 21
    ha = np.bincount(owner[lost], weights[lost], minlength=len(polys)) / 1e4
    return time.perf_counter() - started, ha


class _ValuesWriter(_CellWriter):
    """chacra's exactextract writer, keeping the cells' values too."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[Any] = []

    def write(self, feature: Any) -> None:
        out = _WkbFeature(-1, None)
        feature.copy_to(out)
        self.cells.append(out.values["cell_id"])
        self.fractions.append(out.values["coverage"])
        self.values.append(out.values["values"])


def _baseline(polys: Any, loss_path: Path, forest_path: Path, wdpa: Path) -> float:
    import geopandas as gpd
    import numpy as np
    from rasterstats import zonal_stats

    started = time.perf_counter()
    plots = gpd.GeoDataFrame({"plot": np.arange(len(polys))}, geometry=list(polys), crs=4326)
    lat = np.array([p.centroid.y for p in polys])
    cell_m2 = (CELL * 111_320.0) ** 2 * np.cos(np.radians(lat))
    loss_counts = zonal_stats(list(polys), str(loss_path), categorical=True, nodata=255)
    loss_ha = (
        np.array([sum(v for k, v in c.items() if k >= 21) for c in loss_counts]) * cell_m2 / 1e4
    )
    forest = zonal_stats(list(polys), str(forest_path), stats=["sum"], nodata=255)
    forest_ha = np.array([f["sum"] or 0 for f in forest]) * cell_m2 / 1e4
    areas = gpd.read_file(wdpa)
    inter = gpd.overlay(plots, areas, how="intersection")
    inter["ha"] = inter.to_crs(32718).area / 1e4
    by_plot = inter.groupby("plot")["ha"].sum()
    assert len(loss_ha) == len(forest_ha) == len(plots)
    assert by_plot.ge(0).all()
    return time.perf_counter() - started


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chacra bench compliance")
    parser.add_argument("--plots", type=int, default=30_000, help="the largest size")
    parser.add_argument("--sizes", default="1000,10000", help="smaller sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-baseline", action="store_true", help="skip (c), the slowest")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s} | {args.plots})
    warnings.filterwarnings("ignore", category=UserWarning)  # geopandas' centroid in degrees

    import numpy as np
    import rasterio  # before any SpatiaLite connection: see chacra.layers.apps

    from chacra.compliance.engine import ReferenceLayers

    assert rasterio
    print("chacra bench compliance: (a) chacra check_plots, (b) exactextract alone (loss ha),")
    print("  (c) rasterstats zonal_stats per plot + geopandas overlay")
    with tempfile.TemporaryDirectory(prefix="chacra-bench-compliance-") as tmp:
        folder = Path(tmp)
        everything = _plots(max(sizes), args.seed)
        started = time.perf_counter()
        loss_path, forest_path = _rasters(folder, everything, args.seed)
        wdpa = _protected(folder, everything, args.seed)
        layers = ReferenceLayers.from_paths(loss=loss_path, forest=forest_path, protected=wdpa)
        grid = layers.loss.grid if layers.loss else None
        print(
            f"  rasters {grid.width} x {grid.height} cells of {CELL} degrees, "  # type: ignore[union-attr]
            f"{(loss_path.stat().st_size + forest_path.stat().st_size) / 1e6:.0f} MB, "
            f"written in {time.perf_counter() - started:.0f} s"
        )
        print(
            f"{'plots':>7} {'a s':>7} {'b s':>7} {'b rio s':>8} {'c s':>8} {'a/b':>6} {'c/a':>6} "
            f"{'max|a-b| ha':>12} {'(guarded)':>10} {'guard':>5} {'exact':>6} {'loss':>5} {'pa':>4}"
        )
        for n in sizes:
            polys = everything[:n]
            a, a_loss, results = _chacra(polys, layers)
            b_mem, b_loss = _exactextract_alone(polys, loss_path, in_memory=True)
            b_rio, b_loss_rio = _exactextract_alone(polys, loss_path, in_memory=False)
            assert np.allclose(b_loss, b_loss_rio)
            b = min(b_mem, b_rio)
            c = float("nan") if args.no_baseline else _baseline(polys, loss_path, forest_path,
                                                                 wdpa)  # fmt: skip
            diff = np.abs(a_loss - b_loss)
            clean = np.array([not r.figures.get("guard") for r in results])
            exact = sum(bool(r.figures.get("exact")) for r in results)
            with_loss = int((a_loss > 0).sum())
            in_pa = sum(bool(r.figures.get("protected")) for r in results)
            print(
                f"{n:>7} {a:>7.2f} {b_mem:>7.2f} {b_rio:>8.2f} {c:>8.2f} {a / b:>6.2f} "
                f"{c / a:>6.1f} {diff.max():>12.6f} {diff[clean].max():>10.6f} "
                f"{n - int(clean.sum()):>5} {exact:>6} {with_loss:>5} {in_pa:>4}"
            )
    print("a/b: chacra's whole check over exactextract alone (goal <= 1.5); c/a: the per-plot")
    print("baseline over chacra (goal >= 10); max|a-b|: loss ha per plot (goal <= 0.001), over all")
    print("plots and over those where exactextract dropped no cell; guard: plots where it dropped")
    print("one and chacra measured again; exact: plots chacra measured with exactextract; loss:")
    print("plots with loss after 2020; pa: plots in a protected area.")
    return 0
