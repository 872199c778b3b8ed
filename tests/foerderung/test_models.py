"""Förderung rules: drawdowns never exceed the grant; the IKZ NRW amount rule."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from foerderung.models import Mittelabruf
from tests.conftest import require_or_skip
from tests.factories import FoerderbescheidFactory, FoerderprogrammFactory, MittelabrufFactory

pytestmark = pytest.mark.django_db


def test_drawdown_above_remaining_amount_is_refused_in_clean():
    bescheid = FoerderbescheidFactory(bewilligter_betrag=Decimal("245000"))
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("200000"))
    zu_viel = Mittelabruf(bescheid=bescheid, datum="2023-01-10", betrag=Decimal("45000.01"))
    with pytest.raises(ValidationError) as error:
        zu_viel.full_clean()
    assert error.value.message_dict["betrag"] == [
        "Der Abruf übersteigt die verbleibenden Mittel (45.000,00\u00a0€)."
    ]
    genau = Mittelabruf(bescheid=bescheid, datum="2023-01-10", betrag=Decimal("45000.00"))
    genau.full_clean()
    genau.save()
    assert bescheid.verbleibend() == Decimal("0")


def test_database_trigger_refuses_drawdowns_above_grant():
    require_or_skip(connection.vendor == "postgresql", "Den Trigger gibt es nur auf PostgreSQL.")
    bescheid = FoerderbescheidFactory(bewilligter_betrag=Decimal("1000"))
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("800"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Mittelabruf.objects.create(bescheid=bescheid, datum="2023-01-10", betrag=Decimal("200.01"))


def test_reducing_grant_below_drawn_amount_is_refused():
    bescheid = FoerderbescheidFactory(bewilligter_betrag=Decimal("245000"))
    MittelabrufFactory(bescheid=bescheid, betrag=Decimal("100000"))
    bescheid.bewilligter_betrag = Decimal("90000")
    with pytest.raises(ValidationError) as error:
        bescheid.full_clean()
    assert "bewilligter_betrag" in error.value.message_dict


@pytest.mark.parametrize(("partner", "erwartet"), [(2, "175000"), (3, "210000"), (4, "245000")])
def test_ikz_nrw_amount_rule(partner, erwartet):
    programm = FoerderprogrammFactory()
    assert programm.hoechstbetrag(nrw_partner=partner) == Decimal(erwartet)


def test_ikz_nrw_rule_caps_at_90_percent_and_knows_cross_border():
    programm = FoerderprogrammFactory()
    assert programm.hoechstbetrag(
        nrw_partner=4, zuwendungsfaehige_ausgaben=Decimal("200000")
    ) == Decimal("180000.00")
    assert programm.hoechstbetrag(nrw_partner=1, grenzueberschreitend=True) == Decimal("75000")


def test_eigenanteil_is_derived_from_amount_and_rate():
    bescheid = FoerderbescheidFactory(
        bewilligter_betrag=Decimal("245000"), foerderquote=Decimal("90")
    )
    assert bescheid.zuwendungsfaehige_ausgaben == Decimal("272222.22")
    assert bescheid.eigenanteil == Decimal("27222.22")
