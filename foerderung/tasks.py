"""Celery tasks of the Förderung (thin: they call services)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="foerderung.fristen_erinnern")
def fristen_erinnern() -> int:
    """Daily (Celery beat): deadline reminders for Verwendungsnachweis and funding end."""
    return services.fristen_erinnern()
