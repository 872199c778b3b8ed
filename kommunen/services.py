"""Workflows of the tenancy: setting up a Kreis's people from a CSV list (`kreis_einrichten`).

A Kreis that joins the portal needs no code: its Kreis and Kommunen come from the reference
data, its people from a list the Kreisverwaltung keeps anyway (e-mail, name, Kommune or Kreis,
role). `check_personen` reads and checks the whole list first; only a list without a bad
row is applied by `kreis_einrichten`, in one transaction. It returns whom to tell:
benachrichtigungen.zugaenge then sends every new person an invitation with a set-password
link (Django's password-reset tokens, through allauth's reset page) on the one mail path.
There is no open sign-up: the invitation is the only way in.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .models import Kommune, Kreis, Mitgliedschaft, Rolle

logger = logging.getLogger(__name__)

# Column headings as offices write them, normalised (lower case, no spaces, hyphens, dots).
SPALTEN = {
    "email": {"email", "emailadresse", "mail", "mailadresse", "e_mail"},
    "name": {"name", "vollername", "person", "vornamenachname"},
    "bereich": {"kommune", "kommuneags", "ags", "kommunekreis", "kommuneoderkreis", "zuordnung"},
    "rolle": {"rolle", "funktionimportal"},
    "funktion": {"funktion", "stelle", "dienststelle"},
}
PFLICHTSPALTEN = ("email", "name", "bereich", "rolle")
SPALTEN_NAMEN = {
    "email": "E-Mail",
    "name": "Name",
    "bereich": "Kommune",
    "rolle": "Rolle",
}

ROLLEN = {
    "cdo": Rolle.CDO,
    "digitalisierungsbeauftragte": Rolle.CDO,
    "digitalisierungsbeauftragter": Rolle.CDO,
    "digitalisierungsbeauftragte(r)": Rolle.CDO,
    "kreis": Rolle.KREIS,
    "kreisverwaltung": Rolle.KREIS,
}
KREIS_WORTE = {"kreis", "kreisverwaltung"}
MAX_ZEILEN = 5000


class ListeFehlerhaft(Exception):
    """The list cannot be applied; `fehler` are German messages, each with its line."""

    def __init__(self, fehler: list[str]) -> None:
        super().__init__("\n".join(fehler))
        self.fehler = fehler


@dataclass
class Eintrag:
    """One checked row: who gets which membership, and what that means for the database."""

    zeile: int
    email: str
    vorname: str
    nachname: str
    funktion: str
    rolle: str
    kommune: Kommune | None
    kreis: Kreis | None
    person_vorhanden: bool = False
    mitgliedschaft_vorhanden: bool = False

    @property
    def bereich(self) -> Kommune | Kreis:
        return self.kommune or self.kreis

    @property
    def rolle_text(self) -> str:
        if self.rolle == Rolle.CDO:
            return f"Digitalisierungsbeauftragte(r) {self.bereich.genitiv}"
        return f"Kreisverwaltung ({self.bereich.bezeichnung})"


@dataclass
class Ergebnis:
    """What a run did (or, in a dry run, would do)."""

    eintraege: list[Eintrag]
    personen_neu: int = 0
    mitgliedschaften_neu: int = 0
    mails: list[str] = field(default_factory=list)
    mail_fehler: list[str] = field(default_factory=list)
    # Whom to tell of new memberships: {address: (person, [the new memberships' entries])}.
    mitzuteilen: dict = field(default_factory=dict)


def _normalisiert(kopf: str) -> str:
    return re.sub(r"[\s\-.]", "", kopf.strip().lower())


def _text(inhalt: bytes) -> str:
    """The file's text: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode-Text"), or
    Windows-1252 (Excel's plain "CSV (Trennzeichen-getrennt)" on a German Windows)."""
    if inhalt.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return inhalt.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ListeFehlerhaft(["Die Datei ist nicht lesbar kodiert (UTF-16)."]) from error
    if b"\x00" in inhalt[:8192]:
        raise ListeFehlerhaft(["Die Datei ist keine CSV-Datei (sie enthält keinen Text)."])
    for kodierung in ("utf-8-sig", "cp1252"):
        try:
            return inhalt.decode(kodierung)
        except UnicodeDecodeError:
            continue
    raise ListeFehlerhaft(
        ["Die Zeichenkodierung ist unbekannt; bitte als „CSV UTF-8“ speichern."]
    )  # pragma: no cover – cp1252 decodes almost everything


def _rows(inhalt: bytes) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The column positions by field and the data rows with their line numbers."""
    text = _text(inhalt)
    erste_zeile = text.lstrip("\r\n").split("\n", 1)[0]
    # Excel in a German locale writes ";", other tools ","; a tab from "Unicode-Text".
    trenner = max((";", ",", "\t"), key=lambda t: (erste_zeile.count(t), t == ";"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=trenner)
    kopf: list[str] | None = None
    zeilen: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not any(zelle.strip() for zelle in row):
                continue
            if kopf is None:
                kopf = row
                kopf_zeile = reader.line_num
                continue
            zeilen.append((reader.line_num, [zelle.strip() for zelle in row]))
            if len(zeilen) > MAX_ZEILEN:
                raise ListeFehlerhaft([f"Die Liste hat mehr als {MAX_ZEILEN} Zeilen."])
    except csv.Error as error:
        raise ListeFehlerhaft(
            [f"Zeile {reader.line_num}: Die CSV-Datei ist fehlerhaft aufgebaut ({error})."]
        ) from error
    if kopf is None:
        raise ListeFehlerhaft(["Die Datei ist leer."])
    positionen: dict[str, int] = {}
    for index, titel in enumerate(kopf):
        name = _normalisiert(titel)
        for feld, namen in SPALTEN.items():
            if name in namen and feld not in positionen:
                positionen[feld] = index
    fehlend = [SPALTEN_NAMEN[f] for f in PFLICHTSPALTEN if f not in positionen]
    if fehlend:
        raise ListeFehlerhaft(
            [
                f"Zeile {kopf_zeile}: Die Kopfzeile braucht die Spalten E-Mail, Name, Kommune "
                f"und Rolle; es fehlt: {', '.join(fehlend)}."
            ]
        )
    return positionen, zeilen


def _split_name(name: str) -> tuple[str, str]:
    """ "Anna Albers" and "Albers, Anna" → ("Anna", "Albers")."""
    if "," in name:
        nachname, _, vorname = name.partition(",")
        return vorname.strip(), nachname.strip()
    vorname, _, nachname = name.rpartition(" ")
    return vorname.strip(), nachname.strip()


def _ags(wert: str, stellen: int) -> str:
    """An AGS as Excel shows it after it dropped the leading zero ("5766020") is padded."""
    if wert.isdigit() and len(wert) == stellen - 1:
        return "0" + wert
    return wert


def check_personen(*, kreis: Kreis, inhalt: bytes) -> list[Eintrag]:
    """Read and check the whole list; `ListeFehlerhaft` with every bad row if one is bad."""
    positionen, zeilen = _rows(inhalt)
    kommunen = {k.ags: k for k in Kommune.objects.filter(kreis=kreis)}
    fehler: list[str] = []
    eintraege: list[Eintrag] = []
    gesehen: dict[tuple[str, str], int] = {}

    def zelle(row: list[str], feld: str) -> str:
        index = positionen.get(feld)
        return row[index] if index is not None and index < len(row) else ""

    for nummer, row in zeilen:
        email = zelle(row, "email").lower()
        name = " ".join(zelle(row, "name").split())
        bereich = zelle(row, "bereich")
        rolle_wert = zelle(row, "rolle")
        meldungen: list[str] = []
        if not email:
            meldungen.append("Die E-Mail-Adresse fehlt.")
        else:
            try:
                validate_email(email)
            except ValidationError:
                meldungen.append(f"„{email}“ ist keine gültige E-Mail-Adresse.")
        vorname, nachname = _split_name(name)
        if not name:
            meldungen.append("Der Name fehlt.")
        elif not vorname or not nachname:
            meldungen.append(f"Bitte Vor- und Nachnamen angeben („{name}“).")
        elif len(vorname) > 150 or len(nachname) > 150:
            meldungen.append("Der Name ist zu lang (höchstens 150 Zeichen je Teil).")
        rolle = ROLLEN.get(rolle_wert.lower())
        if not rolle_wert:
            meldungen.append("Die Rolle fehlt (CDO oder Kreis).")
        elif rolle is None:
            meldungen.append(
                f"Die Rolle „{rolle_wert}“ gibt es hier nicht; möglich sind CDO "
                "(Digitalisierungsbeauftragte einer Kommune) und Kreis (Kreisverwaltung)."
            )
        kommune = ziel_kreis = None
        wert = bereich.strip()
        if not wert:
            meldungen.append("Die Kommune fehlt (AGS der Kommune oder „Kreis“).")
        elif wert.lower() in KREIS_WORTE or _ags(wert, 5) == kreis.ags:
            ziel_kreis = kreis
        elif _ags(wert, 8) in kommunen:
            kommune = kommunen[_ags(wert, 8)]
        elif re.fullmatch(r"[0-9]{8}", _ags(wert, 8)):
            andere = Kommune.objects.filter(ags=_ags(wert, 8)).select_related("kreis").first()
            if andere is None:
                meldungen.append(f"Eine Kommune mit dem AGS {wert} gibt es nicht.")
            else:
                meldungen.append(
                    f"{andere.bezeichnung} ({andere.ags}) gehört nicht {kreis.mit('zu')}, "
                    f"sondern {andere.kreis.mit('zu')}."
                )
        else:
            meldungen.append(
                f"„{wert}“ ist weder der achtstellige AGS einer Kommune {kreis.genitiv} "
                "noch „Kreis“."
            )
        if rolle == Rolle.CDO and ziel_kreis is not None:
            meldungen.append(
                "Eine CDO-Rolle gehört zu einer Kommune: bitte den AGS der Kommune angeben."
            )
        elif rolle == Rolle.KREIS and kommune is not None:
            meldungen.append(
                "Die Rolle Kreis gehört zum Kreis, nicht zu einer Kommune: bitte „Kreis“ angeben."
            )
        if not meldungen:
            schluessel = (email, (kommune or ziel_kreis).pk)
            if schluessel in gesehen:
                meldungen.append(
                    f"Dieselbe Person mit derselben Rolle steht schon in Zeile {gesehen[schluessel]}."
                )
            gesehen.setdefault(schluessel, nummer)
        if meldungen:
            fehler.extend(f"Zeile {nummer}: {m}" for m in meldungen)
            continue
        eintraege.append(
            Eintrag(
                zeile=nummer,
                email=email,
                vorname=vorname,
                nachname=nachname,
                funktion=zelle(row, "funktion")[:200],
                rolle=rolle,
                kommune=kommune,
                kreis=ziel_kreis,
            )
        )
    if fehler:
        raise ListeFehlerhaft(fehler)
    if not eintraege:
        raise ListeFehlerhaft(["Die Liste enthält unter der Kopfzeile keine Person."])
    _mark_existing(eintraege)
    return eintraege


def _mark_existing(eintraege: list[Eintrag]) -> None:
    """Mark people and memberships that exist already (two queries for the whole list)."""
    personen = {
        u.email.lower(): u
        for u in get_user_model().objects.filter(email__in={e.email for e in eintraege})
    }
    bestehend = set(
        Mitgliedschaft.objects.filter(user__in=personen.values()).values_list(
            "user__email", "kommune_id", "kreis_id"
        )
    )
    bestehend = {(email.lower(), kommune or kreis) for email, kommune, kreis in bestehend}
    for eintrag in eintraege:
        eintrag.person_vorhanden = eintrag.email in personen
        eintrag.mitgliedschaft_vorhanden = (eintrag.email, eintrag.bereich.pk) in bestehend


def set_up_kreis(*, kreis: Kreis, inhalt: bytes, probelauf: bool = False) -> Ergebnis:
    """Create the people and memberships of the list; `ergebnis.mitzuteilen` names whom
    to invite (benachrichtigungen.zugaenge.send_zugang sends it).

    Nothing is written if one row is bad (`ListeFehlerhaft`), nor in a dry run. People and
    memberships that exist already are left as they are, so a second run changes nothing
    and names nobody.
    """
    eintraege = check_personen(kreis=kreis, inhalt=inhalt)
    ergebnis = Ergebnis(eintraege)
    neue_personen = {e.email for e in eintraege if not e.person_vorhanden}
    ergebnis.personen_neu = len(neue_personen)
    ergebnis.mitgliedschaften_neu = sum(not e.mitgliedschaft_vorhanden for e in eintraege)
    if probelauf:
        ergebnis.mails = sorted({e.email for e in eintraege if not e.mitgliedschaft_vorhanden})
        return ergebnis

    User = get_user_model()
    benachrichtigen: dict[str, list[Eintrag]] = {}
    with transaction.atomic():
        personen = {
            u.email.lower(): u for u in User.objects.filter(email__in={e.email for e in eintraege})
        }
        for eintrag in eintraege:
            user = personen.get(eintrag.email)
            if user is None:
                # No password: the person sets one through the invitation link.
                user = User.objects.create_user(
                    email=eintrag.email,
                    password=None,
                    first_name=eintrag.vorname,
                    last_name=eintrag.nachname,
                    funktion=eintrag.funktion,
                )
                personen[eintrag.email] = user
            if eintrag.mitgliedschaft_vorhanden:
                continue
            Mitgliedschaft.objects.create(
                user=user, rolle=eintrag.rolle, kommune=eintrag.kommune, kreis=eintrag.kreis
            )
            benachrichtigen.setdefault(eintrag.email, []).append(eintrag)
    ergebnis.mitzuteilen = {
        email: (personen[email], eintraege) for email, eintraege in benachrichtigen.items()
    }
    return ergebnis
