"""Celery tasks of the audit log (thin: they call services)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="zugang.protokoll_aufraeumen")
def protokoll_aufraeumen() -> dict[str, int]:
    """Daily: shorten IP addresses past PORTAL_PROTOKOLL_IP_TAGE, delete old entries."""
    return services.protokoll_aufraeumen()
