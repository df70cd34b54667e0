"""``chacra check [--region R] [--all] --as USER``: deforestation and protected-area checks.

Checks the plots USER may check that were never checked or whose geometry or reference layers
changed since (``--all``: every plot). In embedded mode the run happens here with a progress bar;
with a Celery broker configured its chunks are queued for the workers and ``--wait`` follows them.

Without ``--as`` it is Django's own ``check`` (system checks, ``--deploy``), which it replaces.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.check import Command as SystemCheckCommand

from chacra.accounts.commands import acting_user
from chacra.accounts.scope import scope_for
from chacra.compliance import jobs, services
from chacra.compliance.models import CheckRun, RunStatus
from chacra.errors import ChacraError


def _bar(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} plots")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


class Command(SystemCheckCommand):
    help = (
        "With --as USER: check plots for forest loss after 2020 and protected areas (EUDR). "
        "Without it: Django's system checks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--as", dest="username", help="the user to act as (compliance check)")
        parser.add_argument("--region", help="departamento name or ubigeo")
        parser.add_argument("--all", action="store_true", help="check every plot again")
        parser.add_argument("--wait", action="store_true", help="with Celery: follow the run")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["username"]:
            super().handle(*args, **opts)
            return
        user = acting_user(opts["username"])
        try:
            run = services.check_run_create(
                actor=user, scope=scope_for(user), region=opts["region"], everything=opts["all"]
            )
        except ChacraError as exc:
            raise CommandError(f"{opts['username']}: {exc.message}") from exc
        if not run.total:
            self.stdout.write("Nothing to check: every plot's check is up to date (use --all).")
            return
        progress = None if opts["no_progress"] else _bar
        if jobs.uses_celery():
            jobs.run_start(run)
            self.stdout.write(f"Run {run.pk}: {run.total} plots queued for the workers.")
            if not opts["wait"]:
                return
            run = self._follow(run, progress)
        else:
            run = jobs.run_inline(run, progress)
        self._summary(run)

    def _follow(self, run: CheckRun, progress: Any) -> CheckRun:
        while run.status not in (RunStatus.DONE, RunStatus.FAILED):
            time.sleep(1)
            run = services.run_progress(run.pk)
            if progress is not None:
                progress(run.done, run.total)
        return run

    def _summary(self, run: CheckRun) -> None:
        if run.status == RunStatus.FAILED:
            raise CommandError(f"run {run.pk} failed: {run.error}")
        counts = ", ".join(f"{n} {status}" for status, n in sorted(run.counts.items()))
        self.stdout.write(f"Run {run.pk}: {run.done} plots checked: {counts}.")
