"""Writing the EUDR GeoJSON: features with exactly 6 decimals, and files cut at the EU's limits.

Pure Python and shapely. ``json.dumps`` would write -76.5 for -76.500000 (JSON drops trailing
zeros), so positions are formatted here, always with 6 decimals; properties go through ``json``.
A producer's features always go in one file, so each file names its producers completely.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import shapely

from chacra.compliance.eudr_rules import DECIMALS, MAX_FILE_BYTES, MAX_PRODUCERS

HEAD = '{"type":"FeatureCollection","features":[\n'
TAIL = "\n]}\n"
SEPARATOR = ",\n"


def _ring(ring: Any) -> str:
    coords = shapely.get_coordinates(ring)
    return "[" + ",".join(f"[{x:.{DECIMALS}f},{y:.{DECIMALS}f}]" for x, y in coords) + "]"


def _polygon(polygon: Any) -> str:
    return "[" + ",".join(_ring(r) for r in (polygon.exterior, *polygon.interiors)) + "]"


def geometry_text(geometry: Any) -> str:
    """A Point, Polygon or MultiPolygon as GeoJSON text with 6 decimals in every position.

    >>> geometry_text(shapely.Point(-76.5, -7.25))
    '{"type":"Point","coordinates":[-76.500000,-7.250000]}'
    """
    kind = geometry.geom_type
    if kind == "Point":
        coordinates = f"[{geometry.x:.{DECIMALS}f},{geometry.y:.{DECIMALS}f}]"
    elif kind == "Polygon":
        coordinates = _polygon(geometry)
    elif kind == "MultiPolygon":
        coordinates = "[" + ",".join(_polygon(p) for p in geometry.geoms) + "]"
    else:
        raise ValueError(f"the EU takes Point, Polygon and MultiPolygon, not {kind}")
    return f'{{"type":"{kind}","coordinates":{coordinates}}}'


def feature_text(geometry: Any, properties: dict[str, Any]) -> str:
    """One Feature as GeoJSON text (properties as given, geometry with 6 decimals)."""
    props = json.dumps(properties, ensure_ascii=False, separators=(",", ":"))
    return f'{{"type":"Feature","properties":{props},"geometry":{geometry_text(geometry)}}}'


def collection_text(features: Sequence[str]) -> str:
    """A FeatureCollection of features already written as text."""
    return HEAD + SEPARATOR.join(features) + TAIL


def _size(texts: Sequence[str]) -> int:
    return sum(len(t.encode()) for t in texts) + len(SEPARATOR) * len(texts)


def files_pack(
    groups: Sequence[Sequence[str]],
    *,
    max_producers: int = MAX_PRODUCERS,
    max_bytes: int = MAX_FILE_BYTES,
) -> tuple[list[list[int]], list[int]]:
    """Put each producer's features (one group each) in files within the EU's limits.

    Returns the groups of each file, in order, and the groups too big for any file on their own.

    >>> files_pack([["a"], ["b"], ["c"]], max_producers=2)
    ([[0, 1], [2]], [])
    """
    files: list[list[int]] = []
    too_big: list[int] = []
    current: list[int] = []
    size = empty = len((HEAD + TAIL).encode())
    for k, group in enumerate(groups):
        adds = _size(group)
        if empty + adds > max_bytes:
            too_big.append(k)
            continue
        if current and (len(current) >= max_producers or size + adds > max_bytes):
            files.append(current)
            current, size = [], empty
        current.append(k)
        size += adds
    if current:
        files.append(current)
    return files, too_big


def file_paths(out: Path, count: int) -> list[Path]:
    """FILE, then FILE-2, FILE-3 ... before the suffix: ``eudr.geojson``, ``eudr-2.geojson``.

    >>> [p.name for p in file_paths(Path("out/eudr.geojson"), 3)]
    ['eudr.geojson', 'eudr-2.geojson', 'eudr-3.geojson']
    """
    out = Path(out)
    return [out if k == 1 else out.with_name(f"{out.stem}-{k}{out.suffix}")
            for k in range(1, count + 1)]  # fmt: skip
