"""`manage.py load_reference_data`: the 70 Kommunen of OWL, the strategy, OZG services and
funding programmes, loaded from data/reference – and a second run changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.management import call_command
from django.test import TestCase

from core.text import slugify_de
from foerderung.models import Foerderprogramm
from handlungsfelder.models import Handlungsfeld, Lebensbereich
from kommunen.models import Kommune, Kreis, Region
from ozg.models import OzgLeistung


def load_reference_data() -> str:
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def test_slugify_de_transliterates_german_letters():
    assert slugify_de("Lügde") == "luegde"
    assert slugify_de("Dörentrup") == "doerentrup"
    assert slugify_de("Leopoldshöhe") == "leopoldshoehe"
    assert slugify_de("Horn-Bad Meinberg") == "horn-bad-meinberg"
    assert slugify_de("Halle (Westf.)") == "halle-westf"
    assert slugify_de("Straße") == "strasse"
    assert slugify_de("Minden-Lübbecke") == "minden-luebbecke"
    # A decomposed umlaut (u + combining diaeresis) is transliterated as well.
    assert slugify_de("Lu\u0308gde") == "luegde"


class LoadReferenceDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ausgabe = load_reference_data()

    def test_region_kreise_and_kommunen_of_owl(self):
        owl = Region.objects.get()
        assert (owl.kurzname, owl.name, owl.slug) == ("OWL", "Ostwestfalen-Lippe", "owl")
        assert Kreis.objects.count() == 7
        assert Kreis.objects.filter(region=owl).count() == 7
        assert Kommune.objects.count() == 70
        assert Kommune.objects.filter(kreis_id="05766").count() == 16

    def test_kreis_is_keyed_by_its_ags(self):
        lippe = Kreis.objects.get(pk="05766")
        assert (lippe.name, lippe.slug, lippe.typ) == ("Lippe", "lippe", Kreis.Typ.KREIS)
        bielefeld = Kreis.objects.get(pk="05711")
        assert bielefeld.typ == Kreis.Typ.KREISFREIE_STADT
        assert set(Kreis.objects.values_list("slug", flat=True)) == {
            "bielefeld",
            "guetersloh",
            "herford",
            "hoexter",
            "lippe",
            "minden-luebbecke",
            "paderborn",
        }

    def test_detmold(self):
        detmold = Kommune.objects.get(slug="detmold")
        assert detmold.ags == "05766020"
        assert detmold.kreis_id == "05766"
        assert detmold.einwohner == 74835
        assert detmold.einwohner_stand.isoformat() == "2023-12-31"
        assert detmold.typ == Kommune.Typ.STADT

    def test_slugs_are_german_transliterations(self):
        slugs = set(Kommune.objects.values_list("slug", flat=True))
        for slug in [
            "luegde",
            "doerentrup",
            "leopoldshoehe",
            "horn-bad-meinberg",
            "schieder-schwalenberg",
            "bad-salzuflen",
            "guetersloh",
            "hoexter",
            "halle-westf",
        ]:
            assert slug in slugs, slug
        assert Kommune.objects.get(slug="halle-westf").name == "Halle (Westf.)"

    def test_lippe_has_ten_staedte_and_six_gemeinden(self):
        lippe = Kommune.objects.filter(kreis_id="05766")
        assert lippe.filter(typ=Kommune.Typ.STADT).count() == 10
        assert set(lippe.filter(typ=Kommune.Typ.GEMEINDE).values_list("name", flat=True)) == {
            "Augustdorf",
            "Dörentrup",
            "Extertal",
            "Kalletal",
            "Leopoldshöhe",
            "Schlangen",
        }

    def test_handlungsfelder_and_lebensbereiche(self):
        assert list(Handlungsfeld.objects.values_list("nummer", "kurzname", "slug")) == [
            (1, "IKZ & Beteiligung", "ikz-beteiligung"),
            (2, "Digitale Infrastruktur", "digitale-infrastruktur"),
            (3, "Kultur & Führung", "kultur-fuehrung"),
            (
                4,
                "Befähigung, Wissens- und Change-Management",
                "befaehigung-wissens-und-change-management",
            ),
        ]
        assert list(Lebensbereich.objects.values_list("name", "reihenfolge")) == [
            ("Verwaltung", 1),
            ("Mobilität", 2),
            ("Gesellschaft und Soziales", 3),
            ("Energie und Umwelt", 4),
            ("Wirtschaft und Tourismus", 5),
            ("Gesundheit und Pflege", 6),
            ("Bildung und Lernen", 7),
            ("Städtebau", 8),
        ]

    def test_ozg_services_with_efa_only_where_documented(self):
        assert OzgLeistung.objects.count() == 58
        assert set(OzgLeistung.objects.filter(efa=True).values_list("ozg_id", flat=True)) == {
            "10000",
            "10025",
            "10026",
            "10035",
            "10092",
            "10124",
            "10169",
            "10519",
        }
        wohnsitz = OzgLeistung.objects.get(ozg_id="10124")
        assert wohnsitz.leika_schluessel == "99115005104000"

    def test_foerderprogramme(self):
        assert Foerderprogramm.objects.count() == 4
        ikz = Foerderprogramm.objects.get(kurzname="IKZ NRW")
        assert ikz.max_foerderquote == Decimal("90")
        assert ikz.betragsregel == Foerderprogramm.Regel.IKZ_NRW_2021
        # 175.000 € for two partners + 2 × 35.000 € = the 245.000 € of the Blomberg Bescheid.
        assert ikz.hoechstbetrag(nrw_partner=4) == Decimal("245000")
        dmr = Foerderprogramm.objects.get(kurzname="DMR NRW")
        assert dmr.max_foerderquote == Decimal("80")
        assert dmr.betragsregel == ""

    def test_first_run_reports_what_was_created(self):
        assert "Kommunen: 70 neu angelegt" in self.ausgabe
        assert "Referenzdaten geladen: 152 neu angelegt, 0 aktualisiert" in self.ausgabe

    def test_second_run_changes_nothing_and_says_so(self):
        vorher = list(Kommune.objects.order_by("ags").values_list("ags", "geaendert_am"))
        ausgabe = load_reference_data()
        assert "Referenzdaten sind aktuell – nichts geändert." in ausgabe
        assert "neu angelegt" not in ausgabe
        assert list(Kommune.objects.order_by("ags").values_list("ags", "geaendert_am")) == vorher
        assert Kommune.objects.count() == 70

    def test_changed_values_are_restored_and_own_fields_kept(self):
        Kommune.objects.filter(slug="detmold").update(
            einwohner=1, website="https://www.detmold.de", beschreibung="Kreisstadt"
        )
        ausgabe = load_reference_data()
        assert "Kommunen: 0 neu angelegt, 1 aktualisiert, 69 unverändert" in ausgabe
        assert "Referenzdaten geladen: 0 neu angelegt, 1 aktualisiert" in ausgabe
        detmold = Kommune.objects.get(slug="detmold")
        assert detmold.einwohner == 74835
        # Fields the reference data does not own are left alone.
        assert detmold.website == "https://www.detmold.de"
        assert detmold.beschreibung == "Kreisstadt"
