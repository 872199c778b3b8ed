"""Celery tasks of the audit log (thin: they call services).

The registered names (`name=`) keep their German wording: queued messages and the beat
schedule carry them, so renaming one would strand the messages of a running deployment.
"""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="zugang.protokoll_aufraeumen")
def clean_up_protokoll() -> dict[str, int]:
    """Daily: shorten IP addresses past PORTAL_PROTOKOLL_IP_TAGE, delete old entries."""
    return services.clean_up_protokoll()
