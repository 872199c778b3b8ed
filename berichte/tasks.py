"""Celery tasks of the reports (thin: they call services)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(
    name="berichte.bericht_erstellen",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=services.ZEITLIMIT_WEICH,
    time_limit=services.ZEITLIMIT_HART,
)
def create_bericht(bericht_id: int) -> str:
    """Render a requested report. A worker lost mid-way (SIGKILL, OOM) leaves the message
    unacknowledged, so another worker renders it again; the service is idempotent."""
    bericht = services.create_bericht(bericht_id=bericht_id)
    return bericht.status if bericht else "unbekannt"


@shared_task(name="berichte.planmaessige_berichte")
def scheduled_berichte() -> int:
    """Quarterly (Celery beat): the report of the quarter just ended for every Kreis."""
    return len(services.request_scheduled_berichte().angefordert)


@shared_task(name="berichte.haengende_berichte_aufraeumen")
def clean_up_stuck_berichte() -> int:
    """Every few minutes (Celery beat): take over reports whose worker was lost."""
    return services.clean_up_stuck_berichte()
