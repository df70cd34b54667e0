"""Roles, their scope, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Programme staff")
    REGIONAL = "regional", _("Regional office")
    AGENT = "agent", _("Extension agent")
    INVESTOR = "investor", _("Investor")
    BUYER = "buyer", _("Buyer")


class Profile(models.Model):
    """A user's role in the programme and, for regional offices and agents, their region."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(
        "registry.Departamento",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                name="profile_region_for_regional_roles",
                condition=~models.Q(role__in=["regional", "agent"])
                | models.Q(region__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    BULK_CREATE = "bulk_create", _("created in bulk")
    LOCKOUT = "lockout", _("locked out after failed logins")
    DISCLOSE = "disclose", _("disclosed (personal data export)")
    ANONYMISE = "anonymise", _("anonymised on request")


class AuditEntry(models.Model):
    """Who created, changed or deleted what, when, with the old and new values."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    model = models.CharField(_("record type"), max_length=64, db_index=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True, db_index=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    source = models.CharField(_("through"), max_length=16, default="code")

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.model} {self.object_id}"


class LoginFailure(models.Model):
    """One failed login for a username from an address; enough of them lock that pair out.

    Kept in the database rather than the cache: the default cache lives in one process, and a
    deployment runs several workers that must count the same failures.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    username = models.CharField(_("username"), max_length=150)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [models.Index(fields=["username", "ip", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.ip}"
