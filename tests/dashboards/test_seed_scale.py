"""`manage.py seed_scale`: synthetic national-scale data that never touches real Kreise."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from core.quartal import Quartal
from kommunen.models import Kommune, Kreis, Region
from massnahmen.models import Massnahme, Nachnutzung, Statusmeldung
from ozg.models import OzgLeistung, Umsetzungsstand

pytestmark = pytest.mark.django_db


def _seed(**kwargs):
    args = {"kreise": 3, "kommunen_je_kreis": 4, "massnahmen": 60, "quartale": 2, "force": True}
    args.update(kwargs)
    out = io.StringIO()
    call_command("seed_scale", stdout=out, **args)
    return out.getvalue()


def test_builds_the_requested_volume_with_valid_ags(welt):
    ausgabe = _seed()
    region = Region.objects.get(kurzname="SKALA")
    kreise = Kreis.objects.filter(region=region)
    assert kreise.count() == 3
    assert Kommune.objects.filter(kreis__region=region).count() == 12
    for kreis in kreise:
        assert len(kreis.ags) == 5 and kreis.ags.startswith("99") and kreis.ags.isdigit()
        kreis.full_clean()
    for kommune in Kommune.objects.filter(kreis__region=region):
        assert len(kommune.ags) == 8 and kommune.ags.startswith(kommune.kreis_id)
    massnahmen = Massnahme.objects.filter(kreis__region=region)
    assert massnahmen.count() == 60
    assert Statusmeldung.objects.filter(massnahme__in=massnahmen).count() == 120
    quartale = set(
        Statusmeldung.objects.filter(massnahme__in=massnahmen).values_list("quartal", flat=True)
    )
    assert quartale == {str(Quartal.current().previous(2)), str(Quartal.current().previous())}
    # Every Kommune has a rating of every OZG service of the reference catalogue.
    assert (
        Umsetzungsstand.objects.filter(kommune__kreis__region=region).count()
        == 12 * OzgLeistung.objects.count()
    )
    # A federführende Kommune belongs to the Maßnahme's Kreis; never adopts its own solution.
    assert (
        not massnahmen.exclude(federfuehrend__isnull=True)
        .exclude(federfuehrend__kreis_id=models_f("kreis_id"))
        .exists()
    )
    assert not Nachnutzung.objects.filter(
        kommune_id=models_f("massnahme__federfuehrend_id")
    ).exists()
    assert "60 Maßnahmen" in ausgabe and "120 Statusmeldungen" in ausgabe


def models_f(name):
    from django.db.models import F

    return F(name)


def test_leaves_the_real_kreise_alone(welt):
    call_command("load_reference_data", verbosity=0)  # seed_scale loads it first
    vorher = (
        Massnahme.objects.filter(kreis=welt.lippe).count(),
        Kommune.objects.filter(kreis=welt.lippe).count(),
    )
    _seed()
    assert (
        Massnahme.objects.filter(kreis=welt.lippe).count(),
        Kommune.objects.filter(kreis=welt.lippe).count(),
    ) == vorher


def test_refuses_to_run_twice(welt):
    _seed()
    with pytest.raises(CommandError, match="bereits angelegt"):
        _seed()
    assert Kreis.objects.filter(region__kurzname="SKALA").count() == 3


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        _seed(force=False)
    assert not Region.objects.filter(kurzname="SKALA").exists()


def test_rejects_impossible_sizes(settings):
    with pytest.raises(CommandError, match="--kreise"):
        _seed(kreise=1001)
    with pytest.raises(CommandError, match="--kommunen-je-kreis"):
        _seed(kommunen_je_kreis=1000)
