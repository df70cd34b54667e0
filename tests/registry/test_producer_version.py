"""Two people editing the same producer: the second gets a conflict, not a silent overwrite."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chacra.errors import Conflict
from chacra.registry import services
from chacra.registry.models import Producer


@pytest.fixture
def producer(demo_db: Any) -> Producer:
    found = Producer.objects.filter(agents__username="agent-sm-01").first()
    assert found is not None
    return found


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


def test_the_second_of_two_edits_of_the_same_version_is_refused(producer: Producer) -> None:
    first, second = Producer.objects.get(pk=producer.pk), Producer.objects.get(pk=producer.pk)
    services.producer_update(actor=_user("staff"), producer=first, phone="911111111")
    with pytest.raises(Conflict, match=r"changed by staff at \d{4}-\d\d-\d\d \d\d:\d\d"):
        services.producer_update(actor=_user("regional-sm"), producer=second, household_size=7)
    stored = Producer.objects.get(pk=producer.pk)
    assert (stored.phone, stored.version) == ("911111111", producer.version + 1)
    assert stored.household_size == producer.household_size


def test_an_edit_made_on_the_latest_version_goes_through(producer: Producer) -> None:
    services.producer_update(actor=_user("staff"), producer=producer, phone="911111111")
    services.producer_update(
        actor=_user("staff"), producer=producer, version=producer.version, phone="922222222"
    )
    assert Producer.objects.get(pk=producer.pk).phone == "922222222"


def test_a_stale_version_given_explicitly_is_refused(producer: Producer) -> None:
    read = producer.version
    services.producer_update(actor=None, producer=producer, phone="911111111")
    with pytest.raises(Conflict, match=f"you had version {read}"):
        services.producer_update(actor=None, producer=producer, version=read, phone="933333333")


def test_two_api_clients_patching_the_same_version(login: Any, producer: Producer) -> None:
    staff, regional = login("staff"), login("regional-sm")
    url = reverse("api:producer-detail", args=[producer.pk])
    seen = staff.get(url).json()["version"]
    assert regional.get(url).json()["version"] == seen
    first = staff.patch(
        url, {"version": seen, "phone": "944444444"}, content_type="application/json"
    )
    assert first.status_code == 200, first.content
    assert first.json()["version"] == seen + 1
    second = regional.patch(
        url, {"version": seen, "phone": "955555555"}, content_type="application/json"
    )
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"
    assert "staff" in second.json()["detail"]
    assert Producer.objects.get(pk=producer.pk).phone == "944444444"


def test_a_patch_without_a_version_is_refused(login: Any, producer: Producer) -> None:
    url = reverse("api:producer-detail", args=[producer.pk])
    response = login("staff").patch(url, {"phone": "1"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "version"


def test_investors_cannot_patch_producers(login: Any, producer: Producer) -> None:
    url = reverse("api:producer-detail", args=[producer.pk])
    response = login("investor").patch(
        url, {"version": 1, "phone": "1"}, content_type="application/json"
    )
    assert response.status_code == 403
