"""`manage.py seed_demo`: demo accounts that work, the Blomberg IKZ Förderbescheid,
Maßnahmen with gaps in the Statusmeldungen, workshops, OZG states – and a second run
leaves every table as it was."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.test import TestCase, override_settings
from django.utils import timezone

from core.formatting import euro
from core.quartal import Quartal
from foerderung.models import Foerderbescheid, Mittelabruf
from handlungsfelder.models import Handlungsfeld, KennzahlWert, Ziel
from kommunen.models import Kommune, Kreis, Mitgliedschaft, Rolle
from massnahmen.models import Massnahme, Meilenstein, Nachnutzung, Statusmeldung
from ozg.models import OzgLeistung, Umsetzungsstand
from workshops.models import Teilnahme, Workshop

PASSWORT = "lippe-demo-2026"
LIPPE_SLUGS = [
    "augustdorf",
    "bad-salzuflen",
    "barntrup",
    "blomberg",
    "detmold",
    "doerentrup",
    "extertal",
    "horn-bad-meinberg",
    "kalletal",
    "lage",
    "lemgo",
    "leopoldshoehe",
    "luegde",
    "oerlinghausen",
    "schieder-schwalenberg",
    "schlangen",
]
DEMO_LOGINS = [f"cdo.{slug}@demo.invalid" for slug in LIPPE_SLUGS] + [
    "kreis@demo.invalid",
    "owl@demo.invalid",
    "admin@demo.invalid",
]
IKZ_PARTNER = {"luegde", "schieder-schwalenberg", "kalletal"}


def seed_demo(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table, including the change history and m2m tables."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        counts[model._meta.label] = model._default_manager.count()
    return counts


def versions() -> dict[str, dict[int, int]]:
    """The optimistic-locking version of every row of every model that has one."""
    return {
        model._meta.label: dict(model._default_manager.values_list("pk", "version"))
        for model in apps.get_models()
        if any(f.name == "version" for f in model._meta.concrete_fields)
    }


@pytest.mark.django_db
def test_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as fehler:
        seed_demo()
    meldung = str(fehler.value)
    assert "DEBUG" in meldung and "--force" in meldung
    assert "nur" in meldung  # German, e.g. "werden nur mit DEBUG=True angelegt"
    assert not get_user_model().objects.exists()
    assert not Kommune.objects.exists()


class SeedDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.ausgabe = seed_demo("--force")

    def test_loads_the_reference_data_first(self):
        assert Kommune.objects.count() == 70
        assert OzgLeistung.objects.count() == 58

    def test_all_demo_logins_work_with_the_demo_password(self):
        User = get_user_model()
        assert set(
            User.objects.filter(email__in=DEMO_LOGINS).values_list("email", flat=True)
        ) == set(DEMO_LOGINS)
        for email in DEMO_LOGINS:
            user = authenticate(None, email=email, password=PASSWORT)
            assert user is not None, email
            assert user.email == email
            assert authenticate(None, email=email, password="falsch") is None

    def test_roles_of_the_demo_accounts(self):
        User = get_user_model()
        for slug in LIPPE_SLUGS:
            cdo = User.objects.get(email=f"cdo.{slug}@demo.invalid")
            mitgliedschaft = cdo.mitgliedschaften.get()
            assert mitgliedschaft.rolle == Rolle.CDO
            assert mitgliedschaft.kommune.slug == slug
            assert cdo.first_name and cdo.last_name
            assert cdo.funktion.startswith("Digitalisierungsbeauftragte")
        kreis = Mitgliedschaft.objects.get(user__email="kreis@demo.invalid")
        assert (kreis.rolle, kreis.kreis_id) == (Rolle.KREIS, "05766")
        owl = Mitgliedschaft.objects.get(user__email="owl@demo.invalid")
        assert (owl.rolle, owl.region.kurzname) == (Rolle.REGION, "OWL")
        admin = User.objects.get(email="admin@demo.invalid")
        assert admin.is_superuser and admin.is_staff

    def test_no_real_names_from_the_press_texts(self):
        nachnamen = set(get_user_model().objects.values_list("last_name", flat=True))
        for echt in [
            "Bichler",
            "Kapelle",
            "Heering",
            "Horstmann",
            "Sargalski",
            "Dolle",
            "Blome",
            "Vidal",
            "Scharrenbach",
        ]:
            assert echt not in nachnamen

    def test_kommune_profiles(self):
        detmold = Kommune.objects.get(slug="detmold")
        assert detmold.website == "https://www.detmold.de"
        assert "Kreis Lippe" in detmold.beschreibung
        assert Kommune.objects.filter(kreis_id="05766", website="").count() == 0
        # Kommunen outside Lippe are not touched.
        assert not Kommune.objects.exclude(kreis_id="05766").exclude(website="").exists()

    def test_ikz_foerderbescheid_of_245000_euro_for_four_kommunen(self):
        bescheid = Foerderbescheid.objects.get(programm__kurzname="IKZ NRW", kreis_id="05766")
        assert euro(bescheid.bewilligter_betrag) == "245.000,00\u00a0€"
        assert bescheid.foerderquote == Decimal("90")
        assert bescheid.zuwendungsempfaenger.slug == "blomberg"
        assert set(bescheid.partner.values_list("slug", flat=True)) == IKZ_PARTNER
        assert bescheid.kreis_id == "05766"
        assert bescheid.bewilligungszeitraum_beginn < bescheid.bewilligungszeitraum_ende
        assert bescheid.verwendungsnachweis_faellig > timezone.localdate()
        massnahme = bescheid.massnahmen.get()
        assert massnahme.federfuehrend.slug == "blomberg"
        assert set(massnahme.beteiligte.values_list("slug", flat=True)) == IKZ_PARTNER

        abrufe = bescheid.mittelabrufe.all()
        assert abrufe.count() == 3
        assert {a.status for a in abrufe} == {
            Mittelabruf.Status.AUSGEZAHLT,
            Mittelabruf.Status.BEANTRAGT,
        }
        summe = abrufe.aggregate(s=Sum("betrag"))["s"]
        assert 0 < summe < Decimal("245000") / 2 + Decimal("50000")
        assert bescheid.verbleibend() == Decimal("245000") - summe

    def test_a_second_smaller_bescheid(self):
        lippe = Foerderbescheid.objects.filter(kreis_id="05766")
        assert lippe.count() == 2
        anderer = lippe.exclude(programm__kurzname="IKZ NRW").get()
        assert anderer.bewilligter_betrag < Decimal("245000")
        assert anderer.massnahmen.get().federfuehrend is None  # led by the Kreis

    def test_ikz_work_packages_as_meilensteine(self):
        massnahme = Massnahme.objects.get(
            kreis_id="05766", foerderbescheide__programm__kurzname="IKZ NRW"
        )
        titel = " | ".join(massnahme.meilensteine.values_list("titel", flat=True))
        for stichwort in [
            "Dokumentenmanagement",
            "digitale Bearbeitung",
            "Authentifizierungsniveau",
            "visualisieren",
            "Dokumentation",
            "Schulungen",
        ]:
            assert stichwort in titel, stichwort

    def test_meilensteine_reached_overdue_and_due_next_quarter(self):
        heute = timezone.localdate()
        naechstes = Quartal.current().next()
        meilensteine = Meilenstein.objects.all()
        assert meilensteine.filter(erreicht_am__isnull=False).exists()
        assert any(m.ueberfaellig for m in meilensteine)
        assert meilensteine.filter(
            erreicht_am__isnull=True,
            faellig_am__gte=naechstes.beginn,
            faellig_am__lte=naechstes.ende,
        ).exists()
        assert not meilensteine.filter(erreicht_am__gt=heute).exists()

    def test_massnahmen_across_handlungsfelder_statuses_and_leads(self):
        massnahmen = Massnahme.objects.filter(kreis_id="05766")
        assert massnahmen.count() >= 12
        assert set(massnahmen.values_list("handlungsfeld__nummer", flat=True)) == {1, 2, 3, 4}
        statuse = set(massnahmen.values_list("status", flat=True))
        assert {"idee", "geplant", "in_umsetzung", "abgeschlossen", "pausiert"} <= statuse
        assert set(massnahmen.values_list("ampel", flat=True)) == {"gruen", "gelb", "rot"}
        assert massnahmen.filter(federfuehrend__isnull=True).exists()
        assert (
            massnahmen.filter(federfuehrend__isnull=False)
            .values("federfuehrend")
            .distinct()
            .count()
            >= 8
        )
        assert massnahmen.filter(sichtbarkeit="oeffentlich").exists()
        assert massnahmen.filter(sichtbarkeit="kreis").exists()
        assert not massnahmen.filter(
            status="abgeschlossen", ende_tatsaechlich__isnull=True
        ).exists()
        for titel in [
            "Einheitliches Serviceportal",
            "E-Akte",
            "Lippe lebt Digitalisierung",
            "Mobiles Arbeiten",
        ]:
            assert massnahmen.filter(titel__contains=titel).exists(), titel
        assert Nachnutzung.objects.count() >= 2

    def test_statusmeldungen_for_the_last_four_quarters_with_gaps(self):
        letzte = Quartal.last_complete()
        aktiv = Massnahme.objects.filter(status=Massnahme.Status.IN_UMSETZUNG)
        for schritte in range(4):
            quartal = letzte.previous(schritte)
            assert Statusmeldung.objects.filter(quartal=str(quartal)).exists(), quartal
        # Some are missing on purpose – in a past quarter and in the current one.
        fehlend_vergangen = sum(
            aktiv.without_statusmeldung(letzte.previous(n)).count() for n in range(4)
        )
        assert fehlend_vergangen > 0
        aktuell = Quartal.current()
        assert aktiv.without_statusmeldung(aktuell).exists()
        assert Statusmeldung.objects.filter(quartal=str(aktuell)).exists()
        # Authors are the lead's CDO (or Kreis staff when the Kreis leads; in Lippe that is
        # kreis@demo.invalid, elsewhere kreis.<kreis>@demo.invalid; the DigitalBüro for the
        # region's own project).
        for meldung in Statusmeldung.objects.select_related(
            "massnahme__federfuehrend", "massnahme__kreis", "autor"
        ):
            lead = meldung.massnahme.federfuehrend
            kreis = meldung.massnahme.kreis
            erwartet = (
                f"cdo.{lead.slug}@demo.invalid"
                if lead
                else "owl@demo.invalid"  # a project of the region itself
                if kreis is None
                else "kreis@demo.invalid"
                if kreis.ags == "05766"
                else f"kreis.{kreis.slug}@demo.invalid"
            )
            assert meldung.autor.email == erwartet
            # ... and were written in the quarter they report on.
            eingang = timezone.localtime(meldung.erstellt_am).date()
            assert Quartal.from_date(eingang) == Quartal.parse(meldung.quartal)

    def test_past_quarters_have_their_figures_in_the_history(self):
        """Quarter figures come from the change history (core.stichtag): the demo looks
        kept since the Maßnahmen started, so last quarter's report is not empty and its
        progress differs from today's where a Statusmeldung changed it."""
        from berichte.abschnitte import Berichtsdaten, foerderung, ozg
        from kommunen.models import Kreis

        letzte = Quartal.last_complete()
        daten = Berichtsdaten(
            kreis=Kreis.objects.get(ags="05766"), quartal=letzte, stand=timezone.now()
        )
        assert len(daten.massnahmen) >= 10
        jetzt = {m.pk: m.fortschritt for m in Massnahme.objects.all()}
        assert any(z["fortschritt"] != jetzt[z["id"]] for z in daten.massnahmen)
        assert len(foerderung(daten)["bescheide"]) == 2
        assert ozg(daten)["summe_online"] > 0
        # Statusmeldung of last quarter and the Maßnahme's state at its end agree.
        gemeldet = [z for z in daten.massnahmen if z["meldung"]]
        assert gemeldet
        for zeile in gemeldet:
            assert zeile["fortschritt"] == zeile["meldung"]["fortschritt"], zeile["titel"]

    def test_ziele_and_kennzahlen(self):
        assert set(
            Ziel.objects.filter(kreis_id="05766").values_list("handlungsfeld__nummer", flat=True)
        ) == {1, 2, 3, 4}
        assert KennzahlWert.objects.filter(quartal=str(Quartal.last_complete())).exists()
        assert Handlungsfeld.objects.count() == 4

    def test_workshops(self):
        heute = timezone.now()
        regeltreffen = Workshop.objects.get(titel="Regeltreffen der Digitalisierungsbeauftragten")
        assert regeltreffen.format == Workshop.Format.VIDEO
        assert regeltreffen.ende < heute
        cdo_teilnahmen = regeltreffen.teilnahmen.filter(person__email__startswith="cdo.")
        assert cdo_teilnahmen.count() == 16
        assert {t.status for t in cdo_teilnahmen} == {Teilnahme.Status.TEILGENOMMEN}
        assert cdo_teilnahmen.values("kommune").distinct().count() == 16

        umsetzung = Workshop.objects.get(titel="Umsetzungsworkshop Rahmenstrategie")
        assert umsetzung.format == Workshop.Format.PRAESENZ
        assert "Detmold" in umsetzung.ort
        assert umsetzung.ergebnisse.filter(massnahme__isnull=False).exists()

        kommend = Workshop.objects.filter(kreis_id="05766", beginn__gt=heute)
        assert kommend.count() == 2
        for workshop in kommend:
            assert workshop.teilnahmen.filter(status=Teilnahme.Status.ANGEMELDET).exists()

    def test_ozg_umsetzungsstaende(self):
        staende = Umsetzungsstand.objects.filter(kommune__kreis_id="05766")
        assert staende.count() == 16 * 58
        assert staende.filter(reifegradmodell="2.0").count() > staende.count() / 2
        assert staende.filter(reifegradmodell="1.1").exists()
        assert not staende.filter(reifegradmodell="1.1", reifegrad__gt=4).exists()
        assert staende.filter(reifegradmodell="2.0", reifegrad__gt=4).exists()
        assert staende.filter(online=True).exists() and staende.filter(online=False).exists()
        assert not staende.filter(online=True, online_seit__isnull=True).exists()
        nachnutzung = staende.filter(nachgenutzt_von__isnull=False)
        assert nachnutzung.exists()
        assert not nachnutzung.filter(leistung__efa=False).exists()

    def test_every_row_passes_model_validation(self):
        for label in ["kommunen", "handlungsfelder", "massnahmen", "foerderung", "workshops"]:
            for model in apps.get_app_config(label).get_models():
                if model._meta.label.split(".")[1].startswith("Historical"):
                    continue
                for obj in model._default_manager.all():
                    obj.full_clean()
        for stand in Umsetzungsstand.objects.all()[:100]:
            stand.full_clean()

    def test_every_owl_kommune_has_its_cdo_and_every_kreis_its_staff(self):
        User = get_user_model()
        for kommune in Kommune.objects.all():
            email = f"cdo.{kommune.slug}@demo.invalid"
            mitgliedschaft = Mitgliedschaft.objects.get(user__email=email)
            assert (mitgliedschaft.rolle, mitgliedschaft.kommune_id) == (Rolle.CDO, kommune.pk)
            assert authenticate(None, email=email, password=PASSWORT) is not None, email
        for kreis in Kreis.objects.all():
            email = f"kreis.{kreis.slug}@demo.invalid"
            mitgliedschaft = Mitgliedschaft.objects.get(user__email=email)
            assert (mitgliedschaft.rolle, mitgliedschaft.kreis_id) == (Rolle.KREIS, kreis.ags)
            assert authenticate(None, email=email, password=PASSWORT) is not None, email
        assert Kreis.objects.count() == 7
        # "Meyer zu Bexten, Florian" in the list: the surname keeps its particles.
        verl = User.objects.get(email="cdo.verl@demo.invalid")
        assert (verl.first_name, verl.last_name) == ("Florian", "Meyer zu Bexten")

    def test_every_kreis_has_its_own_demo_content(self):
        aktuell = Quartal.current()
        for kreis in Kreis.objects.all():
            massnahmen = Massnahme.objects.filter(kreis=kreis)
            assert massnahmen.count() >= 2, kreis
            quartale = set(
                Statusmeldung.objects.filter(massnahme__kreis=kreis).values_list(
                    "quartal", flat=True
                )
            )
            assert len(quartale) >= 3, kreis
            assert str(aktuell) in quartale, kreis
            assert Foerderbescheid.objects.filter(kreis=kreis).exists(), kreis
            assert Workshop.objects.filter(kreis=kreis).exists(), kreis
            staende = Umsetzungsstand.objects.filter(kommune__kreis=kreis)
            assert staende.count() == kreis.kommunen.count() * 58, kreis
            assert staende.filter(online=True).exists(), kreis
        assert Umsetzungsstand.objects.count() == 70 * 58

    def test_a_few_massnahmen_are_shared_across_kreise(self):
        from django.db.models import F

        geteilt = Massnahme.objects.filter(
            kreis__isnull=False,
            pk__in=Massnahme.beteiligte.through.objects.exclude(
                kommune__kreis_id=F("massnahme__kreis_id")
            ).values("massnahme_id"),
        )
        assert geteilt.count() >= 3
        assert geteilt.values("kreis").distinct().count() >= 3
        # Readable by the partners' CDOs, and Lippe's own figures stay as they were.
        assert set(geteilt.values_list("sichtbarkeit", flat=True)) <= {"region", "oeffentlich"}
        assert not geteilt.filter(kreis_id="05766").exists()
        assert not geteilt.filter(beteiligte__kreis_id="05766").exists()
        buende = Massnahme.objects.get(titel="Digitaler Bauantrag in Bünde")
        assert set(buende.beteiligte.values_list("slug", flat=True)) == {
            "kirchlengern",
            "roedinghausen",
            "huellhorst",
        }

    def test_the_digitalbuero_runs_one_region_project_and_a_region_workshop(self):
        """Issue 15, point 7: the region's own project (led by the region, partners from
        every Kreis, public, with Statusmeldungen of past quarters) and its workshop, both
        on /region/ and the project also on the transparency pages."""
        projekt = Massnahme.objects.get(region__kurzname="OWL")
        assert (projekt.kreis, projekt.federfuehrend) == (None, None)
        assert projekt.beteiligte.values("kreis").distinct().count() == 7
        assert projekt.sichtbarkeit == "oeffentlich"
        assert projekt.statusmeldungen.filter(quartal__lt=str(Quartal.current())).exists()
        workshop = Workshop.objects.get(region__kurzname="OWL")
        assert workshop.kreis is None and workshop.teilnahmen.count() == 8
        self.client.force_login(get_user_model().objects.get(email="owl@demo.invalid"))
        text = self.client.get("/region/").content.decode()
        assert projekt.titel in text and workshop.titel in text
        self.client.logout()
        assert self.client.get(f"/oeffentlich/massnahmen/{projekt.pk}/").status_code == 200
        # Every CDO of the region reads it; a CDO of Lippe finds it on the dashboard.
        self.client.force_login(get_user_model().objects.get(email="cdo.hoexter@demo.invalid"))
        assert self.client.get(projekt.get_absolute_url()).status_code == 200
        self.client.force_login(get_user_model().objects.get(email="kreis@demo.invalid"))
        assert projekt.titel in self.client.get("/dashboard/").content.decode()

    def test_region_page_has_figures_for_all_seven_kreise(self):
        import re

        self.client.force_login(get_user_model().objects.get(email="owl@demo.invalid"))
        html = self.client.get("/region/").content.decode()
        tabelle = html[html.index("<tbody>") : html.index("</tbody>")]
        zeilen = re.findall(r"<tr>(.*?)</tr>", tabelle, re.S)
        namen = [re.search(r'<th scope="row"><a [^>]*>([^<]+)</a>', z).group(1) for z in zeilen]
        assert namen == [
            "Bielefeld",
            "Gütersloh",
            "Herford",
            "Höxter",
            "Lippe",
            "Minden-Lübbecke",
            "Paderborn",
        ]
        for name, zeile in zip(namen, zeilen, strict=True):
            assert "keine Daten" not in zeile, name
            assert not re.search(r">0 von 0<", zeile), name
            assert ">0,00\u00a0€<" not in zeile, name

    def test_summary_names_the_demo_logins(self):
        assert PASSWORT in self.ausgabe
        for email in [
            "cdo.<kommune>@demo.invalid",
            "kreis@demo.invalid",
            "owl@demo.invalid",
            "admin@demo.invalid",
        ]:
            assert email in self.ausgabe
        assert "luegde" in self.ausgabe

    def test_second_run_leaves_every_table_unchanged(self):
        vorher, versionen_vorher = row_counts(), versions()
        ausgabe = seed_demo("--force")
        assert row_counts() == vorher
        # Not only as many rows: none of them changed (a save bumps the row's version).
        assert versions() == versionen_vorher
        assert "Referenzdaten sind aktuell – nichts geändert." in ausgabe

    def test_changed_demo_password_is_reset(self):
        user = get_user_model().objects.get(email="cdo.lemgo@demo.invalid")
        user.set_password("etwas-anderes")
        user.save()
        seed_demo("--force")
        assert authenticate(None, email="cdo.lemgo@demo.invalid", password=PASSWORT) is not None


@override_settings(DEBUG=True)
class SeedDemoWithDebugTests(TestCase):
    def test_runs_without_force_when_debug_is_on(self):
        ausgabe = seed_demo()
        assert "Demodaten für die Region Ostwestfalen-Lippe sind angelegt" in ausgabe
        assert get_user_model().objects.filter(email="admin@demo.invalid").exists()
