"""The API's response shapes, with German field documentation (shown in /api/v1/docs/).

Ids are the portal's own and stable: database ids for Maßnahmen, Ziele, Kennzahlen and
Kommunen (the same number as in the portal's addresses, e.g. /massnahmen/17/), the official
AGS for Kreise. Amounts and measured values are decimal text with a point ("245000.00"),
exactly as stored; shares are numbers in percent with one decimal.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

QUARTAL_MUSTER = r"^20[0-9]{2}-Q[1-4]$"
KREIS_MUSTER = r"^[0-9]{5}$"
MAX_ID = 2_147_483_647


class Fehler(Schema):
    detail: str = Field(description="Was nicht geklappt hat, auf Deutsch.")


class Feldfehler(Schema):
    parameter: str = Field(description="Name des Parameters mit der ungültigen Angabe.")
    meldung: str = Field(description="Was an der Angabe nicht stimmt, auf Deutsch.")


class Eingabefehler(Schema):
    detail: list[Feldfehler] = Field(description="Je ungültigem Parameter eine Meldung.")


class Seite(Schema):
    anzahl: int = Field(description="Anzahl aller Treffer (über alle Seiten).")
    limit: int = Field(description="Höchstzahl der Einträge dieser Seite.")
    offset: int = Field(description="Wie viele Treffer vor dieser Seite übersprungen wurden.")


class Kreis(Schema):
    ags: str = Field(description="Amtlicher Gemeindeschlüssel des Kreises (fünf Ziffern).")
    name: str = Field(description="Name, z. B. „Lippe“.")
    typ: str = Field(description="„Kreis“ oder „kreisfreie Stadt“.")
    region: str | None = Field(description="Kurzname der Region, z. B. „OWL“.")


class KreisSeite(Seite):
    ergebnisse: list[Kreis] = Field(description="Die Kreise dieser Seite, nach Name.")


class Kommune(Schema):
    id: int = Field(description="Id der Kommune im Portal (dauerhaft).")
    ags: str = Field(description="Amtlicher Gemeindeschlüssel (acht Ziffern).")
    name: str = Field(description="Name der Stadt oder Gemeinde.")
    typ: str = Field(description="„Stadt“, „Gemeinde“ oder „kreisfreie Stadt“.")
    kreis_ags: str = Field(description="AGS des Kreises, zu dem die Kommune gehört.")
    einwohner: int | None = Field(description="Einwohnerzahl, soweit bekannt.")
    einwohner_stand: dt.date | None = Field(description="Stichtag der Einwohnerzahl.")


class KommuneSeite(Seite):
    ergebnisse: list[Kommune] = Field(description="Die Kommunen dieser Seite, nach Name.")


class Handlungsfeld(Schema):
    id: int = Field(description="Id des Handlungsfelds.")
    nummer: int = Field(description="Nummer in der Rahmenstrategie (1–4).")
    kurzname: str = Field(description="Kurzname, z. B. „IKZ & Beteiligung“.")
    name: str = Field(description="Vollständiger Name.")
    beschreibung: str = Field(description="Beschreibung aus der Rahmenstrategie.")


class Lebensbereich(Schema):
    id: int = Field(description="Id des Lebensbereichs.")
    schluessel: str = Field(description="Kurzer Schlüssel, z. B. „mobilitaet“.")
    name: str = Field(description="Name, z. B. „Mobilität“.")


class Strategie(Schema):
    handlungsfelder: list[Handlungsfeld] = Field(description="Die vier Handlungsfelder.")
    lebensbereiche: list[Lebensbereich] = Field(description="Die acht Lebensbereiche.")


class Massnahme(Schema):
    id: int = Field(description="Nummer der Maßnahme im Portal (dauerhaft).")
    titel: str = Field(description="Titel.")
    beschreibung: str = Field(description="Beschreibung.")
    kreis_ags: str = Field(description="AGS des Kreises, zu dem die Maßnahme gehört.")
    handlungsfeld_id: int = Field(description="Id des Handlungsfelds.")
    lebensbereich_ids: list[int] = Field(description="Ids der betroffenen Lebensbereiche.")
    ziel_id: int | None = Field(description="Id des Ziels, dem die Maßnahme dient.")
    federfuehrend_id: int | None = Field(
        description="Id der federführenden Kommune; null, wenn der Kreis selbst federführt."
    )
    beteiligte_ids: list[int] = Field(description="Ids der beteiligten Kommunen.")
    status: str = Field(
        description="idee, geplant, in_umsetzung, abgeschlossen, pausiert oder abgebrochen."
    )
    status_display: str = Field(description="Der Status, wie das Portal ihn anzeigt.")
    fortschritt: int = Field(description="Fortschritt in Prozent (0–100).")
    ampel: str = Field(description="gruen, gelb oder rot.")
    beginn: dt.date | None = Field(description="Beginn.")
    ende_geplant: dt.date | None = Field(description="Geplantes Ende.")
    ende_tatsaechlich: dt.date | None = Field(description="Tatsächliches Ende.")
    budget_eur: str | None = Field(
        description="Budget in Euro, Dezimalpunkt, zwei Nachkommastellen; null: nicht angegeben."
    )
    veroeffentlicht: bool = Field(description="Auf der Transparenzseite veröffentlicht.")
    sichtbarkeit: str = Field(
        description="Wer die Maßnahme lesen darf: kreis (nur der eigene Kreis), region (alle "
        "angemeldeten Nutzenden der Region) oder oeffentlich (auch ohne Anmeldung)."
    )
    archiviert: bool = Field(description="Archiviert (nur mit Token sichtbar).")
    geaendert_am: dt.datetime = Field(description="Zuletzt geändert (ISO 8601).")
    url: str = Field(
        description="Seite der Maßnahme: die öffentliche Seite, wenn veröffentlicht, sonst die "
        "Seite im Portal (nur nach Anmeldung)."
    )


class MassnahmeSeite(Seite):
    ergebnisse: list[Massnahme] = Field(description="Die Maßnahmen dieser Seite, neueste zuerst.")


class Meilenstein(Schema):
    titel: str = Field(description="Titel des Meilensteins.")
    faellig_am: dt.date = Field(description="Fällig am.")
    erreicht_am: dt.date | None = Field(description="Erreicht am; null: noch nicht erreicht.")


class Statusmeldung(Schema):
    quartal: str = Field(description="Quartal, z. B. „2026-Q3“.")
    fortschritt: int = Field(description="Gemeldeter Fortschritt in Prozent.")
    ampel: str = Field(description="Gemeldete Ampel: gruen, gelb oder rot.")
    erreicht: str = Field(description="Was wurde erreicht?")
    naechste_schritte: str = Field(description="Nächste Schritte.")
    risiken: str = Field(description="Risiken und Hindernisse.")
    erstellt_am: dt.datetime = Field(description="Wann die Meldung erfasst wurde.")
    oeffentliche_zusammenfassung: str = Field(
        description="Öffentliche Zusammenfassung (leer: die Meldung bleibt intern). Sie "
        "erscheint auf der Transparenzseite, solange die Maßnahme öffentlich ist."
    )


class OeffentlicheMeldung(Schema):
    quartal: str = Field(description="Quartal der Statusmeldung, z. B. „2026-Q3“.")
    zusammenfassung: str = Field(
        description="Die öffentliche Zusammenfassung der Statusmeldung, wie sie auf der "
        "Transparenzseite steht (die internen Texte der Meldung gehören nicht dazu)."
    )
    veroeffentlicht_am: dt.datetime = Field(
        description="Wann die Zusammenfassung veröffentlicht wurde (ISO 8601); bei älteren "
        "Meldungen ohne diesen Zeitpunkt das Quartalsende."
    )


class MassnahmeDetail(Massnahme):
    meilensteine: list[Meilenstein] = Field(description="Meilensteine, nach Fälligkeit.")
    oeffentliche_meldungen: list[OeffentlicheMeldung] = Field(
        description="Die öffentlichen Meldungen: je Quartal die öffentliche Zusammenfassung "
        "der Statusmeldung, neueste zuerst. Nur bei öffentlichen, nicht archivierten "
        "Maßnahmen (sonst leer), mit und ohne Token gleich; Statusmeldungen ohne öffentliche "
        "Zusammenfassung fehlen."
    )
    statusmeldungen: list[Statusmeldung] | None = Field(
        description="Die Statusmeldungen je Quartal, neueste zuerst. Nur mit Token "
        "(interne Angaben); ohne Token null."
    )


class KennzahlStand(Schema):
    quartal: str = Field(description="Quartal, z. B. „2026-Q3“.")
    ist: str | None = Field(
        description="Gemessener Wert (Stand zum Quartalsende), Dezimalpunkt; null: kein Wert."
    )
    soll: str | None = Field(description="Wert des Zielpfads am Quartalsende.")
    im_plan: bool | None = Field(description="Ist-Wert auf oder über dem Zielpfad.")
    anzahl_kommunen: int | None = Field(
        description="Bei Kennzahlen je Kommune: aus wie vielen Kommunen der Mittelwert besteht."
    )
    laufend: bool = Field(description="Das laufende Quartal (Wert kann sich noch ändern).")


class Kennzahl(Schema):
    id: int = Field(description="Id der Kennzahl im Portal.")
    name: str = Field(description="Name.")
    einheit: str = Field(description="Einheit, z. B. „%“ oder „Anzahl“.")
    richtung: str = Field(description="hoeher oder niedriger: welche Richtung besser ist.")
    ebene: str = Field(description="kreis oder kommune: wo gemessen wird.")
    quelle: str = Field(description="manuell oder der Schlüssel der abgeleiteten Quelle.")
    basiswert: str = Field(description="Ausgangswert.")
    basisdatum: dt.date = Field(description="Stand des Ausgangswerts.")
    zielwert: str = Field(description="Zielwert.")
    zieldatum: dt.date = Field(description="Zieldatum.")
    werte: list[KennzahlStand] = Field(
        description="Je Quartal vom Ausgangs- bis zum laufenden Quartal: Ist, Soll, im Plan — "
        "dieselben Zahlen wie auf den Strategieseiten."
    )


class Ziel(Schema):
    id: int = Field(description="Id des Ziels im Portal.")
    kreis_ags: str = Field(description="AGS des Kreises.")
    handlungsfeld_id: int = Field(description="Id des Handlungsfelds.")
    titel: str = Field(description="Titel.")
    beschreibung: str = Field(description="Beschreibung.")
    veroeffentlicht: bool = Field(description="Auf der öffentlichen Strategieseite gezeigt.")
    kennzahlen: list[Kennzahl] = Field(description="Die Kennzahlen des Ziels mit ihren Werten.")


class ZielSeite(Seite):
    ergebnisse: list[Ziel] = Field(description="Die Ziele dieser Seite.")


class OzgKommune(Schema):
    kommune_id: int = Field(description="Id der Kommune.")
    ags: str = Field(description="AGS der Kommune.")
    name: str = Field(description="Name der Kommune.")
    kreis_ags: str = Field(description="AGS des Kreises.")
    online: int = Field(
        description="OZG-Leistungen online (Reifegrad ab 3) mit der Bewertung, die am "
        "Quartalsende galt."
    )
    anteil_prozent: float | None = Field(
        description="Anteil am OZG-Katalog in Prozent, eine Nachkommastelle."
    )


class OzgAbdeckung(Seite):
    quartal: str = Field(description="Das Quartal, zu dessen Ende gezählt wurde.")
    leistungen_im_katalog: int = Field(description="Anzahl der OZG-Leistungen im Katalog.")
    ergebnisse: list[OzgKommune] = Field(description="Die Kommunen dieser Seite, nach Name.")


class FoerderSumme(Schema):
    kreis_ags: str = Field(description="AGS des Kreises.")
    kreis: str = Field(description="Name des Kreises.")
    anzahl_bescheide: int = Field(
        description="Förderbescheide, die bis zum Quartalsende erlassen und an dem Tag nicht "
        "widerrufen waren."
    )
    bewilligt_eur: str = Field(description="Summe der bewilligten Beträge in Euro.")
    abgerufen_eur: str = Field(description="Summe der bis zum Quartalsende abgerufenen Mittel.")
    abruf_quote_prozent: float | None = Field(
        description="Abgerufen im Verhältnis zu bewilligt, in Prozent; null ohne Bewilligung."
    )


class FoerderSummen(Seite):
    quartal: str = Field(description="Das Quartal, zu dessen Ende summiert wurde.")
    ergebnisse: list[FoerderSumme] = Field(description="Die Kreise dieser Seite, nach Name.")


class Foerderbescheid(Schema):
    id: int = Field(description="Id des Förderbescheids im Portal.")
    kreis_ags: str = Field(description="AGS des Kreises.")
    programm: str = Field(description="Kurzname des Förderprogramms.")
    aktenzeichen: str = Field(description="Aktenzeichen des Bescheids.")
    bescheiddatum: dt.date = Field(description="Datum des Bescheids.")
    zuwendungsempfaenger_id: int = Field(description="Id der Kommune, die die Zuwendung erhält.")
    partner_ids: list[int] = Field(description="Ids der Partnerkommunen.")
    massnahme_ids: list[int] = Field(description="Ids der geförderten Maßnahmen.")
    bewilligt_eur: str = Field(description="Bewilligter Betrag in Euro.")
    abgerufen_eur: str = Field(description="Summe aller Mittelabrufe in Euro (heutiger Stand).")
    foerderquote_prozent: str = Field(description="Förderquote in Prozent.")
    bewilligungszeitraum_beginn: dt.date = Field(description="Beginn des Bewilligungszeitraums.")
    bewilligungszeitraum_ende: dt.date = Field(description="Ende des Bewilligungszeitraums.")
    verwendungsnachweis_faellig: dt.date | None = Field(
        description="Fälligkeit des Verwendungsnachweises."
    )
    status: str = Field(
        description="bewilligt, in_durchfuehrung, verwendungsnachweis, abgeschlossen oder "
        "widerrufen."
    )
    zweck: str = Field(description="Zuwendungszweck.")


class FoerderbescheidSeite(Seite):
    ergebnisse: list[Foerderbescheid] = Field(
        description="Die Bescheide dieser Seite, neueste zuerst."
    )


class Umsetzungsstand(Schema):
    id: int = Field(description="Id des Umsetzungsstands im Portal.")
    kommune_id: int = Field(description="Id der Kommune.")
    ozg_id: str = Field(description="OZG-ID der Leistung.")
    leistung: str = Field(description="Name der OZG-Leistung.")
    themenfeld: str = Field(description="Themenfeld der Leistung.")
    reifegradmodell: str = Field(description="Reifegradmodell der Bewertung (1.1 oder 2.0).")
    reifegrad: int = Field(description="Reifegrad nach diesem Modell.")
    online: bool = Field(description="Online (Reifegrad ab 3 bzw. die Online-Stufe von 1.1).")
    online_seit: dt.date | None = Field(description="Online seit.")
    bewertet_am: dt.date | None = Field(description="Wann bewertet wurde.")
    link: str = Field(description="Link zum Onlinedienst (leer: keiner).")
    nachgenutzt_von_id: int | None = Field(
        description="Id der Kommune, deren Lösung nachgenutzt wird."
    )


class UmsetzungsstandSeite(Seite):
    ergebnisse: list[Umsetzungsstand] = Field(description="Die Umsetzungsstände dieser Seite.")


class Workshop(Schema):
    id: int = Field(description="Id des Workshops im Portal.")
    kreis_ags: str = Field(description="AGS des Kreises, der einlädt.")
    titel: str = Field(description="Titel.")
    beginn: dt.datetime = Field(description="Beginn (ISO 8601).")
    ende: dt.datetime = Field(description="Ende (ISO 8601).")
    format: str = Field(description="video, praesenz oder hybrid.")
    format_display: str = Field(description="Das Format, wie das Portal es anzeigt.")
    ort: str = Field(description="Ort (leer bei Videokonferenz).")
    handlungsfeld_id: int | None = Field(description="Id des Handlungsfelds.")
    agenda: str = Field(description="Tagesordnung.")
    veroeffentlicht: bool = Field(
        description="Eingeladen; unveröffentlichte Entwürfe sieht nur das Kreispersonal."
    )
    abgesagt: bool = Field(description="Abgesagt.")


class WorkshopSeite(Seite):
    ergebnisse: list[Workshop] = Field(description="Die Workshops dieser Seite, nach Beginn.")
