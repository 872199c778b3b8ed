"""The readable change history built from django-simple-history rows."""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import core.history
from core.history import Aenderung, differences, verlauf
from tests.factories import KommuneFactory, MassnahmeFactory, UserFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def massnahme():
    return MassnahmeFactory(budget=Decimal("12000"), federfuehrend__name="Detmold")


def _als(user, massnahme, **werte):
    massnahme._history_user = user
    for name, wert in werte.items():
        setattr(massnahme, name, wert)
    massnahme.save()


def _verlauf(massnahme, **hinweise):
    return verlauf(massnahme.history.all(), objekt="Maßnahme", geld={"budget"}, **hinweise)


def test_one_form_save_is_one_entry_with_money_and_names(massnahme):
    """A save plus its m2m rows reads as one change, with euro amounts and names, not ids."""
    person = UserFactory(first_name="Erika", last_name="Muster")
    lemgo = KommuneFactory(kreis=massnahme.kreis, name="Lemgo")
    _als(person, massnahme, budget=Decimal("245000.5"), federfuehrend=lemgo)
    massnahme.beteiligte.set([lemgo, KommuneFactory(kreis=massnahme.kreis, name="Blomberg")])

    neu, angelegt = _verlauf(massnahme)

    assert (angelegt.aktion, angelegt.objekt, angelegt.aenderungen) == ("angelegt", "Maßnahme", [])
    assert (neu.aktion, neu.person) == ("geändert", "Erika Muster")
    assert neu.aenderungen == [
        Aenderung("Budget (EUR)", f"12.000,00{NBSP}€", f"245.000,50{NBSP}€"),
        Aenderung("federführende Kommune", "Detmold", "Lemgo"),
        Aenderung("beteiligte Kommunen", "–", "Blomberg, Lemgo"),
    ]


def test_other_person_or_later_save_is_a_new_entry(massnahme):
    erika, max_ = UserFactory(), UserFactory()
    _als(erika, massnahme, fortschritt=50)
    _als(max_, massnahme, fortschritt=60)
    _als(max_, massnahme, status="pausiert")
    spaeter = massnahme.history.latest().history_date + dt.timedelta(seconds=11)
    massnahme.history.filter(history_id=massnahme.history.latest().history_id).update(
        history_date=spaeter
    )

    eintraege = _verlauf(massnahme)

    assert [(e.person, [a.feld for a in e.aenderungen]) for e in eintraege[:3]] == [
        (str(max_), ["Status"]),
        (str(max_), ["Fortschritt in %"]),
        (str(erika), ["Fortschritt in %"]),
    ]
    assert eintraege[0].aenderungen == [Aenderung("Status", "in Umsetzung", "pausiert")]


def test_hidden_fields_are_left_out(massnahme):
    """Bookkeeping fields never show; caller-hidden ones neither; a save of only those is no entry."""
    person = UserFactory()
    _als(person, massnahme, version=massnahme.version + 1)
    _als(person, massnahme, titel="Neuer Titel", beschreibung="Neu")

    assert [e.aktion for e in _verlauf(massnahme, verborgen={"titel", "beschreibung"})] == [
        "angelegt"
    ]
    (geaendert, _) = _verlauf(massnahme)
    assert geaendert.person == str(person)
    assert [a.feld for a in geaendert.aenderungen] == ["Beschreibung", "Titel"]


def test_unterschiede_between_two_rows(massnahme):
    alt = massnahme.history.latest()
    _als(None, massnahme, budget=None, veroeffentlicht=True, ende_geplant=dt.date(2027, 3, 31))

    assert differences(alt, massnahme.history.latest(), geld={"budget"}) == [
        Aenderung("Budget (EUR)", f"12.000,00{NBSP}€", "–"),
        Aenderung("geplantes Ende", "30.06.2027", "31.03.2027"),
        Aenderung(
            "Sichtbarkeit",
            "Kreis – nur der eigene Kreis",
            "öffentlich – auch auf der Transparenzseite",
        ),
    ]


def test_core_history_imports_no_domain_app():
    baum = ast.parse(Path(core.history.__file__).read_text())
    module = {
        (node.module or "").split(".")[0]
        for node in ast.walk(baum)
        if isinstance(node, ast.ImportFrom) and node.level == 0
    } | {a.name.split(".")[0] for n in ast.walk(baum) if isinstance(n, ast.Import) for a in n.names}
    assert module <= {
        "__future__",
        "collections",
        "dataclasses",
        "datetime",
        "decimal",
        "django",
        "typing",
    }
