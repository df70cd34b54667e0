"""The producer list's search box: names, DNI and comunidad, word by word, within the scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from chacra.registry.models import Producer


def _search(client: Any, q: str) -> set[str]:
    response = client.get(reverse("producer-list"), {"q": q})
    assert response.status_code == 200
    return {p.code for p in response.context["page"].paginator.object_list}


def test_search_finds_a_producer_by_surname_given_name_and_dni(login: Any) -> None:
    target = Producer.objects.exclude(dni=None).order_by("code").first()
    client = login("staff")

    surname = target.surnames.split()[0]
    by_surname = _search(client, surname.lower())
    assert target.code in by_surname
    anywhere = (
        Q(surnames__icontains=surname)
        | Q(given_names__icontains=surname)
        | Q(comunidad__name__icontains=surname)
    )
    assert by_surname == set(Producer.objects.filter(anywhere).values_list("code", flat=True))
    assert _search(client, target.dni) == {target.code}
    assert target.code in _search(client, target.dni[:5])  # the start of a DNI
    assert target.code in _search(client, f"{surname} {target.given_names}")


def test_search_finds_every_producer_of_a_comunidad(login: Any) -> None:
    target = Producer.objects.select_related("comunidad").order_by("code").first()
    place = target.comunidad.name  # e.g. "Santa Rosa": every word must match
    expected = set(
        Producer.objects.filter(comunidad__name__icontains=place).values_list("code", flat=True)
    )

    found = _search(login("staff"), place)

    assert target.code in found
    assert expected <= found
    # narrowed by a surname, only that comunidad's producers of that name remain
    surname = target.surnames.split()[0]
    narrowed = _search(login("staff"), f"{place} {surname}")
    assert target.code in narrowed
    assert narrowed <= found


def test_search_stays_inside_the_agents_producers(login: Any) -> None:
    outsider = Producer.objects.exclude(agents__username="agent-sm-01").exclude(dni=None).first()
    assert _search(login("agent-sm-01"), outsider.dni) == set()
    assert _search(login("staff"), outsider.dni) == {outsider.code}


def test_the_list_names_each_producers_plots(login: Any) -> None:
    response = login("staff").get(reverse("producer-list"))
    producer, plots = response.context["rows"][0]
    assert plots == list(producer.plots.order_by("code"))
    body = response.content.decode()
    for plot in plots:
        assert f'href="{reverse("plot-detail", args=[plot.pk])}"' in body
