"""SIGKILL in the middle of an import, a check run and a trace-heavy write (issue 10).

Each child is frozen right after a given SQL statement, inside its open transaction
(tests.trust.pause), and killed there. Afterwards the database holds nothing half-written, and
running the same command again finishes the job without duplicating anything.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.trust.procs import chacra, facts, kill_when_paused

IMPORT_FACTS = """
from chacra.intake.models import ImportJob
from chacra.registry.models import Plot, PlotGeometryVersion, Producer
ours = Producer.objects.filter(dni__startswith="0999")
print(json.dumps({
    "producers": ours.count(),
    "distinct_dni": ours.values("dni").distinct().count(),
    "plots": Plot.objects.filter(producer__in=ours).count(),
    "versions": PlotGeometryVersion.objects.filter(plot__producer__in=ours).count(),
    "orphan_plots": Plot.objects.filter(producer__isnull=True).count(),
    "jobs": sorted(ImportJob.objects.filter(file_name="padron-grande.geojson")
                   .values_list("status", flat=True)),
}))
"""

CHECK_FACTS = """
from django.db.models import Count
from chacra.accounts.models import AuditEntry
from chacra.compliance.models import CheckRun, PlotCheck
from chacra.registry.models import Plot
runs = list(CheckRun.objects.order_by("pk"))
print(json.dumps({
    "plots": Plot.objects.count(),
    "runs": [{"status": r.status, "total": r.total, "done": r.done,
              "checks": r.checks.count(), "plot_ids": len(set(r.plot_ids))} for r in runs],
    "checks": PlotCheck.objects.count(),
    "audited": AuditEntry.objects.filter(model="compliance.PlotCheck").count(),
    "plots_checked_twice_in_a_run": PlotCheck.objects.values("run", "plot")
        .annotate(n=Count("id")).filter(n__gt=1).count(),
    "plots_with_one_current": Plot.objects.filter(checks__is_current=True)
        .annotate(n=Count("checks")).filter(n=1).count(),
    "outside_their_run": sum(1 for c in PlotCheck.objects.select_related("run")
                             if c.run and c.plot_id not in c.run.plot_ids),
}))
"""

SUPPLY_FACTS = """
from django.db.models import Count
from chacra.accounts.models import AuditEntry
from chacra.supply.models import Allocation, Lot, ProcessingStep, Purchase, Shipment
print(json.dumps({
    "purchases": Purchase.objects.count(),
    "receipts": Purchase.objects.values("buyer", "receipt_number").distinct().count(),
    "lots": Lot.objects.count(),
    "steps": ProcessingStep.objects.count(),
    "shipments": Shipment.objects.count(),
    "allocations": Allocation.objects.count(),
    "allocations_without_source": Allocation.objects.filter(
        purchase__isnull=True, lot__isnull=True).count(),
    "allocations_without_target": Allocation.objects.filter(
        step__isnull=True, shipment__isnull=True).count(),
    "supply_audit": AuditEntry.objects.filter(model__startswith="supply.").count(),
}))
"""


def _padron(path: Path, n: int) -> Path:
    """A GeoJSON of N new producers, one square plot each, around the demo's district capitals."""
    from chacra.registry.demo.places import DISTRITOS

    features = []
    for i in range(n):
        place = DISTRITOS[i % len(DISTRITOS)]
        x, y, d = place.lon + (i // 40) * 0.004, place.lat + (i % 40) * 0.004, 0.002
        ring = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]
        features.append({
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {
                "Apellidos y Nombres": f"Prueba Corte Productor{i}",
                "N° DNI": f"{9_990_000 + i:08d}", "Sexo": "F" if i % 3 else "M",
                "Ubigeo": place.ubigeo,
                "Comunidad": f"Caserío {i % 25}", "Código parcela": f"KIL{i:06d}",
            },
        })  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_a_killed_import_leaves_nothing_and_runs_again(
    demo_env: dict[str, str], tmp_path: Path
) -> None:
    n = 1500
    padron = _padron(tmp_path / "padron-grande.geojson", n)
    args = ["import", str(padron), "--no-progress"]
    # frozen after the new plots went in, before their history, audit and commit
    kill_when_paused(r'^INSERT INTO "registry_plot"', 1, args, demo_env)
    after_kill = facts(IMPORT_FACTS, demo_env)
    assert after_kill == {
        "producers": 0, "distinct_dni": 0, "plots": 0, "versions": 0, "orphan_plots": 0,
        "jobs": ["running"],  # the job record says it never finished
    }  # fmt: skip

    out = chacra(args, demo_env)
    assert f"{n} row(s) -> imported" in out
    done = facts(IMPORT_FACTS, demo_env)
    assert done == {
        "producers": n, "distinct_dni": n, "plots": n, "versions": n, "orphan_plots": 0,
        "jobs": ["imported", "running"],
    }  # fmt: skip
    # the same file once more changes nothing
    assert "nothing changed" in chacra(args, demo_env)
    assert facts(IMPORT_FACTS, demo_env)["producers"] == n


def test_a_killed_check_run_is_finished_by_the_next_run(demo_env: dict[str, str]) -> None:
    env = {**demo_env, "CHACRA_CHECK_CHUNK": "50"}
    args = ["check", "--as", "staff", "--all", "--wait", "--no-progress"]
    # frozen in the third chunk's transaction: its checks written, not its audit entries
    kill_when_paused(r'^INSERT INTO "compliance_plotcheck"', 3, args, env)
    killed = facts(CHECK_FACTS, env)
    plots = killed["plots"]
    assert plots > 150
    [run] = killed["runs"]
    assert run["status"] == "running"
    assert run["total"] == run["plot_ids"] == plots
    assert run["checks"] == 100  # two whole chunks, nothing of the third
    assert killed["checks"] == 100
    assert killed["audited"] == 2  # one audit entry per chunk's checks, written in its transaction
    assert killed["plots_checked_twice_in_a_run"] == killed["outside_their_run"] == 0
    assert killed["plots_with_one_current"] == 100

    # the next run (without --all) checks exactly the plots the killed one did not reach
    out = chacra(["check", "--as", "staff", "--wait", "--no-progress"], env)
    assert f"Run 2: {plots - 100} plots checked" in out
    done = facts(CHECK_FACTS, env)
    assert done["runs"][1] == {
        "status": "done", "total": plots - 100, "done": plots - 100, "checks": plots - 100,
        "plot_ids": plots - 100,
    }  # fmt: skip
    assert done["checks"] == plots  # each plot checked once in all
    assert done["audited"] == 2 + -(-(plots - 100) // 50)
    assert done["plots_with_one_current"] == plots
    assert done["plots_checked_twice_in_a_run"] == done["outside_their_run"] == 0


def test_a_killed_supply_season_is_written_whole_or_not_at_all(demo_env: dict[str, str]) -> None:
    args = ["supply_demo", "--producers-per-coop", "2"]
    # frozen in the middle of the season: purchases, lots and steps written, not yet committed
    kill_when_paused(r'^INSERT INTO "supply_allocation"', 20, args, demo_env)
    killed = facts(SUPPLY_FACTS, demo_env)
    assert killed == dict.fromkeys(killed, 0)

    out = chacra(args, demo_env).split()
    purchases, lots, shipments = int(out[0]), int(out[2]), int(out[4])
    assert purchases > 20
    assert shipments > 0
    done = facts(SUPPLY_FACTS, demo_env)
    assert done["purchases"] == done["receipts"] == purchases
    assert done["shipments"] == shipments
    assert done["allocations_without_source"] == done["allocations_without_target"] == 0
    assert done["allocations"] > purchases
    assert done["lots"] == lots
    assert done["supply_audit"] > 0
    # the season loads once: a second run is refused and changes nothing
    assert "loads once" in chacra(args, demo_env, fails=True)
    assert facts(SUPPLY_FACTS, demo_env) == done
