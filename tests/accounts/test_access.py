"""Walk every URL as every role and as an anonymous visitor: what each may open, and what leaks.

EXPECTED must name every route chacra has (outside the admin, tested below): a new route without
an expectation here fails ``test_every_route_has_an_expectation``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chacra.compliance.models import CheckRun
from chacra.intake.models import ImportJob, ImportStatus
from chacra.registry.models import ExtensionVisit, Plot, Producer
from tests.nurseries.access import access_objects as nursery_objects
from tests.supply.scenario import access_objects

ROLES = ["anonymous", "admin", "staff", "regional-sm", "agent-sm-01", "investor", "buyer"]
USERNAME = {r: (None if r == "anonymous" else r) for r in ROLES}
PERSONAL = {"admin", "staff", "regional-sm", "agent-sm-01"}


def _by_role(anonymous: int, personal: int, aggregate: int) -> dict[str, int]:
    return {
        r: anonymous if r == "anonymous" else personal if r in PERSONAL else aggregate
        for r in ROLES
    }


OPEN = dict.fromkeys(ROLES, 200)
PAGE_AGGREGATE = _by_role(302, 200, 200)
PAGE_PERSONAL = _by_role(302, 200, 403)
API_AGGREGATE = _by_role(403, 200, 200)
API_PERSONAL = _by_role(403, 200, 403)
# Pages that write supply data: staff, admin and regional offices (agents see, but do not write).
SUPPLY_WRITE = _by_role(302, 200, 403) | {"agent-sm-01": 403}

# url name -> (kwargs key, expected status by role)
EXPECTED: dict[str, tuple[str | None, dict[str, int]]] = {
    "home": (None, PAGE_AGGREGATE),
    "producer-list": (None, PAGE_PERSONAL),
    "producer-detail": ("mine", PAGE_PERSONAL),
    "plot-detail": ("my_plot", PAGE_PERSONAL),
    "login": (None, OPEN),
    "health": (None, OPEN),  # database and migrations, yes or no: nothing personal
    "logout": (None, dict.fromkeys(ROLES, 405)),  # logging out takes a POST
    "set_language": (None, dict.fromkeys(ROLES, 302)),
    "intake": (None, PAGE_PERSONAL),
    "intake-template": (None, PAGE_PERSONAL),
    # The agent's own import: programme-wide roles see every import, others only their own.
    "intake-job": ("agent_job", _by_role(302, 200, 403) | {"regional-sm": 404}),
    "intake-job-progress": ("agent_job", _by_role(302, 200, 403) | {"regional-sm": 404}),
    "intake-job-errors": ("agent_job", _by_role(302, 200, 403) | {"regional-sm": 404}),
    "intake-job-confirm": ("agent_job", _by_role(302, 405, 405)),  # a POST only
    "api-stats": (None, API_AGGREGATE),
    "api-schema": (None, OPEN),
    "api:api-root": (None, API_AGGREGATE),
    "api:producer-list": (None, API_PERSONAL),
    "api:producer-detail": ("mine", API_PERSONAL),
    "api:plot-list": (None, API_PERSONAL),
    "api:plot-detail": ("my_plot", API_PERSONAL),
    "api:visit-list": (None, API_PERSONAL),
    "api:visit-detail": ("my_visit", API_PERSONAL),
    "api:departamento-list": (None, API_AGGREGATE),
    "api:departamento-detail": ("departamento", API_AGGREGATE),
    "api:provincia-list": (None, API_AGGREGATE),
    "api:provincia-detail": ("provincia", API_AGGREGATE),
    "api:distrito-list": (None, API_AGGREGATE),
    "api:distrito-detail": ("distrito", API_AGGREGATE),
    "api:comunidad-list": (None, API_AGGREGATE),
    "api:comunidad-detail": ("comunidad", API_AGGREGATE),
    "api:organisation-list": (None, API_AGGREGATE),
    "api:organisation-detail": ("organisation", API_AGGREGATE),
    # The map draws plots, which are personal data tied to a producer; its overlays are not.
    "map": (None, PAGE_PERSONAL),
    "map-tile": ("tile", API_PERSONAL),
    "map-plots-geojson": (None, API_PERSONAL),
    "map-plot-at": (None, _by_role(403, 400, 403)),  # 400: no lon/lat given
    "map-overlay": ("overlay", _by_role(403, 200, 200)),
    # The investor workspace: aggregates for investors and programme-wide staff only.
    "insights": (None, _by_role(302, 403, 403) | {"admin": 200, "staff": 200, "investor": 200}),
    "insights-hexagons-geojson": (
        None,
        _by_role(403, 403, 403) | {"admin": 200, "staff": 200, "investor": 200},
    ),
    "insights-hexagons-png": (
        None,
        _by_role(403, 403, 403) | {"admin": 200, "staff": 200, "investor": 200},
    ),
    "insights-siting": (
        None,
        _by_role(403, 403, 403) | {"admin": 400, "staff": 400, "investor": 400},
    ),
    # Supply: staff roles see lots and shipments (names only for their producers); a buyer only
    # its own shipments (the demo's buyer has none); investors none; origin pages are public.
    "supply": (None, _by_role(302, 200, 403) | {"buyer": 200}),
    "supply-purchase-new": (None, SUPPLY_WRITE),
    "supply-lot-new": (None, SUPPLY_WRITE),
    "supply-lot-step": ("supply_lot", SUPPLY_WRITE),
    "supply-lot-transfer": ("supply_lot", SUPPLY_WRITE),
    "supply-shipment-new": (None, SUPPLY_WRITE),
    "supply-purchase-saved": ("supply_purchase", PAGE_PERSONAL),
    "supply-lot": ("supply_lot", _by_role(302, 200, 403) | {"buyer": 404}),
    "supply-shipment": ("supply_shipment", _by_role(302, 200, 403) | {"buyer": 404}),
    "supply-shipment-eudr": ("supply_shipment", _by_role(302, 405, 405)),  # a POST only
    "supply-flags": (None, PAGE_PERSONAL),
    "supply-statement": ("mine", PAGE_PERSONAL),
    "supply-statement-pdf": ("mine", PAGE_PERSONAL),
    "origin-lot": ("lot_origin", OPEN),
    "origin-shipment": ("shipment_origin", OPEN),
    "origin-qr": ("lot_qr", OPEN),
    "api-supply-flags": (None, API_PERSONAL),
    "api-supply-plot-forward": ("my_plot", API_PERSONAL),
    "api-supply-producer-forward": ("mine", API_PERSONAL),
    "api:supply-lot-list": (None, _by_role(403, 200, 403) | {"buyer": 200}),
    "api:supply-lot-detail": ("supply_lot", _by_role(403, 200, 403) | {"buyer": 404}),
    "api:supply-lot-trace": ("supply_lot", _by_role(403, 200, 403) | {"buyer": 404}),
    "api:supply-lot-forward": ("supply_lot", _by_role(403, 200, 403) | {"buyer": 404}),
    "api:supply-lot-process": (None, _by_role(403, 405, 405)),  # a POST only
    "api:supply-lot-transfer": ("supply_lot", _by_role(403, 405, 405)),  # a POST only
    "api:supply-shipment-list": (None, _by_role(403, 200, 403) | {"buyer": 200}),
    "api:supply-shipment-detail": ("supply_shipment", _by_role(403, 200, 403) | {"buyer": 404}),
    "api:supply-shipment-trace": ("supply_shipment", _by_role(403, 200, 403) | {"buyer": 404}),
    "api:supply-shipment-eudr": ("supply_shipment", _by_role(403, 405, 405)),  # a POST only
    "api:supply-purchase-list": (None, API_PERSONAL),
    "api:supply-purchase-detail": ("supply_purchase", API_PERSONAL),
    # Nurseries, batches, the plantain ledger's totals and demand hold no personal data;
    # distributions, mother plants and lineage name producers' plots.
    "nurseries": (None, PAGE_AGGREGATE),
    "nursery-detail": ("nursery", PAGE_AGGREGATE),
    "nursery-batch": ("nursery_batch", PAGE_AGGREGATE),
    "nursery-distributions": (None, PAGE_PERSONAL),
    "nursery-plantain": (None, PAGE_AGGREGATE),
    "nursery-clones": (None, PAGE_AGGREGATE),
    "nursery-demand": (None, PAGE_AGGREGATE),
    "nursery-sources": (None, PAGE_PERSONAL),
    "nursery-source": ("my_source", PAGE_PERSONAL),
    "nursery-plot-lineage": ("my_plot", PAGE_PERSONAL),
    # Forms that record material: the roles that write producers' records (a POST writes).
    "nursery-new": (None, PAGE_PERSONAL),
    "nursery-batch-new": (None, PAGE_PERSONAL),
    "nursery-distribution-new": (None, PAGE_PERSONAL),
    "nursery-plantain-return-new": ("my_distribution", PAGE_PERSONAL),
    "api:nursery-list": (None, API_AGGREGATE),
    "api:nursery-detail": ("nursery", API_AGGREGATE),
    "api:batch-list": (None, API_AGGREGATE),
    "api:batch-detail": ("nursery_batch", API_AGGREGATE),
    "api:distribution-list": (None, API_PERSONAL),
    "api:distribution-detail": ("my_distribution", API_PERSONAL),
    "api:distribution-returns": ("my_distribution", _by_role(403, 405, 405)),  # a POST only
    "api:material-source-list": (None, API_PERSONAL),
    "api:material-source-detail": ("my_source", API_PERSONAL),
    "api:material-source-lineage": ("my_source", API_PERSONAL),
    "api:plantain-ledger-list": (None, API_AGGREGATE),
    "api:nursery-demand-list": (None, API_AGGREGATE),
    "api:plot-lineage-detail": ("my_plot", API_PERSONAL),
    "api:clone-catalogue-list": (None, API_AGGREGATE),
    "api:agroforestry-model-list": (None, API_AGGREGATE),
    "compliance": (None, PAGE_PERSONAL),
    "compliance-run-start": (None, _by_role(302, 405, 405)),  # a POST only
    # Staff's run: the programme sees every run, others only their own.
    "compliance-run": (
        "check_run",
        _by_role(302, 200, 403) | {"regional-sm": 404, "agent-sm-01": 404},
    ),
    "compliance-export": (None, PAGE_PERSONAL),
    # Monitoring: indicators and co-investment are aggregates for every role; loans name producers.
    "monitoring": (None, PAGE_AGGREGATE),
    "monitoring-indicators-xlsx": (None, PAGE_AGGREGATE),
    "monitoring-indicators-pdf": (None, PAGE_AGGREGATE),
    "monitoring-coinvestment": (None, PAGE_AGGREGATE),
    "monitoring-finance": (None, PAGE_PERSONAL),
    "api-monitoring-indicators": (None, API_AGGREGATE),
    "monitoring-indicator": ("indicator", PAGE_AGGREGATE),
    # Evidence documents: staff roles (none is asked for here: 404); record pages by who writes.
    "monitoring-document": (None, _by_role(302, 404, 403)),
    **{
        f"monitoring-record-{kind}": (None, _by_role(302, 403, 403) | {"admin": 200, "staff": 200})
        for kind in ("indicator", "target", "rate", "partner", "unit-value")
    },
    **{
        f"monitoring-record-{kind}": (
            None,
            _by_role(302, 403, 403) | {"admin": 200, "staff": 200, "regional-sm": 200},
        )
        for kind in ("value", "contribution", "loan", "loan-status")
    },
    # No such export: each user's files live in their own folder.
    "compliance-export-file": ("export_file", _by_role(302, 404, 404)),
    # Everything held about one producer (Ley 29733): programme staff only.
    "privacy-producer-export": (
        "mine",
        _by_role(302, 200, 403) | {"regional-sm": 403, "agent-sm-01": 403},
    ),
    "compliance-run-progress": (
        "check_run",
        _by_role(302, 200, 403) | {"regional-sm": 404, "agent-sm-01": 404},
    ),
}

# Records outside San Martín: the SM regional office and SM agent must not reach them.
OUT_OF_SCOPE = {
    "producer-detail": "far",
    "plot-detail": "far_plot",
    "api:producer-detail": "far",
    "api:plot-detail": "far_plot",
    "api:visit-detail": "far_visit",
    "nursery-plot-lineage": "far_plot",
    "api:plot-lineage-detail": "far_plot",
}


def _route_names(patterns: list[Any], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                continue
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names |= _route_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(prefix + p.name)
    return names


@pytest.fixture
def objects(demo_db: Any) -> dict[str, Any]:
    agent_producers = Producer.objects.filter(agents__username="agent-sm-01")
    mine = (
        agent_producers.filter(
            plots__boundary__isnull=False, visits__isnull=False, memberships__isnull=False
        )
        .distinct()
        .first()
    )
    far = Producer.objects.exclude(
        comunidad__distrito__provincia__departamento__ubigeo="22"
    ).first()
    assert mine is not None
    assert far is not None
    my_plot = Plot.objects.filter(producer=mine).first()
    far_plot = Plot.objects.filter(producer=far).first()
    place = mine.comunidad
    return {
        "mine": mine.pk,
        "far": far.pk,
        "my_plot": my_plot.pk,
        "far_plot": far_plot.pk,
        "my_visit": ExtensionVisit.objects.filter(producer=mine).first().pk,
        "far_visit": ExtensionVisit.objects.filter(producer=far).first().pk,
        "comunidad": place.pk,
        "tile": {"z": 0, "x": 0, "y": 0},
        "export_file": {"export_id": "0" * 32, "name": "eudr.geojson"},
        "check_run": CheckRun.objects.create(
            started_by=get_user_model().objects.get(username="staff")
        ).pk,
        "overlay": {"name": "capitals"},
        "indicator": {"code": "F01"},
        **access_objects(mine),
        **nursery_objects(mine),
        "distrito": place.distrito.pk,
        "provincia": place.distrito.provincia.pk,
        "departamento": place.distrito.provincia.departamento.pk,
        "organisation": mine.memberships.first().organisation.pk,
        "agent_job": ImportJob.objects.create(
            file_name="padron.csv", sha256="0" * 64, size=10, format="csv",
            status=ImportStatus.REJECTED,
            actor=get_user_model().objects.get(username="agent-sm-01"),
            errors=[{"where": "padron.csv, row 2", "field": "dni", "value": "1", "message": "x"}],
        ).pk,
    }  # fmt: skip


def _url(name: str, key: str | None, objects: dict[str, Any]) -> str:
    if key is None:
        return reverse(name)
    value = objects[key]
    return reverse(name, kwargs=value if isinstance(value, dict) else {"pk": value})


def _personal_strings() -> tuple[set[str], set[str]]:
    dnis = set(Producer.objects.exclude(dni=None).values_list("dni", flat=True))
    names = {f"{s} {g}" for s, g in Producer.objects.values_list("surnames", "given_names")}
    return dnis, names


def test_every_route_has_an_expectation() -> None:
    assert _route_names(get_resolver().url_patterns) == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
def test_walk_every_route(role: str, login: Any, objects: dict[str, Any]) -> None:
    client = login(USERNAME[role])
    dnis, names = _personal_strings()
    for name, (key, expected) in EXPECTED.items():
        response = client.get(_url(name, key, objects))
        assert response.status_code == expected[role], f"{role} GET {name}"
        if role not in PERSONAL:
            body = response.content.decode(errors="replace")  # downloads are binary
            leaked_dni = dnis & set(re.findall(r"(?<!\d)\d{8}(?!\d)", body))
            assert not leaked_dni, f"{role} saw a DNI on {name}"
            assert not [n for n in names if n in body], f"{role} saw a producer's name on {name}"


@pytest.mark.parametrize(
    ("role", "status"), [("regional-sm", 404), ("agent-sm-01", 404), ("staff", 200)]
)
def test_records_outside_the_scope_are_not_found(
    role: str, status: int, login: Any, objects: dict[str, Any]
) -> None:
    client = login(role)
    for name, key in OUT_OF_SCOPE.items():
        assert client.get(_url(name, key, objects)).status_code == status, f"{role} GET {name}"


def test_agent_sees_exactly_her_producers_in_pages_and_api(login: Any) -> None:
    client = login("agent-sm-01")
    assigned = set(
        Producer.objects.filter(agents__username="agent-sm-01").values_list("code", flat=True)
    )
    assert 0 < len(assigned) < Producer.objects.count()
    seen: set[str] = set()
    url: str | None = reverse("api:producer-list")
    while url:
        page = client.get(url).json()
        seen |= {row["code"] for row in page["results"]}
        url = page["next"]
    assert seen == assigned
    listed = client.get(reverse("producer-list"))
    assert listed.context["page"].paginator.count == len(assigned)


def test_regional_office_sees_the_plots_of_its_regions_producers(login: Any) -> None:
    in_sm = "producer__comunidad__distrito__provincia__departamento__ubigeo"
    # a San Martín producer's plot that lies across the border, in Ucayali
    across = Plot.objects.filter(**{in_sm: "22"}).first()
    across.comunidad = (
        Plot.objects.filter(comunidad__distrito__ubigeo__startswith="25").first().comunidad
    )
    across.save()
    client = login("regional-sm")
    seen: set[int] = set()
    url: str | None = reverse("api:plot-list")
    while url:
        page = client.get(url).json()
        seen |= {f["id"] for f in page["features"]}
        url = page["next"]
    assert seen == set(Plot.objects.filter(**{in_sm: "22"}).values_list("pk", flat=True))
    assert across.pk in seen


def test_investor_gets_aggregates_not_people(login: Any) -> None:
    client = login("investor")
    stats = client.get(reverse("api-stats")).json()
    assert stats["programme"]["producers"] == Producer.objects.count()
    assert {r["region"] for r in stats["by_region"]} == {"Huánuco", "San Martín", "Ucayali"}
    body = client.get(reverse("api:plot-list")).json()
    assert body["code"] == "access_denied"


# --- the admin: every registered model's list and add pages, as every role ----------------------

ADMIN_PROGRAMME_ONLY = {"auth.user", "accounts.auditentry", "privacy.personaldataaccess"}
# Django's own admins (groups, API tokens) go by Django permissions: superusers only.
ADMIN_SUPERUSER_ONLY = {"auth.group", "authtoken.tokenproxy"}
ADMIN_READ_ONLY = {"intake.importjob", "intake.submission"}  # history: written by imports only
# The supply ledger: its kilos are written by the supply services only.
ADMIN_READ_ONLY |= {f"supply.{m}" for m in ("purchase", "lot", "processingstep", "shipment",
                                            "custodytransfer", "allocation")}  # fmt: skip
ADMIN_PROGRAMME_EDIT = {"supply.buyeraccess"}  # which organisation a buyer login speaks for
PERSONAL_MODELS = {"registry.producer", "registry.plot", "registry.extensionvisit"}


def _admin_status(role: str, label: str, action: str) -> int:
    if role in ("anonymous", "investor", "buyer"):
        return 302  # sent to the admin login: not staff
    if label in ADMIN_PROGRAMME_ONLY and label != "auth.user" and action == "add":
        return 403  # the audit and access logs are written by chacra only
    if label in ADMIN_PROGRAMME_EDIT:
        return 200 if role in ("admin", "staff") else 403
    if label in ADMIN_READ_ONLY:
        return 200 if role in ("admin", "staff") and action == "changelist" else 403
    if label in ADMIN_SUPERUSER_ONLY:
        return 200 if role == "admin" else 403
    if label == "auth.user" and action == "add":
        return 200 if role == "admin" else 403  # staff may look users up, not create them
    if role in ("admin", "staff"):
        return 200
    if label in ADMIN_PROGRAMME_ONLY:
        return 403
    # Regional offices and agents: read reference data, add producers, plots and visits.
    return 200 if action == "changelist" or label in PERSONAL_MODELS else 403


@pytest.mark.parametrize("role", ROLES)
def test_walk_the_admin(role: str, login: Any) -> None:
    client = login(USERNAME[role])
    assert client.get(reverse("admin:index")).status_code == (
        302 if role in ("anonymous", "investor", "buyer") else 200
    )
    for model in admin.site._registry:
        label = model._meta.label_lower
        for action in ("changelist", "add"):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}")
            assert client.get(url).status_code == _admin_status(role, label, action), (
                f"{role} {action} {label}"
            )


def test_admin_lists_are_scoped(login: Any) -> None:
    response = login("agent-sm-01").get(reverse("admin:registry_producer_changelist"))
    assert (
        response.context["cl"].result_count
        == Producer.objects.filter(agents__username="agent-sm-01").count()
    )
