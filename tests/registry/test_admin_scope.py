"""The admin cannot be used to step outside a role: scoped choices, no self-promotion, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from chacra.accounts.models import AuditEntry, Role
from chacra.registry.models import ExtensionVisit, MappingMethod, Plot, Producer
from tests.factories import ProducerFactory, plot_polygon
from tests.registry.test_admin import admin_post_data

IN_UCAYALI = {"comunidad__distrito__provincia__departamento__ubigeo": "25"}


def test_staff_cannot_make_anyone_superuser(login: Any, demo_db: Any) -> None:
    client = login("staff")
    target = get_user_model().objects.get(username="staff")
    url = reverse("admin:auth_user_change", args=[target.pk])
    assert client.get(url).status_code == 200  # may look the user up ...
    response = client.post(url, {"username": "staff", "is_superuser": "on", "is_staff": "on"})
    assert response.status_code == 403  # ... but not change it
    target.refresh_from_db()
    assert not target.is_superuser
    admin_user = get_user_model().objects.get(username="admin")
    password_url = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    assert (
        client.post(
            password_url, {"password1": "x-Y-z-123456", "password2": "x-Y-z-123456"}
        ).status_code
        == 403
    )


def test_role_set_in_the_user_admin_is_audited_and_opens_the_admin(
    login: Any, demo_db: Any
) -> None:
    client = login("admin")
    user = get_user_model().objects.get(username="buyer")
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = admin_post_data(client.get(url))
    data["profile-0-role"] = Role.STAFF.value
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    user.refresh_from_db()
    assert user.profile.role == Role.STAFF
    assert user.is_staff  # kept in step by user_set_role
    entry = AuditEntry.objects.filter(model="accounts.Profile").latest("id")
    assert entry.changes["role"] == ["buyer", "staff"]
    assert entry.actor.username == "admin"


def test_agent_cannot_add_a_visit_for_a_producer_outside_her_list(login: Any, demo_db: Any) -> None:
    client = login("agent-sm-01")
    agent = get_user_model().objects.get(username="agent-sm-01")
    far = Producer.objects.filter(**IN_UCAYALI).first()
    before = ExtensionVisit.objects.count()
    response = client.post(
        reverse("admin:registry_extensionvisit_add"),
        {
            "date": "2016-03-04",
            "agent": agent.pk,
            "producer": far.pk,
            "activities": "[]",
            "notes": "",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert "producer" in response.context["adminform"].form.errors
    assert ExtensionVisit.objects.count() == before


def test_regional_office_cannot_give_a_plot_to_another_regions_producer(
    login: Any, demo_db: Any
) -> None:
    client = login("regional-sm")
    plot = Plot.objects.filter(
        producer__comunidad__distrito__provincia__departamento__ubigeo="22"
    ).first()
    far = Producer.objects.filter(**IN_UCAYALI).first()
    url = reverse("admin:registry_plot_change", args=[plot.pk])
    response = client.post(url, admin_post_data(client.get(url), producer=str(far.pk)))
    assert response.status_code == 200
    assert "producer" in response.context["adminform"].form.errors
    plot.refresh_from_db()
    assert plot.producer_id != far.pk


def test_agent_choices_are_her_regions_agents_and_agents_cannot_reassign(
    login: Any, demo_db: Any
) -> None:
    producer = Producer.objects.filter(agents__username="agent-sm-01").first()
    url = reverse("admin:registry_producer_change", args=[producer.pk])
    form = login("regional-sm").get(url).context["adminform"].form
    names = set(form.fields["agents"].queryset.values_list("username", flat=True))
    assert names
    assert all(n.startswith("agent-sm-") for n in names)
    agent_form = login("agent-sm-01").get(url).context["adminform"].form
    assert "agents" not in agent_form.fields  # read-only for agents


def test_plot_redrawn_in_admin_is_dated_today_and_marked_drawn(login: Any, demo_db: Any) -> None:
    client = login("staff")
    plot = Plot.objects.filter(boundary__isnull=False, mapped_on__lt=dt.date(2020, 1, 1)).first()
    url = reverse("admin:registry_plot_change", args=[plot.pk])
    lon, lat = plot.location.coords
    new = plot_polygon(lon=lon, lat=lat, hectares=2.0, seed=4).transform(3857, clone=True)
    assert client.post(url, admin_post_data(client.get(url), boundary=new.json)).status_code == 302
    latest = plot.geometry_versions.order_by("-version").first()
    assert latest.mapped_on == timezone.localdate()
    assert latest.mapping_method == MappingMethod.DRAWN
    assert latest.mapped_by.username == "staff"


def test_deleting_a_producer_records_what_went_with_it(login: Any, demo_db: Any) -> None:
    producer = ProducerFactory()
    agent = get_user_model().objects.get(username="agent-sm-01")
    for day in (2, 9):
        ExtensionVisit.objects.create(producer=producer, agent=agent, date=dt.date(2016, 3, day))
    response = login("staff").post(
        reverse("admin:registry_producer_delete", args=[producer.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Producer.objects.filter(pk=producer.pk).exists()
    entry = AuditEntry.objects.filter(model="registry.Producer", action="delete").latest("id")
    assert entry.changes["dni"] == producer.dni
    assert entry.changes["deleted_with_it"]["registry.ExtensionVisit"] == 2
