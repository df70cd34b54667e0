"""The Celery application for background work on multi-process deployments.

Start a worker with ``celery -A chacra.config.celery worker`` and the same environment as the web
processes (``DATABASE_URL``, ``CHACRA_CELERY_BROKER_URL``). Embedded mode needs none of this.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chacra.config.settings")

app = Celery("chacra")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["chacra.compliance"])
