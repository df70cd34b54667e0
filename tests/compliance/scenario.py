"""A small checked world built through the services: three plots and the layers that judge them.

- ``cleared``: half of its bounding box lost forest in 2022 (Hansen lossyear 22);
- ``clean``: forest in 2020, no loss, no protected area;
- ``in_park``: inside a strict protected area (a parque nacional).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from chacra.layers.services import protected_areas_load, raster_register
from chacra.registry.models import Plot
from chacra.registry.services import plot_register
from tests.factories import (
    ComunidadFactory,
    DepartamentoFactory,
    DistritoFactory,
    ProducerFactory,
    ProvinciaFactory,
    plot_polygon,
)
from tests.layers.files import raster_write, vector_write

WEST, NORTH, RES = -76.75, -7.10, 0.00025
WIDTH, HEIGHT = 600, 400  # 0.15 x 0.10 degrees
#: A region of its own, so that runs and pages can be limited to the scenario's plots even when
#: the session's demo programme is in the database too.
REGION = "98"


@dataclass
class Scenario:
    cleared: Plot
    clean: Plot
    in_park: Plot
    folder: Path

    @property
    def plots(self) -> list[Plot]:
        return [self.cleared, self.clean, self.in_park]

    def loss_raster(self, year: int, name: str = "lossyear.tif") -> Path:
        """Hansen-style loss year over the left half of the cleared plot's bounding box."""
        values = np.zeros((HEIGHT, WIDTH), np.uint8)
        west, south, east, north = self.cleared.boundary.extent
        middle = (west + east) / 2
        cols = slice(int((west - WEST) / RES), int((middle - WEST) / RES))
        rows = slice(int((NORTH - north) / RES), int((NORTH - south) / RES) + 1)
        values[rows, cols] = year - 2000
        return raster_write(self.folder / name, values, west=WEST, north=NORTH, res=RES)


def scenario_build(folder: Path) -> Scenario:
    """The three plots, a forest mask, a 2022 loss raster and a parque nacional, registered."""
    region = DepartamentoFactory(ubigeo=REGION, name="Región de prueba")
    distrito = DistritoFactory(
        ubigeo=f"{REGION}0101", name="Distrito de prueba",
        provincia=ProvinciaFactory(ubigeo=f"{REGION}01", name="Provincia de prueba",
                                   departamento=region),
    )  # fmt: skip
    producer = ProducerFactory(comunidad=ComunidadFactory(distrito=distrito))
    plots = [
        plot_register(actor=None, producer=producer, boundary=plot_polygon(lon, lat, 1.5, seed))
        for seed, (lon, lat) in enumerate([(-76.70, -7.16), (-76.65, -7.13), (-76.62, -7.17)])
    ]
    world = Scenario(*plots, folder=folder)
    forest = raster_write(
        folder / "forest2020.tif", np.ones((HEIGHT, WIDTH), np.uint8), west=WEST, north=NORTH,
        res=RES,
    )  # fmt: skip
    raster_register(actor=None, kind="forest_2020", path=forest, name="JRC GFC2020", version="v2")
    raster_register(
        actor=None, kind="loss_year", path=world.loss_raster(2022), name="Hansen GFC",
        version="v1.12",
    )  # fmt: skip
    park = shapely.box(-76.63, -7.19, -76.60, -7.15)
    parks = vector_write(
        folder / "wdpa.geojson", [park],
        {"WDPAID": [1], "NAME": ["Parque Nacional Prueba"], "DESIG": ["Parque Nacional"],
         "DESIG_ENG": ["National Park"], "IUCN_CAT": ["II"], "STATUS": ["Designated"],
         "STATUS_YR": [2001]},
    )  # fmt: skip
    protected_areas_load(actor=None, path=parks, name="WDPA", version="2025-11")
    return world
