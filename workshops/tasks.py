"""Celery tasks of the workshops app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="workshops.einladungen_versenden")
def einladungen_versenden_task(workshop_id: int) -> int:
    """Mail the invitation of a freshly published workshop to the CDOs of its Kreis."""
    return services.einladungen_versenden(workshop_id)


@shared_task(name="workshops.absage_versenden")
def absage_versenden_task(workshop_id: int) -> int:
    """Tell the registered people that a workshop is cancelled."""
    return services.absage_versenden(workshop_id)
