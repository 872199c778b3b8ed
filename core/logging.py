"""Structured logging: a request id on every record, JSON lines in production.

The id lives in a context variable, set by core.middleware.RequestIdMiddleware for a web
request and by the Celery signals in lippe_portal/celery.py for a task (which carries the id
of the request that queued it), so a line from a worker can be traced back to the click.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from pythonjsonlogger.json import JsonFormatter

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# An id from outside (reverse proxy, load balancer) is kept only if it cannot smuggle
# anything into a log line or a header: letters, digits, dot, dash, underscore; 8–64 chars.
_GUELTIGE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id(vorgabe: str | None = None) -> str:
    """The given id if well-formed, otherwise a fresh random one."""
    if vorgabe and _GUELTIGE_ID.match(vorgabe):
        return vorgabe
    return uuid.uuid4().hex


def install() -> None:
    """Give every log record a `request_id`, whichever handler formats it (CoreConfig.ready)."""
    vorher = logging.getLogRecordFactory()
    if getattr(vorher, "_portal", False):
        return

    def factory(*args, **kwargs):
        record = vorher(*args, **kwargs)
        record.request_id = request_id.get()
        return record

    factory._portal = True
    logging.setLogRecordFactory(factory)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (``-`` outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class PortalJsonFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, request id and extras."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "{asctime}{levelname}{name}{message}{request_id}")
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        kwargs.setdefault("style", "{")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)


def logging_config(*, json: bool, level: str) -> dict:
    """The LOGGING setting: JSON lines (production) or readable text (laptop, tests)."""
    formatter = (
        {"()": "core.logging.PortalJsonFormatter"}
        if json
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
        "formatters": {"portal": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "portal",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.security": {"level": "WARNING", "propagate": True}},
    }
