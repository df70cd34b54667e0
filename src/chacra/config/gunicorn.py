"""gunicorn settings for chacra: ``gunicorn -c python:chacra.config.gunicorn``.

Every value comes from the environment (the systemd unit's EnvironmentFile, docs/deployment.md):

- ``CHACRA_BIND``: address to listen on (default ``127.0.0.1:8000``, behind nginx);
- ``CHACRA_WORKERS``: worker processes (default 2 per CPU + 1);
- ``CHACRA_THREADS``: threads per worker (default 1);
- ``CHACRA_TIMEOUT``: seconds before a silent worker is restarted (default 120: an EUDR export
  of a large shipment runs that long);
- ``CHACRA_ACCESS_LOG``: ``1`` (default) logs every request, as a JSON line like the rest.
"""

from __future__ import annotations

import os

from chacra.config.logs import JsonLineFormatter

wsgi_app = "chacra.config.wsgi:application"
bind = os.environ.get("CHACRA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("CHACRA_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("CHACRA_THREADS", "1"))
timeout = int(os.environ.get("CHACRA_TIMEOUT", "120"))
graceful_timeout = 30
# Recycle workers now and then: a slow leak in a long-lived worker never grows large.
max_requests = 2000
max_requests_jitter = 200
# nginx on the same machine sets X-Forwarded-Proto; trust it from loopback only.
forwarded_allow_ips = "127.0.0.1"
accesslog = "-" if os.environ.get("CHACRA_ACCESS_LOG", "1") == "1" else None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JsonLineFormatter}},
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
    },
    # Django's LOGGING (chacra.config.logs) takes the root logger over in each worker.
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}
