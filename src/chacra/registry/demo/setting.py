"""The demo's fixed setting: places, organisations and user logins."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.gis.geos import Point

from chacra.accounts.models import Role
from chacra.accounts.services import user_set_role
from chacra.registry.demo.places import (
    COMUNIDAD_NAMES,
    DEPARTAMENTOS,
    DISTRITOS,
    OFFICES,
    PROVINCIAS,
)
from chacra.registry.models import (
    Comunidad,
    Departamento,
    Distrito,
    Organisation,
    OrganisationKind,
    Provincia,
)

DEMO_PASSWORD = "chacra-demo"  # noqa: S105 - printed for the demo; production refuses demo settings
M_PER_DEG = 111_000.0


def places_load() -> dict[str, Distrito]:
    deps = {
        code: Departamento.objects.get_or_create(ubigeo=code, defaults={"name": name})[0]
        for code, name in DEPARTAMENTOS.items()
    }
    provs = {
        code: Provincia.objects.get_or_create(
            ubigeo=code, defaults={"name": name, "departamento": deps[code[:2]]}
        )[0]
        for code, name in PROVINCIAS.items()
    }
    return {
        row.ubigeo: Distrito.objects.get_or_create(
            ubigeo=row.ubigeo,
            defaults={
                "name": row.name,
                "provincia": provs[row.ubigeo[:4]],
                "capital": row.capital,
                "capital_location": Point(row.lon, row.lat, srid=4326),
            },
        )[0]
        for row in DISTRITOS
    }


def comunidades_create(
    distritos: dict[str, Distrito], per_distrito: dict[str, int], rng: np.random.Generator
) -> list[Comunidad]:
    """Villages scattered 2-20 km around each district capital."""
    rows = []
    for row in DISTRITOS:
        k = per_distrito[row.ubigeo]
        names = rng.permutation(COMUNIDAD_NAMES)
        dist = rng.uniform(2_000, 20_000, k)
        bearing = rng.uniform(0, 2 * np.pi, k)
        for i in range(k):
            name = str(names[i % len(names)]) + (
                "" if i < len(names) else f" {i // len(names) + 1}"
            )
            if row.ubigeo == "220502" and i == 0:
                name = "San Juan de Pacayzapa"  # the record shown in the programme's report
            lat = row.lat + dist[i] * np.sin(bearing[i]) / M_PER_DEG
            lon = row.lon + dist[i] * np.cos(bearing[i]) / (M_PER_DEG * np.cos(np.radians(row.lat)))
            rows.append(
                Comunidad(
                    name=name, distrito=distritos[row.ubigeo], location=Point(lon, lat, srid=4326)
                )
            )
    return Comunidad.objects.bulk_create(rows)


def organisations_create() -> dict[str, list[Organisation]]:
    deps = {d.ubigeo: d for d in Departamento.objects.all()}
    made: dict[str, list[Organisation]] = {}

    def add(
        name: str, kind: OrganisationKind, region: str | None, lat: float | None, lon: float | None
    ) -> None:
        org, _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "departamento": deps.get(region) if region else None,
                "location": Point(lon, lat, srid=4326) if lat is not None else None,
            },
        )
        made.setdefault(kind.value, []).append(org)

    for name, region, lat, lon in OFFICES:
        add(name, OrganisationKind.PROGRAMME_OFFICE, region, lat, lon)
    for row in DISTRITOS[::3]:
        region = row.ubigeo[:2]
        add(
            f"Cooperativa Agraria Demo {row.capital}",
            OrganisationKind.COOPERATIVE,
            region,
            row.lat,
            row.lon,
        )
    add(
        "Asociación de Productores Demo Aguaytía",
        OrganisationKind.ASSOCIATION,
        "25",
        -9.038,
        -75.509,
    )
    add("Exportadora Demo Cacao Fino S.A.C.", OrganisationKind.BUYER, None, -12.05, -77.10)
    add("Comercializadora Demo Amazonía S.A.", OrganisationKind.BUYER, "22", -6.49, -76.37)
    add("Planta Demo Cacao Curimaná", OrganisationKind.PROCESSOR, "25", -8.44, -75.15)
    add("Municipalidad Distrital Demo Aucayacu", OrganisationKind.MUNICIPALITY, "10", -8.93, -76.11)
    for code, name in DEPARTAMENTOS.items():
        add(f"Gobierno Regional {name}", OrganisationKind.REGIONAL_GOVERNMENT, code, None, None)
    add("Caja Municipal Demo", OrganisationKind.FINANCIAL, "22", -6.49, -76.36)
    return made


def users_create(agents_per_region: dict[str, int]) -> dict[str, list[Any]]:
    """Demo logins, all with DEMO_PASSWORD: one per role, one regional office per region, agents."""
    User = get_user_model()
    deps = {d.ubigeo: d for d in Departamento.objects.all()}
    users: dict[str, list[Any]] = {}
    # One hash for all: PBKDF2 takes ~0.4 s per call by design, which would dominate the demo.
    password_hash = make_password(DEMO_PASSWORD)

    def add(username: str, role: Role, region: str | None = None) -> None:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.password = password_hash
            user.is_superuser = role == Role.ADMIN
            user.save()
        user_set_role(actor=None, user=user, role=role, region=deps.get(region) if region else None)
        users.setdefault(role.value, []).append(user)

    add("admin", Role.ADMIN)
    add("staff", Role.STAFF)
    add("investor", Role.INVESTOR)
    add("buyer", Role.BUYER)
    slug = {"10": "hco", "22": "sm", "25": "uca"}
    for code in DEPARTAMENTOS:
        add(f"regional-{slug[code]}", Role.REGIONAL, code)
        for i in range(agents_per_region[code]):
            add(f"agent-{slug[code]}-{i + 1:02d}", Role.AGENT, code)
    return users
