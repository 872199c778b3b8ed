"""Celery tasks of the Maßnahmen app (thin: they call services)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="massnahmen.import_ausfuehren", acks_late=True, reject_on_worker_lost=True)
def import_ausfuehren(importlauf_id: int) -> str:
    """Import a checked file of Maßnahmen (all rows or none); returns the final status.

    Safe to deliver twice: the service does nothing for a run that already finished, and a
    run interrupted by a lost worker was rolled back and starts over.
    """
    from .models import Importlauf
    from .services import import_abbrechen_wegen_fehler
    from .services import import_ausfuehren as ausfuehren

    lauf = Importlauf.objects.filter(pk=importlauf_id).first()
    if lauf is None:
        logger.warning("Import %s no longer exists", importlauf_id)
        return "unbekannt"
    try:
        return ausfuehren(importlauf=lauf).status
    except Exception:
        # Includes Celery's SoftTimeLimitExceeded: the transaction was rolled back.
        logger.exception("Import %s failed", importlauf_id)
        import_abbrechen_wegen_fehler(
            importlauf_id=importlauf_id,
            meldung="Beim Import ist ein unerwarteter Fehler aufgetreten; es wurde nichts "
            "gespeichert. Bitte versuchen Sie es erneut oder wenden Sie sich an den Support.",
        )
        return "fehlgeschlagen"
