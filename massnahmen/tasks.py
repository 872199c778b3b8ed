"""Celery tasks of the Maßnahmen app (thin: they call services)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


def _run_on_importlauf(importlauf_id: int, service_name: str, was: str) -> str:
    """Run a service on an import run; an unexpected error (also Celery's
    SoftTimeLimitExceeded) marks the run as failed with a German message."""
    from . import services
    from .models import Importlauf

    lauf = Importlauf.objects.filter(pk=importlauf_id).first()
    if lauf is None:
        logger.warning("Import %s no longer exists", importlauf_id)
        return "unbekannt"
    try:
        return getattr(services, service_name)(importlauf=lauf).status
    except Exception:
        logger.exception("%s of import %s failed", service_name, importlauf_id)
        services.abort_import_on_error(
            importlauf_id=importlauf_id,
            meldung=f"{was} ist ein unerwarteter Fehler aufgetreten; es wurde nichts "
            "gespeichert. Bitte versuchen Sie es erneut oder wenden Sie sich an den Support.",
        )
        return "fehlgeschlagen"


@shared_task(name="massnahmen.import_ausfuehren", acks_late=True, reject_on_worker_lost=True)
def run_import(importlauf_id: int) -> str:
    """Import a checked file of Maßnahmen (all rows or none); returns the final status.

    Safe to deliver twice: the service does nothing for a run that already finished, and a
    run interrupted by a lost worker was rolled back and starts over.
    """
    return _run_on_importlauf(importlauf_id, "run_import", "Beim Import")


@shared_task(name="massnahmen.import_pruefen", acks_late=True, reject_on_worker_lost=True)
def check_import(importlauf_id: int) -> str:
    """Check a large uploaded file row by row (the dry run, nothing saved); returns the
    status it ends in. Safe to deliver twice: a run already checked is left alone."""
    return _run_on_importlauf(importlauf_id, "run_import_check", "Bei der Prüfung")


@shared_task(name="massnahmen.importdateien_loeschen")
def delete_importdateien() -> int:
    """Daily: delete uploaded import files past MASSNAHMEN_IMPORT_AUFBEWAHRUNG_TAGE.

    Idempotent: a second run finds nothing left to delete."""
    from .services import delete_importdateien as loeschen

    return loeschen()
