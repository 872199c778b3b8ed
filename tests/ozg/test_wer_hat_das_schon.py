"""„Wer hat das schon?“ (issue 15, point 5) on the CDO's start page and the Kommune's page:
the OZG services others of the region offer online and the Kommune does not, with the
solution they reuse and whom to ask; the catalogue's solutions of Kommunen of the same size
class in the Kommune's Handlungsfelder, only those the viewer may read; a fixed number of
queries, cached, and a change shows at once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from kommunen.models import Kommune, Rolle
from kommunen.scope import scope_for
from massnahmen.models import Massnahme, Nachnutzung, Sichtbarkeit
from ozg.models import ONLINE_AB, Reifegradmodell, Umsetzungsstand
from ozg.wer_hat_das_schon import MAX_LEISTUNGEN, compute, wer_hat_das_schon
from tests.factories import (
    HandlungsfeldFactory,
    KommuneFactory,
    KreisFactory,
    MassnahmeFactory,
    MitgliedschaftFactory,
    OzgLeistungFactory,
    RegionFactory,
    UmsetzungsstandFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ONLINE = ONLINE_AB[Reifegradmodell.V2_0]  # the one threshold, not a number of this test
IN_UMSETZUNG = Massnahme.Status.IN_UMSETZUNG


def text(response) -> str:
    """The page's visible text, one space between words."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def abschnitt(response) -> str:
    """Only the „Wer hat das schon?“ section of the page, as text."""
    html = response.content.decode()
    treffer = re.search(r'<section class="portal-whds".*?</section>', html, flags=re.S)
    assert treffer, "kein Abschnitt „Wer hat das schon?“"
    return " ".join(re.sub(r"<[^>]+>", " ", treffer.group(0)).split())


@pytest.fixture
def ozg(welt):
    """Services and who offers them: Lemgo (reusing Blomberg's solution) and Herford offer
    Bauantrag online, Detmold only at the level below; Hundesteuer Detmold has itself; Lemgo's
    Wohngeld stops below the threshold; Gewerbe is online only in another region."""
    lemgo_cdo = welt.users["cdo_andere"]
    lemgo_cdo.first_name, lemgo_cdo.last_name, lemgo_cdo.telefon = "Lena", "Lemke", "05261 213"
    lemgo_cdo.save()
    herford_cdo = UserFactory(
        email="cdo.herford@example.invalid", first_name="Hanna", last_name="Hering"
    )
    MitgliedschaftFactory(user=herford_cdo, rolle=Rolle.CDO, kommune=welt.herford_stadt)
    bauantrag = OzgLeistungFactory(ozg_id="10519", name="Bauantrag", themenfeld="Bauen & Wohnen")
    hundesteuer = OzgLeistungFactory(ozg_id="10160", name="Hundesteuer")
    wohngeld = OzgLeistungFactory(ozg_id="10095", name="Wohngeld")
    gewerbe = OzgLeistungFactory(ozg_id="10300", name="Gewerbeanmeldung")
    UmsetzungsstandFactory(
        leistung=bauantrag,
        kommune=welt.lemgo,
        reifegrad=ONLINE + 1,
        nachgenutzt_von=welt.blomberg,
        link="https://lemgo.example/bauantrag",
    )
    UmsetzungsstandFactory(leistung=bauantrag, kommune=welt.herford_stadt, reifegrad=ONLINE)
    UmsetzungsstandFactory(leistung=bauantrag, kommune=welt.detmold, reifegrad=ONLINE - 1)
    UmsetzungsstandFactory(leistung=hundesteuer, kommune=welt.detmold, reifegrad=ONLINE)
    UmsetzungsstandFactory(leistung=hundesteuer, kommune=welt.lemgo, reifegrad=ONLINE)
    UmsetzungsstandFactory(leistung=wohngeld, kommune=welt.lemgo, reifegrad=ONLINE - 1)
    anderswo = KommuneFactory(
        kreis=KreisFactory(
            ags="09162",
            name="München",
            region=RegionFactory(kurzname="OBB", name="Oberbayern", slug="obb"),
        ),
        ags="09162000",
        einwohner=1_500_000,
    )
    UmsetzungsstandFactory(leistung=gewerbe, kommune=anderswo, reifegrad=ONLINE + 2)
    return bauantrag


@pytest.fixture
def loesungen(welt):
    """Catalogue entries of Kommunen of Detmold's size class (50.000 and more: Herford) in
    Detmold's Handlungsfeld, and some that do not fit."""
    feld = welt.handlungsfeld  # Detmold leads „Digitale Akte in Detmold“ in it
    anderes_feld = HandlungsfeldFactory(nummer=2, kurzname="Infrastruktur", slug="infra")
    gross_und_nah = KommuneFactory(
        kreis=welt.herford, ags="05758004", name="Bünde", slug="buende", einwohner=52_000
    )

    def loesung(titel, lead, **kwargs):
        kwargs.setdefault("kreis", lead.kreis)
        kwargs.setdefault("handlungsfeld", feld)
        kwargs.setdefault("status", IN_UMSETZUNG)
        kwargs.setdefault("sichtbarkeit", Sichtbarkeit.REGION)
        return MassnahmeFactory(titel=titel, federfuehrend=lead, **kwargs)

    return {
        "passt": loesung("Bürger-App Herford", welt.herford_stadt),
        "abgeschlossen": loesung(
            "Ratsinfo Bünde",
            gross_und_nah,
            status=Massnahme.Status.ABGESCHLOSSEN,
            fortschritt=100,
            ende_tatsaechlich=dt.date(2026, 6, 30),
        ),
        "kreis_sichtbar": loesung(
            "Interne Akte Herford", welt.herford_stadt, sichtbarkeit=Sichtbarkeit.KREIS
        ),
        "anderes_feld": loesung(
            "Glasfaser Herford", welt.herford_stadt, handlungsfeld=anderes_feld
        ),
        "klein": loesung("Dorf-App Blomberg", welt.blomberg),
        "geplant": loesung("Idee Herford", welt.herford_stadt, status=Massnahme.Status.GEPLANT),
        "schon_genutzt": loesung("E-Akte Bünde", gross_und_nah),
    }


def test_start_page_names_the_services_others_offer_online_with_solution_and_contact(
    welt, ozg, login
):
    seite = abschnitt(login(welt.users["cdo_eigen"]).get("/"))
    assert "Wer hat das schon? Anregungen für Detmold" in seite
    assert (
        f"Eine Leistung bieten andere Kommunen der Region online an (ab Reifegrad {ONLINE})"
        in seite
    )
    assert "Bauantrag (Bauen &amp; Wohnen, OZG-ID 10519)" in seite
    assert "Online in 2 Kommunen der Region:" in seite
    # Own Kreis first: Lemgo with Blomberg's solution and its CDO, e-mail and telephone
    # (Detmold's CDO reads Lemgo's profile anyway) …
    assert (f"Lemgo (Kreis Lippe), Stufe {ONLINE + 1}, nutzt die Lösung von Blomberg nach") in seite
    assert "Kontakt: Lena Lemke ( cdo.lemgo@example.invalid , Tel. 05261 213)" in seite
    assert seite.index("Lemgo (Kreis Lippe)") < seite.index("Herford (Kreis Herford)")
    # … Herford's CDO by name only: Detmold's CDO may not read the Herford profile page.
    assert "Kontakt: Hanna Hering" in seite
    assert "cdo.herford@example.invalid" not in seite
    html = login(welt.users["cdo_eigen"]).get("/").content.decode()
    assert 'href="/kommunen/lemgo/"' in html and 'href="/kommunen/herford/"' not in html
    # Offered by Detmold itself, below the threshold elsewhere, or only in another region:
    for fehlt in ("Hundesteuer", "Wohngeld", "Gewerbeanmeldung"):
        assert fehlt not in seite


def test_kommune_page_shows_it_to_kreis_staff_with_their_rights(welt, ozg, loesungen, login):
    seite = abschnitt(login(welt.users["kreis"]).get("/kommunen/detmold/"))
    assert "Wer hat das schon? Anregungen für Detmold" in seite
    assert "Bauantrag" in seite
    assert "Bürger-App Herford" in seite
    assert "Interne Akte Herford" not in seite  # Kreis-visible in Herford


def test_solutions_of_kommunen_of_the_same_size_in_the_same_handlungsfelder(welt, loesungen, login):
    Nachnutzung.objects.create(massnahme=loesungen["schon_genutzt"], kommune=welt.detmold)
    seite = abschnitt(login(welt.users["cdo_eigen"]).get("/"))
    assert (
        "Maßnahmen von Kommunen mit 50.000 Einwohnern und mehr in den Handlungsfeldern von Detmold"
        in seite
    )
    assert "Bürger-App Herford" in seite
    assert "Ratsinfo Bünde" in seite
    for fehlt in (
        "Glasfaser Herford",  # another Handlungsfeld
        "Dorf-App Blomberg",  # a smaller Kommune
        "Idee Herford",  # not in the catalogue (only planned)
        "E-Akte Bünde",  # Detmold reuses it already
        "Digitale Akte in Detmold",  # its own
    ):
        assert fehlt not in seite


@pytest.mark.parametrize("wo", ["/", "/kommunen/detmold/"])
def test_a_cdo_never_sees_a_kreis_visible_massnahme_of_another_kreis(welt, loesungen, login, wo):
    seite = abschnitt(login(welt.users["cdo_eigen"]).get(wo))
    assert "Bürger-App Herford" in seite
    assert "Interne Akte Herford" not in seite
    assert (
        str(loesungen["kreis_sichtbar"].get_absolute_url())
        not in login(welt.users["cdo_eigen"]).get(wo).content.decode()
    )
    # The DigitalBüro reads everything of its region, the Kreis-visible one included.
    assert "Interne Akte Herford" in abschnitt(
        login(welt.users["region"]).get("/kommunen/detmold/")
    )


def test_the_same_rights_share_a_cache_entry_different_rights_do_not(welt, loesungen):
    """The DigitalBüro's list, cached first, is never served to a CDO."""
    region = wer_hat_das_schon(welt.detmold, welt.users["region"])
    cdo = wer_hat_das_schon(welt.detmold, welt.users["cdo_eigen"])
    assert "Interne Akte Herford" in [eintrag.titel for eintrag in region.loesungen]
    assert "Interne Akte Herford" not in [eintrag.titel for eintrag in cdo.loesungen]


def test_without_population_or_handlungsfelder_the_page_says_why(welt, login):
    welt.detmold.einwohner, welt.detmold.einwohner_stand = None, None
    welt.detmold.save()
    seite = abschnitt(login(welt.users["cdo_eigen"]).get("/"))
    assert "Für Detmold ist keine Einwohnerzahl eingetragen" in seite
    lemgo = abschnitt(login(welt.users["cdo_andere"]).get("/"))
    assert "Lemgo leitet noch keine Maßnahme und ist an keiner beteiligt" in lemgo
    assert (
        "/loesungen/?groesse=25000-50000"
        in login(welt.users["cdo_andere"]).get("/").content.decode()
    )


def test_a_new_online_service_elsewhere_shows_at_once(welt, ozg, login):
    client = login(welt.users["cdo_eigen"])
    assert "Wohnsitzmeldung" not in abschnitt(client.get("/"))
    UmsetzungsstandFactory(
        leistung=OzgLeistungFactory(ozg_id="10124", name="Wohnsitzmeldung"),
        kommune=welt.blomberg,
        reifegrad=ONLINE,
    )
    assert "Wohnsitzmeldung" in abschnitt(client.get("/"))
    # And when Detmold goes online with Bauantrag, it leaves Detmold's list.
    eigener = Umsetzungsstand.objects.get(leistung=ozg, kommune=welt.detmold)
    eigener.reifegrad = ONLINE
    eigener.save()
    assert "Bauantrag" not in abschnitt(client.get("/"))


def test_a_new_solution_elsewhere_shows_at_once(welt, loesungen, login):
    client = login(welt.users["cdo_eigen"])
    assert "Chatbot Herford" not in abschnitt(client.get("/"))
    m = MassnahmeFactory(
        titel="Chatbot Herford",
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=welt.handlungsfeld,
        status=Massnahme.Status.GEPLANT,
        sichtbarkeit=Sichtbarkeit.REGION,
    )
    assert "Chatbot Herford" not in abschnitt(client.get("/"))
    m.status = IN_UMSETZUNG
    m.save()
    assert "Chatbot Herford" in abschnitt(client.get("/"))


def _welt_vergroessern(welt, n: int) -> None:
    """n more Kommunen of the region offering n more services online, with CDOs, and n more
    fitting solutions: the queries must not grow with them."""
    for i in range(n):
        kommune = KommuneFactory(kreis=welt.herford, einwohner=60_000 + i)
        MitgliedschaftFactory(
            user=UserFactory(first_name=f"Vorname{i}", last_name=f"Name{i}"),
            rolle=Rolle.CDO,
            kommune=kommune,
        )
        for j in range(n):
            UmsetzungsstandFactory(
                leistung=OzgLeistungFactory(ozg_id=f"2{j:04d}"), kommune=kommune, reifegrad=ONLINE
            )
        MassnahmeFactory(
            kreis=welt.herford,
            federfuehrend=kommune,
            handlungsfeld=welt.handlungsfeld,
            status=IN_UMSETZUNG,
            sichtbarkeit=Sichtbarkeit.REGION,
        )


def test_computed_in_five_queries_whatever_the_size_and_then_from_the_cache(
    welt, ozg, loesungen, django_assert_num_queries
):
    user = welt.users["cdo_eigen"]
    scope_for(user)  # the request has its Scope already
    kommune = Kommune.objects.select_related("kreis").get(pk=welt.detmold.pk)
    with django_assert_num_queries(5):
        klein = compute(kommune, user)
    _welt_vergroessern(welt, MAX_LEISTUNGEN + 2)
    with django_assert_num_queries(5):
        gross = compute(kommune, user)
    assert len(gross.leistungen) == MAX_LEISTUNGEN > len(klein.leistungen)
    assert gross.leistungen_gesamt == MAX_LEISTUNGEN + 3  # the new ones and Bauantrag
    assert gross.weitere_loesungen

    with django_assert_num_queries(5):
        wer_hat_das_schon(kommune, user)
    with django_assert_num_queries(0):
        assert wer_hat_das_schon(kommune, user) == gross


def test_the_start_page_stays_within_its_query_budget(
    welt, ozg, loesungen, login, django_assert_max_num_queries
):
    client = login(welt.users["cdo_eigen"])
    with django_assert_max_num_queries(14) as kalt:
        client.get("/")
    _welt_vergroessern(welt, 6)
    with django_assert_max_num_queries(len(kalt.captured_queries)):
        client.get("/")  # the data changed: computed again, no more queries than before
    with django_assert_max_num_queries(len(kalt.captured_queries) - 5):
        client.get("/")  # from the cache


def test_a_solution_that_an_import_sets_in_umsetzung_shows_at_once(
    welt, loesungen, login, django_capture_on_commit_callbacks
):
    """The import writes in bulk (no save signals): it must void the cached lists too, not
    leave them stale for the cache's lifetime."""
    from tests.massnahmen.test_export_import import EXPORT_CSV, csv_lesen, importieren

    cdo = login(welt.users["cdo_eigen"])
    assert "Idee Herford" not in abschnitt(cdo.get("/"))  # cached now, still geplant

    kreis_herford = login(welt.users["kreis_fremd"])
    rows = csv_lesen(kreis_herford.get(EXPORT_CSV))
    kopf = rows[0]
    rows = [kopf] + [r for r in rows[1:] if r[kopf.index("Titel")] == "Idee Herford"]
    assert len(rows) == 2
    rows[1][kopf.index("Status")] = Massnahme.Status.IN_UMSETZUNG.label
    datei = io.StringIO(newline="")
    csv.writer(datei, delimiter=";").writerows(rows)
    lauf = importieren(
        kreis_herford,
        "status.csv",
        datei.getvalue().encode("utf-8-sig"),
        django_capture_on_commit_callbacks,
    )
    assert lauf.aktualisiert == 1

    assert "Idee Herford" in abschnitt(login(welt.users["cdo_eigen"]).get("/"))
