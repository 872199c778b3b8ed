"""Demo data: Maßnahmen of Kreis Lippe with Meilensteine, quarterly Statusmeldungen and
Nachnutzungen, built from the press texts in the project brief. Called by
`manage.py seed_demo`.

Every date is relative to today, so the demo never goes stale: Statusmeldungen cover the
last four complete quarters and, for some Maßnahmen, the current one; a few are missing on
purpose (the quarterly report must show them as missing). Maßnahmen are identified by
Kreis and title, Meilensteine by title, Statusmeldungen by quarter.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from core.quartal import Quartal
from core.reference import CREATED, upsert
from core.stichtag import stand_nachtragen
from handlungsfelder.demo import ZIELE
from handlungsfelder.models import Handlungsfeld, Lebensbereich, Ziel
from kommunen.demo import (
    KREIS_EMAIL,
    KREIS_REGION_EMAIL,
    OWL_EMAIL,
    cdo_email,
    demo_kreise,
    demo_regionen,
    demo_users,
    kommunen_lippe,
    lippe,
)
from kommunen.models import Kommune

from .models import Ampel, Massnahme, Meilenstein, Nachnutzung, Sichtbarkeit, Statusmeldung

S = Massnahme.Status
GRUEN, GELB, ROT = Ampel.GRUEN, Ampel.GELB, Ampel.ROT
ALLE = "alle"  # all 16 Kommunen (without the lead)

IKZ_TITEL = (
    "Interkommunales E-Government-Projekt Blomberg, Lügde, Schieder-Schwalenberg und Kalletal"
)
SERVICEPORTAL_TITEL = "Einheitliches Serviceportal für alle lippischen Kommunen"
DORFPLATTFORM_TITEL = "Digitale Dorfplattform für Ehrenamt und Nahversorgung"
RAHMENSTRATEGIE_TITEL = "Gemeinsame Rahmenstrategie „Lippe lebt Digitalisierung“ umsetzen"
SCHULUNG_TITEL = "Schulungsprogramm „Digital arbeiten“ für die Beschäftigten aller Kommunen"
PROZESSPOOL_TITEL = "Interkommunaler Pool für Prozessmanagement"


# A date is given as months from today (int), ("monatsende", n) = last day of the month
# n months from today, or ("nq", d) = d days after the start of the next quarter.
DateSpec = int | tuple[str, int] | None


@dataclass
class Meldung:
    fortschritt: int
    ampel: str
    erreicht: str
    naechste_schritte: str = ""
    risiken: str = ""
    oeffentlich: str = ""  # the public summary (only shown if the Maßnahme is public)


@dataclass
class Spec:
    titel: str
    handlungsfeld: int
    lead: str | None  # Kommune slug; None = the Kreis leads
    beteiligte: list[str] | str
    status: str
    beschreibung: str
    lebensbereiche: list[str]
    beginn: DateSpec = None
    ende_geplant: DateSpec = None
    ende_tatsaechlich: DateSpec = None
    budget: str | None = None
    veroeffentlicht: bool = False
    sichtbarkeit: str | None = None  # overrides veroeffentlicht (kreis, region, oeffentlich)
    mit_ziel: bool = True
    fortschritt: int | None = None  # default: the latest Statusmeldung
    ampel: str | None = None
    meilensteine: list[tuple[str, DateSpec, DateSpec]] = field(default_factory=list)
    # Statusmeldungen, oldest first; the last one belongs to the current quarter (or, for a
    # completed Maßnahme, to the quarter it ended in). None = deliberately missing.
    verlauf: list[Meldung | None] = field(default_factory=list)
    nachnutzungen: list[tuple[str, DateSpec, str]] = field(default_factory=list)
    # Partner Kommunen of other Kreise of the region (their slugs are unique region-wide).
    partner_anderer_kreise: list[str] = field(default_factory=list)


MASSNAHMEN = [
    Spec(
        titel=IKZ_TITEL,
        handlungsfeld=1,
        lead="blomberg",
        beteiligte=["luegde", "schieder-schwalenberg", "kalletal"],
        status=S.IN_UMSETZUNG,
        beschreibung=(
            "Die Städte Blomberg, Lügde und Schieder-Schwalenberg und die Gemeinde Kalletal "
            "gleichen die internen Prozesse hinter ihren Bürgerdiensten an, damit Anträge von "
            "der Beantragung bis zur Bescheidung durchgängig digital bearbeitet werden können. "
            "Gefördert vom Land NRW nach der Förderrichtlinie IKZ NRW.\n\n"
            "Arbeitspakete: einheitliche Strukturen für das Dokumentenmanagementsystem, "
            "durchgängig digitale Vorgangsbearbeitung, Prüfung des Authentifizierungsniveaus bei "
            "OZG-Leistungen mit externer Begleitung, Visualisierung und Vergleich der Prozesse "
            "mit einer Software, Dokumentation von Abläufen und Know-how (auch für "
            "Personalwechsel) sowie Schulungen zu Prozessmanagement und digitalem Arbeiten."
        ),
        lebensbereiche=["verwaltung"],
        beginn=-22,
        ende_geplant=("monatsende", 3),
        budget="272222.22",
        veroeffentlicht=True,
        meilensteine=[
            ("AP 1: Einheitliche Strukturen für das Dokumentenmanagementsystem (DMS)", -14, -13),
            (
                "AP 3: Prüfung des Authentifizierungsniveaus bei OZG-Leistungen "
                "(externe Begleitung)",
                -8,
                -9,
            ),
            (
                "AP 2: Durchgängig digitale Bearbeitung von der Beantragung bis zur Bescheidung",
                -2,
                None,
            ),
            (
                "AP 4: Verwaltungsprozesse mit Software visualisieren und vergleichen",
                ("nq", 20),
                None,
            ),
            ("AP 6: Schulungen zu Prozessmanagement und digitalem Arbeiten", 2, None),
            ("AP 5: Dokumentation von Abläufen und Know-how", 3, None),
        ],
        verlauf=[
            Meldung(
                38,
                GRUEN,
                "Einheitlicher Aktenplan und gemeinsame DMS-Ablagestruktur in allen vier "
                "Verwaltungen eingeführt (AP 1). Externe Begleitung für die Prüfung der "
                "Authentifizierungsniveaus beauftragt.",
                "Workshops zu den Authentifizierungsniveaus der ersten 20 OZG-Leistungen.",
                oeffentlich="Die vier Verwaltungen legen ihre Akten jetzt nach einem "
                "gemeinsamen Plan ab.",
            ),
            Meldung(
                46,
                GRUEN,
                "Authentifizierungsniveau für 34 OZG-Leistungen geprüft und dokumentiert; "
                "Ergebnisbericht der externen Begleitung liegt vor (AP 3 abgeschlossen).",
                "Auswahl einer Software zur Prozessvisualisierung; Start von AP 2 mit den "
                "Pilotprozessen Gewerbeanmeldung und Hundesteuer.",
                oeffentlich="Für 34 Online-Dienste ist geklärt, wie sicher sich "
                "Antragstellende anmelden müssen.",
            ),
            Meldung(
                53,
                GELB,
                "Software zur Prozessmodellierung beschafft; zwölf Prozesse in allen vier "
                "Kommunen aufgenommen und visualisiert.",
                "Prozessabläufe vergleichen und je Leistung einen gemeinsamen Soll-Prozess "
                "festlegen.",
                "Die Schnittstelle zwischen Onlinedienst und DMS steht beim Rechenzentrum "
                "noch nicht bereit; AP 2 verzögert sich.",
            ),
            Meldung(
                62,
                GELB,
                "Soll-Prozesse für Gewerbeanmeldung, Hundesteuer und Sondernutzung "
                "abgestimmt. Erste Schulungsreihe Prozessmanagement mit 38 Beschäftigten.",
                "DMS-Schnittstelle in Betrieb nehmen; Abläufe im gemeinsamen Wiki dokumentieren.",
                "Schnittstelle weiter ausstehend. Der Verwendungsnachweis muss parallel "
                "vorbereitet werden.",
                oeffentlich="Gewerbeanmeldung, Hundesteuer und Sondernutzung laufen in allen "
                "vier Kommunen nach demselben Ablauf; 38 Beschäftigte wurden geschult.",
            ),
            Meldung(
                66,
                GELB,
                "DMS-Schnittstelle im Testbetrieb; Vorlage für die Dokumentation von "
                "Abläufen abgestimmt.",
                "AP 4 abschließen; Verwendungsnachweis vorbereiten.",
                "Zeitplan bis zum Ende des Bewilligungszeitraums knapp.",
            ),
        ],
    ),
    Spec(
        titel=SERVICEPORTAL_TITEL,
        handlungsfeld=2,
        lead=None,
        beteiligte=ALLE,
        status=S.IN_UMSETZUNG,
        beschreibung=(
            "Alle 16 lippischen Kommunen bieten ihre Onlinedienste über ein gemeinsames, "
            "einheitlich gestaltetes Serviceportal an – mit Servicekonto, Bezahlfunktion und "
            "Postfach. Vorbereitet und umgesetzt gemeinsam mit dem kommunalen Rechenzentrum."
        ),
        lebensbereiche=["verwaltung", "wirtschaft-tourismus"],
        beginn=-34,
        ende_geplant=5,
        budget="180000.00",
        veroeffentlicht=True,
        meilensteine=[
            ("Gemeinsames Anforderungsprofil der 16 Kommunen abgestimmt", -30, -30),
            ("Pilotbetrieb in Detmold, Lemgo und Lage", -14, -13),
            ("Anbindung aller 16 Kommunen an das Serviceportal", ("nq", 30), None),
            ("Bezahlfunktion (ePayment) in allen Kommunen freigeschaltet", 5, None),
        ],
        verlauf=[
            Meldung(
                58,
                GRUEN,
                "Zehn Kommunen an das Serviceportal angebunden.",
                "Anbindung von Barntrup, Dörentrup und Extertal vorbereiten.",
            ),
            Meldung(
                63,
                GRUEN,
                "Zwölf Kommunen angebunden; einheitliche Leistungsbeschreibungen "
                "für 40 Leistungen übernommen.",
                "Servicekonto und Postfach testen.",
            ),
            Meldung(
                68,
                GRUEN,
                "Servicekonto-Anbindung in allen angebundenen Kommunen produktiv.",
                "Anbindung der letzten vier Kommunen.",
            ),
            Meldung(
                72,
                GRUEN,
                "14 von 16 Kommunen im Serviceportal; Nutzungszahlen erstmals ausgewertet.",
                "Schlangen und Augustdorf anbinden; ePayment ausschreiben.",
            ),
            Meldung(
                75,
                GRUEN,
                "Ausschreibung ePayment veröffentlicht.",
                "Anbindung der letzten beiden Kommunen im nächsten Quartal.",
            ),
        ],
    ),
    Spec(
        titel="Digitale Akte (E-Akte) in den Kernverwaltungen einführen",
        handlungsfeld=2,
        lead="detmold",
        beteiligte=["lemgo", "lage", "horn-bad-meinberg", "oerlinghausen"],
        status=S.IN_UMSETZUNG,
        beschreibung=(
            "Elektronische Akten, auf die alle beteiligten Fachbereiche jederzeit und von überall "
            "zugreifen können. Gemeinsames Leistungsverzeichnis, gemeinsame Schulungen und ein "
            "abgestimmter Aktenplan; Einführung zuerst in der Bauverwaltung."
        ),
        lebensbereiche=["verwaltung"],
        beginn=-26,
        ende_geplant=10,
        budget="350000.00",
        veroeffentlicht=True,
        meilensteine=[
            ("Gemeinsames Leistungsverzeichnis DMS/E-Akte", -20, -19),
            ("Pilotbereich Bauverwaltung im Echtbetrieb", -4, None),
            ("Einführung im Personal- und Ordnungsamt", 6, None),
        ],
        verlauf=[
            Meldung(
                30,
                GRUEN,
                "DMS in Detmold und Lemgo installiert; Aktenplan abgestimmt.",
                "Pilotbetrieb Bauverwaltung vorbereiten.",
            ),
            Meldung(
                36,
                GELB,
                "Schulung der Pilotanwenderinnen und -anwender der Bauverwaltung.",
                "Migration der Altakten der Bauverwaltung.",
                "Migration aufwendiger als geplant.",
            ),
            None,
            Meldung(
                41,
                ROT,
                "Migration der Bauakten zu 60 % abgeschlossen.",
                "Zusätzliche Kapazität beim Rechenzentrum anfragen; Zeitplan neu aufstellen.",
                "Personalengpass in der IT der federführenden Stadt; Echtbetrieb der "
                "Bauverwaltung verschiebt sich um mindestens ein Quartal.",
            ),
            None,
        ],
    ),
    Spec(
        titel=RAHMENSTRATEGIE_TITEL,
        handlungsfeld=1,
        lead=None,
        beteiligte=ALLE,
        status=S.IN_UMSETZUNG,
        beschreibung=(
            "Umsetzung der gemeinsamen Rahmendigitalisierungsstrategie der 16 lippischen "
            "Kommunen und des Kreises: verbindliche Rahmenbedingungen der Kooperation, erste "
            "Aufgabenfelder je Handlungsfeld, jährlicher Bericht an die Bürgermeisterkonferenz."
        ),
        lebensbereiche=[
            "verwaltung",
            "mobilitaet",
            "gesellschaft-soziales",
            "energie-umwelt",
            "wirtschaft-tourismus",
            "gesundheit-pflege",
            "bildung-lernen",
            "staedtebau",
        ],
        beginn=-20,
        ende_geplant=30,
        veroeffentlicht=True,
        meilensteine=[
            ("Letter of Intent von Landrat und Bürgermeistern unterzeichnet", -19, -19),
            ("Erster Umsetzungsworkshop", -7, -7),
            ("Geschäftsordnung der Kooperation beschlossen", -1, None),
            ("Fortschrittsbericht an die Bürgermeisterkonferenz", ("nq", 40), None),
        ],
        verlauf=[
            Meldung(
                15,
                GRUEN,
                "Arbeitsstruktur je Handlungsfeld festgelegt.",
                "Umsetzungsworkshop vorbereiten.",
            ),
            Meldung(
                20,
                GRUEN,
                "Maßnahmenliste je Handlungsfeld priorisiert.",
                "Umsetzungsworkshop in Präsenz.",
            ),
            Meldung(
                26,
                GRUEN,
                "Umsetzungsworkshop durchgeführt; Entwurf der Geschäftsordnung.",
                "Geschäftsordnung abstimmen.",
            ),
            Meldung(
                31,
                GELB,
                "Geschäftsordnung in zwei Lesungen beraten.",
                "Beschluss durch die Bürgermeisterkonferenz.",
                "Beschluss verzögert sich wegen Terminlage der Bürgermeisterkonferenz.",
            ),
            None,
        ],
    ),
    Spec(
        titel="Rahmenstrategie „Lippe lebt Digitalisierung“ erarbeiten",
        handlungsfeld=1,
        lead="schieder-schwalenberg",
        beteiligte=ALLE,
        status=S.ABGESCHLOSSEN,
        beschreibung=(
            "Im Auftrag der Bürgermeisterkonferenz erarbeiten die Digitalisierungsbeauftragten "
            "mit externer Begleitung und Förderung durch das DigitalBüro OWL eine gemeinsame "
            "Rahmenstrategie: „Lippe lebt Digitalisierung! Ländlich geprägt, leidenschaftlich "
            "vernetzt, mit digitalem Weitblick“."
        ),
        lebensbereiche=["verwaltung", "gesellschaft-soziales"],
        beginn=-40,
        ende_geplant=-26,
        ende_tatsaechlich=-24,
        budget="30000.00",
        veroeffentlicht=True,
        fortschritt=100,
        ampel=GRUEN,
        meilensteine=[
            ("Auftaktworkshop mit externer Begleitung", -38, -38),
            ("Ziele und Werte der Zusammenarbeit definiert", -33, -32),
            ("Strategiepapier von der Bürgermeisterkonferenz beschlossen", -26, -24),
        ],
        verlauf=[
            Meldung(
                70,
                GRUEN,
                "Entwurf der Strategie mit vier Handlungsfeldern liegt vor.",
                "Abstimmung in den Verwaltungsvorständen.",
            ),
            Meldung(
                90,
                GELB,
                "Rückmeldungen aus 14 Kommunen eingearbeitet.",
                "Beschluss der Bürgermeisterkonferenz.",
                "Zwei Rückmeldungen stehen aus.",
            ),
            Meldung(
                100,
                GRUEN,
                "Strategie beschlossen und veröffentlicht.",
                "Umsetzung als eigene Maßnahme.",
            ),
        ],
    ),
    Spec(
        titel="Mobiles Arbeiten in den Rathäusern ermöglichen",
        handlungsfeld=3,
        lead="lage",
        beteiligte=["oerlinghausen", "leopoldshoehe", "augustdorf"],
        status=S.ABGESCHLOSSEN,
        beschreibung=(
            "Gemeinsame Dienstvereinbarung, sichere Fernzugänge und Geräteausstattung für mobiles "
            "Arbeiten und Homeoffice – unter Beachtung von Datenschutz und Informationssicherheit."
        ),
        lebensbereiche=["verwaltung"],
        beginn=-16,
        ende_geplant=-6,
        ende_tatsaechlich=-5,
        budget="45000.00",
        veroeffentlicht=True,
        fortschritt=100,
        ampel=GRUEN,
        meilensteine=[
            ("Muster-Dienstvereinbarung abgestimmt", -12, -12),
            ("Fernzugang (VPN) in allen vier Verwaltungen", -7, -6),
        ],
        verlauf=[
            Meldung(
                55,
                GRUEN,
                "Muster-Dienstvereinbarung mit den Personalräten abgestimmt.",
                "Fernzugänge einrichten.",
            ),
            Meldung(
                80,
                GRUEN,
                "Fernzugänge in Lage, Oerlinghausen und Leopoldshöhe eingerichtet.",
                "Augustdorf anbinden; Abschlussbericht.",
            ),
            Meldung(
                100,
                GRUEN,
                "Mobiles Arbeiten in allen vier Verwaltungen eingeführt.",
                "Erfahrungen an andere Kommunen weitergeben.",
            ),
        ],
        nachnutzungen=[("schlangen", -2, "Dienstvereinbarung und VPN-Konzept übernommen.")],
    ),
    Spec(
        titel="Führungskräfte-Werkstatt „Digital führen“",
        handlungsfeld=3,
        lead="lemgo",
        beteiligte=["detmold", "bad-salzuflen", "blomberg", "lage"],
        status=S.GEPLANT,
        beschreibung=(
            "Eine Werkstattreihe für Führungskräfte der beteiligten Verwaltungen: digitale "
            "Transformation als Führungsaufgabe, hybride Teams führen, neue Arbeitsweisen "
            "erproben."
        ),
        lebensbereiche=["verwaltung"],
        beginn=2,
        ende_geplant=14,
        budget="38000.00",
        fortschritt=5,
        ampel=GRUEN,
        meilensteine=[("Konzept mit den Personalentwicklungen abgestimmt", 1, None)],
    ),
    Spec(
        titel=SCHULUNG_TITEL,
        handlungsfeld=4,
        lead="bad-salzuflen",
        beteiligte=ALLE,
        status=S.IN_UMSETZUNG,
        beschreibung=(
            "Gemeinsames Schulungsprogramm mit Grundlagen- und Aufbaumodulen: digitales Arbeiten, "
            "E-Akte, Prozessmanagement, Informationssicherheit. Termine werden kommunenübergreifend "
            "angeboten, damit auch kleine Verwaltungen ihre Beschäftigten schulen können."
        ),
        lebensbereiche=["verwaltung", "bildung-lernen"],
        beginn=-15,
        ende_geplant=9,
        budget="96000.00",
        veroeffentlicht=True,
        meilensteine=[
            ("Schulungsbedarfe in allen Kommunen erhoben", -12, -12),
            ("Grundlagenmodul „Digital arbeiten“: 250 Teilnahmen", -1, -2),
            ("Aufbaumodul Prozessmanagement gestartet", ("nq", 10), None),
        ],
        verlauf=[
            Meldung(
                20,
                GRUEN,
                "Bedarfserhebung ausgewertet; Grundlagenmodul konzipiert.",
                "Ausschreibung der Trainerinnen und Trainer.",
            ),
            Meldung(
                32,
                GRUEN,
                "Erste acht Termine des Grundlagenmoduls mit 95 Teilnahmen.",
                "Weitere Termine in Blomberg und Lemgo.",
            ),
            Meldung(
                41,
                GRUEN,
                "Grundlagenmodul: 160 Teilnahmen aus 14 Kommunen.",
                "Aufbaumodul Prozessmanagement planen.",
            ),
            Meldung(
                50,
                GRUEN,
                "Grundlagenmodul: 284 Teilnahmen; Zielmarke erreicht.",
                "Aufbaumodul ausschreiben.",
            ),
            Meldung(
                54,
                GRUEN,
                "Aufbaumodul Prozessmanagement vergeben.",
                "Start des Aufbaumoduls zu Beginn des nächsten Quartals.",
            ),
        ],
    ),
    Spec(
        titel="Netzwerk der Digitallotsinnen und Digitallotsen",
        handlungsfeld=4,
        lead="oerlinghausen",
        beteiligte=["augustdorf", "schlangen", "lage", "leopoldshoehe"],
        status=S.IN_UMSETZUNG,
        beschreibung=(
            "In jedem Fachbereich eine Ansprechperson, die Kolleginnen und Kollegen bei neuen "
            "digitalen Verfahren begleitet; regelmäßiger Austausch der Lotsinnen und Lotsen über "
            "die Kommunengrenzen hinweg (Change-Management)."
        ),
        lebensbereiche=["verwaltung"],
        beginn=-11,
        ende_geplant=7,
        budget="12000.00",
        meilensteine=[
            ("Lotsinnen und Lotsen in allen fünf Verwaltungen benannt", -6, -5),
            ("Erstes Vernetzungstreffen", -3, None),
        ],
        verlauf=[
            Meldung(
                5,
                GRUEN,
                "Rollenbeschreibung für Digitallotsinnen und -lotsen entworfen.",
                "Benennung in den Verwaltungen.",
            ),
            None,
            Meldung(
                18,
                GELB,
                "27 Lotsinnen und Lotsen benannt.",
                "Vernetzungstreffen planen.",
                "Freistellung für die Lotsentätigkeit ist nicht überall geklärt.",
            ),
            Meldung(
                24,
                GELB,
                "Qualifizierungsangebot für die Lotsen abgestimmt.",
                "Vernetzungstreffen durchführen.",
                "Vernetzungstreffen musste verschoben werden.",
            ),
            None,
        ],
    ),
    Spec(
        titel="Gemeinsame Wissensdatenbank für Prozesse und Know-how",
        handlungsfeld=4,
        lead="horn-bad-meinberg",
        beteiligte=["blomberg", "luegde"],
        status=S.IDEE,
        beschreibung=(
            "Ein gemeinsames Wiki, in dem die Kommunen Abläufe, Checklisten und Erfahrungen "
            "dokumentieren – damit Wissen bei Personalwechseln erhalten bleibt."
        ),
        lebensbereiche=["verwaltung", "bildung-lernen"],
        mit_ziel=False,
        fortschritt=0,
        ampel=GRUEN,
    ),
    Spec(
        titel="WLAN in Schulen, Bürgerhäusern und Rathäusern",
        handlungsfeld=2,
        lead="extertal",
        beteiligte=["barntrup", "doerentrup", "kalletal"],
        status=S.PAUSIERT,
        beschreibung=(
            "Gemeinsame Ausschreibung und einheitlicher Betrieb von WLAN in öffentlichen "
            "Gebäuden der beteiligten Kommunen."
        ),
        lebensbereiche=["bildung-lernen", "gesellschaft-soziales"],
        beginn=-18,
        ende_geplant=12,
        budget="240000.00",
        veroeffentlicht=True,
        mit_ziel=False,
        meilensteine=[
            ("Bestandsaufnahme der Gebäude", -14, -14),
            ("Gemeinsame Ausschreibung veröffentlicht", -5, None),
        ],
        verlauf=[
            Meldung(
                20,
                GRUEN,
                "Bestandsaufnahme in 41 Gebäuden abgeschlossen.",
                "Leistungsverzeichnis erstellen.",
            ),
            Meldung(
                30,
                GELB,
                "Leistungsverzeichnis im Entwurf.",
                "Förderaufruf des Landes abwarten.",
                "Finanzierung ohne Förderung in zwei Haushalten nicht gesichert.",
            ),
            Meldung(
                30,
                GELB,
                "Maßnahme pausiert bis zur Entscheidung über den Förderaufruf.",
                "Förderantrag vorbereiten.",
            ),
            Meldung(30, GELB, "Weiter pausiert; Förderantrag eingereicht.", "Bescheid abwarten."),
            None,
        ],
    ),
    Spec(
        titel="Digitale Beteiligungsplattform für Bürgerinnen und Bürger",
        handlungsfeld=1,
        lead="leopoldshoehe",
        beteiligte=["schlangen", "augustdorf", "oerlinghausen"],
        status=S.GEPLANT,
        beschreibung=(
            "Eine gemeinsame Plattform für Bürgerbeteiligung bei Planungen (z. B. Spielplätze, "
            "Radwege, Ortskernentwicklung), die jede Kommune mit eigenem Auftritt nutzt."
        ),
        lebensbereiche=["gesellschaft-soziales", "staedtebau"],
        beginn=1,
        ende_geplant=13,
        budget="25000.00",
        veroeffentlicht=True,
        fortschritt=5,
        ampel=GRUEN,
        meilensteine=[("Marktsichtung Beteiligungsplattformen", 2, None)],
    ),
    Spec(
        titel=DORFPLATTFORM_TITEL,
        handlungsfeld=2,
        lead=None,
        beteiligte=["detmold", "extertal", "kalletal", "doerentrup", "barntrup"],
        status=S.IN_UMSETZUNG,
        beschreibung=(
            "Eine digitale Plattform für Dörfer und Ortsteile: Ehrenamt organisieren, "
            "Mitfahrgelegenheiten und Nahversorgung vermitteln, Neuigkeiten aus dem Ort. "
            "Gefördert im Modellvorhaben Smarte.Land.Regionen des Bundes."
        ),
        lebensbereiche=["gesellschaft-soziales", "wirtschaft-tourismus", "mobilitaet"],
        beginn=-28,
        ende_geplant=2,
        budget="165000.00",
        veroeffentlicht=True,
        meilensteine=[
            ("Plattform in fünf Pilotdörfern gestartet", -16, -15),
            ("Mitfahrbank-Funktion freigeschaltet", -6, -6),
            ("Übergabe in den Regelbetrieb", 2, None),
        ],
        verlauf=[
            Meldung(
                60,
                GRUEN,
                "Plattform in fünf Pilotdörfern mit 1.200 Registrierungen.",
                "Mitfahrfunktion entwickeln.",
            ),
            Meldung(68, GRUEN, "Mitfahrfunktion im Test.", "Freischaltung."),
            Meldung(
                77,
                GRUEN,
                "Mitfahrfunktion freigeschaltet; 14 Vereine aktiv.",
                "Regelbetrieb vorbereiten.",
            ),
            Meldung(
                85,
                GRUEN,
                "Betriebskonzept für den Regelbetrieb abgestimmt.",
                "Übergabe und Verwendungsnachweis.",
            ),
            Meldung(
                88,
                GRUEN,
                "Schulung der Ortsredaktionen abgeschlossen.",
                "Übergabe in den Regelbetrieb.",
            ),
        ],
    ),
    Spec(
        titel="Gemeinsame Onlinedienste für Gewerbeanmeldung und Hundesteuer",
        handlungsfeld=2,
        lead="lemgo",
        beteiligte=["lage", "detmold"],
        status=S.ABGESCHLOSSEN,
        beschreibung=(
            "Lemgo baut die Onlinedienste für Gewerbeanmeldung und Hundesteuer einmal so, dass "
            "jede lippische Kommune sie nachnutzen kann („Einer für Alle“ im Kleinen)."
        ),
        lebensbereiche=["verwaltung", "wirtschaft-tourismus"],
        beginn=-20,
        ende_geplant=-8,
        ende_tatsaechlich=-7,
        budget="28000.00",
        veroeffentlicht=True,
        fortschritt=100,
        ampel=GRUEN,
        meilensteine=[
            ("Onlinedienst Gewerbeanmeldung live", -11, -10),
            ("Onlinedienst Hundesteuer live", -8, -7),
        ],
        verlauf=[
            Meldung(70, GRUEN, "Gewerbeanmeldung in Lemgo im Test.", "Livegang."),
            Meldung(
                85,
                GRUEN,
                "Gewerbeanmeldung live in Lemgo, Lage und Detmold.",
                "Hundesteuer fertigstellen.",
            ),
            Meldung(
                100,
                GRUEN,
                "Beide Onlinedienste in allen drei Kommunen live.",
                "Nachnutzung durch weitere Kommunen begleiten.",
            ),
        ],
        nachnutzungen=[
            ("barntrup", -5, "Gewerbeanmeldung und Hundesteuer übernommen."),
            ("doerentrup", -3, "Hundesteuer übernommen; Gewerbeanmeldung folgt."),
        ],
    ),
    Spec(
        titel=PROZESSPOOL_TITEL,
        handlungsfeld=4,
        lead="luegde",
        beteiligte=["blomberg", "schieder-schwalenberg", "kalletal", "barntrup"],
        status=S.IDEE,
        beschreibung=(
            "Ergebnis des Umsetzungsworkshops Rahmenstrategie: Prozessmanagerinnen und "
            "-manager der kleineren Kommunen bilden einen Pool und unterstützen sich gegenseitig "
            "bei Prozessaufnahme und -optimierung."
        ),
        lebensbereiche=["verwaltung"],
        fortschritt=0,
        ampel=GRUEN,
    ),
    Spec(
        titel="Chatbot für Bürgeranfragen",
        handlungsfeld=2,
        lead="schlangen",
        beteiligte=["augustdorf"],
        status=S.ABGEBROCHEN,
        beschreibung=(
            "Erprobung eines Chatbots für häufige Fragen an die Bürgerbüros. Abgebrochen, weil "
            "das Serviceportal eine eigene Lösung mitbringt."
        ),
        lebensbereiche=["verwaltung"],
        beginn=-14,
        ende_geplant=-2,
        budget="8000.00",
        mit_ziel=False,
        fortschritt=20,
        ampel=ROT,
        verlauf=[
            Meldung(
                10,
                GELB,
                "Anbieter ausgewählt; Fragenkatalog erstellt.",
                "Testbetrieb.",
                "Datenschutzprüfung offen.",
            ),
            Meldung(
                20,
                ROT,
                "Testbetrieb nach Datenschutzprüfung gestoppt.",
                "Entscheidung über Abbruch.",
                "Das Serviceportal bringt eine eigene Lösung mit.",
            ),
            None,
            None,
            None,
        ],
    ),
]


def add_months(day: dt.date, months: int) -> dt.date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


class Zeit:
    """Turns the relative date specs above into dates."""

    def __init__(self, heute: dt.date) -> None:
        self.heute = heute
        self.aktuell = Quartal.from_date(heute)

    def datum(self, spec: DateSpec) -> dt.date | None:
        if spec is None:
            return None
        if isinstance(spec, int):
            return add_months(self.heute, spec)
        art, n = spec
        if art == "monatsende":
            day = add_months(self.heute, n)
            return day.replace(day=calendar.monthrange(day.year, day.month)[1])
        if art == "nq":
            return self.aktuell.next().beginn + dt.timedelta(days=n)
        raise ValueError(f"Unbekannte Datumsangabe {spec!r}")


def _rueckdatieren(statusmeldung: Statusmeldung, quartal: Quartal) -> None:
    """A past quarter's Statusmeldung was written in the last days of that quarter, not
    today: set its timestamps and its first history entry accordingly."""
    eingang = _eingang(quartal)
    Statusmeldung.objects.filter(pk=statusmeldung.pk).update(
        erstellt_am=eingang, geaendert_am=eingang
    )
    statusmeldung.history.update(history_date=eingang)


def _eingang(quartal: Quartal) -> dt.datetime:
    """When a past quarter's Statusmeldung came in: four days before the quarter's end."""
    return timezone.make_aware(
        dt.datetime.combine(quartal.ende - dt.timedelta(days=4), dt.time(10, 0))
    )


def _verlauf_nachbilden(massnahme: Massnahme, meldungen, *, beginn, zeit: Zeit) -> None:
    """A Maßnahme new to the demo looks as if it had been kept in the portal since its
    start: entered at its start (or with its first Statusmeldung), then changed by each
    past quarter's Statusmeldung. Quarter figures come from this history
    (core.stichtag), so the reports of past quarters have their Maßnahmen."""
    vergangen = [(q, m) for q, m in meldungen if q < zeit.aktuell]
    heute = timezone.make_aware(dt.datetime.combine(zeit.heute, dt.time(8, 0)))
    kandidaten = [_eingang(q) - dt.timedelta(days=1) for q, _ in vergangen[:1]]
    if beginn and beginn < zeit.heute:
        kandidaten.append(timezone.make_aware(dt.datetime.combine(beginn, dt.time(9, 0))))
    if not kandidaten:
        return  # entered this quarter: today's history is its whole history
    angelegt = min(min(kandidaten), heute)
    ende = massnahme.ende_tatsaechlich
    erster = vergangen[0][1] if vergangen else None
    frueh = {"erstellt_am": angelegt, "geaendert_am": angelegt}
    if erster:
        frueh.update(fortschritt=erster.fortschritt, ampel=erster.ampel)
    if ende and ende >= angelegt.date():
        frueh.update(status=Massnahme.Status.IN_UMSETZUNG, ende_tatsaechlich=None)
    massnahme.history.filter(history_type="+").update(history_type="~")
    stand_nachtragen(massnahme, angelegt, art="+", **frueh)
    for quartal, meldung in vergangen:
        fertig = ende is not None and ende <= quartal.ende
        stand_nachtragen(
            massnahme,
            _eingang(quartal),
            fortschritt=meldung.fortschritt,
            ampel=meldung.ampel,
            status=massnahme.status if fertig or not ende else Massnahme.Status.IN_UMSETZUNG,
            ende_tatsaechlich=ende if fertig else None,
            erstellt_am=angelegt,
            geaendert_am=_eingang(quartal),
        )
    Massnahme.objects.filter(pk=massnahme.pk).update(erstellt_am=angelegt)
    # Its milestones were planned when it was entered.
    Meilenstein.history.filter(massnahme_id=massnahme.pk, history_type="+").update(
        history_date=angelegt
    )
    massnahme.history.filter(history_date__gte=heute - dt.timedelta(days=1)).update(
        erstellt_am=angelegt
    )


def seed(stdout) -> None:
    zeit = Zeit(timezone.localdate())
    kreis = lippe()
    kommunen = kommunen_lippe()
    felder = {hf.nummer: hf for hf in Handlungsfeld.objects.all()}
    lebensbereiche = {lb.schluessel: lb for lb in Lebensbereich.objects.all()}
    ziel_titel = {nummer: titel for nummer, titel, *_ in ZIELE}
    ziele = {z.titel: z for z in Ziel.objects.filter(kreis=kreis)}
    users = demo_users()
    anlegen = Anleger(zeit, felder, lebensbereiche)

    for spec in MASSNAHMEN:
        autor = users.get(cdo_email(spec.lead) if spec.lead else KREIS_EMAIL)
        ziel = ziele.get(ziel_titel[spec.handlungsfeld]) if spec.mit_ziel else None
        anlegen(spec, kreis=kreis, kommunen=kommunen, autor=autor, ziel=ziel)

    # The other Kreise of the region, from data/demo/kreise/*.yaml.
    for anderer, seine, daten in demo_kreise():
        for eintrag in daten.get("massnahmen", []):
            spec = spec_aus_daten(eintrag)
            autor = users.get(
                cdo_email(spec.lead) if spec.lead else KREIS_REGION_EMAIL.format(slug=anderer.slug)
            )
            anlegen(spec, kreis=anderer, kommunen=seine, autor=autor, ziel=None)

    # The region's own projects (led by the DigitalBüro), from data/demo/regionen/*.yaml.
    for region, ihre, daten in demo_regionen():
        for eintrag in daten.get("massnahmen", []):
            spec = spec_aus_daten(eintrag)
            anlegen(spec, region=region, kommunen=ihre, autor=users.get(OWL_EMAIL), ziel=None)


def spec_aus_daten(eintrag: dict) -> Spec:
    """A Maßnahme of a data file (data/demo/kreise/*.yaml) as the Spec the seed builds from."""
    werte = dict(eintrag)
    werte["verlauf"] = [Meldung(**m) if m else None for m in werte.get("verlauf", [])]
    werte["meilensteine"] = [tuple(m) for m in werte.get("meilensteine", [])]
    werte["nachnutzungen"] = [tuple(n) for n in werte.get("nachnutzungen", [])]
    werte.setdefault("lead", None)
    werte.setdefault("beteiligte", [])
    werte["mit_ziel"] = False
    return Spec(**werte)


class Anleger:
    """Creates or updates one Maßnahme of a Spec with its Meilensteine, Statusmeldungen and
    Nachnutzungen, in any Kreis."""

    def __init__(self, zeit: Zeit, felder: dict, lebensbereiche: dict) -> None:
        self.zeit = zeit
        self.felder = felder
        self.lebensbereiche = lebensbereiche
        self._alle_kommunen: dict | None = None

    def kommune(self, slug: str):
        """Any Kommune of the portal by slug (for partners from other Kreise)."""
        if self._alle_kommunen is None:
            self._alle_kommunen = {k.slug: k for k in Kommune.objects.all()}
        return self._alle_kommunen[slug]

    def __call__(
        self, spec: Spec, *, kreis=None, region=None, kommunen: dict, autor, ziel
    ) -> Massnahme:
        """In `kreis`, or as a project of `region` itself (then `spec.lead` is None)."""
        zeit = self.zeit
        beginn = zeit.datum(spec.beginn)
        ende = zeit.datum(spec.ende_tatsaechlich)
        anker = Quartal.from_date(ende) if ende else zeit.aktuell
        meldungen = []
        for index, meldung in enumerate(spec.verlauf):
            quartal = anker.previous(len(spec.verlauf) - 1 - index)
            if meldung is None or (beginn and quartal.ende < beginn):
                continue
            meldungen.append((quartal, meldung))
        letzte = meldungen[-1][1] if meldungen else None
        fortschritt = spec.fortschritt if spec.fortschritt is not None else letzte.fortschritt
        ampel = spec.ampel or letzte.ampel
        sichtbarkeit = spec.sichtbarkeit or (
            Sichtbarkeit.OEFFENTLICH if spec.veroeffentlicht else Sichtbarkeit.KREIS
        )

        massnahme, aktion_massnahme = upsert(
            Massnahme,
            {"kreis": kreis, "region": region, "titel": spec.titel},
            {
                "beschreibung": spec.beschreibung,
                "handlungsfeld_id": self.felder[spec.handlungsfeld].pk,
                "ziel_id": ziel.pk if ziel else None,
                "federfuehrend_id": kommunen[spec.lead].pk if spec.lead else None,
                "status": spec.status,
                "fortschritt": fortschritt,
                "ampel": ampel,
                "beginn": beginn,
                "ende_geplant": zeit.datum(spec.ende_geplant),
                "ende_tatsaechlich": ende,
                "budget": Decimal(spec.budget) if spec.budget else None,
                "ansprechperson_id": autor.pk if autor else None,
                "sichtbarkeit": sichtbarkeit,
                "archiviert": False,
            },
        )
        beteiligte = (
            [k for slug, k in kommunen.items() if slug != spec.lead]
            if spec.beteiligte == ALLE
            else [kommunen[slug] for slug in spec.beteiligte]
        )
        beteiligte += [self.kommune(slug) for slug in spec.partner_anderer_kreise]
        massnahme.beteiligte.set(beteiligte)
        massnahme.lebensbereiche.set([self.lebensbereiche[s] for s in spec.lebensbereiche])

        for titel, faellig, erreicht in spec.meilensteine:
            upsert(
                Meilenstein,
                {"massnahme": massnahme, "titel": titel},
                {"faellig_am": zeit.datum(faellig), "erreicht_am": zeit.datum(erreicht)},
            )

        for quartal, meldung in meldungen:
            statusmeldung, aktion = upsert(
                Statusmeldung,
                {"massnahme": massnahme, "quartal": str(quartal)},
                {
                    "fortschritt": meldung.fortschritt,
                    "ampel": meldung.ampel,
                    "erreicht": meldung.erreicht,
                    "naechste_schritte": meldung.naechste_schritte,
                    "risiken": meldung.risiken,
                    "oeffentliche_zusammenfassung": meldung.oeffentlich,
                    "autor_id": autor.pk if autor else None,
                },
            )
            if aktion == CREATED and quartal < zeit.aktuell:
                _rueckdatieren(statusmeldung, quartal)

        if aktion_massnahme == CREATED:
            _verlauf_nachbilden(massnahme, meldungen, beginn=beginn, zeit=zeit)

        for slug, seit, bemerkung in spec.nachnutzungen:
            upsert(
                Nachnutzung,
                {"massnahme": massnahme, "kommune": kommunen[slug]},
                {"seit": zeit.datum(seit), "bemerkung": bemerkung},
            )
        return massnahme


def summary() -> list[str]:
    kreis = lippe()
    massnahmen = Massnahme.objects.filter(kreis=kreis)
    aktuell = Quartal.current()
    offen = massnahmen.filter(status=S.IN_UMSETZUNG).ohne_statusmeldung(aktuell).count()
    return [
        f"Maßnahmen im Kreis Lippe: {massnahmen.count()}, davon {offen} in Umsetzung ohne "
        f"Statusmeldung für {aktuell.label}."
    ]
