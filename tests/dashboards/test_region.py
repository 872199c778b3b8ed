"""/region/: the Kreise of the region side by side, for the DigitalBüro and admins only."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest

from core.quartal import Quartal
from massnahmen.models import Massnahme, Nachnutzung, Statusmeldung
from tests.dashboards.dashboard_hilfen import abfragen_wachsen_nicht, seitentext
from tests.factories import (
    FoerderbescheidFactory,
    HandlungsfeldFactory,
    KommuneFactory,
    KreisFactory,
    MassnahmeFactory,
    RegionFactory,
    StatusmeldungFactory,
    UmsetzungsstandFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, scope (2 for region users), Handlungsfelder, Kreise with sums, Maßnahmen,
# trend, shared Maßnahmen + their Kommunen, Nachnutzungen + their Kommunen, BEGIN/COMMIT.
# 15: the progress trend reads the change history (one query) beside the Statusmeldungen.
# 16: the region's own projects (as of the quarter's end) and its workshops, one query each
# (issue 15, point 2); 14 again: the shared Maßnahmen and the Nachnutzungen come with their
# Kommunen in one query each (from the partner and Nachnutzung rows, no prefetch). The
# same 14 in bench/dashboards.py, with BEGIN/COMMIT for the test's SAVEPOINT/RELEASE.
MAX_ABFRAGEN = 14


@pytest.fixture
def region_daten(welt):
    zweites_hf = HandlungsfeldFactory(nummer=2, kurzname="Digitale Infrastruktur", slug="infra")
    MassnahmeFactory(
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=zweites_hf,
        fortschritt=80,
        titel="Glasfaser Herford",
    )
    # Led in Lippe, with Herford taking part: shared across the county line.
    geteilt = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Gemeinsames Rechenzentrum",
        beteiligte=[welt.herford_stadt, welt.blomberg],
    )
    Nachnutzung.objects.create(massnahme=welt.massnahme, kommune=welt.lemgo)
    Nachnutzung.objects.create(massnahme=welt.massnahme, kommune=welt.herford_stadt)
    StatusmeldungFactory(massnahme=geteilt, quartal=str(Quartal.current()))
    FoerderbescheidFactory(
        kreis=welt.lippe, zuwendungsempfaenger=welt.detmold, bewilligter_betrag=Decimal("100000")
    )
    UmsetzungsstandFactory(kommune=welt.herford_stadt, reifegrad=5)
    return zweites_hf


def test_region_user_sees_all_kreise_side_by_side(welt, login, region_daten):
    response = login(welt.users["region"]).get("/region/")
    assert response.status_code == 200
    text = seitentext(response)
    assert "Region Ostwestfalen-Lippe: die Kreise im Vergleich" in text
    tabelle = text.split("OZG-Abdeckung")[1].split("Region gesamt")[0]
    assert tabelle.index("Herford") < tabelle.index("Lippe")
    assert "100.000,00 €" in tabelle
    # Small multiples: one bar chart per Kreis, plus the comparison, the comparison per
    # 10.000 Einwohner and the trend; the three wide ones each with their narrow drawing for
    # a phone.
    html = response.content.decode()
    assert html.count('<figure class="diagramm">') == 2 + 3
    assert html.count('role="img"') == 2 + 3 * 2
    assert "Kreis Lippe: Fortschritt je Handlungsfeld" in html
    assert "Kreis Herford: Fortschritt je Handlungsfeld" in html
    # Herford: 1 Kommune × 1 OZG service, online → 100 %.
    assert tabelle.split("Herford")[1].split("Lippe")[0].strip().endswith("100,0 %")


def test_links_lead_to_the_kreis_filtered_lists(welt, login, region_daten):
    client = login(welt.users["region"])
    html = unescape(client.get("/region/").content.decode())
    assert "/dashboard/?kreis=05766" in html
    link = next(
        h for h in re.findall(r'href="([^"]+)"', html) if "kreis=05758" in h and "massnahmen" in h
    )
    liste = seitentext(client.get(link))
    assert "Glasfaser Herford" in liste and "Digitale Akte in Detmold" not in liste


def test_shared_maßnahmen_and_nachnutzung(welt, login, region_daten):
    text = seitentext(login(welt.users["region"]).get("/region/"))
    geteilt = text.split("Kreisübergreifende Maßnahmen")[1].split("Nachnutzung:")[0]
    assert "Gemeinsames Rechenzentrum" in geteilt
    assert "Herford (Herford)" in geteilt and "Blomberg (Lippe)" in geteilt
    assert "Digitale Akte in Detmold" not in geteilt  # Blomberg only: same Kreis
    nachnutzung = text.split("Nachnutzung: welche Lösung sich verbreitet")[1]
    assert "Digitale Akte in Detmold" in nachnutzung
    assert "Lemgo" in nachnutzung and "Herford (Herford)" in nachnutzung


def test_filter_by_handlungsfeld_and_quarter(welt, login, region_daten):
    client = login(welt.users["region"])
    text = seitentext(client.get(f"/region/?handlungsfeld={region_daten.pk}"))
    assert "nur Handlungsfeld Digitale Infrastruktur" in text
    tabelle = text.split("OZG-Abdeckung")[1].split("Region gesamt")[0]
    assert "Gemeinsames Rechenzentrum" not in text
    assert re.search(r"Lippe 0 ", tabelle)  # no Maßnahme of Lippe in that field
    vorher = Quartal.current().previous()
    text = seitentext(client.get(f"/region/?quartal={vorher}"))
    assert f"Statusmeldungen für das {vorher.label}" in text


def test_invalid_filter_shows_an_error_and_the_defaults(welt, login, region_daten):
    response = login(welt.users["region"]).get("/region/?quartal=1999-Q9&handlungsfeld=abc")
    assert response.status_code == 200
    text = seitentext(response)
    assert "1999-Q9 ist keine gültige Auswahl" in text
    assert "abc ist keine gültige Auswahl" in text
    assert f"Statusmeldungen für das {Quartal.current().label}" in text


@pytest.mark.parametrize("rolle", ["kreis", "kreis_fremd", "cdo_eigen", "cdo_andere"])
def test_kreis_staff_and_cdos_get_403(welt, login, rolle):
    assert login(welt.users[rolle]).get("/region/").status_code == 403


def test_admin_chooses_among_all_regions(welt, login, region_daten):
    andere = RegionFactory(kurzname="MS", name="Münsterland", slug="ms")
    KreisFactory(ags="05558", name="Coesfeld", slug="coesfeld", region=andere)
    client = login(welt.users["admin"])
    # Default: the first region by name.
    assert "Region Münsterland" in seitentext(client.get("/region/"))
    text = seitentext(client.get(f"/region/?region={welt.region.pk}"))
    assert "Region Ostwestfalen-Lippe" in text and "Coesfeld" not in text


def _mehr_daten(welt, n: int) -> None:
    """More of everything in the region, and a crowd in a region the user cannot see."""
    fremd = KreisFactory(
        ags="09162",
        name="München",
        slug="muenchen",
        region=RegionFactory(kurzname="OB", name="Oberbayern", slug="ob"),
    )
    for i in range(n):
        kommune = KommuneFactory(kreis=welt.herford, ags=f"05758{900 + i:03d}")
        m = MassnahmeFactory(
            kreis=welt.herford,
            federfuehrend=kommune,
            handlungsfeld=welt.handlungsfeld,
            beteiligte=[welt.detmold],
        )
        Nachnutzung.objects.create(massnahme=m, kommune=welt.herford_stadt)
        StatusmeldungFactory(massnahme=m, quartal=str(Quartal.current()))
        MassnahmeFactory(
            kreis=fremd, federfuehrend=KommuneFactory(kreis=fremd, ags=f"09162{100 + i:03d}")
        )


@pytest.mark.parametrize("rolle", ["region", "admin"])
def test_query_count_does_not_grow_with_the_data(welt, login, rolle, region_daten):
    client = login(welt.users[rolle])
    url = f"/region/?region={welt.region.pk}"
    abfragen_wachsen_nicht(client, url, lambda: _mehr_daten(welt, 6), MAX_ABFRAGEN)


def test_a_kreis_without_data_shows_keine_daten_not_zero(welt, login):
    """Herford has no Maßnahmen and no Bescheide: its row says "keine Daten" instead of
    "0 von 0" and "0,00 €"."""
    import re

    html = login(welt.users["region"]).get(f"/region/?region={welt.region.pk}").content.decode()
    zeile = next(z for z in re.findall(r"<tr>.*?</tr>", html, re.S) if ">Herford<" in z)
    assert zeile.count("keine Daten") >= 4
    assert "0 von 0" not in zeile and "0,00 €" not in zeile
    # … and in the Statusmeldungen of the last quarters: no Maßnahme, no "0".
    verlauf = html.split('id="verlauf"')[1].split("</table>")[1]  # after the chart's own
    zeile = next(z for z in re.findall(r"<tr>.*?</tr>", verlauf, re.S) if ">Herford<" in z)
    assert zeile.count("keine Daten") == 8 and ">0<" not in zeile


def test_average_progress_is_one_definition_on_every_page(welt, login):
    """An idea (0 %) and a stopped Maßnahme (10 %) do not pull the average down: 40 % on
    the dashboard, the region page and the public page alike, and the page says why."""
    from massnahmen.models import FORTSCHRITT_ERKLAERUNG
    from tests.factories import MassnahmeFactory

    welt.massnahme.veroeffentlicht = True
    welt.massnahme.save()  # in Umsetzung, 40 %
    for status, fortschritt in [("idee", 0), ("abgebrochen", 10)]:
        MassnahmeFactory(
            kreis=welt.lippe,
            handlungsfeld=welt.handlungsfeld,
            federfuehrend=welt.lemgo,
            status=status,
            fortschritt=fortschritt,
            veroeffentlicht=True,
        )
    client = login(welt.users["region"])
    for url in ["/dashboard/?kreis=05766", f"/region/?region={welt.region.pk}"]:
        html = client.get(url).content.decode()
        assert "40,0 %" in html, url
        assert FORTSCHRITT_ERKLAERUNG in html, url
    login(None)
    html = client.get("/oeffentlich/?kreis=05766").content.decode()
    assert "40,0 %" in html and FORTSCHRITT_ERKLAERUNG in html


@pytest.fixture
def grosse_region(welt):
    """The region of the world with 25 Kreise in all: Lippe, Herford and 23 more, each
    with one Maßnahme of 50 % progress."""
    for i in range(23):
        kreis = KreisFactory(
            ags=f"99{i:03d}", name=f"Kreis Z{i:02d}", slug=f"z{i:02d}", region=welt.region
        )
        MassnahmeFactory(
            kreis=kreis,
            federfuehrend=KommuneFactory(kreis=kreis),
            handlungsfeld=welt.handlungsfeld,
            fortschritt=50,
        )
    return welt.region


def _kreiszeilen(response) -> list[str]:
    """The Kreis names of the rows of the table "Kreise nebeneinander"."""
    html = response.content.decode()
    tabelle = html[html.index('id="vergleich"') :].split("</table>")[0]
    return re.findall(r'<th scope="row"><a href="[^"]*">([^<]+)</a></th>', tabelle)


def test_a_region_with_many_kreise_is_shown_twenty_at_a_time(welt, login, grosse_region):
    client = login(welt.users["region"])
    erste = client.get("/region/")
    assert erste.status_code == 200
    namen = _kreiszeilen(erste)
    assert len(namen) == 20 and namen == sorted(namen)
    text = seitentext(erste)
    assert "Die Region hat 25 Kreise; diese Seite zeigt die Kreise 1 bis 20" in text
    assert "Seite 1 von 2" in text
    # The total covers all 25 Kreise: their Maßnahmen, not only those of the page.
    gesamt = re.search(r"Region gesamt (\S+)", text).group(1)
    assert int(gesamt) == Massnahme.objects.filter(kreis__region=grosse_region).count()

    zweite = client.get("/region/", {"seite": "2"})
    rest = _kreiszeilen(zweite)
    assert len(rest) == 5 and not set(rest) & set(namen)
    assert "Seite 2 von 2" in seitentext(zweite)
    _jeder_kreis_hat_seine_zahlen(zweite, rest)


def _jeder_kreis_hat_seine_zahlen(response, namen):
    """Every generated Kreis of the page shows its one Maßnahme at 50 %: its sums were
    computed (a Kreis without them would read "keine Daten")."""
    text = seitentext(response)
    for name in namen:
        if name.startswith("Kreis Z"):
            assert f"{name} 1 50,0 % 1 (100 %)" in text, name


@pytest.mark.parametrize("seite", ["abc", "0", "-3", "99", "9" * 40])
def test_a_page_number_out_of_range_shows_a_page_not_an_error(welt, login, grosse_region, seite):
    client = login(welt.users["region"])
    response = client.get("/region/", {"seite": seite})
    assert response.status_code == 200
    namen = _kreiszeilen(response)
    erwartet = 5 if seite in {"99", "9" * 40} else 20  # beyond the end: the last page
    assert len(namen) == erwartet
    _jeder_kreis_hat_seine_zahlen(response, namen)


def _groesse_zeile(response, kreis: str) -> str:
    """The row of `kreis` in the table "Im Verhältnis zur Größe der Kreise", as text."""
    tabelle = response.content.decode().split('id="groesse"')[1].split("</table>")[0]
    for zeile in re.findall(r"<tr>(.*?)</tr>", tabelle, re.S):
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", zeile)).split())
        if text.startswith(f"{kreis} "):
            return text
    raise AssertionError(f"keine Zeile {kreis}")


def test_kreise_are_compared_per_kommune_and_per_10000_einwohner(welt, login, region_daten):
    """Issue 15, point 6: Lippe (3 Kommunen, 130.783 Einwohner, 2 Maßnahmen, 100.000 €)
    and Herford (1 Kommune, 66.000 Einwohner, 1 Maßnahme, no Bescheid) side by side,
    absolute, per Kommune and per 10.000 Einwohner; "keine Daten" for Herford's money."""
    response = login(welt.users["region"]).get("/region/")
    lippe = _groesse_zeile(response, "Lippe")
    assert lippe.split() == [
        "Lippe",
        "3",
        "130.783",
        "2",
        "0,67",
        "0,15",
        "100.000,00",
        "€",
        "0,76",
        "€",
    ]
    herford = _groesse_zeile(response, "Herford")
    assert herford.split()[:6] == ["Herford", "1", "66.000", "1", "1,00", "0,15"]
    assert herford.count("keine Daten") == 2 and "0,00 €" not in herford
    gesamt = _groesse_zeile(response, "Region gesamt")
    assert gesamt.split()[2:8] == ["4", "196.783", "3", "0,75", "0,15", "100.000,00"]
    # Every chart says what it shows, visibly above it.
    html = response.content.decode()
    for titel in [
        "Durchschnittlicher Fortschritt je Kreis",
        "Maßnahmen je 10.000 Einwohner je Kreis",
        "Abgegebene Statusmeldungen in der Region je Quartal",
    ]:
        assert f'<figcaption class="diagramm-titel">{titel}' in html, titel


def test_a_kreis_without_maßnahmen_or_einwohner_has_keine_daten(welt, login):
    """Herford has no Maßnahme; Lippe's Blomberg has no population figure: no ratio is
    made up for either."""
    welt.blomberg.einwohner = None
    welt.blomberg.einwohner_stand = None
    welt.blomberg.save()
    response = login(welt.users["region"]).get("/region/")
    herford = _groesse_zeile(response, "Herford")
    assert herford.split()[:3] == ["Herford", "1", "66.000"]
    assert herford.count("keine Daten") == 5
    lippe = _groesse_zeile(response, "Lippe")
    assert lippe.split()[:6] == ["Lippe", "3", "keine", "Daten", "1", "0,33"]
    assert "0,00" not in herford + lippe


def _regionsabschnitt(response) -> tuple[str, str]:
    """The text of the section on the region's own projects, and of its workshops part."""
    text = seitentext(response)
    abschnitt = text.split("Projekte und Workshops der Region")[1].split("Maßnahmen nach Status")[0]
    projekte, workshops = abschnitt.split("Workshops der Region")[-2:]
    return projekte, workshops


def test_region_projects_and_workshops_are_on_the_region_page(welt, login):
    """Issue 15, point 2: the region's own projects, with their figures as of the end of
    the quarter shown, and its workshops."""
    import datetime as dt

    from django.utils import timezone

    from tests.factories import WorkshopFactory
    from tests.stichtag import verlauf

    vorher = Quartal.current().previous()
    projekt = MassnahmeFactory(
        region=welt.region,
        kreis=None,
        federfuehrend=None,
        handlungsfeld=welt.handlungsfeld,
        titel="Regionales Datenportal OWL",
        status=Massnahme.Status.IN_UMSETZUNG,
        fortschritt=60,
        beteiligte=[welt.lemgo, welt.herford_stadt],
    )
    verlauf(projekt, (vorher.beginn, {"fortschritt": 20}), (Quartal.current().beginn, {}))
    jetzt = timezone.now()
    WorkshopFactory(
        region=welt.region,
        kreis=None,
        titel="Regionaltreffen OWL",
        beginn=jetzt + dt.timedelta(days=3),
        ende=jetzt + dt.timedelta(days=3, hours=2),
        veroeffentlicht_am=jetzt,
    )
    client = login(welt.users["region"])
    projekte, workshops = _regionsabschnitt(client.get("/region/"))
    assert "Regionales Datenportal OWL IKZ & Beteiligung in Umsetzung 60 % grün 2 fehlt" in projekte
    assert "Regionaltreffen OWL" in workshops
    assert "Neues Projekt der Region" in projekte
    # The quarter before: the project as it stood at its end, and no workshop then.
    projekte, workshops = _regionsabschnitt(client.get(f"/region/?quartal={vorher}"))
    assert "Regionales Datenportal OWL IKZ & Beteiligung in Umsetzung 20 %" in projekte
    assert "Kein Workshop der Region in diesem Quartal." in workshops
    # Another region's DigitalBüro sees nothing of it (admins choose the region).
    admin = login(welt.users["admin"])
    andere = RegionFactory(kurzname="OBB", name="Oberbayern", slug="oberbayern")
    KreisFactory(ags="09162", name="München", slug="muenchen", region=andere)
    text = seitentext(admin.get(f"/region/?region={andere.pk}"))
    assert "Regionales Datenportal OWL" not in text and "Regionaltreffen OWL" not in text


def test_the_statusmeldungen_of_many_kreise_are_counted_as_those_of_each(welt, grosse_region):
    """The region's Statusmeldungen per quarter (the chart of a region on several pages):
    for a few Kreise counted directly, for most Kreise of the country as all less those of
    the Maßnahmen outside; either way the sums per Kreis, without another region's Kreis
    or a region's own project."""
    from collections import Counter

    from django.core.cache import cache

    from dashboards import auswertung as k
    from kommunen.models import Kreis

    jetzt = Quartal.current()
    draussen = KreisFactory(ags="09999", name="Kreis Draußen", region=RegionFactory())
    ausserhalb = [
        MassnahmeFactory(kreis=draussen, federfuehrend=KommuneFactory(kreis=draussen)),
        MassnahmeFactory(region=grosse_region, kreis=None, federfuehrend=None),
    ]
    drinnen = list(Massnahme.objects.filter(kreis__region=grosse_region).order_by("pk")[:6])
    for massnahme in drinnen + ausserhalb:
        StatusmeldungFactory(massnahme=massnahme, quartal=str(jetzt))
    StatusmeldungFactory(massnahme=drinnen[0], quartal=str(jetzt.previous()))
    quartale = k.quartale_until(jetzt)
    region_kreise = list(Kreis.objects.filter(region=grosse_region).values_list("ags", flat=True))
    assert 2 * len(region_kreise) > Kreis.objects.count()  # the way "all less outside"
    for kreis_ids in [region_kreise, region_kreise[:3]]:
        for hf in [None, welt.handlungsfeld.pk]:
            cache.delete(k.ANZAHL_KREISE_SCHLUESSEL)
            summe = Counter()
            for (_kreis, quartal), anzahl in k.meldungen_per_kreis(
                kreis_ids, quartale, handlungsfeld_id=hf
            ).items():
                summe[quartal] += anzahl
            assert k.meldungen_je_quartal(kreis_ids, quartale, handlungsfeld_id=hf) == summe
    von_kreisen = Statusmeldung.objects.filter(massnahme__kreis__region=grosse_region)
    assert k.meldungen_je_quartal(region_kreise, quartale) == {
        str(jetzt.previous()): von_kreisen.filter(quartal=str(jetzt.previous())).count(),
        str(jetzt): von_kreisen.filter(quartal=str(jetzt)).count(),
    }
    # … and those outside were there to be left out.
    assert Statusmeldung.objects.filter(quartal=str(jetzt), massnahme__in=ausserhalb).count() == 2
