"""The report's content for its readers (issue 14, point 4): "Das Wichtigste in Kürze" on
page 2, the table of contents with page numbers, a Steckbrief page per Kommune that the
requester can leave out, the cover. Checked on the generated PDF's text, page by page."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from berichte import services
from berichte.models import Quartalsbericht
from core.formatting import zahl
from core.quartal import Quartal
from massnahmen.models import Massnahme
from tests.factories import (
    FoerderbescheidFactory,
    MassnahmeFactory,
    MeilensteinFactory,
    OzgLeistungFactory,
    StatusmeldungFactory,
    UmsetzungsstandFactory,
)
from tests.stichtag import eingetragen_am, verlauf, zurueckdatieren

from .conftest import XDIST_GRUPPE
from .grosser_kreis import KOMMUNEN
from .pdf_pruefung import PdfLeser

pytestmark = pytest.mark.django_db

Q3 = Quartal(2026, 3)
STAND = timezone.make_aware(dt.datetime(2026, 10, 10, 6, 0))


def einfach(text: str) -> str:
    """Single spaces, and words hyphenated at a line's end (U+2010) joined again."""
    return " ".join(re.sub("\u2010\\s+", "", text).split())


def inhaltsverzeichnis(pdf: PdfLeser) -> list[tuple[str, int]]:
    """(title, page) of every line of the table of contents on page 3."""
    eintraege = []
    for zeile in pdf.seiten[2].zeilen:
        treffer = re.fullmatch(r"(.+?)\s*\.{3,}\s*(\d+)", zeile)
        if treffer:
            eintraege.append((treffer[1].strip(), int(treffer[2])))
    return eintraege


@pytest.fixture
def lippe_q3(welt):
    """Lippe at the end of Q3 2026, against the end of Q2:
    - finished in Q3: two Maßnahmen (one was finished already in Q2 and does not count);
    - newly red: one (another was red in Q2 already);
    - missing Statusmeldung: one of four owing one;
    - a Förderbescheid with two deadlines within six months and one after;
    - OZG: 3 services online at the end of Q3, 1 at the end of Q2."""
    zurueckdatieren(dt.date(2026, 4, 1))  # the world of tests/conftest.py stood since Q2
    kreis, hf = welt.lippe, welt.handlungsfeld

    def massnahme(titel, kommune, **werte):
        return MassnahmeFactory(
            kreis=kreis, federfuehrend=kommune, handlungsfeld=hf, titel=titel, **werte
        )

    fertig = {"status": Massnahme.Status.ABGESCHLOSSEN, "fortschritt": 100}
    offen = {"status": Massnahme.Status.IN_UMSETZUNG, "ende_tatsaechlich": None}
    ende = {"ende_tatsaechlich": dt.date(2026, 8, 1)}
    for titel in ("Ratsinformationssystem Lemgo", "Bürgerkonto Lemgo"):
        verlauf(
            massnahme(titel, welt.lemgo, **fertig, **ende),
            (dt.date(2026, 4, 10), {**offen, "fortschritt": 80}),
            (dt.date(2026, 8, 1), {**fertig, **ende}),
        )
    eingetragen_am(
        massnahme("WLAN Blomberg", welt.blomberg, **fertig, ende_tatsaechlich=dt.date(2026, 5, 1)),
        dt.date(2026, 5, 1),
    )
    verlauf(
        massnahme("Glasfaser Detmold", welt.detmold, ampel="rot"),
        (dt.date(2026, 4, 10), {"ampel": "gruen"}),
        (dt.date(2026, 9, 1), {"ampel": "rot"}),
    )
    eingetragen_am(massnahme("Serverraum Detmold", welt.detmold, ampel="rot"), dt.date(2026, 4, 1))
    for m in Massnahme.objects.filter(titel__in=["Glasfaser Detmold", "Serverraum Detmold"]):
        eingetragen_am(StatusmeldungFactory(massnahme=m, quartal="2026-Q3"), dt.date(2026, 9, 20))
    eingetragen_am(
        StatusmeldungFactory(massnahme=welt.massnahme, quartal="2026-Q3"), dt.date(2026, 9, 20)
    )
    # Owes its Q3 Statusmeldung: "Digitales Bauamt Lemgo".
    eingetragen_am(massnahme("Digitales Bauamt Lemgo", welt.lemgo), dt.date(2026, 4, 1))
    eingetragen_am(
        FoerderbescheidFactory(
            kreis=kreis,
            zuwendungsempfaenger=welt.lemgo,
            bewilligter_betrag=Decimal("120000.00"),
            bescheiddatum=dt.date(2026, 3, 1),
            verwendungsnachweis_faellig=dt.date(2026, 12, 1),
            bewilligungszeitraum_ende=dt.date(2027, 3, 31),
        ),
        dt.date(2026, 3, 1),
    )
    eingetragen_am(
        FoerderbescheidFactory(
            kreis=kreis,
            zuwendungsempfaenger=welt.detmold,
            bescheiddatum=dt.date(2026, 3, 1),
            verwendungsnachweis_faellig=dt.date(2027, 4, 1),
            bewilligungszeitraum_ende=dt.date(2027, 6, 30),
        ),
        dt.date(2026, 3, 1),
    )
    eingetragen_am(
        MeilensteinFactory(massnahme=welt.massnahme, faellig_am=dt.date(2026, 11, 30)),
        dt.date(2026, 7, 1),
    )
    for nummer, (kommune, seit) in enumerate(
        [
            (welt.detmold, dt.date(2026, 5, 1)),
            (welt.detmold, dt.date(2026, 8, 1)),
            (welt.lemgo, dt.date(2026, 8, 1)),
        ]
    ):
        eingetragen_am(
            UmsetzungsstandFactory(
                kommune=kommune, leistung=OzgLeistungFactory(ozg_id=f"9{nummer}"), reifegrad=4
            ),
            seit,
        )
    eingetragen_am(
        UmsetzungsstandFactory(
            kommune=welt.blomberg, leistung=OzgLeistungFactory(ozg_id="99"), reifegrad=1
        ),
        dt.date(2026, 5, 1),
    )
    return welt


def bericht(welt, **optionen) -> PdfLeser:
    return PdfLeser(
        services.bericht_pdf(kreis=welt.lippe, quartal=Q3, stand=STAND, **optionen).inhalt
    )


def test_das_wichtigste_is_on_page_2_with_a_number_in_each_sentence(lippe_q3):
    seite = einfach(bericht(lippe_q3).seiten[1].text)
    assert seite.split()[seite.split().index("Das") : seite.split().index("Das") + 4] == [
        "Das",
        "Wichtigste",
        "in",
        "Kürze",
    ]
    for satz in [
        "Am Ende des 3. Quartals 2026 stehen 7 Maßnahmen im Bericht",
        "Im 3. Quartal 2026 wurden 2 Maßnahmen abgeschlossen.",
        "1 Maßnahme steht neu auf Rot (am Ende des 2. Quartals 2026 noch nicht); "
        "insgesamt stehen 2 Maßnahmen auf Rot.",
        "Für 1 von 4 meldepflichtigen Maßnahmen fehlt die Statusmeldung für das 3. Quartal 2026.",
        "Bis zum 31.03.2027 werden 2 Fristen aus Förderbescheiden fällig",
        "In den Kommunen sind 3 von 4 bewerteten OZG-Leistungen online (75,0 %), 2 mehr als "
        "am Ende des 2. Quartals 2026.",
        "Im 4. Quartal 2026 ist 1 Meilenstein fällig.",
    ]:
        assert satz in seite
    # One bullet a sentence, at most eight, and the seven above each carry their number.
    assert seite.count("•") == 7


def test_das_wichtigste_stays_as_of_the_quarter_end_after_later_changes(lippe_q3):
    """Changes after the quarter's end (today's live data) do not reach the sentences."""
    vorher = einfach(bericht(lippe_q3).seiten[1].text)
    assert timezone.now() > STAND  # what follows is entered after the quarter
    for m in Massnahme.objects.filter(kreis=lippe_q3.lippe):
        m.ampel = "rot"
        m.status = Massnahme.Status.ABGESCHLOSSEN
        m.ende_tatsaechlich = dt.date(2026, 9, 30)
        m.save()
    MassnahmeFactory(
        kreis=lippe_q3.lippe,
        federfuehrend=lippe_q3.lemgo,
        handlungsfeld=lippe_q3.handlungsfeld,
        ampel="rot",
    )
    UmsetzungsstandFactory(kommune=lippe_q3.lemgo, reifegrad=5)
    nachher = einfach(bericht(lippe_q3).seiten[1].text)
    assert nachher == vorher
    assert "insgesamt stehen 2 Maßnahmen auf Rot" in nachher


def test_das_wichtigste_uses_the_singular_for_one(welt):
    """One finished Maßnahme, one missing Statusmeldung out of one, one deadline."""
    zurueckdatieren(dt.date(2026, 4, 1))
    verlauf(
        MassnahmeFactory(
            kreis=welt.lippe,
            federfuehrend=welt.lemgo,
            handlungsfeld=welt.handlungsfeld,
            titel="Bürgerkonto Lemgo",
            status=Massnahme.Status.ABGESCHLOSSEN,
            fortschritt=100,
            ende_tatsaechlich=dt.date(2026, 8, 1),
        ),
        (dt.date(2026, 4, 10), {"status": "in_umsetzung", "ende_tatsaechlich": None}),
        (
            dt.date(2026, 8, 1),
            {"status": "abgeschlossen", "ende_tatsaechlich": dt.date(2026, 8, 1)},
        ),
    )
    eingetragen_am(
        FoerderbescheidFactory(
            kreis=welt.lippe,
            zuwendungsempfaenger=welt.lemgo,
            bescheiddatum=dt.date(2026, 3, 1),
            verwendungsnachweis_faellig=dt.date(2026, 12, 1),
            bewilligungszeitraum_ende=dt.date(2027, 9, 30),
        ),
        dt.date(2026, 3, 1),
    )
    seite = einfach(bericht(welt).seiten[1].text)
    assert "Am Ende des 3. Quartals 2026 stehen 2 Maßnahmen im Bericht" in seite
    assert "Im 3. Quartal 2026 wurde 1 Maßnahme abgeschlossen." in seite
    assert "Keine Maßnahme steht auf Rot." in seite
    assert "Für die meldepflichtige Maßnahme fehlt die Statusmeldung für das 3. Quartal" in seite
    assert "Bis zum 31.03.2027 wird 1 Frist aus Förderbescheiden fällig" in seite
    assert "Für die Kommunen sind noch keine OZG-Leistungen bewertet." in seite
    assert "Im 4. Quartal 2026 ist kein Meilenstein fällig." in seite


def test_table_of_contents_gives_the_page_each_section_starts_on(lippe_q3):
    pdf = bericht(lippe_q3)
    assert "Inhalt" in pdf.seiten[2].zeilen
    eintraege = inhaltsverzeichnis(pdf)
    titel = [t for t, _ in eintraege]
    assert titel[:3] == ["Zusammenfassung", "Maßnahmen je Handlungsfeld", "Zielerreichung"]
    assert "Förderung" in titel and "Anhang: Steckbriefe der Kommunen" in titel
    # The Kommunen in their order, each under the appendix.
    assert titel[-3:] == ["Blomberg", "Detmold", "Lemgo"]
    seiten = [s for _, s in eintraege]
    assert seiten == sorted(seiten) and seiten[0] == 4
    for eintrag, seite in eintraege:
        # The heading is on the page named, not on the page before it.
        assert eintrag in pdf.seiten[seite - 1].zeilen, (eintrag, seite)
        assert eintrag not in pdf.seiten[seite - 2].zeilen, (eintrag, seite)


def test_one_steckbrief_page_per_kommune(lippe_q3):
    pdf = bericht(lippe_q3)
    seiten = dict(inhaltsverzeichnis(pdf))
    assert (
        seiten["Blomberg"] + 1 == seiten["Detmold"] == seiten["Lemgo"] - 1 == pdf.seiten[-2].nummer
    )
    lemgo = einfach(pdf.seiten[seiten["Lemgo"] - 1].text)
    # Lemgo leads three Maßnahmen (two finished, one without Statusmeldung).
    assert "3 Maßnahmen, davon 3 federführend" in lemgo
    assert "Digitales Bauamt Lemgo federführend 40 %" in lemgo
    assert (
        "Für 1 Maßnahme fehlt die Statusmeldung für das 3. Quartal 2026: Digitales Bauamt Lemgo."
        in lemgo
    )
    assert (
        "1 von 1 bewerteten Leistungen ist online (100,0 %). Im Kreis Lippe insgesamt: 75,0 %."
        in lemgo
    )
    assert (
        "1 Förderbescheid als Zuwendungsempfängerin: bewilligt 120.000,00 €, abgerufen 0,00 €, "
        "verbleibend 120.000,00 €." in lemgo
    )
    detmold = einfach(pdf.seiten[seiten["Detmold"] - 1].text)
    # Red first.
    assert detmold.index("Glasfaser Detmold") < detmold.index("Digitale Akte in Detmold")
    assert "Es fehlt keine Statusmeldung für das 3. Quartal 2026." in detmold
    blomberg = einfach(pdf.seiten[seiten["Blomberg"] - 1].text)
    # Blomberg takes part in Detmold's Digitale Akte.
    assert "Digitale Akte in Detmold beteiligt" in blomberg
    assert "0 von 1 bewerteten Leistungen sind online (0,0 %)" in blomberg
    assert "Die Stadt Blomberg ist in keinem Förderbescheid Zuwendungsempfängerin." in blomberg
    # Article and case from the Kommune's type (issue 18, point 5), not "Maßnahmen von".
    assert "Maßnahmen der Stadt Lemgo Maßnahme Rolle" in lemgo
    assert "Maßnahmen von" not in einfach(pdf.text)


def test_the_steckbriefe_can_be_left_out(lippe_q3):
    ohne = bericht(lippe_q3, mit_steckbriefen=False)
    mit = bericht(lippe_q3)
    assert "Steckbriefe" not in ohne.text
    assert "Anhang: Steckbriefe der Kommunen" in [t for t, _ in inhaltsverzeichnis(mit)]
    assert len(mit.seiten) - len(ohne.seiten) == 3


def test_cover_names_kreis_quarter_and_version(lippe_q3):
    deckblatt = einfach(bericht(lippe_q3, version=3).seiten[0].text)
    assert "Quartalsbericht 3. Quartal 2026" in deckblatt
    assert "Kreis Lippe" in deckblatt
    assert "Version 3" in deckblatt


def test_the_stored_pdf_of_a_requested_version_names_it_on_the_cover(lippe_q3, tmp_path):
    """The file the task stores (what Kreis staff download), read with pdftotext: its
    first page names the Kreis, the quarter and the record's version."""
    Quartalsbericht.objects.create(kreis=lippe_q3.lippe, quartal=str(Q3), version=1)
    zweite = Quartalsbericht.objects.create(kreis=lippe_q3.lippe, quartal=str(Q3), version=2)
    services.create_bericht(bericht_id=zweite.pk)
    zweite.refresh_from_db()
    datei = tmp_path / "bericht.pdf"
    with zweite.datei.open("rb") as gespeichert:
        datei.write_bytes(gespeichert.read())
    lauf = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(datei), "-"], capture_output=True, text=True
    )
    deckblatt = einfach(lauf.stdout)
    assert "Quartalsbericht 3. Quartal 2026" in deckblatt
    assert "Kreis Lippe" in deckblatt
    assert "Version 2 Berichtszeitraum" in deckblatt


def test_a_report_without_record_says_so_where_the_version_stands(lippe_q3):
    """generate_report makes a PDF without a record: its cover does not pass it off as a
    numbered version."""
    deckblatt = einfach(bericht(lippe_q3).seiten[0].text)
    assert "Version ohne Versionsnummer (einzeln erstellt, nicht im Portal abgelegt)" in deckblatt


@pytest.fixture(scope="module")
def gross(grosser_bericht) -> PdfLeser:
    return PdfLeser(grosser_bericht["pdf/ua-1"])


@pytest.mark.xdist_group(XDIST_GRUPPE)
def test_large_kreis_one_steckbrief_page_per_kommune_in_their_order(gross):
    """500 Maßnahmen, 16 Kommunen with long names: each Steckbrief is one page, with all
    its parts, and the Kommunen come in alphabetical order."""
    eintraege = inhaltsverzeichnis(gross)
    namen = sorted(KOMMUNEN)
    kommunen = [(t, s) for t, s in eintraege if t in namen]
    assert [t for t, _ in kommunen] == namen
    for (name, seite), naechste in zip(
        kommunen, [*[s for _, s in kommunen[1:]], None], strict=True
    ):
        if naechste is not None:
            assert naechste == seite + 1, name
        text = einfach(gross.seiten[seite - 1].text)
        for teil in ("Fehlende Statusmeldungen", "OZG-Leistungen", "Fördermittel"):
            assert teil in text, (name, teil)
    assert kommunen[-1][1] == len(gross.seiten)
    # Every entry of the contents, chapters and Kommunen, names the page its heading is on.
    seiten = [s for _, s in eintraege]
    assert len(eintraege) == 9 + len(KOMMUNEN) and seiten == sorted(seiten)
    for eintrag, seite in eintraege:
        assert eintrag in gross.seiten[seite - 1].zeilen, (eintrag, seite)
        assert eintrag not in gross.seiten[seite - 2].zeilen, (eintrag, seite)
    assert "Das Wichtigste in Kürze" in gross.seiten[1].text
    assert "Am Ende des 3. Quartals 2026 stehen 500 Maßnahmen im Bericht" in einfach(
        gross.seiten[1].text
    )


# --- Request option and web preview (points 4c and 5) ----------------------------------------


def _pdf_des_berichts(bericht) -> PdfLeser:
    bericht.datei.open("rb")
    try:
        return PdfLeser(bericht.datei.read())
    finally:
        bericht.datei.close()


@pytest.mark.parametrize("mit", [True, False])
def test_the_requester_switches_the_steckbriefe_on_or_off(
    lippe_q3, login, django_capture_on_commit_callbacks, mit
):
    client = login(lippe_q3.users["kreis"])
    formular = client.get("/berichte/").content.decode()
    assert (
        'name="mit_steckbriefen"' in formular
        and "checked" in formular.split('name="mit_steckbriefen"')[1].split(">")[0]
    )
    daten = {"kreis": "05766", "quartal": "2026-Q3", "variante": "pdf/ua-1"}
    if mit:
        daten["mit_steckbriefen"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/berichte/anfordern/", daten)
    bericht = Quartalsbericht.objects.get()
    assert bericht.status == "fertig" and bericht.mit_steckbriefen is mit
    text = einfach(_pdf_des_berichts(bericht).text)
    assert ("Anhang: Steckbriefe der Kommunen" in text) is mit
    assert (
        "Für 1 Maßnahme fehlt die Statusmeldung für das 3. Quartal 2026: Digitales Bauamt" in text
    ) is mit


def test_the_report_page_shows_the_same_sections_as_the_pdf(
    lippe_q3, login, django_capture_on_commit_callbacks
):
    """/berichte/<id>/ shows what is printed: the summary sentences, the contents and the
    Steckbriefe, with the figures the PDF has."""
    client = login(lippe_q3.users["kreis"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/berichte/anfordern/",
            {
                "kreis": "05766",
                "quartal": "2026-Q3",
                "variante": "pdf/ua-1",
                "mit_steckbriefen": "on",
            },
        )
    bericht = Quartalsbericht.objects.get()
    pdf = _pdf_des_berichts(bericht)
    seite = client.get(f"/berichte/{bericht.pk}/")
    assert seite.status_code == 200
    from lxml import html as lxml_html

    baum = lxml_html.fromstring(seite.content)
    vorschau = baum.xpath('//div[@class="bericht-vorschau"]')[0]
    saetze = [einfach(li.text_content()) for li in vorschau.xpath('.//ul[@class="wichtigste"]/li')]
    assert len(saetze) == 7
    wichtigste_pdf = einfach(pdf.seiten[1].text)
    for satz in saetze:
        assert satz in wichtigste_pdf
    inhalt = [einfach(a.text_content()) for a in vorschau.xpath('.//nav[@class="inhalt"]//a')]
    assert inhalt == [t for t, _ in inhaltsverzeichnis(pdf)]
    lemgo = einfach(vorschau.xpath('.//section[h3="Lemgo"]')[0].text_content())
    assert (
        "1 von 1 bewerteten Leistungen ist online (100,0 %). Im Kreis Lippe insgesamt: 75,0 %."
        in lemgo
    )
    assert vorschau.xpath('.//dt[.="Version"]/following-sibling::dd[1]/text()') == ["1"]
    # One first-level heading on the page: the cover's becomes a second-level one.
    assert len(baum.xpath("//h1")) == 1


def test_without_massnahmen_at_the_previous_quarters_end_the_comparison_says_so(welt):
    """All of the Kreis's data entered during the quarter: at the previous quarter's end
    there was nothing to compare with. The comparison says so in words and leaves the
    column empty ("–"), instead of "0 von 0" Statusmeldungen and a change of "+1"; a
    quarter in which no Maßnahme owed a Statusmeldung reads "keine fällig"."""
    welt.massnahme.status = Massnahme.Status.ABGESCHLOSSEN
    welt.massnahme.fortschritt = 100
    welt.massnahme.ende_tatsaechlich = dt.date(2026, 8, 1)
    welt.massnahme.save()
    zurueckdatieren(dt.date(2026, 8, 1))
    seite = einfach(bericht(welt).seiten[3].text)
    assert "Veränderung gegenüber dem Vorquartal" in seite
    assert "0 von 0" not in seite
    assert (
        "Am 30.06.2026, dem Ende des 2. Quartals 2026, stand noch keine Maßnahme im Bericht: "
        "Für das Vorquartal gibt es keine Werte zum Vergleich." in seite
    )
    assert "Statusmeldungen – keine fällig –" in seite
    assert "Ampel grün – 1 –" in seite


# --- The same points on the generated Kreis (500 Maßnahmen, long names) ---------------------


def stichpunkte(inhalt: bytes) -> list[str]:
    """The bullet points of "Das Wichtigste in Kürze" (page 2), each as one line: the
    text of each list item's body (/LBody) in the structure tree."""
    from .pdf_pruefung import Strukturbaum

    leser, baum = PdfLeser(inhalt), Strukturbaum(inhalt)
    punkte: dict[tuple[int, int], str] = {}
    for stueck in leser.seiten[1].inhalte:
        element = baum.element_von(2, stueck.mcid)
        if element is None or "/LBody" not in (rollen := baum.rollen(element)):
            continue
        koerper = [*element.vorfahren, element.id][rollen.index("/LBody")]
        punkte[koerper] = punkte.get(koerper, "") + " " + stueck.text
    return [einfach(p) for p in punkte.values()]


@pytest.mark.xdist_group(XDIST_GRUPPE)
def test_large_kreis_das_wichtigste_gives_the_generated_figures(
    grosser_bericht_mit_vorschau, gross
):
    """Every sentence of page 2 with the figures the generator made, counted from its own
    lists (tests/berichte/grosser_kreis.py, `Soll`), not through the report's code; the
    comparison on the summary page has the previous quarter's own figures."""
    soll = grosser_bericht_mit_vorschau.soll
    vorher = "am Ende des 2. Quartals 2026"
    differenz = round(soll.fortschritt - soll.fortschritt_vorher, 1)
    # The generator makes a previous quarter that differs in each figure named.
    assert differenz > 0 and soll.abgeschlossen and soll.neu_rot < soll.rot
    assert soll.ozg_online > soll.ozg_online_vorher
    assert stichpunkte(grosser_bericht_mit_vorschau.pdfs["pdf/ua-1"]) == [
        f"Am Ende des 3. Quartals 2026 stehen {soll.massnahmen} Maßnahmen im Bericht; ihr "
        f"durchschnittlicher Fortschritt beträgt {zahl(soll.fortschritt, 1)} %, "
        f"{zahl(differenz, 1)} Prozentpunkte mehr als {vorher}.",
        f"Im 3. Quartal 2026 wurden {soll.abgeschlossen} Maßnahmen abgeschlossen.",
        f"{soll.neu_rot} Maßnahmen stehen neu auf Rot ({vorher} noch nicht); insgesamt stehen "
        f"{soll.rot} Maßnahmen auf Rot.",
        f"Für {soll.fehlend} von {soll.meldepflichtig} meldepflichtigen Maßnahmen fehlen die "
        "Statusmeldungen für das 3. Quartal 2026.",
        f"Bis zum 31.03.2027 werden {soll.fristen} Fristen aus Förderbescheiden fällig "
        "(Verwendungsnachweise und Enden von Bewilligungszeiträumen).",
        f"In den Kommunen sind {soll.ozg_online} von {soll.ozg_bewertet} bewerteten "
        f"OZG-Leistungen online ({zahl(100 * soll.ozg_online / soll.ozg_bewertet, 1)} %), "
        f"{soll.ozg_online - soll.ozg_online_vorher} mehr als {vorher}.",
        f"Im 4. Quartal 2026 sind {soll.meilensteine} Meilensteine fällig.",
    ]
    zusammenfassung = einfach(gross.seiten[3].text)
    gemeldet = soll.meldepflichtig - soll.fehlend
    mehr = gemeldet - soll.gemeldet_vorher
    zeichen = "+" if mehr > 0 else "−" if mehr < 0 else "±"
    assert (
        f"Statusmeldungen {soll.gemeldet_vorher} von {soll.meldepflichtig_vorher} {gemeldet} "
        f"von {soll.meldepflichtig} {zeichen}{abs(mehr)}" in zusammenfassung
    )
    assert (
        f"durchschnittlicher Fortschritt {zahl(soll.fortschritt_vorher, 1)} % "
        f"{zahl(soll.fortschritt, 1)} % +{zahl(differenz, 1)} Prozentpunkte" in zusammenfassung
    )
    assert f"rot – gefährdet {soll.rot}" in zusammenfassung
    assert f"abgeschlossen {soll.abgeschlossen}" in zusammenfassung


def _kapitel_der_gliederung(inhalt: bytes) -> list[str]:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(inhalt)) as pdf, pdf.open_outline() as gliederung:
        (titel,) = gliederung.root
        return [k.title for k in titel.children]


@pytest.mark.xdist_group(XDIST_GRUPPE)
def test_large_kreis_the_steckbriefe_can_be_left_out(grosser_bericht, gross):
    """The PDF/A variant of the generated Kreis is requested without the appendix: no
    Steckbrief, no entry for it or a Kommune in the contents or the bookmarks, 16 pages
    fewer, and every other chapter on the page it has with the appendix."""
    from berichte.pdf import VARIANTEN

    from .conftest import OHNE_STECKBRIEFE

    (mit_variante,) = [v for v in VARIANTEN if v != OHNE_STECKBRIEFE]
    ohne = PdfLeser(grosser_bericht[OHNE_STECKBRIEFE])
    assert "Steckbrief" not in ohne.text
    mit_inhalt, ohne_inhalt = inhaltsverzeichnis(gross), inhaltsverzeichnis(ohne)
    anhang = "Anhang: Steckbriefe der Kommunen"
    assert anhang in dict(mit_inhalt)
    assert ohne_inhalt == [(t, s) for t, s in mit_inhalt if t != anhang and t not in KOMMUNEN]
    assert len(ohne_inhalt) == 9 - 1
    assert len(gross.seiten) - len(ohne.seiten) == len(KOMMUNEN)
    # The last page is the last chapter's.
    assert "OZG-Umsetzung" in einfach(ohne.seiten[-1].text) or "OZG-Umsetzung" in einfach(
        ohne.seiten[-2].text
    )
    mit_gliederung = _kapitel_der_gliederung(grosser_bericht[mit_variante])
    assert anhang in mit_gliederung
    assert _kapitel_der_gliederung(grosser_bericht[OHNE_STECKBRIEFE]) == [
        k for k in mit_gliederung if k != anhang
    ]


@pytest.mark.xdist_group(XDIST_GRUPPE)
def test_large_kreis_cover_has_logo_name_quarter_and_version_on_one_page(grosser_bericht, gross):
    """The cover of version 2 with the logo Kreis staff uploaded: the logo above the
    title, the whole long name of the Kreis, the quarter and the version; the summary
    starts on page 2."""
    from .conftest import GROSSER_BERICHT_VERSION
    from .grosser_kreis import KREIS_NAME
    from .pdf_pruefung import Strukturbaum

    deckblatt = gross.seiten[0]
    text = einfach(deckblatt.text)
    assert text.startswith("Quartalsbericht 3. Quartal 2026 ")
    assert f"Kreis {KREIS_NAME} – Stand der gemeinsamen Digitalisierung" in text
    assert f"Version {GROSSER_BERICHT_VERSION} Berichtszeitraum 01.07.2026 bis 30.09.2026" in text
    assert "Maßnahmen im Bericht 500" in text
    (bild,) = [o for o in deckblatt.objekte if o.was == "Bild"]
    titel = min(
        (i.box for i in deckblatt.inhalte if "Quartalsbericht" in i.text), key=lambda b: -b.oben
    )
    assert bild.unten > titel.oben
    baum = Strukturbaum(grosser_bericht["pdf/ua-1"])
    (logo,) = [e for e in baum.elemente if e.rolle == "/Figure"]
    assert str(logo.objekt.get("/Alt")) == f"Logo des Kreises {KREIS_NAME}"
    assert "Das Wichtigste in Kürze" not in text
    assert "Das Wichtigste in Kürze" in gross.seiten[1].zeilen


@pytest.mark.xdist_group(XDIST_GRUPPE)
def test_large_kreis_the_report_page_shows_what_the_pdf_prints(grosser_bericht_mit_vorschau, gross):
    """/berichte/<id>/ of version 2 of the generated Kreis's report: the same summary
    sentences, the same contents, the same comparison with the previous quarter, all 500
    Maßnahmen, and for each of the 16 Kommunen the same counts as its Steckbrief page."""
    from lxml import html as lxml_html

    baum = lxml_html.fromstring(grosser_bericht_mit_vorschau.vorschau)
    (vorschau,) = baum.xpath('//div[@class="bericht-vorschau"]')
    saetze = [einfach(li.text_content()) for li in vorschau.xpath('.//ul[@class="wichtigste"]/li')]
    assert saetze == stichpunkte(grosser_bericht_mit_vorschau.pdfs["pdf/ua-1"])
    inhalt = [einfach(a.text_content()) for a in vorschau.xpath('.//nav[@class="inhalt"]//a')]
    assert inhalt == [t for t, _ in inhaltsverzeichnis(gross)]
    zusammenfassung = einfach(gross.seiten[3].text)
    for zeile in vorschau.xpath('.//section[@id="abschnitt-zusammenfassung"]//tbody/tr'):
        zellen = " ".join(einfach(zelle.text_content()) for zelle in zeile)
        assert zellen in zusammenfassung
    assert len(vorschau.xpath('.//div[@class="massnahme"]')) == 500
    seiten = dict(inhaltsverzeichnis(gross))
    zahlen = re.compile(
        r"\d+ Maßnahmen?, davon \d+ federführend|\d+ von \d+ bewerteten Leistungen (?:ist|sind)"
        r" online \([\d,]+ %\)|\d+ Förderbescheide? als Zuwendungsempfängerin: bewilligt "
        r"[\d.,]+ €, abgerufen [\d.,]+ €, verbleibend [\d.,]+ €"
    )
    for name in KOMMUNEN:
        (steckbrief,) = vorschau.xpath(f'.//section[h3="{name}"]')
        im_web = zahlen.findall(einfach(steckbrief.text_content()))
        assert len(im_web) == 3, (name, im_web)
        assert im_web == zahlen.findall(einfach(gross.seiten[seiten[name] - 1].text)), name
    assert vorschau.xpath('.//dt[.="Version"]/following-sibling::dd[1]/text()') == ["2"]
    (logo,) = vorschau.xpath(".//p[@class='logo']/img")
    assert logo.get("alt").startswith("Logo des Kreises Sächsische Schweiz")


@pytest.fixture(scope="module")
def demo(demo_bericht) -> PdfLeser:
    return PdfLeser(demo_bericht["pdf/ua-1"])


@pytest.mark.xdist_group(XDIST_GRUPPE)
@pytest.mark.parametrize("welcher", ["demo", "gross"])
def test_das_wichtigste_and_the_contents_of_the_rendered_reports(request, welcher):
    """The demo Kreis and the generated one: page 2 is "Das Wichtigste in Kürze" with at
    most eight sentences, each with its number, and the numbers agree with the tables of
    the summary (count, average progress, red, Statusmeldungen) and the OZG chapter; page
    3 lists every chapter after it, each with the page its heading is on."""
    from berichte.abschnitte import ABSCHNITTE, VOR_DEM_INHALT

    pdf = request.getfixturevalue(welcher)
    assert "Das Wichtigste in Kürze" in pdf.seiten[1].zeilen
    pdfs = request.getfixturevalue("demo_bericht" if welcher == "demo" else "grosser_bericht")
    punkte = stichpunkte(pdfs["pdf/ua-1"])
    assert 5 <= len(punkte) <= 8 and all(re.search(r"\d", p) for p in punkte), punkte
    text = " ".join(punkte)
    zusammenfassung = einfach(pdf.seiten[3].text)
    anzahl, fortschritt = re.search(
        r"stehen ([\d.]+) Maßnahmen im Bericht; ihr durchschnittlicher Fortschritt beträgt "
        r"([\d,]+) %",
        text,
    ).groups()
    assert f"Im Bericht stehen {anzahl} Maßnahmen" in zusammenfassung
    assert f"Durchschnittlicher Fortschritt: {fortschritt} %." in zusammenfassung
    (rot,) = re.search(r"insgesamt stehen? ([\d.]+) Maßnahmen? auf Rot", text).groups()
    assert f"rot – gefährdet {rot}" in zusammenfassung
    fehlend = re.search(r"Für ([\d.]+) von ([\d.]+) meldepflichtigen", text)
    if fehlend:
        gemeldet = f"{int(fehlend[2]) - int(fehlend[1])} von {fehlend[2]}"
    else:
        (alle,) = re.search(r"Für alle ([\d.]+) meldepflichtigen Maßnahmen liegt", text).groups()
        gemeldet = f"{alle} von {alle}"
    assert re.search(rf"Statusmeldungen \S+ von \S+ {gemeldet} ", zusammenfassung)
    (online,) = re.search(r"In den Kommunen sind ([\d.]+) von [\d.]+ bewerteten", text).groups()
    assert (
        "Online verfügbare OZG-Leistungen je Kommune zum 30.09.2026 (ab Reifegrad 3), "
        f"insgesamt {online}." in einfach(pdf.text)
    )
    kapitel = [a.titel for a in ABSCHNITTE if a.schluessel not in VOR_DEM_INHALT]
    eintraege = inhaltsverzeichnis(pdf)
    assert [t for t, _ in eintraege if t in kapitel] == kapitel
    assert len(eintraege) == len(kapitel) + 16  # the 16 Kommunen of either Kreis
    for eintrag, seite in eintraege:
        assert eintrag in pdf.seiten[seite - 1].zeilen, (eintrag, seite)
        assert eintrag not in pdf.seiten[seite - 2].zeilen, (eintrag, seite)
