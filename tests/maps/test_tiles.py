"""Plot tiles served to the map: decoded with an independent MVT decoder and checked against the
database, for each role and filter."""

from __future__ import annotations

from typing import Any

import mapbox_vector_tile
import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.urls import reverse

from chacra.geo.webmercator import tiles_covering
from chacra.maps.index import hectare_class
from chacra.maps.tiles import POLYGON_ZOOM
from chacra.registry.models import CloneGroup, Graft, Plot, PlotFlag
from chacra.registry.services import plot_remap


def _tile_of(plot: Plot, z: int) -> tuple[int, int, int]:
    point = plot.boundary.point_on_surface if plot.boundary else plot.location
    return tiles_covering(z, point.x, point.y, point.x, point.y)[0]


def _get(client: Any, tile: tuple[int, int, int], etag: str | None = None, **params: str) -> Any:
    z, x, y = tile
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(reverse("map-tile", kwargs={"z": z, "x": x, "y": y}), params, headers=headers)


def _features(response: Any) -> dict[str, dict[int, dict[str, Any]]]:
    assert response.status_code in (200, 204), response.content
    assert response.status_code == 204 or response["Content-Type"] == (
        "application/vnd.mapbox-vector-tile"
    )
    decoded = mapbox_vector_tile.decode(response.content) if response.content else {}
    return {name: {f["id"]: f for f in layer["features"]} for name, layer in decoded.items()}


def _expected_group(plot: Plot) -> str:
    groups = set(Graft.objects.filter(plot=plot).values_list("clone__group", flat=True))
    if not groups:
        return "none"
    if len(groups) > 1:
        return "mixed"
    return {CloneGroup.FINE_FLAVOUR: "fine_flavour", CloneGroup.CCN51: "ccn51"}.get(
        groups.pop(), "native"
    )


@pytest.fixture
def mapped_plot(demo_db: Any) -> Plot:
    plot = Plot.objects.filter(boundary__isnull=False, flags__isnull=False).first()
    assert plot is not None
    return plot


def test_a_plot_tile_holds_the_plot_with_its_properties(login: Any, mapped_plot: Plot) -> None:
    features = _features(_get(login("staff"), _tile_of(mapped_plot, 14)))
    feature = features["plots"][mapped_plot.pk]
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    props = feature["properties"]
    assert props["group"] == _expected_group(mapped_plot)
    assert props["mapped"] == 1
    codes = sorted(PlotFlag.objects.filter(plot=mapped_plot).values_list("code", flat=True))
    assert props["flags"].split() == codes
    assert props["ha"] == pytest.approx(mapped_plot.area_ha, abs=0.05)
    assert props["ha_class"] == int(hectare_class([mapped_plot.area_ha])[0])
    first = mapped_plot.plantings.order_by("installed_on").first()
    assert props["year"] == (first.installed_on.year if first else 0)
    # A feature carries no name, code or DNI of anyone.
    assert props["risk"] == "unchecked"
    assert set(props) == {
        "group",
        "agroforestry",
        "mapped",
        "flags",
        "risk",
        "year",
        "ha",
        "ha_class",
    }


def test_every_plot_in_the_tiles_area_is_there_once(login: Any, mapped_plot: Plot) -> None:
    z, x, y = _tile_of(mapped_plot, 13)
    features = _features(_get(login("staff"), (z, x, y)))
    from chacra.geo.webmercator import mercator_to_lonlat, tile_bounds

    xmin, ymin, xmax, ymax = tile_bounds(z, x, y)
    (lon0, lon1), (lat0, lat1) = mercator_to_lonlat([xmin, xmax], [ymin, ymax])
    box = Polygon.from_bbox((lon0, lat0, lon1, lat1))
    box.srid = 4326
    inside = set(Plot.objects.filter(boundary__within=box).values_list("pk", flat=True))
    assert inside
    assert inside <= set(features["plots"])


def test_below_polygon_zoom_mapped_plots_are_points(login: Any, mapped_plot: Plot) -> None:
    features = _features(_get(login("staff"), _tile_of(mapped_plot, POLYGON_ZOOM - 4)))
    assert "plots" not in features
    point = features["points"][mapped_plot.pk]
    assert point["geometry"]["type"] == "Point"
    assert point["properties"]["mapped"] == 1


def test_an_unmapped_plot_is_a_point_classed_by_declared_hectares(login: Any, demo_db: Any) -> None:
    plot = Plot.objects.filter(boundary__isnull=True, location__isnull=False).first()
    assert plot is not None
    features = _features(_get(login("staff"), _tile_of(plot, 15)))
    point = features["points"][plot.pk]
    assert point["properties"]["mapped"] == 0
    assert point["properties"]["ha_class"] == int(hectare_class([plot.declared_area_ha])[0])


def test_an_agent_gets_only_her_producers_plots(login: Any, mapped_plot: Plot) -> None:
    agent = get_user_model().objects.get(username="agent-sm-01")
    theirs = Plot.objects.filter(boundary__isnull=False).exclude(producer__agents=agent).first()
    mine = Plot.objects.filter(boundary__isnull=False, producer__agents=agent).first()
    for plot, visible in ((theirs, False), (mine, True)):
        features = _features(_get(login("agent-sm-01"), _tile_of(plot, 14)))
        assert (plot.pk in features.get("plots", {})) is visible
        staff = _features(_get(login("staff"), _tile_of(plot, 14)))
        assert plot.pk in staff["plots"]


@pytest.mark.parametrize("role", ["investor", "buyer"])
def test_aggregate_roles_get_no_plot_tiles(login: Any, mapped_plot: Plot, role: str) -> None:
    assert _get(login(role), _tile_of(mapped_plot, 14)).status_code == 403
    assert _get(login(None), _tile_of(mapped_plot, 14)).status_code == 403


def test_filters_by_clone_year_and_group(login: Any, mapped_plot: Plot) -> None:
    tile = _tile_of(mapped_plot, 8)
    client = login("staff")
    everything = _features(_get(client, tile))["points"]
    graft = Graft.objects.filter(plot_id__in=list(everything)).select_related("clone").first()
    assert graft is not None
    by_clone = _features(_get(client, tile, clone=graft.clone.code))["points"]
    with_clone = set(
        Graft.objects.filter(plot_id__in=list(everything), clone=graft.clone).values_list(
            "plot_id", flat=True
        )
    )
    assert set(by_clone) == with_clone
    year = everything[graft.plot_id]["properties"]["year"]
    by_year = _features(_get(client, tile, year=str(year)))["points"]
    assert by_year
    assert {f["properties"]["year"] for f in by_year.values()} == {year}
    assert set(by_year) == {k for k, f in everything.items() if f["properties"]["year"] == year}
    ccn = _features(_get(client, tile, group="ccn51")).get("points", {})
    assert {f["properties"]["group"] for f in ccn.values()} <= {"ccn51"}


@pytest.mark.parametrize(
    ("params", "field", "value"),
    [({"year": "20x4"}, "year", "20x4"), ({"group": "cacao"}, "group", "cacao"),
     ({"flag": "ugly"}, "flag", "ugly"), ({"mapped": "maybe"}, "mapped", "maybe")],
)  # fmt: skip
def test_a_bad_filter_is_a_clear_400(
    login: Any, mapped_plot: Plot, params: dict[str, str], field: str, value: str
) -> None:
    response = _get(login("staff"), _tile_of(mapped_plot, 10), **params)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field
    assert repr(value) in body["error"]


def test_tiles_are_cached_and_redrawn_when_a_plot_moves(login: Any, mapped_plot: Plot) -> None:
    client = login("staff")
    tile = _tile_of(mapped_plot, 14)
    first = _get(client, tile)
    again = _get(client, tile, etag=first["ETag"])
    assert again.status_code == 304
    # Move the plot 0.05 degrees east: its old tile loses it and a new ETag is given.
    moved = MultiPolygon(
        *[Polygon([(x + 0.05, y) for x, y in ring]) for ring in (
            mapped_plot.boundary[0].exterior_ring.coords,
        )],
        srid=4326,
    )  # fmt: skip
    staff = get_user_model().objects.get(username="staff")
    plot_remap(actor=staff, plot=mapped_plot, boundary=moved, method="drawn")
    after = _get(client, tile, etag=first["ETag"])
    assert after.status_code in (200, 204)
    assert after["ETag"] != first["ETag"]
    assert mapped_plot.pk not in _features(after).get("plots", {})
    mapped_plot.refresh_from_db()
    assert mapped_plot.pk in _features(_get(client, _tile_of(mapped_plot, 14)))["plots"]


def test_a_tile_outside_the_grid_is_404(login: Any, demo_db: Any) -> None:
    response = login("staff").get(reverse("map-tile", kwargs={"z": 3, "x": 8, "y": 0}))
    assert response.status_code == 404
