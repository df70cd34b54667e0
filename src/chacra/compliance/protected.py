"""Protected areas as the compliance checks use them: polygons with a name and a category.

They come from the protected-area layers loaded into the database (every such layer: WDPA and a
SERNANP file of buffer zones can be loaded side by side), or straight from a file for the
benchmark and for scripts. The overlap arithmetic is :func:`chacra.geo.overlay.polygon_overlaps`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from chacra.geo.overlay import polygon_overlaps
from chacra.geo.shapes import repair_polygonal
from chacra.layers.protected import Category, protected_area_properties

M2_PER_HA = 10_000.0


@dataclass(frozen=True)
class ProtectedAreas:
    """Polygons (lon/lat, valid) with each one's name, category, designation and layer."""

    geometries: npt.NDArray[np.object_]
    names: list[str]
    categories: list[str]
    designations: list[str]
    layer_names: list[str]
    citations: tuple[dict[str, str], ...]

    def __len__(self) -> int:
        return len(self.geometries)

    @classmethod
    def from_file(
        cls,
        path: Path,
        *,
        name: str = "",
        version: str = "",
        source: str = "",
        category: Category | None = None,
    ) -> ProtectedAreas:
        """Read a WDPA or SERNANP file directly, categorised as loading it would (nothing saved)."""
        from chacra.layers.vectors import POLYGONS, vector_read

        read = vector_read(Path(path), geometry_types=POLYGONS)
        names, props, _notes = protected_area_properties(
            read.fields, read.properties, category=category
        )
        label = name or Path(path).stem
        cite = {"kind": "protected_area", "name": label, "version": version, "source": source,
                "sha256": read.sha256}  # fmt: skip
        return cls.build(read.geometries, names, props, layer=label, citation=cite)

    @classmethod
    def build(
        cls,
        geometries: Any,
        names: list[str],
        properties: list[dict[str, Any]],
        *,
        layer: str,
        citation: dict[str, str],
    ) -> ProtectedAreas:
        geoms = np.asarray([repair_polygonal(g) for g in geometries], dtype=object)
        keep = [i for i, g in enumerate(geoms) if g is not None]
        return cls(
            geometries=geoms[keep] if keep else np.array([], dtype=object),
            names=[names[i] for i in keep],
            categories=[str(properties[i].get("category") or "direct_use") for i in keep],
            designations=[str(properties[i].get("designation") or "") for i in keep],
            layer_names=[layer] * len(keep),
            citations=(citation,),
        )

    @classmethod
    def combine(cls, parts: list[ProtectedAreas]) -> ProtectedAreas:
        return cls(
            geometries=np.concatenate([p.geometries for p in parts]) if parts else np.array([]),
            names=[n for p in parts for n in p.names],
            categories=[c for p in parts for c in p.categories],
            designations=[d for p in parts for d in p.designations],
            layer_names=[n for p in parts for n in p.layer_names],
            citations=tuple(c for p in parts for c in p.citations),
        )


def protected_figures(
    plots: npt.NDArray[np.object_], plot_m2: npt.NDArray[np.float64], areas: ProtectedAreas
) -> list[list[dict[str, Any]]]:
    """Each plot's overlaps: name, category, designation, hectares and share of the plot.

    Plots are valid polygons or None; overlaps come largest first.
    """
    out: list[list[dict[str, Any]]] = [[] for _ in range(len(plots))]
    present = np.flatnonzero(~shapely.is_missing(plots))
    if not len(areas) or not len(present):
        return out
    i, j, m2 = polygon_overlaps(plots[present], areas.geometries, plot_m2=plot_m2[present])
    for p, a, overlap in zip(present[i].tolist(), j.tolist(), m2.tolist(), strict=True):
        whole = float(plot_m2[p])
        out[p].append(
            {
                "name": areas.names[a],
                "category": areas.categories[a],
                "designation": areas.designations[a],
                "layer": areas.layer_names[a],
                "ha": round(overlap / M2_PER_HA, 6),
                "share": round(min(overlap / whole, 1.0), 6) if whole > 0 else 0.0,
            }
        )
    for found in out:
        if len(found) > 1:
            found.sort(key=lambda f: -f["ha"])
    return out
