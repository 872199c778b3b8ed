"""The change history of a Förderbescheid and its Mittelabrufe, readable for people."""

from __future__ import annotations

from core import history

from .models import Foerderbescheid, Mittelabruf

GELD = {"bewilligter_betrag", "betrag"}
PROZENT = {"foerderquote"}
VERBORGEN = {"kreis", "bescheid", "erfassungsschluessel"}


def _entries(records, objekt) -> list[history.Eintrag]:
    return history.verlauf(
        records.select_related("history_user"),
        objekt=objekt,
        geld=GELD,
        prozent=PROZENT,
        verborgen=VERBORGEN,
    )


def verlauf(bescheid: Foerderbescheid, *, limit: int = 100) -> list[history.Eintrag]:
    """The history of the Bescheid and of all its drawdowns (also deleted ones), newest first."""
    eintraege = _entries(bescheid.history.all(), "Förderbescheid") + _entries(
        Mittelabruf.history.filter(bescheid_id=bescheid.pk),
        lambda r: r.instance.bezeichnung,
    )
    eintraege.sort(key=lambda e: e.zeitpunkt, reverse=True)
    return eintraege[:limit]
