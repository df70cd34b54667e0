"""``chacra map``: the programme's printed map, as PDF, PNG or SVG, for what a user may see."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from matplotlib import colors
from matplotlib import image as mpimg

from chacra.accounts.models import Role
from chacra.accounts.scope import Scope, scope_for
from chacra.maps.index import hectare_class
from chacra.maps.printed import printed_map_save
from chacra.maps.printed_furniture import nice_length_km
from chacra.maps.printed_legend import CLASS_COLOURS
from chacra.registry.models import Plot
from chacra.registry.selectors import PlotFilters, plot_list
from tests.factories import UserFactory

STAFF = Scope(role=Role.STAFF)


def _print(*args: str) -> str:
    out = io.StringIO()
    call_command("map", *args, stdout=out)
    return out.getvalue()


def _pixels_of(png: Path, colour: str, tolerance: float = 0.03) -> int:
    """How many pixels of the image have (nearly) this colour."""
    rgb = mpimg.imread(png)[..., :3]
    return int(np.all(np.abs(rgb - np.array(colors.to_rgb(colour))) < tolerance, axis=-1).sum())


def _placed(scope: Scope, region: str | None = None) -> int:
    plots = plot_list(scope=scope, filters=PlotFilters(region=region))
    return plots.filter(location__isnull=False).count()


def test_the_command_writes_a_pdf_and_a_png(demo_db, tmp_path) -> None:
    pdf, png = tmp_path / "mapa.pdf", tmp_path / "mapa.png"
    said = _print("--as", "staff", "--out", str(pdf))
    assert said.startswith(f"{pdf}: {_placed(STAFF)} plots (")
    assert "1 plots with no location are not on the map" in said  # the demo's unmapped plot
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert len(data) > 20_000
    _print("--as", "staff", "--out", str(png))
    image = mpimg.imread(png)
    assert image.shape[:2] == (2338, 1654)  # A4 portrait at 200 dpi
    assert len(np.unique(image[..., :3].reshape(-1, 3), axis=0)) > 500  # a map, not a blank page


def test_plots_are_drawn_in_their_hectare_classes(demo_db, tmp_path) -> None:
    whole = tmp_path / "todo.png"
    printed = printed_map_save(scope=STAFF, out=whole, lang="en")
    rows = Plot.objects.filter(location__isnull=False).values_list("area_ha", "declared_area_ha")
    areas = [a if a is not None else float(d) for a, d in rows]
    expected = np.bincount(hectare_class(areas), minlength=4)
    assert printed.by_class == {code: int(expected[code]) for code in range(4)}
    assert printed.plots == len(areas) == sum(printed.by_class.values())
    assert printed.by_class[3] > 0  # the demo has plots in every class
    assert printed.class_labels == ["0.1 - 5.0 ha", "5.1 - 10.0 ha", "10.1 ha or more"]
    assert printed.sources == ["demo (synthetic)"]
    # Every class's colour is on the page well beyond its legend key: compare with a map of
    # the same legend and no plots at all (the San Martín office asking for Ucayali).
    empty = tmp_path / "vacio.png"
    nothing = printed_map_save(scope=scope_for(_user("regional-sm")), out=empty, region="Ucayali")
    assert nothing.plots == 0
    for code in (1, 2, 3):
        assert _pixels_of(whole, CLASS_COLOURS[code]) > _pixels_of(empty, CLASS_COLOURS[code]) + 20
    assert _pixels_of(whole, CLASS_COLOURS[1]) > 10 * _pixels_of(empty, CLASS_COLOURS[1])


def _user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


@pytest.mark.parametrize("region", ["San Martín", "10", "ucayali"])
def test_a_region_shows_only_its_plots(demo_db, tmp_path, region) -> None:
    printed = printed_map_save(scope=STAFF, out=tmp_path / "region.png", region=region)
    whole = _placed(STAFF)
    assert 0 < printed.plots == _placed(STAFF, region) < whole
    assert printed.region in {"San Martín", "Huánuco", "Ucayali"}


def test_the_regions_add_up_to_the_whole_programme(demo_db, tmp_path) -> None:
    counts = [
        printed_map_save(scope=STAFF, out=tmp_path / f"{code}.svg", region=code).plots
        for code in ("10", "22", "25")
    ]
    assert sum(counts) == _placed(STAFF)


@pytest.mark.parametrize(
    ("username", "scope"),
    [
        ("agent-sm-01", None),  # her own producers' plots
        ("regional-hco", None),  # its region
        ("investor", STAFF),  # no names on the map: the whole programme, as on the dashboard
        ("buyer", STAFF),
    ],
)
def test_each_role_prints_what_it_may_see(demo_db, tmp_path, username, scope) -> None:
    user = _user(username)
    said = _print("--as", username, "--out", str(tmp_path / "mapa.svg"))
    expected = _placed(scope or scope_for(user))
    assert f"mapa.svg: {expected} plots (" in said
    assert expected < _placed(STAFF) or scope is STAFF


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "nobody", "--out", "x.pdf"], "--as: no user named 'nobody'"),
        (["--as", "staff", "--out", "x.jpg"], r"x.jpg: the map is written as .pdf, .png, .svg"),
        (["--as", "staff", "--out", "x.pdf", "--region", "Cusco"],
         "region: no departamento 'Cusco'; give a name or ubigeo: Huánuco, San Martín, Ucayali"),
    ],
    ids=["unknown-user", "unknown-format", "unknown-region"],
)  # fmt: skip
def test_refusals_are_clear(demo_db, tmp_path, args, message) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    with pytest.raises(CommandError, match=message):
        _print(*args)
    assert not list(tmp_path.iterdir())


def test_a_user_without_a_role_prints_nothing(demo_db, tmp_path) -> None:
    UserFactory(username="visitante")
    with pytest.raises(CommandError, match="log in with a programme role to print the map"):
        _print("--as", "visitante", "--out", str(tmp_path / "x.png"))


def test_labels_are_spanish_by_default_and_english_on_request(demo_db, tmp_path) -> None:
    day = dt.date(2016, 6, 30)
    english, spanish = tmp_path / "en.svg", tmp_path / "es.svg"
    printed_map_save(scope=STAFF, out=english, lang="en", today=day)
    printed_map_save(scope=STAFF, out=spanish, today=day)
    text = english.read_text(encoding="utf-8")
    for words in ("Location of new cacao planted", "0.1 - 5.0 ha", "10.1 ha or more",
                  "District capital", "Programme office", "Source: chacra, 2016-06-30",
                  "demo (synthetic)", "UTM 18S", "June 30, 2016", "100 km"):  # fmt: skip
        assert words in text, words
    assert text.count("Conventional signs") == 1
    assert "30 de junio de 2016" in spanish.read_text(encoding="utf-8")


def test_round_scale_lengths() -> None:
    assert [nice_length_km(w) for w in (9.0, 40.0, 230.0, 480.0, 2_000.0)] == [
        2.0, 10.0, 50.0, 100.0, 500.0,
    ]  # fmt: skip


def test_hectare_classes_are_the_programme_map_classes() -> None:
    got = hectare_class([0.1, 5.0, 5.01, 10.0, 10.1, 40.0, 0.0, np.nan])
    assert got.tolist() == [1, 1, 2, 2, 3, 3, 0, 0]
