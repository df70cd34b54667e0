"""The admin door: scoped, audited, geometry edits keep history, and the map widget is offline."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.forms import MultiWidget
from django.urls import reverse

from chacra.accounts.models import AuditEntry
from chacra.registry.models import Plot, Producer
from tests.factories import plot_polygon


def _value(bound: Any) -> Any:
    value = bound.value()
    if isinstance(value, GEOSGeometry):
        return value.transform(3857, clone=True).json  # the map widget posts web-mercator GeoJSON
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return "" if value is None else str(value)


def _form_fields(form: Any) -> dict[str, Any]:
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field.widget, MultiWidget):  # e.g. a date and a time input
            for i, part in enumerate(field.widget.decompress(form[name].value())):
                data[f"{key}_{i}"] = "" if part is None else str(part)
        else:
            data[key] = _value(form[name])
    return data


def admin_post_data(response: Any, **changes: Any) -> dict[str, Any]:
    """What the change form would submit unchanged, with ``changes`` applied."""
    data = _form_fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {
                formset.management_form.add_prefix(k): v
                for k, v in formset.management_form.initial.items()
            }
        )
        for form in formset.initial_forms:
            data.update(_form_fields(form))
    data = {k: v for k, v in data.items() if v not in ("", [])}
    data.update(changes)
    return data


def test_producer_change_through_admin_is_audited(login: Any, demo_db: Any) -> None:
    client = login("staff")
    producer = Producer.objects.filter(phone="").first()
    url = reverse("admin:registry_producer_change", args=[producer.pk])
    response = client.post(url, admin_post_data(client.get(url), phone="987000111"))
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    producer.refresh_from_db()
    assert producer.phone == "987000111"
    entry = AuditEntry.objects.filter(model="registry.Producer", object_id=str(producer.pk)).latest(
        "id"
    )
    assert entry.source == "admin"
    assert entry.actor.username == "staff"
    assert entry.changes == {"phone": ["", "987000111"], "updated_at": entry.changes["updated_at"]}


def test_plot_boundary_edit_in_admin_keeps_the_old_geometry(login: Any, demo_db: Any) -> None:
    client = login("staff")
    plot = Plot.objects.filter(boundary__isnull=False, geometry_versions__isnull=False).first()
    old_area = plot.area_ha
    url = reverse("admin:registry_plot_change", args=[plot.pk])
    lon, lat = plot.location.coords
    new = plot_polygon(lon=lon, lat=lat, hectares=7.5, seed=11).transform(3857, clone=True)
    response = client.post(url, admin_post_data(client.get(url), boundary=new.json))
    assert response.status_code == 302
    plot.refresh_from_db()
    assert plot.area_ha == pytest.approx(7.5, rel=0.01)
    versions = list(plot.geometry_versions.order_by("version"))
    assert len(versions) == 2
    assert versions[0].area_ha == pytest.approx(old_area)
    assert versions[1].mapped_by.username == "staff"


def test_inline_planting_added_in_admin_is_audited(login: Any, demo_db: Any) -> None:
    client = login("staff")
    plot = Plot.objects.filter(plantings__isnull=False).first()
    url = reverse("admin:registry_plot_change", args=[plot.pk])
    data = admin_post_data(client.get(url))
    n = int(data["plantings-TOTAL_FORMS"])
    data.update(
        {
            "plantings-TOTAL_FORMS": str(n + 1),
            f"plantings-{n}-cacao_installed_ha": "0.75",
            f"plantings-{n}-installed_on": "2016-02-01",
            f"plantings-{n}-temporary_shade_ha": "0.5",
            f"plantings-{n}-forestry_ha": "0",
            f"plantings-{n}-plot": str(plot.pk),
        }
    )
    assert client.post(url, data).status_code == 302
    assert plot.plantings.count() == n + 1
    entry = AuditEntry.objects.filter(model="registry.Planting").latest("id")
    assert entry.source == "admin"
    assert entry.changes["cacao_installed_ha"] == "0.75"


def test_agent_cannot_open_a_producer_outside_her_list(login: Any, demo_db: Any) -> None:
    other = Producer.objects.exclude(agents__username="agent-sm-01").first()
    response = login("agent-sm-01").get(reverse("admin:registry_producer_change", args=[other.pk]))
    assert response.status_code == 302  # "does not exist": sent back to the admin index
    assert other.surnames not in response.content.decode()


def test_plot_map_widget_is_served_locally(login: Any, demo_db: Any) -> None:
    plot = Plot.objects.filter(boundary__isnull=False).first()
    html = (
        login("staff").get(reverse("admin:registry_plot_change", args=[plot.pk])).content.decode()
    )
    assert "/static/vendor/ol/dist/ol.js" in html
    assert "dj_map" in html
    outside = {u for u in re.findall(r"https?://[^\"' )]+", html) if "w3.org" not in u}
    assert outside == set()
