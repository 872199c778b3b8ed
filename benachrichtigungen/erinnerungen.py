"""Reminders of the Statusmeldungen owed, and the list of what is missing for the Kreis.

Per Kreis (`Erinnerungsregel`, defaults 14 / 5 / 10 days): the CDOs of the lead Kommune
(the Kreis staff where the Kreis itself leads) are reminded `tage_vor_quartalsende` days
before the quarter ends and again `tage_nach_quartalsende` days after; what is still
missing `tage_bis_eskalation` days after the quarter's end goes to the Kreis staff as one
list. The task runs daily; a stage that applies is sent once (the outbox key is the
sent-log), and a day the task did not run is caught up on the next.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.quartal import Quartal
from kommunen.models import Kreis, Mitgliedschaft, Rolle
from massnahmen.models import Massnahme, Quartalsabschluss

from . import mail
from .models import Erinnerungsregel, Mailart
from .services import can_read

VORHER, NACHHER, ESKALATION = "vorher", "nachher", "eskalation"
# The Kreis's list is caught up this many days after it was due, not later (someone who
# joins the Kreis staff weeks later gets no stale list).
NACHHOLEN_TAGE = 7


def due_stufen(regel: Erinnerungsregel, heute: dt.date) -> list[tuple[Quartal, str]]:
    """The stages that apply on `heute`: (quarter, stage)."""
    laufend = Quartal.from_date(heute)
    stufen = []
    if (laufend.ende - heute).days <= regel.tage_vor_quartalsende:
        stufen.append((laufend, VORHER))
    vorher = laufend.previous()
    seit_ende = (heute - vorher.ende).days
    if regel.tage_bis_eskalation <= seit_ende < regel.tage_bis_eskalation + NACHHOLEN_TAGE:
        stufen.append((vorher, ESKALATION))
    elif regel.tage_nach_quartalsende <= seit_ende < regel.tage_bis_eskalation:
        stufen.append((vorher, NACHHER))
    return stufen


def fehlende(kreis: Kreis, quartal: Quartal):
    """The Kreis's Maßnahmen that owe a Statusmeldung for `quartal` and have none."""
    return (
        Massnahme.objects.filter(kreis=kreis)
        .meldepflichtig(quartal)
        .without_statusmeldung(quartal)
        .select_related("federfuehrend", "kreis")
        .order_by("federfuehrend__name", "titel", "pk")
    )


def _responsible(massnahmen) -> dict:
    """{person: [Maßnahmen]}: who owes each Statusmeldung – the lead Kommune's CDOs, the
    Kreis staff where the Kreis leads."""
    kommunen = {m.federfuehrend_id for m in massnahmen if m.federfuehrend_id}
    kreise = {m.kreis_id for m in massnahmen if not m.federfuehrend_id}
    mitglieder = Mitgliedschaft.objects.filter(
        Q(rolle=Rolle.CDO, kommune_id__in=kommunen)
        | Q(rolle=Rolle.KREIS, kommune__isnull=True, kreis_id__in=kreise),
        user__is_active=True,
    ).select_related("user")
    personen_je_kommune, personen_je_kreis = defaultdict(set), defaultdict(set)
    for mitglied in mitglieder:
        if mitglied.rolle == Rolle.CDO:
            personen_je_kommune[mitglied.kommune_id].add(mitglied.user)
        else:
            personen_je_kreis[mitglied.kreis_id].add(mitglied.user)
    ergebnis = defaultdict(list)
    for m in massnahmen:
        personen = (
            personen_je_kommune[m.federfuehrend_id]
            if m.federfuehrend_id
            else personen_je_kreis[m.kreis_id]
        )
        for person in personen:
            if can_read(person, m):
                ergebnis[person].append(m)
    return ergebnis


def form_link(massnahme: Massnahme, quartal: Quartal, heute: dt.date) -> str:
    pfad = reverse("massnahmen:statusmeldung", args=[massnahme.pk])
    if quartal != Quartal.from_date(heute):
        pfad += f"?quartal={quartal}"
    return mail.absolute_url(pfad)


def _wants(personen) -> set[int]:
    """Who has not turned the reminders off."""
    ids = [p.pk for p in personen]
    return {pk for pk, h in mail.haeufigkeiten(ids, Mailart.ERINNERUNG).items() if h != "aus"}


def _remind(kreis, regel, quartal: Quartal, stufe: str, heute: dt.date) -> int:
    zustaendig = _responsible(list(fehlende(kreis, quartal)))
    wollen = _wants(zustaendig)
    eskalation_am = quartal.ende + dt.timedelta(days=regel.tage_bis_eskalation)
    gesendet = 0
    for person, massnahmen in sorted(zustaendig.items(), key=lambda e: e[0].pk):
        if person.pk not in wollen:
            continue
        anzahl = len(massnahmen)
        eine = anzahl == 1
        if stufe == VORHER:
            tage = (quartal.ende - heute).days
            einleitung = (
                f"das {quartal.label} endet am {quartal.ende:%d.%m.%Y}"
                + (" (heute)" if tage == 0 else f", in {tage} {'Tag' if tage == 1 else 'Tagen'}")
                + f". Für {'diese Maßnahme' if eine else f'diese {anzahl} Maßnahmen'} fehlt "
                "noch die Statusmeldung:"
            )
            betreff = f"Erinnerung: Statusmeldung {quartal.label} fehlt noch"
        else:
            einleitung = (
                f"das {quartal.label} ist am {quartal.ende:%d.%m.%Y} zu Ende gegangen. Für "
                f"{'diese Maßnahme' if eine else f'diese {anzahl} Maßnahmen'} fehlt die "
                "Statusmeldung noch:"
            )
            betreff = f"Zweite Erinnerung: Statusmeldung {quartal.label} fehlt"
        inhalt = mail.Inhalt(
            betreff=betreff,
            einleitung=einleitung,
            abschnitte=[
                mail.Abschnitt(
                    "",
                    [
                        mail.Eintrag(m.titel, form_link(m, quartal, heute), m.federfuehrung_display)
                        for m in massnahmen
                    ],
                )
            ],
            schluss=(
                "Die Links führen direkt zum Formular der Statusmeldung. Was am "
                f"{eskalation_am:%d.%m.%Y} noch fehlt, erhält die Kreisverwaltung als Liste."
            ),
        )
        if mail.enqueue_mail(
            person=person,
            schluessel=f"erinnerung:{quartal}:{stufe}:{kreis.pk}:{person.pk}",
            inhalt=inhalt,
            arten=[Mailart.ERINNERUNG],
        ):
            gesendet += 1
    return gesendet


def _escalate(kreis, quartal: Quartal) -> int:
    massnahmen = list(fehlende(kreis, quartal))
    if not massnahmen:
        return 0
    personen = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            mitgliedschaften__rolle=Rolle.KREIS,
            mitgliedschaften__kreis=kreis,
            mitgliedschaften__kommune__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )
    wollen = _wants(personen)
    je_lead = defaultdict(list)
    for m in massnahmen:
        je_lead[m.federfuehrung_display].append(m)
    gesendet = 0
    for person in personen:
        if person.pk not in wollen:
            continue
        lesbar = {lead: [m for m in ms if can_read(person, m)] for lead, ms in je_lead.items()}
        abschnitte = [
            mail.Abschnitt(
                f"{lead} ({len(ms)})",
                [mail.Eintrag(m.titel, mail.absolute_url(m.get_absolute_url())) for m in ms],
            )
            for lead, ms in sorted(lesbar.items())
            if ms
        ]
        if not abschnitte:
            continue
        anzahl = sum(len(a.eintraege) for a in abschnitte)
        inhalt = mail.Inhalt(
            betreff=f"Fehlende Statusmeldungen {quartal.label}: {anzahl} im {kreis}",
            einleitung=(
                f"für {anzahl} {'Maßnahme' if anzahl == 1 else 'Maßnahmen'} im {kreis} fehlt die "
                f"Statusmeldung für das {quartal.label} auch nach zwei Erinnerungen noch. "
                "Hier die Liste, nach federführender Kommune:"
            ),
            abschnitte=abschnitte,
        )
        if mail.enqueue_mail(
            person=person,
            schluessel=f"eskalation:{quartal}:{kreis.pk}:{person.pk}",
            inhalt=inhalt,
            arten=[Mailart.ERINNERUNG],
        ):
            gesendet += 1
    return gesendet


def remind_statusmeldungen(*, heute: dt.date | None = None) -> int:
    """Daily: send the reminders and lists that are due today; returns the mails queued.
    Idempotent: each (quarter, stage, Kreis, person) is sent once."""
    heute = heute or timezone.localdate()
    regeln = {r.kreis_id: r for r in Erinnerungsregel.objects.all()}
    gesendet = 0
    for kreis in Kreis.objects.order_by("ags"):
        regel = regeln.get(kreis.pk) or Erinnerungsregel(kreis=kreis)
        for quartal, stufe in due_stufen(regel, heute):
            if stufe == ESKALATION:
                gesendet += _escalate(kreis, quartal)
            elif not Quartalsabschluss.is_locked(kreis.pk, quartal):
                gesendet += _remind(kreis, regel, quartal, stufe, heute)
    return gesendet
