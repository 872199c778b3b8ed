"""Business rules of the tenancy models: in clean() (German, per field) and in the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kommunen.models import Kommune, Mitgliedschaft, Rolle
from tests.factories import KommuneFactory, KreisFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_kommune_ags_must_start_with_kreis_ags_in_clean():
    lippe = KreisFactory(ags="05766")
    kommune = Kommune(kreis=lippe, ags="05758012", name="Falsch", slug="falsch", typ="Stadt")
    with pytest.raises(ValidationError) as error:
        kommune.full_clean()
    assert error.value.message_dict["ags"] == [
        "Der AGS muss mit dem AGS des Kreises (05766) beginnen."
    ]


@pytest.mark.parametrize("ags", ["0576602", "057660200", "05766ABC"])
def test_kommune_ags_must_have_8_digits(ags):
    lippe = KreisFactory(ags="05766")
    kommune = Kommune(kreis=lippe, ags=ags, name="Falsch", slug="falsch", typ="Stadt")
    with pytest.raises(ValidationError) as error:
        kommune.full_clean()
    assert "ags" in error.value.message_dict


@pytest.mark.parametrize("ags", ["05758012", "0576602", "05766x20"])
def test_database_refuses_bad_kommune_ags(ags):
    lippe = KreisFactory(ags="05766")
    with pytest.raises(IntegrityError), transaction.atomic():
        Kommune.objects.create(kreis=lippe, ags=ags, name="Falsch", slug="falsch", typ="Stadt")


def test_valid_kommune_is_accepted():
    kommune = KommuneFactory(kreis=KreisFactory(ags="05766"), ags="05766020")
    kommune.full_clean()
    assert Kommune.objects.get(ags="05766020").kreis_id == "05766"


def test_mitgliedschaft_role_must_match_scope():
    kommune = KommuneFactory()
    user = UserFactory()
    falsch = Mitgliedschaft(user=user, rolle=Rolle.KREIS, kommune=kommune)
    with pytest.raises(ValidationError) as error:
        falsch.full_clean()
    assert error.value.message_dict["kreis"] == ["Für diese Rolle bitte auswählen."]
    assert error.value.message_dict["kommune"] == [
        "Passt nicht zur gewählten Rolle; bitte leer lassen."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        falsch.save()


def test_mitgliedschaft_is_unique_per_scope():
    kommune = KommuneFactory()
    user = UserFactory()
    Mitgliedschaft.objects.create(user=user, rolle=Rolle.CDO, kommune=kommune)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mitgliedschaft.objects.create(user=user, rolle=Rolle.CDO, kommune=kommune)
