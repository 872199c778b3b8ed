"""Celery application. With no CELERY_BROKER_URL, tasks run eagerly in-process.

Every task is logged with its duration (worker), every dispatch with the time it took to
hand the message to the broker (beat, web), and a task carries the request id of the web
request that queued it, so its log lines can be traced back (core.logging).
"""

import logging
import os
import time

from celery import Celery
from celery.signals import after_task_publish, before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lippe_portal.settings.local")

app = Celery("lippe_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("lippe_portal.tasks")

REQUEST_ID_HEADER = "portal_request_id"
_gestartet: dict[str, tuple[float, object]] = {}
# Publish start times by task id, until after_task_publish logs the duration. A publish
# that fails (broker down) sends no after_task_publish, so its entry would stay for ever:
# entries older than GESENDET_SEKUNDEN are dropped, and there are never more than
# GESENDET_HOECHSTENS (insertion order is time order, so the oldest go first).
_gesendet: dict[str, float] = {}
GESENDET_SEKUNDEN = 300
GESENDET_HOECHSTENS = 1000


def _remember_publish_start(task_id: str) -> None:
    jetzt = time.monotonic()
    _gesendet.pop(task_id, None)  # a re-publish goes to the end, keeping the time order
    while _gesendet:
        aeltester, start = next(iter(_gesendet.items()))
        if jetzt - start < GESENDET_SEKUNDEN and len(_gesendet) < GESENDET_HOECHSTENS:
            break
        del _gesendet[aeltester]
    _gesendet[task_id] = jetzt


@before_task_publish.connect(dispatch_uid="portal.before_task_publish")
def _pass_request_id(sender=None, headers=None, **kwargs):
    from core.logging import request_id

    if headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id.get())
        if headers.get("id"):
            _remember_publish_start(headers["id"])


@after_task_publish.connect(dispatch_uid="portal.after_task_publish")
def _log_published(sender=None, headers=None, **kwargs):
    task_id = (headers or {}).get("id")
    start = _gesendet.pop(task_id, None)
    dauer_ms = round((time.monotonic() - start) * 1000, 1) if start is not None else None
    logger.info(
        "task %s sent in %s ms",
        sender,
        dauer_ms,
        extra={"task_name": sender, "task_id": task_id, "dauer_ms": dauer_ms},
    )


@task_prerun.connect(dispatch_uid="portal.task_prerun")
def _task_started(task_id=None, task=None, **kwargs):
    from core.logging import new_request_id, request_id

    rid = getattr(task.request, REQUEST_ID_HEADER, None) if task is not None else None
    token = None
    if rid and rid != "-":
        token = request_id.set(new_request_id(rid))
    elif request_id.get() == "-":
        token = request_id.set(task_id or new_request_id())
    _gestartet[task_id] = (time.monotonic(), token)


@task_postrun.connect(dispatch_uid="portal.task_postrun")
def _task_ended(task_id=None, task=None, state=None, **kwargs):
    from core.logging import request_id

    start, token = _gestartet.pop(task_id, (None, None))
    dauer_ms = round((time.monotonic() - start) * 1000, 1) if start is not None else None
    name = getattr(task, "name", "?")
    logger.info(
        "task %s %s in %s ms",
        name,
        state,
        dauer_ms,
        extra={"task_name": name, "task_id": task_id, "state": state, "dauer_ms": dauer_ms},
    )
    if token is not None:
        request_id.reset(token)
