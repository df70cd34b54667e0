"""Login throttling: after ``CHACRA_LOGIN_FAILURES`` failed logins for one username from one
address within ``CHACRA_LOGIN_LOCK_MINUTES``, that pair is refused until the window has passed.

The key is the username *and* the address, so that a stranger guessing passwords cannot lock a
farmer's extension agent out from everywhere. Every lockout is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from chacra.accounts.models import AuditAction, LoginFailure
from chacra.accounts.services import audit_record


def _limits() -> tuple[int, dt.timedelta]:
    return settings.CHACRA_LOGIN_FAILURES, dt.timedelta(minutes=settings.CHACRA_LOGIN_LOCK_MINUTES)


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address as the server saw it (a proxy in front must pass REMOTE_ADDR on)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _failures(username: str, ip: str | None) -> Any:
    _, window = _limits()
    return LoginFailure.objects.filter(
        username=username.lower(), ip=ip, at__gte=timezone.now() - window
    )


def login_locked_until(*, username: str, ip: str | None) -> dt.datetime | None:
    """When the lock on this username and address ends, or None when it is not locked."""
    limit, window = _limits()
    recent = list(_failures(username, ip).order_by("-at").values_list("at", flat=True)[:limit])
    if len(recent) < limit:
        return None
    return recent[-1] + window


def login_failure_record(*, username: str, ip: str | None) -> None:
    """Count one failed login; the one that reaches the limit writes a lockout audit entry."""
    LoginFailure.objects.create(username=username.lower(), ip=ip)
    limit, window = _limits()
    if _failures(username, ip).count() == limit:
        audit_record(
            actor=None,
            action=AuditAction.LOCKOUT,
            model="auth.User",
            summary=f"{username[:60]} from {ip or '?'}: {limit} failed logins",
            changes={"username": username, "ip": ip, "minutes": window.total_seconds() // 60},
            source="login",
        )


def login_success_record(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.filter(username=username.lower(), ip=ip).delete()


class ThrottledModelBackend(ModelBackend):
    """Django's password check, refused while the username and address are locked out."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None:
            return None
        ip = client_ip(request)
        if login_locked_until(username=username, ip=ip) is not None:
            raise PermissionDenied  # authenticate() stops here: no other backend is tried
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failure_record(username=username, ip=ip)
        else:
            login_success_record(username=username, ip=ip)
        return user


def locked_message(until: dt.datetime) -> str:
    return _(
        "Too many failed logins for this username from your address. "
        "Try again after %(time)s, or ask an administrator to reset your password."
    ) % {"time": formats.time_format(timezone.localtime(until), "H:i")}


class ThrottledFormMixin:
    """Say that the account is locked, and until when, rather than 'wrong password'."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]
    locked_message: str = ""

    def get_invalid_login_error(self) -> forms.ValidationError:
        username = self.cleaned_data.get("username") or ""
        until = login_locked_until(username=username, ip=client_ip(self.request))
        if until is not None:
            self.locked_message = locked_message(until)
            return forms.ValidationError(self.locked_message, code="locked")
        return super().get_invalid_login_error()  # type: ignore[misc]


class ThrottledAuthenticationForm(ThrottledFormMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledFormMixin, AdminAuthenticationForm):
    pass
