"""The change history of a Förderbescheid and its Mittelabrufe, readable for people.

django-simple-history keeps a row per save (and per change of a many-to-many field);
this module turns consecutive rows into "who changed what when", with the values shown
the way the portal shows them (German money, dates, names instead of ids).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import Truncator

from core.formatting import euro, zahl
from kommunen.models import Kommune
from massnahmen.models import Massnahme

from .models import Foerderbescheid, Foerderprogramm, Mittelabruf

VERBORGEN = {"id", "erstellt_am", "geaendert_am", "kreis", "bescheid"}
GELD = {"bewilligter_betrag", "betrag"}
PROZENT = {"foerderquote"}
AKTIONEN = {"+": "angelegt", "~": "geändert", "-": "gelöscht"}
# Saving a form writes the row and then each many-to-many field separately: rows of the
# same person within this window are shown as one change.
ZUSAMMENFASSEN = dt.timedelta(seconds=10)


@dataclass
class Aenderung:
    feld: str
    alt: str
    neu: str


@dataclass
class Eintrag:
    zeitpunkt: dt.datetime
    person: str
    objekt: str
    aktion: str
    aenderungen: list[Aenderung] = field(default_factory=list)


class _Namen:
    """Names for the ids that appear in history rows, loaded once per page."""

    def __init__(self, kreis_id: str):
        self.kommunen = dict(Kommune.objects.filter(kreis_id=kreis_id).values_list("pk", "name"))
        self.massnahmen = dict(
            Massnahme.objects.filter(kreis_id=kreis_id).values_list("pk", "titel")
        )
        self.programme = dict(Foerderprogramm.objects.values_list("pk", "kurzname"))


def _person(record) -> str:
    user = record.history_user
    if user is None:
        return "System"
    return user.get_full_name() or user.email


def _wert(model, name: str, value, namen: _Namen) -> str:
    if value in (None, "", []):
        return "–"
    if name in GELD:
        return euro(value)
    if name in PROZENT:
        return f"{zahl(value, 2)}\u00a0%"
    if name == "zuwendungsempfaenger":
        return namen.kommunen.get(value, f"(gelöscht: {value})")
    if name == "programm":
        return namen.programme.get(value, f"(gelöscht: {value})")
    if name in ("partner", "massnahmen"):
        nachschlagen = namen.kommunen if name == "partner" else namen.massnahmen
        schluessel = "kommune" if name == "partner" else "massnahme"
        return (
            ", ".join(sorted(nachschlagen.get(row.get(schluessel), "(gelöscht)") for row in value))
            or "–"
        )
    feld = model._meta.get_field(name)
    if feld.choices:
        return str(dict(feld.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return zahl(value, 2)
    return Truncator(str(value)).chars(160)


def _label(model, name: str) -> str:
    feld = model._meta.get_field(name)
    return str(getattr(feld, "verbose_name", name))


def _eintraege(records, model, objekt, namen: _Namen) -> list[Eintrag]:
    """Entries for the rows of one object, oldest first."""
    eintraege: list[Eintrag] = []
    vorher = None
    for record in records:
        aktion = AKTIONEN.get(record.history_type, "geändert")
        aenderungen = []
        if vorher is not None and record.history_type == "~":
            delta = record.diff_against(vorher, excluded_fields=VERBORGEN)
            aenderungen = [
                Aenderung(
                    _label(model, change.field),
                    _wert(model, change.field, change.old, namen),
                    _wert(model, change.field, change.new, namen),
                )
                for change in delta.changes
            ]
        vorher = record
        if record.history_type == "~" and not aenderungen:
            continue  # a save without visible change
        letzter = eintraege[-1] if eintraege else None
        if (
            letzter is not None
            and record.history_type == "~"
            and letzter.person == _person(record)
            and record.history_date - letzter.zeitpunkt <= ZUSAMMENFASSEN
        ):
            letzter.aenderungen.extend(aenderungen)
            continue
        eintraege.append(
            Eintrag(
                zeitpunkt=record.history_date,
                person=_person(record),
                objekt=objekt(record),
                aktion=aktion,
                aenderungen=aenderungen,
            )
        )
    return eintraege


def verlauf(bescheid: Foerderbescheid, *, limit: int = 100) -> list[Eintrag]:
    """The history of the Bescheid and of all its drawdowns (also deleted ones), newest first."""
    records_bescheid = list(
        bescheid.history.select_related("history_user").order_by("history_date", "history_id")
    )
    records_abrufe = list(
        Mittelabruf.history.filter(bescheid_id=bescheid.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    namen = _Namen(bescheid.kreis_id)
    eintraege = _eintraege(records_bescheid, Foerderbescheid, lambda r: "Förderbescheid", namen)
    pro_abruf: dict[int, list] = {}
    for record in records_abrufe:
        pro_abruf.setdefault(record.id, []).append(record)
    for records in pro_abruf.values():
        eintraege += _eintraege(
            records,
            Mittelabruf,
            lambda r: f"Mittelabruf vom {r.datum:%d.%m.%Y} über {euro(r.betrag)}",
            namen,
        )
    eintraege.sort(key=lambda e: e.zeitpunkt, reverse=True)
    return eintraege[:limit]
