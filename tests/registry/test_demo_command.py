"""``chacra demo`` leaves the database ready to serve: planner statistics gathered."""

from __future__ import annotations

from typing import Any

from django.db import connection

from chacra.registry.management.commands.demo import Command


def _analysed_plots() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables "
                "WHERE relname = 'registry_plot'"
            )
            return bool(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'registry_plot'")
        return bool(cursor.fetchone()[0])


def test_the_demo_gathers_planner_statistics(demo_db: Any) -> None:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone()[0]:
                cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'registry_plot'")
    assert connection.vendor == "postgresql" or not _analysed_plots()
    Command()._analyze()
    assert _analysed_plots()
