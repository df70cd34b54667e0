"""chacra's trace-back of every shipment against a hand-written recursive SQL query, in one run.

A child process migrates a fresh database (SpatiaLite in a temporary folder, or the EMPTY
PostGIS database given with --database-url, or a temporary one with --postgis) and writes, in
bulk: producers and plots (with plantings, for the plausibility check), 1,000,000 purchases
(about 1 in 10 split over two plots), and the lots a season of them makes through four levels
(collection of ~250 purchases, fermentation, drying, sorting into two grades: ~20,000 lots),
then 500 shipments of sorted lots, some taking both grades of one sorting (so paths meet
again). It then traces every shipment back to its plots twice, side by side: with chacra's
``trace_back`` (exact Decimal kg per purchase and plot, as the pages and API use it) and with
one recursive SQL query that carries the shares along every path and sums them per plot (the
floor: what a database does with no application around it). Both answers are compared. Last,
a whole season's plausibility check (``season_flags``) is timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from typing import Any

# Tuned by hand: shares carried along every path in floats (through ``source_step``, as chacra
# walks), summed per purchase, then per plot; CROSS JOIN fixes SQLite's join order (it would
# otherwise scan every plot share). The join to the lots keeps purchases out of the recursion:
# of the ways tried, the fastest on SQLite (an IS NOT NULL filter instead makes it build a
# bloom filter over every allocation).
FLOOR = """
WITH RECURSIVE up(step_id, t, m) AS (
    SELECT a.source_step_id, CAST(a.kg AS DOUBLE PRECISION), CAST(a.kg AS DOUBLE PRECISION)
    FROM supply_allocation a
    WHERE a.shipment_id = %s
  UNION ALL
    SELECT a.source_step_id, up.t * a.kg / s.input_kg, up.m * a.kg / s.output_kg
    FROM up
    JOIN supply_processingstep s ON s.id = up.step_id
    JOIN supply_allocation a ON a.step_id = up.step_id
    JOIN supply_lot l ON l.id = a.lot_id
),
bought(purchase_id, t, m) AS (
    SELECT a.purchase_id, SUM(up.t * a.kg / s.input_kg), SUM(up.m * a.kg / s.output_kg)
    FROM up
    CROSS JOIN supply_processingstep s
    CROSS JOIN supply_allocation a
    WHERE s.id = up.step_id AND a.step_id = up.step_id
    GROUP BY a.purchase_id
)
SELECT pp.plot_id, SUM(b.t * pp.kg / p.kg), SUM(b.m * pp.kg / p.kg)
FROM bought b
CROSS JOIN supply_purchase p
CROSS JOIN supply_purchaseplot pp
WHERE p.id = b.purchase_id AND pp.purchase_id = b.purchase_id
GROUP BY pp.plot_id
"""

# PostgreSQL cannot estimate a recursive query's rows (it guesses hundreds of thousands) and then
# scans whole tables: each lookup goes in a LATERAL subquery, fenced by OFFSET 0 so that the
# planner keeps it an index lookup per row. Same arithmetic as FLOOR.
FLOOR_POSTGRES = """
WITH RECURSIVE up(step_id, t, m) AS (
    SELECT a.source_step_id, CAST(a.kg AS DOUBLE PRECISION), CAST(a.kg AS DOUBLE PRECISION)
    FROM supply_allocation a
    WHERE a.shipment_id = %s
  UNION ALL
    SELECT x.source_step_id, up.t * x.kg / s.input_kg, up.m * x.kg / s.output_kg
    FROM up
    CROSS JOIN LATERAL (
        SELECT input_kg, output_kg FROM supply_processingstep WHERE id = up.step_id OFFSET 0
    ) s
    CROSS JOIN LATERAL (
        SELECT source_step_id, kg FROM supply_allocation
        WHERE step_id = up.step_id AND lot_id IS NOT NULL OFFSET 0
    ) x
),
bought(purchase_id, t, m) AS (
    SELECT x.purchase_id, SUM(up.t * x.kg / s.input_kg), SUM(up.m * x.kg / s.output_kg)
    FROM up
    CROSS JOIN LATERAL (
        SELECT input_kg, output_kg FROM supply_processingstep WHERE id = up.step_id OFFSET 0
    ) s
    CROSS JOIN LATERAL (
        SELECT purchase_id, kg FROM supply_allocation
        WHERE step_id = up.step_id AND purchase_id IS NOT NULL OFFSET 0
    ) x
    GROUP BY x.purchase_id
)
SELECT y.plot_id, SUM(b.t * y.share), SUM(b.m * y.share)
FROM bought b
CROSS JOIN LATERAL (
    SELECT pp.plot_id, CAST(pp.kg AS DOUBLE PRECISION) / p.kg AS share
    FROM supply_purchaseplot pp JOIN supply_purchase p ON p.id = pp.purchase_id
    WHERE pp.purchase_id = b.purchase_id OFFSET 0
) y
GROUP BY y.plot_id
"""

PER_LOT = 250  # purchases per collection lot
SEASON = 2015


def _writer(connection: Any) -> Any:
    """``write(table, columns, rows)``: COPY on PostgreSQL, executemany on SQLite."""
    if connection.vendor == "postgresql":

        def write(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
            raw = connection.connection
            with (
                raw.cursor() as cur,
                cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)

        return write

    def write(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join(["?"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        connection.connection.executemany(sql, rows)

    return write


def _generate(n_purchases: int, n_shipments: int, seed: int) -> dict[str, Any]:
    import numpy as np
    from django.db import connection, transaction

    from chacra.accounts.records import record_defaults, records_insert
    from chacra.registry.demo.setting import places_load
    from chacra.registry.models import Comunidad, Organisation, Planting, Plot, Producer

    rng = np.random.default_rng(seed)
    distritos = list(places_load().values())
    comunidades = [
        Comunidad.objects.create(name=f"Banco {d.ubigeo}", distrito=d) for d in distritos
    ]
    buyers = [
        Organisation.objects.create(name=f"Cooperativa Banco {i}", kind="cooperative").pk
        for i in range(4)
    ]
    n_producers = max(50, n_purchases // 50)
    connection.ensure_connection()
    write = _writer(connection)
    now = "2016-01-15 12:00:00+00:00"
    started = time.perf_counter()
    with transaction.atomic():
        # producers, and 1-2 plots each (with a planting: the plausibility check reads them),
        # through chacra's own record writer so that every registry field gets its default
        producer = record_defaults(Producer)
        records_insert(Producer, [
            {**producer, "code": f"B{i:07d}", "surnames": f"Banco{i}", "given_names": "Prueba",
             "sex": "F" if i % 2 else "M", "comunidad_id": comunidades[i % len(comunidades)].pk}
            for i in range(1, n_producers + 1)
        ])  # fmt: skip
        assert Producer.objects.order_by("pk").values_list("pk", flat=True).first() == 1, (
            "the benchmark needs an EMPTY database"
        )
        two = rng.random(n_producers) < 0.2
        owner = np.repeat(np.arange(1, n_producers + 1), np.where(two, 2, 1))
        n_plots = len(owner)
        ha = np.round(rng.uniform(0.5, 3.0, n_plots), 2)
        plot = record_defaults(Plot)
        records_insert(Plot, [
            {**plot, "code": f"BP{i + 1:07d}", "producer_id": int(o),
             "comunidad_id": comunidades[int(o) % len(comunidades)].pk,
             "cacao_in_production_ha": Decimal(f"{h:.2f}"), "mapping_method": "gps_point"}
            for i, (o, h) in enumerate(zip(owner, ha, strict=True))
        ])  # fmt: skip
        installed = rng.integers(2008, 2014, n_plots)
        planting = record_defaults(Planting)
        records_insert(Planting, [
            {**planting, "plot_id": i + 1, "cacao_installed_ha": Decimal(f"{ha[i]:.2f}"),
             "installed_on": dt.date(int(installed[i]), 3, 1)}
            for i in range(n_plots)
        ])  # fmt: skip
        first_plot = np.searchsorted(owner, np.arange(1, n_producers + 1))
        # purchases: ordered by buyer and date, so collection lots take consecutive ids
        producer = rng.integers(1, n_producers + 1, n_purchases)
        buyer = (producer % len(buyers)).astype(int)
        day = rng.integers(0, 365, n_purchases)
        order = np.lexsort((day, buyer))
        producer, buyer, day = producer[order], buyer[order], day[order]
        kg = np.round(rng.uniform(10, 90, n_purchases) * 2) / 2
        price = np.round(rng.normal(2.6, 0.25, n_purchases), 2)
        start = dt.date(SEASON, 1, 1)
        dates = [str(start + dt.timedelta(days=int(d))) for d in range(365)]
        write(
            "supply_purchase",
            ["id", "buyer_id", "receipt_number", "date", "producer_id", "bean_state", "flavour",
             "quality_grade", "kg", "price_per_kg", "premium_per_kg", "amount_paid",
             "allocated_kg", "created_at"],
            [(i + 1, buyers[buyer[i]], f"R{i + 1}", dates[day[i]], int(producer[i]), "wet",
              "fine_flavour", "", float(kg[i]), float(price[i]), 0.26,
              round(float(kg[i]) * (float(price[i]) + 0.26), 2), float(kg[i]), now)
             for i in range(n_purchases)],
        )  # fmt: skip
        split = two[producer - 1] & (rng.random(n_purchases) < 0.5)
        plot_rows: list[tuple[Any, ...]] = []
        for i in range(n_purchases):
            p = int(first_plot[producer[i] - 1]) + 1
            if split[i]:
                part = round(float(kg[i]) * 0.6, 2)
                plot_rows += [(i + 1, p, part), (i + 1, p + 1, round(float(kg[i]) - part, 2))]
            else:
                plot_rows.append((i + 1, p, float(kg[i])))
        write("supply_purchaseplot", ["purchase_id", "plot_id", "kg"], plot_rows)
        # lots: collection -> fermentation -> drying -> sorting into two grades
        steps: list[tuple[Any, ...]] = []
        lots: list[tuple[Any, ...]] = []
        allocations: list[tuple[Any, ...]] = []

        def step(kind: str, org: int, date: str, kg_in: float, outs: list[float],
                 ratio: float) -> list[int]:  # fmt: skip
            sid = len(steps) + 1
            kg_out = round(sum(outs), 2)
            steps.append((sid, kind, org, date, kg_in, kg_out, ratio,
                          round(kg_in * ratio - kg_out, 2), "", now))  # fmt: skip
            made = []
            for out in outs:
                lid = len(lots) + 1
                lots.append((lid, f"L{lid:07d}", f"b{lid}", sid, org, "mass_balance",
                             "dry" if kind in ("drying", "sorting") else
                             "fermented" if kind == "fermentation" else "wet",
                             "fine_flavour", "", out, out, now))  # fmt: skip
                made.append(lid)
            return made

        sorted_lots: list[tuple[int, float, int]] = []
        bounds = np.flatnonzero(np.diff(buyer)) + 1
        for group in np.split(np.arange(n_purchases), bounds):
            for chunk in np.array_split(group, max(1, round(len(group) / PER_LOT))):
                org, date = buyers[buyer[chunk[0]]], dates[day[chunk[-1]]]
                wet = round(float(kg[chunk].sum()), 2)
                (collected,) = step("collection", org, date, wet, [wet], 1.0)
                allocations.extend(
                    (float(kg[i]), int(i) + 1, None, len(steps), None) for i in chunk
                )
                fermented_kg = round(wet * 0.9, 2)
                (fermented,) = step("fermentation", org, date, wet, [fermented_kg], 1.0)
                allocations.append((wet, None, collected, len(steps), None))
                dry_kg = round(fermented_kg * 0.38, 2)
                (dried,) = step("drying", org, date, fermented_kg, [dry_kg], 0.4)
                allocations.append((fermented_kg, None, fermented, len(steps), None))
                grade_1 = round(dry_kg * 0.8, 2)
                grade_2 = round(dry_kg * 0.19, 2)
                made = step("sorting", org, date, dry_kg, [grade_1, grade_2], 1.0)
                allocations.append((dry_kg, None, dried, len(steps), None))
                sorted_lots += [(made[0], grade_1, org), (made[1], grade_2, org)]
        # shipments: sorted lots in order of making, so both grades of a sorting often meet again
        shipments: list[tuple[Any, ...]] = []
        for s, part in enumerate(np.array_split(np.arange(len(sorted_lots)), n_shipments)):
            sid = s + 1
            total = round(sum(sorted_lots[i][1] for i in part), 2)
            shipments.append((sid, f"S{sid:06d}", f"bs{sid}", f"MSCU{sid:07d}",
                              sorted_lots[part[0]][2], buyers[0], "Hamburg, Germany",
                              f"{SEASON + 1}-01-10", total, "mass_balance", now))  # fmt: skip
            allocations.extend(
                (sorted_lots[i][1], None, sorted_lots[i][0], None, sid) for i in part
            )
        write("supply_processingstep",
              ["id", "kind", "organisation_id", "date", "input_kg", "output_kg", "ratio",
               "loss_kg", "notes", "created_at"], steps)  # fmt: skip
        write("supply_lot",
              ["id", "code", "public_id", "step_id", "custodian_id", "custody_model",
               "bean_state", "flavour", "quality_grade", "kg", "allocated_kg", "created_at"],
              lots)  # fmt: skip
        write("supply_shipment",
              ["id", "code", "public_id", "container_number", "shipper_id", "buyer_id",
               "destination", "date", "kg", "custody_model", "created_at"], shipments)  # fmt: skip
        step_of = {lot[0]: lot[3] for lot in lots}  # the step that made each lot
        write("supply_allocation",
              ["kg", "purchase_id", "lot_id", "step_id", "shipment_id", "source_step_id"],
              [(*a, step_of.get(a[2])) for a in allocations])  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "seconds": time.perf_counter() - started,
        "producers": n_producers,
        "plots": n_plots,
        "purchases": n_purchases,
        "purchase_plots": len(plot_rows),
        "lots": len(lots),
        "steps": len(steps),
        "shipments": len(shipments),
        "allocations": len(allocations),
    }


def _child(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chacra.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from chacra.supply.models import Shipment
    from chacra.supply.plausibility import season_flags
    from chacra.supply.trace import trace_back

    n_purchases, n_shipments, seed, repeat = (int(a) for a in argv)
    call_command("migrate", verbosity=0)
    built = _generate(n_purchases, n_shipments, seed)
    shipments = list(Shipment.objects.order_by("pk"))
    floor_sql = FLOOR_POSTGRES if connection.vendor == "postgresql" else FLOOR
    ours = theirs = 0.0
    worst = 0.0
    origins = 0
    with connection.cursor() as cursor:
        for i, shipment in enumerate(shipments):
            # best of `repeat` for each side, alternating which runs first: other work on the
            # machine then slows neither side more than the other
            best = [float("inf"), float("inf")]
            for r in range(repeat):
                for side in (0, 1) if (i + r) % 2 else (1, 0):
                    started = time.perf_counter()
                    if side == 0:
                        trace = trace_back(shipment)
                        by_plot = trace.by_plot()
                    else:
                        cursor.execute(floor_sql, [shipment.pk])
                        floor = {plot: (t, m) for plot, t, m in cursor.fetchall()}
                    best[side] = min(best[side], time.perf_counter() - started)
            ours += best[0]
            theirs += best[1]
            origins += len(trace.origins)
            assert set(by_plot) == set(floor), f"{shipment.code}: plots differ"
            for plot, (kg, bought) in by_plot.items():
                worst = max(worst, abs(float(kg) - floor[plot][0]),
                            abs(float(bought) - floor[plot][1]))  # fmt: skip
    started = time.perf_counter()
    flags = season_flags(season=SEASON)
    plausibility = time.perf_counter() - started
    counts: dict[str, int] = {}
    for f in flags:
        counts[f.code] = counts.get(f.code, 0) + 1
    print(json.dumps({
        "vendor": connection.vendor, "built": built, "ours": ours, "theirs": theirs,
        "origins": origins, "worst_kg": worst, "plausibility": plausibility, "flags": counts,
    }))  # fmt: skip


def _temporary_database() -> tuple[str, str]:
    import psycopg

    name = f"chacra_bench_trace_{os.getpid()}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={name}", autocommit=True) as c:
        c.execute("CREATE EXTENSION postgis")
    return name, f"postgis://postgres@127.0.0.1:5432/{name}"


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="chacra bench trace")
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--shipments", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="best of N per shipment and side")
    parser.add_argument("--database-url", default="", help="an EMPTY postgis:// database")
    parser.add_argument("--postgis", action="store_true", help="a temporary PostGIS database")
    args = parser.parse_args(argv)
    temporary = ""
    url = args.database_url
    if args.postgis and not url:
        temporary, url = _temporary_database()
    try:
        with tempfile.TemporaryDirectory(prefix="chacra-bench-trace-") as data_dir:
            env = {**os.environ, "CHACRA_DATA_DIR": data_dir, "DATABASE_URL": url}
            done = subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--child", str(args.purchases), str(args.shipments),
                 str(args.seed), str(args.repeat)],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
    finally:
        if temporary:
            _drop(temporary)
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n")
        return done.returncode
    r = json.loads(done.stdout.strip().splitlines()[-1])
    b = r["built"]
    backend = "PostGIS" if r["vendor"] == "postgresql" else "SpatiaLite"
    print(f"chacra bench trace on {backend}: {b['purchases']:,} purchases "
          f"({b['purchase_plots']:,} plot shares) from {b['producers']:,} producers and "
          f"{b['plots']:,} plots; {b['lots']:,} lots from {b['steps']:,} steps; "
          f"{b['shipments']} shipments; written in {b['seconds']:.1f} s")  # fmt: skip
    n = b["shipments"]
    print(f"{'trace back of every shipment':<34} {'total s':>8} {'ms/shipment':>12}"
          f"  (best of {args.repeat} each)")  # fmt: skip
    print(f"{'  chacra trace_back':<34} {r['ours']:>8.2f} {r['ours'] / n * 1000:>12.1f}")
    print(f"{'  recursive SQL query (floor)':<34} {r['theirs']:>8.2f} "
          f"{r['theirs'] / n * 1000:>12.1f}")  # fmt: skip
    print(
        f"  ratio chacra / floor: {r['ours'] / r['theirs']:.2f}x (goal: <= 1.5x); "
        f"{r['origins']:,} purchase-plot shares; largest difference {r['worst_kg']:.2e} kg"
    )
    flags = ", ".join(f"{k} {v:,}" for k, v in sorted(r["flags"].items())) or "none"
    print(f"season {SEASON} plausibility check: {r['plausibility']:.2f} s ({flags})")
    return 0


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    _child(sys.argv[2:])
