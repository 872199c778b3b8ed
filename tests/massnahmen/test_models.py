"""Business rules of Maßnahmen and Statusmeldungen, in clean() and in the database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from massnahmen.models import Massnahme, Statusmeldung
from tests.factories import KommuneFactory, KreisFactory, MassnahmeFactory, StatusmeldungFactory

pytestmark = pytest.mark.django_db


def test_planned_end_before_start_is_refused_with_german_message():
    massnahme = MassnahmeFactory.build(
        kreis=KreisFactory(), beginn=dt.date(2026, 5, 1), ende_geplant=dt.date(2026, 4, 30)
    )
    massnahme.handlungsfeld.save()
    massnahme.federfuehrend = KommuneFactory(kreis=massnahme.kreis)
    with pytest.raises(ValidationError) as error:
        massnahme.full_clean()
    assert error.value.message_dict["ende_geplant"] == [
        "Das geplante Ende darf nicht vor dem Beginn liegen."
    ]


def test_database_refuses_planned_end_before_start():
    massnahme = MassnahmeFactory()
    massnahme.beginn, massnahme.ende_geplant = dt.date(2026, 5, 1), dt.date(2026, 4, 30)
    with pytest.raises(IntegrityError), transaction.atomic():
        massnahme.save()


@pytest.mark.parametrize("fortschritt", [-1, 101, 250])
def test_progress_outside_0_100_is_refused(fortschritt):
    massnahme = MassnahmeFactory()
    massnahme.fortschritt = fortschritt
    with pytest.raises(ValidationError) as error:
        massnahme.full_clean()
    assert "fortschritt" in error.value.message_dict
    if fortschritt > 0:  # negative values do not fit the unsigned column at all
        with pytest.raises(IntegrityError), transaction.atomic():
            Massnahme.objects.filter(pk=massnahme.pk).update(fortschritt=fortschritt)


def test_abgeschlossen_needs_actual_end():
    massnahme = MassnahmeFactory()
    massnahme.status = Massnahme.Status.ABGESCHLOSSEN
    with pytest.raises(ValidationError) as error:
        massnahme.full_clean()
    assert "ende_tatsaechlich" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        massnahme.save()
    massnahme.ende_tatsaechlich = dt.date(2026, 9, 30)
    massnahme.full_clean()
    massnahme.save()


def test_lead_kommune_must_belong_to_the_kreis():
    massnahme = MassnahmeFactory()
    massnahme.federfuehrend = KommuneFactory(kreis=KreisFactory(ags="05758"), ags="05758012")
    with pytest.raises(ValidationError) as error:
        massnahme.full_clean()
    assert "federfuehrend" in error.value.message_dict


def test_one_statusmeldung_per_massnahme_and_quarter():
    meldung = StatusmeldungFactory(quartal="2026-Q3")
    zweite = Statusmeldung(
        massnahme=meldung.massnahme,
        quartal="2026-Q3",
        fortschritt=50,
        ampel="gelb",
        erreicht="mehr",
    )
    with pytest.raises(ValidationError) as error:
        zweite.full_clean()
    assert "Für diese Maßnahme gibt es in diesem Quartal schon eine Statusmeldung." in str(
        error.value
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        zweite.save()
    # another quarter is fine
    StatusmeldungFactory(massnahme=meldung.massnahme, quartal="2026-Q4")


def test_statusmeldung_quarter_format_is_checked():
    meldung = StatusmeldungFactory.build(massnahme=MassnahmeFactory(), quartal="2026-3")
    with pytest.raises(ValidationError) as error:
        meldung.full_clean()
    assert "quartal" in error.value.message_dict


def test_history_records_who_changed_what():
    massnahme = MassnahmeFactory(fortschritt=10)
    massnahme.fortschritt = 60
    massnahme.save()
    latest, previous = massnahme.history.all()[:2]
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("fortschritt", 10, 60)]
