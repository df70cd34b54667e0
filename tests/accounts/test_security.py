"""Login throttling, security headers, and the settings production mode insists on."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chacra.accounts.models import AuditAction, AuditEntry, LoginFailure

PASSWORD = "cacao-de-aroma-2016"


@pytest.fixture
def farmer_agent(django_user_model: Any, settings: Any) -> Any:
    settings.CHACRA_LOGIN_FAILURES = 3
    settings.CHACRA_LOGIN_LOCK_MINUTES = 15
    return django_user_model.objects.create_user("agente-ana", password=PASSWORD)


def _login(client: Client, password: str, url: str = "login", ip: str = "10.0.0.7") -> Any:
    return client.post(
        reverse(url), {"username": "agente-ana", "password": password}, REMOTE_ADDR=ip
    )


def test_a_good_password_logs_in(farmer_agent: Any) -> None:
    response = _login(Client(), PASSWORD)
    assert response.status_code == 302


def test_failed_logins_lock_the_username_and_address_with_a_clear_message(
    farmer_agent: Any,
) -> None:
    client = Client()
    for _ in range(2):
        body = _login(client, "wrong").content.decode()
        assert 'id="login-locked"' not in body
    # the third failure reaches the limit: now even the right password is refused
    _login(client, "wrong")
    response = _login(client, PASSWORD)
    assert response.status_code == 200
    assert 'id="login-locked"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    lockouts = AuditEntry.objects.filter(action=AuditAction.LOCKOUT)
    assert lockouts.count() == 1
    assert lockouts.get().changes["username"] == "agente-ana"


def test_the_lock_holds_for_one_address_only(farmer_agent: Any) -> None:
    for _ in range(3):
        _login(Client(), "wrong", ip="10.0.0.7")
    assert _login(Client(), PASSWORD, ip="10.0.0.99").status_code == 302


def test_the_lock_ends_when_the_window_has_passed(farmer_agent: Any) -> None:
    for _ in range(3):
        _login(Client(), "wrong")
    assert _login(Client(), PASSWORD).status_code == 200
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert _login(Client(), PASSWORD).status_code == 302
    assert not LoginFailure.objects.exists()  # a good login clears the count


def test_the_admin_login_is_throttled_too(farmer_agent: Any) -> None:
    farmer_agent.is_staff = True
    farmer_agent.save()
    for _ in range(3):
        _login(Client(), "wrong", url="admin:login")
    response = _login(Client(), PASSWORD, url="admin:login")
    assert response.status_code == 200
    message = response.context["form"].locked_message
    assert message
    assert message in response.content.decode()


@pytest.mark.django_db
def test_pages_carry_security_headers() -> None:
    response = Client().get(reverse("login"))
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["style-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_basemap_server_may_serve_tiles() -> None:
    from chacra.config.security import content_security_policy

    policy = content_security_policy("https://tiles.example.org/{z}/{x}/{y}.jpg")
    assert "img-src 'self' data: blob: https://tiles.example.org" in policy
    assert "connect-src 'self' https://tiles.example.org" in policy


def _settings_in_production(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({k: getattr(settings, k) for k in ("
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
        "'SECURE_HSTS_SECONDS', 'DEBUG')}))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("CHACRA_", "DJANGO_"))}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "chacra.config.settings",
        "CHACRA_PRODUCTION": "1",
        "CHACRA_DATA_DIR": os.environ.get("CHACRA_DATA_DIR", "var"),
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )


def test_production_mode_refuses_the_demo_secret_key() -> None:
    result = _settings_in_production()
    assert result.returncode != 0
    assert "CHACRA_SECRET_KEY" in result.stderr


def test_production_mode_sets_secure_cookies_and_https() -> None:
    result = _settings_in_production(CHACRA_SECRET_KEY="a-real-secret-" + "x" * 40)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "DEBUG": False,
    }
