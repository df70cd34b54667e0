"""Log records as JSON lines, one object per line, for journald, Loki or any log shipper.

Used by the production settings (``CHACRA_LOG_FORMAT=json``, the default when
``CHACRA_PRODUCTION=1``) and by gunicorn's error and access logs (chacra.config.gunicorn).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonLineFormatter(logging.Formatter):
    """``{"time": ..., "level": ..., "logger": ..., "message": ..., ...}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # default=str: a request object or a path in ``extra`` must not break the log line
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    """Django's LOGGING: everything to stderr, as JSON lines (``fmt="json"``) or plain text."""
    formatter: dict[str, Any] = (
        {"()": JsonLineFormatter}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"chacra": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "chacra"}},
        "root": {"handlers": ["console"], "level": level},
        # A refused or missing page is expected traffic, not a fault: log server errors only.
        "loggers": {"django.request": {"level": "ERROR"}},
    }
