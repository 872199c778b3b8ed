"""Förderung services: drawdowns under a row lock, and the deadline reminder levels."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from foerderung import services
from foerderung.models import Foerderbescheid, Mittelabruf
from tests.conftest import require_or_skip
from tests.factories import (
    FoerderbescheidFactory,
    MittelabrufFactory,
    UserFactory,
)

HEUTE = dt.date(2026, 5, 4)


def summe(bescheid) -> Decimal:
    return bescheid.mittelabrufe.aggregate(s=Sum("betrag"))["s"] or Decimal("0")


class TestMittelabrufErfassen:
    pytestmark = pytest.mark.django_db

    def test_records_the_drawdown_with_its_author_in_the_history(self, welt):
        bescheid = FoerderbescheidFactory(kreis=welt.lippe, bewilligter_betrag=Decimal("1000"))
        user = welt.users["kreis"]
        abruf = services.record_mittelabruf(
            bescheid=bescheid,
            datum=dt.date(2022, 6, 1),
            betrag=Decimal("400"),
            status=Mittelabruf.Status.BEANTRAGT,
            user=user,
            bemerkung="1. Abruf",
        )
        assert abruf.pk and abruf.bemerkung == "1. Abruf"
        assert bescheid.verbleibend() == Decimal("600")
        assert abruf.history.get().history_user == user

    def test_refuses_more_than_remains_and_stores_nothing(self, welt):
        bescheid = FoerderbescheidFactory(kreis=welt.lippe, bewilligter_betrag=Decimal("1000"))
        MittelabrufFactory(bescheid=bescheid, betrag=Decimal("999.99"))
        with pytest.raises(ValidationError) as error:
            services.record_mittelabruf(
                bescheid=bescheid,
                datum=dt.date(2022, 6, 1),
                betrag=Decimal("0.02"),
                status=Mittelabruf.Status.BEANTRAGT,
                user=welt.users["kreis"],
            )
        assert error.value.message_dict == {
            "betrag": ["Der Abruf übersteigt die verbleibenden Mittel (0,01\u00a0€)."]
        }
        assert bescheid.mittelabrufe.count() == 1

    def test_reads_the_granted_amount_fresh_from_the_database(self, welt):
        """A Bescheid object loaded before the amount was reduced cannot be used to overdraw."""
        bescheid = FoerderbescheidFactory(kreis=welt.lippe, bewilligter_betrag=Decimal("1000"))
        Foerderbescheid.objects.filter(pk=bescheid.pk).update(bewilligter_betrag=Decimal("500"))
        with pytest.raises(ValidationError):
            services.record_mittelabruf(
                bescheid=bescheid,
                datum=dt.date(2022, 6, 1),
                betrag=Decimal("600"),
                status=Mittelabruf.Status.BEANTRAGT,
                user=None,
            )
        assert bescheid.mittelabrufe.count() == 0


def _zwei_gleichzeitige_abrufe(bescheid, betrag: Decimal) -> list[tuple[str, object]]:
    """Two threads, each with its own database connection, record a drawdown at once.

    `full_clean` is slowed down, so both have read the sum before either one writes
    unless the row lock makes the second one wait.
    """
    barriere = threading.Barrier(2)
    ergebnisse: list[tuple[str, object]] = []
    original = Mittelabruf.full_clean
    user = UserFactory()

    def langsam(self, *args, **kwargs):
        time.sleep(0.3)
        return original(self, *args, **kwargs)

    def abrufen():
        try:
            barriere.wait(timeout=10)
            abruf = services.record_mittelabruf(
                bescheid=bescheid,
                datum=dt.date(2022, 6, 1),
                betrag=betrag,
                status=Mittelabruf.Status.BEANTRAGT,
                user=user,
            )
            ergebnisse.append(("gespeichert", abruf.pk))
        except ValidationError as error:
            ergebnisse.append(("abgelehnt", error.message_dict))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            ergebnisse.append(("fehler", repr(error)))
        finally:
            connection.close()

    with patch.object(Mittelabruf, "full_clean", langsam):
        threads = [threading.Thread(target=abrufen) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return ergebnisse


@pytest.mark.django_db(transaction=True)
def test_row_lock_lets_only_one_of_two_concurrent_drawdowns_through():
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    bescheid = FoerderbescheidFactory(bewilligter_betrag=Decimal("1000"))
    with connection.cursor() as cursor:
        # Without the trigger, only the service's own lock stands between the two.
        cursor.execute(
            "ALTER TABLE foerderung_mittelabruf DISABLE TRIGGER foerderung_mittelabruf_sum"
        )
    try:
        ergebnisse = _zwei_gleichzeitige_abrufe(bescheid, Decimal("600"))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE foerderung_mittelabruf ENABLE TRIGGER foerderung_mittelabruf_sum"
            )
    assert sorted(art for art, _ in ergebnisse) == ["abgelehnt", "gespeichert"], ergebnisse
    abgelehnt = next(info for art, info in ergebnisse if art == "abgelehnt")
    assert abgelehnt == {
        "betrag": ["Der Abruf übersteigt die verbleibenden Mittel (400,00\u00a0€)."]
    }
    assert summe(bescheid) == Decimal("600")


@pytest.mark.django_db(transaction=True)
def test_concurrent_drawdowns_with_the_database_trigger_in_place():
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    bescheid = FoerderbescheidFactory(bewilligter_betrag=Decimal("1000"))
    ergebnisse = _zwei_gleichzeitige_abrufe(bescheid, Decimal("600"))
    assert sorted(art for art, _ in ergebnisse) == ["abgelehnt", "gespeichert"], ergebnisse
    assert summe(bescheid) == Decimal("600")


@pytest.mark.django_db(transaction=True)
def test_concurrent_drawdowns_that_fit_together_are_both_stored():
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    bescheid = FoerderbescheidFactory(bewilligter_betrag=Decimal("1000"))
    ergebnisse = _zwei_gleichzeitige_abrufe(bescheid, Decimal("500"))
    assert [art for art, _ in ergebnisse] == ["gespeichert", "gespeichert"], ergebnisse
    assert summe(bescheid) == Decimal("1000")


def _gleichzeitig(*aufgaben) -> list[tuple[str, object]]:
    """Run the callables in threads (each with its own connection) at the same moment,
    with `full_clean` slowed down as above; collect what each one ended with."""
    barriere = threading.Barrier(len(aufgaben))
    ergebnisse: list[tuple[str, object]] = []
    original = Mittelabruf.full_clean

    def langsam(self, *args, **kwargs):
        time.sleep(0.3)
        return original(self, *args, **kwargs)

    def ausfuehren(aufgabe):
        try:
            barriere.wait(timeout=10)
            ergebnisse.append(("gespeichert", aufgabe()))
        except ValidationError as error:
            ergebnisse.append(("abgelehnt", error.message_dict))
        except services.AbrufConflict as konflikt:
            ergebnisse.append(("konflikt", konflikt))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            ergebnisse.append(("fehler", repr(error)))
        finally:
            connection.close()

    with patch.object(Mittelabruf, "full_clean", langsam):
        threads = [threading.Thread(target=ausfuehren, args=(a,)) for a in aufgaben]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return ergebnisse


def _aendern(bescheid, abruf, betrag: str, user=None):
    return lambda: (
        services.change_mittelabruf(
            bescheid=bescheid,
            abruf_pk=abruf.pk,
            geladene_version=abruf.version,
            werte={"betrag": Decimal(betrag)},
            user=user,
        ).betrag
    )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_of_one_drawdown_one_wins_the_other_gets_a_conflict():
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    bescheid = FoerderbescheidFactory(bewilligter_betrag=Decimal("1000"))
    abruf = MittelabrufFactory(bescheid=bescheid, betrag=Decimal("100"))
    ergebnisse = _gleichzeitig(_aendern(bescheid, abruf, "200"), _aendern(bescheid, abruf, "300"))
    assert sorted(art for art, _ in ergebnisse) == ["gespeichert", "konflikt"], ergebnisse
    gewonnen = next(info for art, info in ergebnisse if art == "gespeichert")
    konflikt = next(info for art, info in ergebnisse if art == "konflikt")
    abruf.refresh_from_db()
    assert abruf.betrag == gewonnen and abruf.version == 2
    assert konflikt.abruf.betrag == gewonnen  # the loser is told what is stored now


@pytest.mark.django_db(transaction=True)
def test_edit_racing_a_new_drawdown_never_exceeds_the_grant():
    """Without the trigger: the Bescheid lock alone keeps edit and creation apart."""
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    bescheid = FoerderbescheidFactory(bewilligter_betrag=Decimal("1000"))
    abruf = MittelabrufFactory(bescheid=bescheid, betrag=Decimal("100"))

    def neu():
        return services.record_mittelabruf(
            bescheid=bescheid,
            datum=dt.date(2022, 6, 1),
            betrag=Decimal("500"),
            status=Mittelabruf.Status.BEANTRAGT,
            user=None,
        ).betrag

    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE foerderung_mittelabruf DISABLE TRIGGER foerderung_mittelabruf_sum"
        )
    try:
        ergebnisse = _gleichzeitig(_aendern(bescheid, abruf, "600"), neu)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE foerderung_mittelabruf ENABLE TRIGGER foerderung_mittelabruf_sum"
            )
    assert sorted(art for art, _ in ergebnisse) == ["abgelehnt", "gespeichert"], ergebnisse
    assert summe(bescheid) <= Decimal("1000")
    assert summe(bescheid) == Decimal("600")  # the edit alone (600), or 100 + the new 500


class TestMittelabrufAendernUndLoeschen:
    pytestmark = pytest.mark.django_db

    def test_change_is_recorded_with_its_author(self, welt):
        abruf = MittelabrufFactory(bescheid=FoerderbescheidFactory(kreis=welt.lippe))
        user = welt.users["kreis"]
        geaendert = _aendern(abruf.bescheid, abruf, "40000", user)()
        assert geaendert == Decimal("40000")
        letzter = Mittelabruf.history.filter(id=abruf.pk).latest("history_id")
        assert (letzter.history_type, letzter.history_user, letzter.version) == ("~", user, 2)

    def test_stale_version_writes_nothing(self, welt):
        abruf = MittelabrufFactory(bescheid=FoerderbescheidFactory(kreis=welt.lippe))
        _aendern(abruf.bescheid, abruf, "40000")()
        with pytest.raises(services.AbrufConflict) as konflikt:
            services.delete_mittelabruf(
                bescheid=abruf.bescheid, abruf_pk=abruf.pk, geladene_version=1, user=None
            )
        assert not konflikt.value.geloescht
        assert [(a.feld, a.alt, a.neu) for a in konflikt.value.aenderungen] == [
            ("Betrag (EUR)", "50.000,00\u00a0€", "40.000,00\u00a0€")
        ]
        assert Mittelabruf.objects.filter(pk=abruf.pk).exists()

    def test_deleted_drawdown_is_a_conflict(self, welt):
        abruf = MittelabrufFactory(bescheid=FoerderbescheidFactory(kreis=welt.lippe))
        services.delete_mittelabruf(
            bescheid=abruf.bescheid, abruf_pk=abruf.pk, geladene_version=1, user=None
        )
        with pytest.raises(services.AbrufConflict) as konflikt:
            _aendern(abruf.bescheid, abruf, "1")()
        assert konflikt.value.geloescht
        assert Mittelabruf.history.filter(id=abruf.pk, history_type="-").exists()


# --- Reminder levels (the reminders: tests/benachrichtigungen/test_faelligkeiten.py) -------


@pytest.mark.parametrize(
    ("tage", "stufe"), [(31, None), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)]
)
def test_reminder_levels(tage, stufe):
    assert services.due_stufe(tage, [7, 30]) == stufe
