"""The Förderbescheid, Mittelabruf and document forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from foerderung.forms import BescheidDokumentForm, FoerderbescheidForm, MittelabrufForm
from foerderung.models import Foerderprogramm
from tests.factories import (
    FoerderbescheidFactory,
    FoerderprogrammFactory,
    KommuneFactory,
    MittelabrufFactory,
)
from tests.foerderung.matrix import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def ikz(db):
    return FoerderprogrammFactory()


@pytest.fixture
def vier_kommunen(welt):
    """Blomberg receives the grant; Lügde, Schieder-Schwalenberg and Kalletal join."""
    partner = [
        KommuneFactory(kreis=welt.lippe, ags=ags, name=name, slug=slug)
        for ags, name, slug in [
            ("05766052", "Lügde", "luegde"),
            ("05766076", "Schieder-Schwalenberg", "schieder-schwalenberg"),
            ("05766040", "Kalletal", "kalletal"),
        ]
    ]
    return welt.blomberg, partner


def daten(programm, empfaenger, partner, **ueberschreiben) -> dict:
    werte = {
        "programm": programm.pk,
        "aktenzeichen": "34.2-IKZ-2021/017",
        "bescheiddatum": "2021-11-15",
        "status": "bewilligt",
        "zuwendungsempfaenger": empfaenger.pk,
        "partner": [k.pk for k in partner],
        "bewilligter_betrag": "245.000,00 €",
        "foerderquote": "90",
        "bewilligungszeitraum_beginn": "2021-12-01",
        "bewilligungszeitraum_ende": "2024-11-30",
        "verwendungsnachweis_faellig": "2025-02-28",
        "zweck": "Gemeinsames E-Government-Projekt",
        "massnahmen": [],
    }
    werte.update(ueberschreiben)
    return werte


def test_four_nrw_partners_give_exactly_245000_euro(welt, ikz, vier_kommunen):
    empfaenger, partner = vier_kommunen
    form = FoerderbescheidForm(
        data=daten(ikz, empfaenger, partner), user=welt.users["kreis"], kreis=welt.lippe
    )
    assert form.is_valid(), form.errors
    regel = form.regelpruefung()
    assert regel.nrw_partner == 4
    assert regel.hoechstbetrag == Decimal("245000.00")
    assert not regel.exceeded
    assert regel.eigenanteil == Decimal("27222.22")
    assert regel.eigenanteil_prozent == Decimal("10")
    bescheid = form.save()
    assert bescheid.bewilligter_betrag == Decimal("245000.00")
    assert bescheid.kreis_id == "05766"
    assert set(bescheid.partner.all()) == set(partner)


@pytest.mark.parametrize(("anzahl_partner", "hoechstbetrag"), [(1, "175000"), (2, "210000")])
def test_maximum_grows_by_35000_per_further_partner(
    welt, ikz, vier_kommunen, anzahl_partner, hoechstbetrag
):
    empfaenger, partner = vier_kommunen
    form = FoerderbescheidForm(
        data=daten(ikz, empfaenger, partner[:anzahl_partner], bewilligter_betrag="100.000"),
        user=welt.users["kreis"],
        kreis=welt.lippe,
    )
    assert form.is_valid(), form.errors
    assert form.regelpruefung().hoechstbetrag == Decimal(hoechstbetrag)


def test_amount_above_maximum_is_a_warning_not_an_error(welt, ikz, vier_kommunen):
    empfaenger, partner = vier_kommunen
    form = FoerderbescheidForm(
        data=daten(ikz, empfaenger, partner[:2], bewilligter_betrag="245.000"),
        user=welt.users["kreis"],
        kreis=welt.lippe,
    )
    assert form.is_valid(), form.errors
    regel = form.regelpruefung()
    assert regel.hoechstbetrag == Decimal("210000")
    assert regel.exceeded


def test_programme_without_rule_has_no_maximum(welt, vier_kommunen):
    programm = FoerderprogrammFactory(
        kurzname="SLR", betragsregel=Foerderprogramm.Regel.KEINE, max_foerderquote=Decimal("90")
    )
    empfaenger, partner = vier_kommunen
    form = FoerderbescheidForm(
        data=daten(programm, empfaenger, partner), user=welt.users["kreis"], kreis=welt.lippe
    )
    assert form.is_valid(), form.errors
    assert form.regelpruefung().hoechstbetrag is None
    assert not form.regelpruefung().exceeded


def test_rate_above_programme_maximum_keeps_own_share_of_ten_percent(welt, ikz, vier_kommunen):
    empfaenger, partner = vier_kommunen
    form = FoerderbescheidForm(
        data=daten(ikz, empfaenger, partner, foerderquote="95"),
        user=welt.users["kreis"],
        kreis=welt.lippe,
    )
    assert not form.is_valid()
    assert form.errors["foerderquote"] == [
        "Das Programm IKZ NRW erlaubt höchstens 90 % (Eigenanteil mindestens 10 %)."
    ]


def test_german_money_input_errors_next_to_the_field(welt, ikz, vier_kommunen):
    empfaenger, partner = vier_kommunen
    form = FoerderbescheidForm(
        data=daten(ikz, empfaenger, partner, bewilligter_betrag="245,000.00"),
        user=welt.users["kreis"],
        kreis=welt.lippe,
    )
    assert not form.is_valid()
    assert form.errors["bewilligter_betrag"] == [
        "Bitte geben Sie eine Zahl in deutscher Schreibweise ein, z. B. 245.000,00."
    ]


def test_recipient_is_not_also_a_partner(welt, ikz, vier_kommunen):
    empfaenger, partner = vier_kommunen
    form = FoerderbescheidForm(
        data=daten(ikz, empfaenger, [empfaenger, *partner]),
        user=welt.users["kreis"],
        kreis=welt.lippe,
    )
    assert not form.is_valid()
    assert "partner" in form.errors


def test_only_kommunen_and_massnahmen_of_the_kreis_can_be_chosen(welt, ikz):
    form = FoerderbescheidForm(
        data=daten(ikz, welt.herford_stadt, [welt.herford_stadt], massnahmen=[welt.massnahme.pk]),
        user=welt.users["kreis"],
        kreis=welt.lippe,
    )
    assert not form.is_valid()
    assert set(form.errors) == {"zuwendungsempfaenger", "partner"}
    choices = set(form.fields["zuwendungsempfaenger"].queryset)
    assert choices == {welt.detmold, welt.lemgo, welt.blomberg}


def test_the_kreis_is_fixed_for_kreis_staff_and_a_choice_for_superusers(welt):
    assert "kreis" not in FoerderbescheidForm(user=welt.users["kreis"], kreis=welt.lippe).fields
    form = FoerderbescheidForm(user=welt.users["admin"], kreis=None)
    assert set(form.fields["kreis"].queryset) == {welt.lippe, welt.herford}


def test_period_must_not_end_before_it_starts(welt, ikz, vier_kommunen):
    empfaenger, partner = vier_kommunen
    form = FoerderbescheidForm(
        data=daten(ikz, empfaenger, partner, bewilligungszeitraum_ende="2021-11-30"),
        user=welt.users["kreis"],
        kreis=welt.lippe,
    )
    assert not form.is_valid()
    assert "bewilligungszeitraum_ende" in form.errors


def test_edit_form_shows_stored_values_german_style(welt):
    bescheid = FoerderbescheidFactory(kreis=welt.lippe, zuwendungsempfaenger=welt.detmold)
    form = FoerderbescheidForm(instance=bescheid, user=welt.users["kreis"])
    assert 'value="245.000,00"' in str(form["bewilligter_betrag"])
    assert 'value="90,00"' in str(form["foerderquote"])
    assert 'value="2021-11-15"' in str(form["bescheiddatum"])
    assert form.regelpruefung().nrw_partner == 1


class TestMittelabrufForm:
    def test_amount_above_remaining_is_refused_with_the_remaining_amount(self, welt):
        bescheid = FoerderbescheidFactory(kreis=welt.lippe, bewilligter_betrag=Decimal("1000"))
        MittelabrufFactory(bescheid=bescheid, betrag=Decimal("800"))
        form = MittelabrufForm(
            data={"datum": "2022-07-01", "betrag": "200,01", "status": "beantragt"},
            bescheid=bescheid,
        )
        assert not form.is_valid()
        assert form.errors["betrag"] == [
            "Der Abruf übersteigt die verbleibenden Mittel (200,00\u00a0€)."
        ]
        assert "verbleibend: 200,00\u00a0€" in form.fields["betrag"].help_text

    def test_exact_remaining_amount_is_accepted(self, welt):
        bescheid = FoerderbescheidFactory(kreis=welt.lippe, bewilligter_betrag=Decimal("1000"))
        form = MittelabrufForm(
            data={
                "datum": "01.07.2022",
                "betrag": "1.000",
                "status": "ausgezahlt",
                "ausgezahlt_am": "15.07.2022",
            },
            bescheid=bescheid,
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["datum"] == dt.date(2022, 7, 1)

    def test_no_drawdown_before_the_decision(self, welt):
        bescheid = FoerderbescheidFactory(kreis=welt.lippe)
        form = MittelabrufForm(
            data={"datum": "2021-11-14", "betrag": "10", "status": "beantragt"},
            bescheid=bescheid,
        )
        assert not form.is_valid()
        assert form.errors["datum"] == [
            "Ein Mittelabruf kann nicht vor dem Bescheiddatum (15.11.2021) liegen."
        ]


class TestDokumentForm:
    def form(self, bescheid, name, inhalt, content_type="application/pdf", titel=""):
        from foerderung.models import BescheidDokument

        return BescheidDokumentForm(
            data={"titel": titel},
            files={"datei": SimpleUploadedFile(name, inhalt, content_type=content_type)},
            instance=BescheidDokument(bescheid=bescheid),
        )

    def test_pdf_is_accepted_and_titled_after_the_file(self, welt):
        bescheid = FoerderbescheidFactory(kreis=welt.lippe)
        form = self.form(bescheid, "Zuwendungsbescheid 2021.pdf", PDF)
        assert form.is_valid(), form.errors
        dokument = form.save()
        assert dokument.titel == "Zuwendungsbescheid 2021"
        assert dokument.dateiname == "Zuwendungsbescheid 2021.pdf"
        assert "Zuwendungsbescheid" not in dokument.datei.name  # random storage name

    @pytest.mark.parametrize(
        ("name", "inhalt", "content_type"),
        [
            ("bescheid.exe", b"MZ\x90\x00", "application/octet-stream"),
            ("bescheid.pdf", b"<script>alert(1)</script>", "application/pdf"),
            ("bescheid.pdf.html", PDF, "text/html"),
            ("bescheid.pdf", PDF, "text/html"),
        ],
    )
    def test_wrong_types_are_refused_next_to_the_field(self, welt, name, inhalt, content_type):
        bescheid = FoerderbescheidFactory(kreis=welt.lippe)
        form = self.form(bescheid, name, inhalt, content_type=content_type)
        assert not form.is_valid()
        assert form.errors["datei"]
