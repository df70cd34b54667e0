"""Schemathesis against chacra's own OpenAPI schema (issue 10), on the small demo programme.

Every operation of ``/api/schema/`` is called with generated parameters and bodies, as an
anonymous visitor and as the demo's staff user (token authentication, so that writes are not
refused for want of a CSRF token): no answer may be a server error, and every answer whose status
the schema documents must match that status's schema. Examples are few and derandomised, so the
run is short and the same on every machine; each test rolls its writes back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from chacra.config.wsgi import application

CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES = settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api(demo_db: Any) -> Iterator[None]:
    """The demo database, kept open across requests as Django's test client keeps it: called
    straight through WSGI, Django would close the test's connection (and with it the test's
    transaction) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Read through the WSGI application like any client; making the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@schema.parametrize()
@EXAMPLES
def test_api_as_anonymous(case: Any, api: None) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@EXAMPLES
def test_api_as_staff(case: Any, api: None) -> None:
    staff = get_user_model().objects.get(username="staff")
    token, _ = Token.objects.get_or_create(user=staff)
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Token {token.key}"})
