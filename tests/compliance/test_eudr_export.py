"""``chacra export eudr``: what goes out, what is refused and why, who may export, the files."""

from __future__ import annotations

import inspect
import io
import itertools
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError

from chacra.accounts.models import AuditEntry, Role
from chacra.accounts.services import user_set_role
from chacra.compliance.eudr_export import EudrExport, eudr_export
from chacra.compliance.eudr_validate import validate_file
from chacra.compliance.models import CheckStatus, PlotCheck
from chacra.errors import AccessDenied, NotFound
from chacra.geo.area import geodesic_area_ha
from chacra.geo.shapes import irregular_polygons
from chacra.registry import services
from chacra.registry.models import Plot, Producer
from tests.factories import (
    ComunidadFactory,
    DepartamentoFactory,
    DistritoFactory,
    ProducerFactory,
    ProvinciaFactory,
    UserFactory,
    plot_polygon,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NON_COMPLIANT = [{"code": "strict_protected_area", "figures": {"ha": 0.4},
                  "message": "overlaps Parque Nacional del Río Abiseo by 0.40 ha"}]  # fmt: skip
REVIEW = [{"code": "direct_use_area", "figures": {"ha": 0.2},
           "message": "overlaps Bosque de Protección Alto Mayo by 0.20 ha"}]  # fmt: skip
COORDINATE = re.compile(r"-?\d+\.\d+")


def _user(role: Role, region: Any = None) -> Any:
    user = UserFactory()
    user_set_role(actor=None, user=user, role=role, region=region)
    return user


def _plot(producer: Producer, code: str, status: str | None = CheckStatus.COMPLIANT,
          reasons: Any = (), **geometry: Any) -> Plot:  # fmt: skip
    """A plot (a polygon by default) with a current check of ``status`` (None: unchecked)."""
    if not geometry:
        geometry = {"boundary": plot_polygon(seed=len(code) + sum(map(ord, code)))}
    plot = services.plot_register(
        actor=None, producer=producer, code=code, refresh_flags=False, **geometry
    )
    if status is not None:
        PlotCheck.objects.create(plot=plot, status=status, reasons=list(reasons))
    return plot


def _export(actor: Any, out: Path, **options: Any) -> tuple[EudrExport, list[dict[str, Any]]]:
    result = eudr_export(actor=actor, out=out, **options)
    features = [f for file in result.files for f in json.loads(file.path.read_text())["features"]]
    return result, features


def _place(feature: dict[str, Any]) -> str:
    return feature["properties"]["ProductionPlace"]


@pytest.fixture
def staff() -> Any:
    return _user(Role.STAFF)


@pytest.fixture
def rosa() -> Producer:
    return ProducerFactory(surnames="Tuanama Sangama", given_names="Rosa", dni="04512345")


def test_a_compliant_plot_goes_out_with_6_decimals_and_its_producer(tmp_path, staff, rosa) -> None:
    plot = _plot(rosa, "EU-POLY")
    result, features = _export(staff, tmp_path / "eudr.geojson", producers=[rosa.code])
    assert result.plots == ["EU-POLY"]
    assert result.refused == []
    (feature,) = features
    comunidad = plot.comunidad
    assert feature["properties"] == {
        "ProducerName": "Tuanama Sangama Rosa",
        "ProducerCountry": "PE",
        "ProductionPlace": f"EU-POLY, {comunidad.name}, {comunidad.distrito.name}",
    }
    text = (tmp_path / "eudr.geojson").read_text()
    assert "04512345" not in text  # no DNI
    coordinates = text[text.index('"coordinates"') :]
    numbers = COORDINATE.findall(coordinates)
    assert len(numbers) > 20
    assert all(len(n.split(".")[1]) == 6 for n in numbers)
    report = validate_file(tmp_path / "eudr.geojson")
    assert (report.problems, report.warnings) == ([], [])
    assert result.files[0].report == report


def test_vertices_that_collapse_at_6_decimals_are_removed(tmp_path, staff, rosa) -> None:
    corners = [(-76.7, -7.16), (-76.69, -7.16), (-76.69, -7.15), (-76.7, -7.15)]
    near = [corners[0], (-76.6999996, -7.1600002), *corners[1:]]  # 5 cm from the first corner
    _plot(rosa, "EU-NEAR", boundary=shapely.Polygon(near))
    _, (feature,) = _export(staff, tmp_path / "eudr.geojson", producers=[rosa.code])
    geometry = feature["geometry"]
    ring = geometry["coordinates"][0][0] if geometry["type"] == "MultiPolygon" else (
        geometry["coordinates"][0])  # fmt: skip
    assert len(ring) == 5
    assert all(a != b for a, b in itertools.pairwise(ring))
    assert {tuple(p) for p in ring} == set(corners)


def test_a_hole_is_split_into_parts_with_the_same_area(tmp_path, staff, rosa) -> None:
    rng = np.random.default_rng(4)
    outer = irregular_polygons([-76.70], [-7.16], [20_000.0], rng, vertices=19)[0]
    pond = irregular_polygons([-76.70], [-7.16], [1_500.0], rng, vertices=9)[0]
    with_hole = shapely.transform(
        shapely.Polygon(outer.exterior, [pond.exterior]), lambda xy: np.round(xy, 6)
    )
    plot = _plot(rosa, "EU-POND", boundary=with_hole)
    _, features = _export(staff, tmp_path / "eudr.geojson", producers=[rosa.code])
    assert len(features) >= 2
    assert all(f["geometry"]["type"] == "Polygon" for f in features)
    assert all(len(f["geometry"]["coordinates"]) == 1 for f in features)  # no inner ring
    assert [_place(f).split(",")[0] for f in features] == [
        f"EU-POND ({k}/{len(features)})" for k in range(1, len(features) + 1)
    ]
    parts = [shapely.geometry.shape(f["geometry"]) for f in features]
    assert geodesic_area_ha(parts).sum() == pytest.approx(plot.area_ha, rel=1e-6)
    assert validate_file(tmp_path / "eudr.geojson").problems == []


def test_a_point_of_3_ha_goes_out_with_its_area(tmp_path, staff, rosa) -> None:
    point = shapely.Point(-76.71234567, -7.16543219)
    _plot(rosa, "EU-POINT", point=point, declared_area_ha=Decimal("3.00"))
    _, (feature,) = _export(staff, tmp_path / "eudr.geojson", producers=[rosa.code])
    assert feature["geometry"] == {"type": "Point", "coordinates": [-76.712346, -7.165432]}
    assert feature["properties"]["Area"] == 3.0
    assert '"coordinates":[-76.712346,-7.165432]' in (tmp_path / "eudr.geojson").read_text()


def test_a_point_of_5_ha_is_refused(tmp_path, staff, rosa) -> None:
    _plot(rosa, "EU-BIG", point=shapely.Point(-76.7, -7.16), declared_area_ha=Decimal("5.00"))
    _plot(rosa, "EU-NOAREA", point=shapely.Point(-76.7, -7.17))
    result, _ = _export(staff, tmp_path / "eudr.geojson", producers=[rosa.code])
    assert result.files == []
    assert not (tmp_path / "eudr.geojson").exists()
    refused = {r.plot: r for r in result.refused}
    assert refused["EU-BIG"].cause == "point_too_large"
    assert "above 4 ha the EU requires the plot's polygon" in refused["EU-BIG"].message
    assert refused["EU-NOAREA"].cause == "no_declared_area"


def test_a_non_compliant_plot_is_refused_with_its_reasons(tmp_path, staff, rosa) -> None:
    _plot(rosa, "EU-OK")
    _plot(rosa, "EU-PARK", CheckStatus.NON_COMPLIANT, NON_COMPLIANT)
    result, features = _export(staff, tmp_path / "eudr.geojson", producers=[rosa.code])
    assert [_place(f).split(",")[0] for f in features] == ["EU-OK"]
    (refusal,) = result.refused
    assert (refusal.plot, refusal.producer, refusal.cause) == (
        "EU-PARK",
        rosa.code,
        "non_compliant",
    )
    assert refusal.reasons == NON_COMPLIANT
    # include_review never lets a non-compliant plot through.
    result, _ = _export(staff, tmp_path / "b.geojson", producers=[rosa.code], include_review=True)
    assert [r.plot for r in result.refused] == ["EU-PARK"]


def test_a_plot_that_needs_review_goes_out_only_when_asked(tmp_path, staff, rosa) -> None:
    _plot(rosa, "EU-OK")
    _plot(rosa, "EU-REVIEW", CheckStatus.NEEDS_REVIEW, REVIEW)
    result, _ = _export(staff, tmp_path / "a.geojson", producers=[rosa.code])
    assert result.plots == ["EU-OK"]
    assert [(r.plot, r.cause, r.reasons) for r in result.refused] == [
        ("EU-REVIEW", "needs_review", REVIEW)
    ]
    result, _ = _export(staff, tmp_path / "b.geojson", producers=[rosa.code], include_review=True)
    assert result.plots == ["EU-OK", "EU-REVIEW"]
    assert result.refused == []


def test_a_plot_never_checked_is_refused(tmp_path, staff, rosa) -> None:
    _plot(rosa, "EU-NEW", status=None)
    result, _ = _export(staff, tmp_path / "eudr.geojson", producers=[rosa.code])
    assert result.files == []
    assert [(r.plot, r.cause, r.message) for r in result.refused] == [
        ("EU-NEW", "not_checked", "not checked yet: run chacra check")
    ]


def test_a_plot_mapped_again_since_its_check_is_refused(tmp_path, staff, rosa) -> None:
    plot = _plot(rosa, "EU-REMAP", status=None)
    PlotCheck.objects.create(
        plot=plot, status=CheckStatus.COMPLIANT, geometry_version=plot.geometry_versions.get()
    )
    services.plot_remap(actor=None, plot=plot, boundary=plot_polygon(seed=9), refresh_flags=False)
    result, _ = _export(staff, tmp_path / "eudr.geojson", producers=[rosa.code])
    assert [(r.plot, r.cause) for r in result.refused] == [("EU-REMAP", "stale_check")]


def test_a_plot_the_eu_would_reject_is_refused_never_written(tmp_path, staff, rosa) -> None:
    _plot(rosa, "EU-OK")
    swapped = shapely.box(-7.161, -76.701, -7.16, -76.7)  # lat, lon: in Peru only once swapped
    _plot(rosa, "EU-SWAP", boundary=swapped)
    result, features = _export(staff, tmp_path / "eudr.geojson", producers=[rosa.code])
    assert [_place(f).split(",")[0] for f in features] == ["EU-OK"]
    (refusal,) = result.refused
    assert (refusal.plot, refusal.cause) == ("EU-SWAP", "eu_rules")
    assert "[swapped_coordinates]" in refusal.message
    assert validate_file(tmp_path / "eudr.geojson").problems == []


def test_files_are_split_at_the_producer_limit_keeping_producers_whole(tmp_path, staff) -> None:
    assert inspect.signature(eudr_export).parameters["max_producers"].default == 1000
    producers = [ProducerFactory() for _ in range(5)]
    for k, producer in enumerate(producers):
        _plot(producer, f"EU-SPLIT-{k}a")
        if k == 1:
            _plot(producer, f"EU-SPLIT-{k}b")
    codes = [p.code for p in producers]
    result, _ = _export(staff, tmp_path / "eudr.geojson", producers=codes, max_producers=2)
    assert [f.path.name for f in result.files] == ["eudr.geojson", "eudr-2.geojson",
                                                   "eudr-3.geojson"]  # fmt: skip
    seen: dict[str, str] = {}
    for exported in result.files:
        assert validate_file(exported.path, max_producers=2).problems == []
        doc = json.loads(exported.path.read_text())
        names = {f["properties"]["ProducerName"] for f in doc["features"]}
        assert len(names) == exported.producers <= 2
        for name in names:
            assert seen.setdefault(name, exported.path.name) == exported.path.name
    assert sorted(result.plots) == sorted(Plot.objects.filter(producer__in=producers)
                                          .values_list("code", flat=True))  # fmt: skip


def test_files_are_split_at_the_size_limit(tmp_path, staff) -> None:
    producers = [ProducerFactory() for _ in range(4)]
    for k, producer in enumerate(producers):
        _plot(producer, f"EU-SIZE-{k}")
    codes = [p.code for p in producers]
    one, _ = _export(staff, tmp_path / "one.geojson", producers=codes)
    size = one.files[0].report.size_bytes
    limit = size // 2 + 100
    result, _ = _export(staff, tmp_path / "cut.geojson", producers=codes, max_bytes=limit)
    assert len(result.files) >= 2
    assert all(f.path.stat().st_size <= limit for f in result.files)
    assert sorted(result.plots) == sorted(one.plots)
    assert list(tmp_path.glob("*.part")) == []
    # A producer whose plots alone exceed the limit is refused, not cut in two.
    result, _ = _export(staff, tmp_path / "tiny.geojson", producers=codes, max_bytes=200)
    assert result.files == []
    assert {r.cause for r in result.refused} == {"too_big"}


def test_an_agent_exports_only_her_producers(tmp_path) -> None:
    comunidad = ComunidadFactory()
    agent = _user(Role.AGENT, region=comunidad.distrito.provincia.departamento)
    hers, other = ProducerFactory(comunidad=comunidad), ProducerFactory(comunidad=comunidad)
    services.producer_assign_agent(actor=None, producer=hers, agent=agent)
    _plot(hers, "EU-HERS")
    _plot(other, "EU-OTHER")
    result, _ = _export(agent, tmp_path / "eudr.geojson")
    assert result.plots == ["EU-HERS"]
    assert result.producers == [hers.code]
    with pytest.raises(NotFound, match=f"producers {other.code}: no plots of theirs"):
        eudr_export(actor=agent, out=tmp_path / "x.geojson", producers=[other.code])


def test_a_region_exports_the_plots_of_its_producers(tmp_path, staff, rosa) -> None:
    ucayali = DepartamentoFactory(ubigeo="25", name="Ucayali")
    distrito = DistritoFactory(
        ubigeo="250101", name="Callería",
        provincia=ProvinciaFactory(ubigeo="2501", name="Coronel Portillo", departamento=ucayali),
    )  # fmt: skip
    far = ProducerFactory(comunidad=ComunidadFactory(distrito=distrito))
    _plot(rosa, "EU-SM")
    _plot(far, "EU-UCAYALI", boundary=plot_polygon(lon=-74.55, lat=-8.38))
    result, _ = _export(staff, tmp_path / "eudr.geojson", region="Ucayali")
    assert "EU-UCAYALI" in result.plots
    assert "EU-SM" not in result.plots + [r.plot for r in result.refused]


@pytest.mark.parametrize("role", [Role.INVESTOR, Role.BUYER])
def test_roles_without_personal_data_are_refused(tmp_path, rosa, role: Role) -> None:
    _plot(rosa, "EU-OK")
    user = _user(role)
    with pytest.raises(AccessDenied, match="names producers; your role sees aggregate"):
        eudr_export(actor=user, out=tmp_path / "eudr.geojson")
    with pytest.raises(CommandError, match="aggregate figures only"):
        call_command("export", "eudr", "--out", str(tmp_path / "eudr.geojson"),
                     "--as", user.username, stdout=io.StringIO())  # fmt: skip
    assert not (tmp_path / "eudr.geojson").exists()


def test_each_export_is_audited_as_a_disclosure(tmp_path, staff, rosa) -> None:
    _plot(rosa, "EU-OK")
    _plot(rosa, "EU-NEW", status=None)
    _export(staff, tmp_path / "eudr.geojson", producers=[rosa.code])
    entry = AuditEntry.objects.get(model="compliance.EudrExport")
    assert entry.actor == staff
    assert entry.changes["producers"] == [rosa.code]
    assert entry.changes["plots"] == ["EU-OK"]
    assert entry.changes["refused"] == {"EU-NEW": "not_checked"}
    assert entry.changes["files"] == [str(tmp_path / "eudr.geojson")]
    assert entry.summary.startswith("EUDR GeoJSON: 1 plots of 1 producers in 1 file(s)")


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_command_lists_refusals_with_reasons_and_the_files(tmp_path, staff, rosa) -> None:
    _plot(rosa, "EU-OK")
    _plot(rosa, "EU-PARK", CheckStatus.NON_COMPLIANT, NON_COMPLIANT)
    out = tmp_path / "eudr.geojson"
    said = _command("eudr", "--producers", rosa.code, "--out", str(out), "--as", staff.username)
    lines = said.splitlines()
    assert lines[0] == (
        f"refused EU-PARK (producer {rosa.code}): non-compliant: "
        "overlaps Parque Nacional del Río Abiseo by 0.40 ha"
    )
    assert lines[1].startswith(f"wrote {out}: 1 plots of 1 producers, ")
    assert lines[-1] == "1 plots exported, 1 refused"


def test_command_fails_when_nothing_can_go_out(tmp_path, staff, rosa) -> None:
    _plot(rosa, "EU-NEW", status=None)
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing exported"):
        call_command("export", "eudr", "--producers", rosa.code, "--as", staff.username,
                     "--out", str(tmp_path / "eudr.geojson"), stdout=out)  # fmt: skip
    assert "refused EU-NEW" in out.getvalue()
    assert "not checked yet: run chacra check" in out.getvalue()
    assert not AuditEntry.objects.filter(model="compliance.EudrExport").exists()


def test_command_says_when_no_plot_matches(tmp_path, staff) -> None:
    with pytest.raises(CommandError, match="no plots to export"):
        _command("eudr", "--region", "Atlantis", "--out", str(tmp_path / "x.geojson"),
                 "--as", staff.username)  # fmt: skip


def test_command_needs_a_known_user_and_a_known_kind(tmp_path) -> None:
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        _command("eudr", "--out", str(tmp_path / "x.geojson"), "--as", "nobody")
    with pytest.raises(CommandError, match="invalid choice: 'shapefile'"):
        _command("shapefile", "--out", str(tmp_path / "x.geojson"), "--as", "nobody")
