"""A Reifegrad is valid only for the maturity model it was rated under."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ozg.models import Umsetzungsstand
from tests.factories import KommuneFactory, OzgLeistungFactory, UmsetzungsstandFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("modell", "stufe", "gueltig"),
    [
        ("2.0", 0, True),
        ("2.0", 7, True),
        ("2.0", 8, False),
        ("1.1", 4, True),
        ("1.1", 5, False),
        ("1.1", 7, False),
    ],
)
def test_reifegrad_must_fit_its_model(modell, stufe, gueltig):
    stand = Umsetzungsstand(
        leistung=OzgLeistungFactory(),
        kommune=KommuneFactory(),
        reifegradmodell=modell,
        reifegrad=stufe,
    )
    if gueltig:
        stand.full_clean()
        stand.save()
        assert Umsetzungsstand.objects.get(pk=stand.pk).reifegradmodell == modell
    else:
        with pytest.raises(ValidationError) as error:
            stand.full_clean()
        assert error.value.message_dict["reifegrad"] == [
            f"Im Reifegradmodell {modell} gibt es nur die Stufen 0 bis {7 if modell == '2.0' else 4}."
        ]
        with pytest.raises(IntegrityError), transaction.atomic():
            stand.save()


@pytest.mark.parametrize(
    ("modell", "stufe", "online"),
    [
        ("2.0", 2, False),
        ("2.0", 3, True),
        ("2.0", 7, True),
        ("1.1", 2, False),
        ("1.1", 3, True),
    ],
)
def test_online_is_derived_by_the_database(modell, stufe, online):
    stand = UmsetzungsstandFactory(reifegradmodell=modell, reifegrad=stufe)
    assert Umsetzungsstand.objects.get(pk=stand.pk).online is online
    assert stand.is_online is online
    assert Umsetzungsstand.objects.online().filter(pk=stand.pk).exists() is online
