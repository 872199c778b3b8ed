"""Celery tasks of the plumbing layer."""

from __future__ import annotations

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(name="core.worker_heartbeat", ignore_result=False)
def worker_heartbeat() -> dict:
    """Record that a worker is alive; returns what was stored."""
    hostname = worker_heartbeat.request.hostname or "eager"
    now = timezone.now()
    beat, created = WorkerHeartbeat.objects.get_or_create(
        hostname=hostname, defaults={"zuletzt": now, "anzahl": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=beat.pk).update(zuletzt=now, anzahl=F("anzahl") + 1)
    beat.refresh_from_db()
    return {"hostname": beat.hostname, "anzahl": beat.anzahl, "zuletzt": beat.zuletzt.isoformat()}
