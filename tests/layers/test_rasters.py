"""Rasters registered by path: checked when registered, recorded with their grid, never copied."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chacra.accounts.models import AuditEntry
from chacra.errors import InvalidInput
from chacra.layers.models import Layer, LayerFeature, LayerKind
from chacra.layers.services import raster_register
from chacra.layers.vectors import LayerFileError
from tests.layers.files import raster_write

WEST, NORTH, RES = -76.5, -6.5, 0.00025


def _lossyear(path: Path, **kw) -> Path:
    values = np.zeros((40, 60), np.uint8)
    values[10:20, 30:40] = 22
    return raster_write(path, values, west=WEST, north=NORTH, res=RES, **kw)


def _register(path: Path, *, kind: str = LayerKind.LOSS_YEAR, version: str = "v1.12"):
    return raster_register(
        actor=None, kind=kind, path=path, name="Hansen GFC", version=version, source="UMD/GLAD"
    )


@pytest.fixture
def audit_mark(db) -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_raster_is_registered_with_its_grid_and_hash(audit_mark, tmp_path) -> None:
    path = _lossyear(tmp_path / "lossyear.tif", nodata=255)
    loaded = _register(path)
    layer = Layer.objects.get(kind="loss_year", name="Hansen GFC")
    assert loaded.created
    assert (layer.version, layer.source, layer.feature_count) == ("v1.12", "UMD/GLAD", 0)
    assert layer.path == str(path.resolve())
    assert layer.file_name == "lossyear.tif"
    assert layer.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    d = layer.details
    assert d["crs"] == "EPSG:4326"
    assert (d["width"], d["height"]) == (60, 40)
    assert d["resolution"] == pytest.approx([RES, RES])
    assert d["bounds"] == pytest.approx([WEST, NORTH - 40 * RES, WEST + 60 * RES, NORTH])
    assert d["nodata"] == 255
    assert d["dtype"] == "uint8"
    assert not LayerFeature.objects.filter(layer=layer).exists()  # read where it lies
    assert AuditEntry.objects.filter(id__gt=audit_mark, model="layers.Layer").exists()


def test_registering_again_replaces_the_path_and_version(db, tmp_path) -> None:
    _register(_lossyear(tmp_path / "old.tif"))
    newer = _lossyear(tmp_path / "new.tif", nodata=0)
    loaded = _register(newer, version="v1.13")
    assert not loaded.created
    layer = Layer.objects.get(kind="loss_year", name="Hansen GFC")
    assert (layer.version, layer.path, layer.details["nodata"]) == (
        "v1.13", str(newer.resolve()), 0,
    )  # fmt: skip
    assert Layer.objects.filter(kind="loss_year").count() == 1


def _text(path: Path) -> Path:
    path.write_text("not a raster", encoding="utf-8")
    return path


def _two_bands(path: Path) -> Path:
    import rasterio
    from affine import Affine

    with rasterio.open(
        path, "w", driver="GTiff", width=4, height=4, count=2, dtype="uint8", crs="EPSG:4326",
        transform=Affine(RES, 0, WEST, 0, -RES, NORTH),
    ) as ds:  # fmt: skip
        ds.write(np.zeros((2, 4, 4), np.uint8))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.tif", r"missing.tif: no such file; chacra reads a single-band"),
        (lambda d: _text(d / "notes.tif"), r"notes.tif: cannot be read as a raster \(.*\); chacra"),
        (lambda d: _two_bands(d / "tmf.tif"), r"tmf.tif: has 2 bands; a loss_year layer is"),
        (
            lambda d: raster_write(d / "utm.tif", np.zeros((4, 4), np.uint8), west=300_000,
                                   north=9_200_000, res=30, crs="EPSG:32718"),
            r"utm.tif: is in EPSG:32718; reproject it with gdalwarp -t_srs EPSG:4326",
        ),
        (
            lambda d: raster_write(d / "f.tif", np.zeros((4, 4), np.float32), west=WEST,
                                   north=NORTH),
            r"f.tif: has float32 cells; a loss_year layer is the year of tree-cover loss",
        ),
        (
            lambda d: raster_write(d / "nocrs.tif", np.zeros((4, 4), np.uint8), west=WEST,
                                   north=NORTH, crs=None),
            r"nocrs.tif: has no coordinate reference system",
        ),
    ],
    ids=["missing", "not-a-raster", "two-bands", "utm", "float", "no-crs"],
)  # fmt: skip
def test_a_bad_raster_is_refused_clearly_and_writes_nothing(audit_mark, tmp_path, make, message):
    with pytest.raises(LayerFileError, match=message):
        _register(make(tmp_path))
    assert not Layer.objects.filter(name="Hansen GFC").exists()
    assert not AuditEntry.objects.filter(id__gt=audit_mark, model__startswith="layers.").exists()


def test_a_vector_kind_is_not_a_raster_kind(db, tmp_path) -> None:
    with pytest.raises(InvalidInput, match="'road' is not a raster layer kind; choose one of"):
        _register(_lossyear(tmp_path / "l.tif"), kind="road")


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("layers", *args, stdout=out)
    return out.getvalue()


def test_rasters_through_the_command_and_in_the_list(db, tmp_path) -> None:
    path = _lossyear(tmp_path / "lossyear.tif")
    said = _run("add", "loss_year", str(path), "--name", "Hansen GFC", "--version", "v1.12")
    assert said.strip() == (
        f"loss_year 'Hansen GFC' v1.12: raster registered, 60 x 40 cells of 0.00025 degrees, "
        f"read from {path.resolve()}"
    )
    forest = raster_write(tmp_path / "gfc2020.tif", np.ones((4, 4), np.uint8), west=WEST,
                          north=NORTH)  # fmt: skip
    _run("add", "forest_2020", str(forest), "--name", "JRC GFC2020", "--version", "V2")
    Layer.objects.exclude(name__in=["Hansen GFC", "JRC GFC2020"]).delete()
    listing = _run("list").splitlines()
    assert listing[1].split()[:2] == ["forest_2020", "JRC"]
    assert "raster" in listing[1].split()
    assert listing[1].endswith(str(forest.resolve()))
    assert listing[2].startswith("loss_year")
    with pytest.raises(CommandError, match="--category is for protected_area only"):
        _run("add", "loss_year", str(path), "--name", "x", "--version", "1", "--category", "strict")
