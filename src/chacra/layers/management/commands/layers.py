"""``chacra layers``: load and list reference layers.

    chacra layers add road PATH --name "Red vial nacional" --version 2023 --source "MTC"
    chacra layers add river PATH --name "Ríos" --version 2020 --source "ANA" [--layer NAME]
    chacra layers add boundaries PATH --level provincia --code-field UBIGEO --name ... --version ...
    chacra layers add protected_area WDPA_PE.gpkg --name WDPA --version 2025-11 [--source ...]
    chacra layers add protected_area za.shp --name "SERNANP ZA" --version 2024 --category buffer
    chacra layers add loss_year lossyear.tif --name "Hansen GFC" --version v1.12
    chacra layers add forest_2020 gfc2020.tif --name "JRC GFC2020" --version V2
    chacra layers list

Each kind is one entry in ``KINDS``: a function that loads it from the parsed options. Rasters
(forest_2020, loss_year, tmf) are registered by path and read where they lie, never copied.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chacra.accounts.commands import acting_user
from chacra.errors import ChacraError
from chacra.layers.boundaries import LEVELS, boundaries_load
from chacra.layers.models import LayerKind
from chacra.layers.protected import CATEGORIES
from chacra.layers.selectors import layer_list
from chacra.layers.services import (
    RASTER_KINDS,
    LayerLoaded,
    layer_load,
    protected_areas_load,
    raster_register,
)


def _vector(kind: str) -> Callable[[Any, dict[str, Any]], LayerLoaded]:
    def load(actor: Any, opts: dict[str, Any]) -> LayerLoaded:
        return layer_load(
            actor=actor, kind=kind, path=opts["path"], name=opts["name"],
            version=opts["version"], source=opts["source"], layer=opts["layer"],
            name_field=opts["name_field"], through="cli",
        )  # fmt: skip

    return load


def _boundaries(actor: Any, opts: dict[str, Any]) -> LayerLoaded:
    if not opts["level"] or not opts["code_field"]:
        raise CommandError(
            "boundaries need --level (departamento, provincia or distrito) and --code-field "
            "(the field holding the INEI ubigeo, e.g. UBIGEO or IDDIST)"
        )
    return boundaries_load(
        actor=actor, level=opts["level"], path=opts["path"], code_field=opts["code_field"],
        name=opts["name"], version=opts["version"], source=opts["source"], layer=opts["layer"],
        through="cli",
    )  # fmt: skip


def _protected_areas(actor: Any, opts: dict[str, Any]) -> LayerLoaded:
    return protected_areas_load(
        actor=actor, path=opts["path"], name=opts["name"], version=opts["version"],
        source=opts["source"], layer=opts["layer"], name_field=opts["name_field"],
        category_field=opts["category_field"], category=opts["category"], through="cli",
    )  # fmt: skip


def _raster(kind: str) -> Callable[[Any, dict[str, Any]], LayerLoaded]:
    def register(actor: Any, opts: dict[str, Any]) -> LayerLoaded:
        return raster_register(
            actor=actor, kind=kind, path=opts["path"], name=opts["name"],
            version=opts["version"], source=opts["source"], through="cli",
        )  # fmt: skip

    return register


KINDS: dict[str, Callable[[Any, dict[str, Any]], LayerLoaded]] = {
    LayerKind.ROAD.value: _vector(LayerKind.ROAD),
    LayerKind.RIVER.value: _vector(LayerKind.RIVER),
    LayerKind.PROTECTED_AREA.value: _protected_areas,
    **{str(kind): _raster(kind) for kind in RASTER_KINDS},
    "boundaries": _boundaries,
}
# Options that only some kinds take: refused elsewhere rather than silently ignored.
ONLY_FOR = {
    "level": ("boundaries",),
    "code_field": ("boundaries",),
    "category": (LayerKind.PROTECTED_AREA.value,),
    "category_field": (LayerKind.PROTECTED_AREA.value,),
}


class Command(BaseCommand):
    help = (
        "Load reference layers (roads, rivers, boundaries, protected areas) from GIS files, "
        "register rasters (forest 2020, loss year) by path, or list them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="load a layer; loading the same name again replaces it")
        add.add_argument("kind", choices=sorted(KINDS))
        add.add_argument(
            "path", type=Path, help="a GeoPackage, GeoJSON, Shapefile, ... file; a GeoTIFF or VRT"
        )
        add.add_argument("--name", required=True, help="the layer's name, e.g. 'Red vial 2023'")
        add.add_argument("--version", required=True, help="the data's version or date")
        add.add_argument("--source", default="", help="publisher and licence, printed on maps")
        add.add_argument("--layer", help="the layer to read from a file that holds several")
        add.add_argument("--name-field", help="the field that names features (default: name)")
        add.add_argument("--level", choices=list(LEVELS), help="boundaries: the place level")
        add.add_argument("--code-field", help="boundaries: the field holding the ubigeo")
        add.add_argument(
            "--category",
            choices=CATEGORIES,
            help="protected_area: one category for every area of the file (e.g. buffer)",
        )
        add.add_argument(
            "--category-field",
            help="protected_area: the field holding each area's designation (default: DESIG)",
        )
        add.add_argument(
            "--as",
            dest="username",
            help="act as this user (without it the operator acts as chacra itself)",
        )
        sub.add_parser("list", help="list the loaded layers")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "list":
            self._list()
            return
        actor = acting_user(opts["username"])
        for option, kinds in ONLY_FOR.items():
            if opts[option] and opts["kind"] not in kinds:
                flag = "--" + option.replace("_", "-")
                raise CommandError(f"{flag} is for {' and '.join(kinds)} only")
        try:
            loaded = KINDS[opts["kind"]](actor, opts)
        except ChacraError as exc:
            raise CommandError(exc.message) from exc
        layer = loaded.layer
        if opts["kind"] in RASTER_KINDS:
            self._raster_said(layer, loaded.created)
            return
        verb = "loaded" if loaded.created else f"replaced ({loaded.replaced} earlier features)"
        self.stdout.write(
            f"{layer.kind} {layer.name!r} {layer.version}: {loaded.features} "
            f"{'places' if opts['kind'] == 'boundaries' else 'features'} {verb}"
        )
        for note in loaded.notes:
            self.stdout.write(f"  {note}")
        if loaded.skipped:
            self.stdout.write(f"  {loaded.skipped} features without a geometry were skipped")
        if loaded.unmatched:
            shown = ", ".join(loaded.unmatched[:10])
            more = f" and {len(loaded.unmatched) - 10} more" if len(loaded.unmatched) > 10 else ""
            self.stdout.write(
                f"  {len(loaded.unmatched)} codes match no place in the registry: {shown}{more}"
            )

    def _raster_said(self, layer: Any, created: bool) -> None:
        d = layer.details
        self.stdout.write(
            f"{layer.kind} {layer.name!r} {layer.version}: raster "
            f"{'registered' if created else 're-registered'}, {d['width']} x {d['height']} cells "
            f"of {d['resolution'][0]:.6g} degrees, read from {layer.path}"
        )

    def _list(self) -> None:
        rows = [("kind", "name", "version", "features", "source", "loaded", "file")]
        for layer in layer_list():
            rows.append(
                (
                    layer.kind,
                    layer.name,
                    layer.version,
                    "raster" if layer.path else str(layer.feature_count),
                    layer.source,
                    f"{timezone.localtime(layer.loaded_at):%Y-%m-%d %H:%M}",
                    layer.path or layer.file_name,
                )
            )
        if len(rows) == 1:
            self.stdout.write("No reference layers loaded; add one with `chacra layers add`.")
            return
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = (v.ljust(w) for v, w in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
