"""``/health/``: open to anyone, says whether the database answers and is migrated, nothing more."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_health_is_ok_on_a_migrated_database() -> None:
    response = Client().get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "migrations": True}}


@pytest.mark.django_db
def test_health_fails_when_a_migration_is_not_applied(monkeypatch: Any) -> None:
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = Client().get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "migrations": False}


@pytest.mark.django_db
def test_health_takes_no_writes() -> None:
    assert Client().post(reverse("health")).status_code == 405
    assert connection.vendor in {"sqlite", "postgresql"}
