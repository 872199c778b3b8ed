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
    services.bericht_erstellen(bericht_id=zweite.pk)
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
