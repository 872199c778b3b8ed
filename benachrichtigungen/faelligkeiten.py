"""What becomes due without anybody saving anything: a milestone passes its date unreached,
a deadline of a Förderbescheid comes near. A daily task looks; what it finds becomes a
notification in the inbox ("Meilenstein überfällig", "Frist naht") and, by preference, a
mail.

Idempotent: each finding has its own `ereignis` key (the milestone and its due date; the
Bescheid, kind of deadline, date and reminder level), unique per recipient, and the
Förder reminder levels are recorded in `foerderung.Erinnerung` in the same transaction –
a task run twice, or retried, tells nobody twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.formatting import euro
from foerderung.models import Erinnerung, Foerderbescheid
from foerderung.services import ABGESCHLOSSENE_STATUS, due_stufe
from kommunen.models import Mitgliedschaft, Rolle
from massnahmen.models import Massnahme, Meilenstein

from . import mail, services
from .models import Benachrichtigung

logger = logging.getLogger(__name__)

# A milestone that became overdue while the task did not run is caught up this many days
# later, not after (the first run on an old database does not report years of history).
NACHHOLEN_TAGE = 7


# --- Meilenstein überfällig ------------------------------------------------------------------


def notify_meilenstein_overdue(stein: Meilenstein) -> int:
    """Tell the followers of the Maßnahme (its Kommunen, Handlungsfeld, Bescheide) that a
    milestone is overdue; moved to a new date and missed again, it is news again."""
    m = stein.massnahme
    return services.notify(
        gegenstand=m,
        abo_q=services._follows_massnahme_q(m),
        art=Benachrichtigung.Art.MEILENSTEIN,
        text=(
            f"Der Meilenstein „{stein.titel}“ von „{m.titel}“ war am "
            f"{stein.faellig_am:%d.%m.%Y} fällig und ist noch nicht erreicht."
        ),
        link=m.get_absolute_url(),
        ereignis=f"meilenstein:{stein.pk}:{stein.faellig_am:%Y-%m-%d}",
    )


def check_meilensteine(*, heute: dt.date) -> int:
    """The milestones that became overdue in the last NACHHOLEN_TAGE days."""
    steine = (
        Meilenstein.objects.filter(
            erreicht_am__isnull=True,
            faellig_am__lt=heute,
            faellig_am__gte=heute - dt.timedelta(days=NACHHOLEN_TAGE),
            massnahme__archiviert=False,
        )
        .exclude(massnahme__status__in=Massnahme.OHNE_MELDEPFLICHT)
        .select_related("massnahme")
        .order_by("faellig_am", "pk")
    )
    return sum(notify_meilenstein_overdue(stein) for stein in steine)


# --- Frist naht (Förderbescheide) -----------------------------------------------------------


def _fristen(heute: dt.date, bis: dt.date) -> list[tuple[Foerderbescheid, str, dt.date]]:
    offen = (
        Foerderbescheid.objects.exclude(status__in=ABGESCHLOSSENE_STATUS)
        .select_related("kreis", "programm", "zuwendungsempfaenger")
        .order_by("aktenzeichen", "pk")
    )
    fristen = [
        (b, Erinnerung.Art.VERWENDUNGSNACHWEIS, b.verwendungsnachweis_faellig)
        for b in offen.filter(verwendungsnachweis_faellig__range=(heute, bis))
    ]
    fristen += [
        (b, Erinnerung.Art.FOERDERENDE, b.bewilligungszeitraum_ende)
        for b in offen.filter(bewilligungszeitraum_ende__range=(heute, bis))
    ]
    return fristen


def responsible_personen(bescheid: Foerderbescheid):
    """User ids of the CDOs of recipient and partners and of the Kreis staff: they hear of
    a deadline whether they follow the Bescheid or not."""
    kommune_ids = [bescheid.zuwendungsempfaenger_id, *bescheid.partner.values_list("pk", flat=True)]
    return Mitgliedschaft.objects.filter(
        Q(rolle=Rolle.CDO, kommune_id__in=kommune_ids)
        | Q(rolle=Rolle.KREIS, kreis_id=bescheid.kreis_id, kommune__isnull=True)
    ).values("user_id")


def _wann(tage: int) -> str:
    return {0: "heute", 1: "morgen"}.get(tage, f"in {tage} Tagen")


def _gross(text: str) -> str:
    return text[:1].upper() + text[1:]


def _mail_frist(bescheid: Foerderbescheid, art: str, datum: dt.date, tage: int):
    """The reminder mail: what is due, the figures, what to do."""
    nachweis = art == Erinnerung.Art.VERWENDUNGSNACHWEIS
    was = "Verwendungsnachweis" if nachweis else "Ende des Bewilligungszeitraums"

    def inhalt(eintrag: Benachrichtigung, link: str) -> mail.Inhalt:
        return mail.Inhalt(
            betreff=f"{_gross(_wann(tage))} fällig: {was} – {bescheid.aktenzeichen}",
            einleitung=(
                f"der Verwendungsnachweis für den Förderbescheid {bescheid.aktenzeichen} ist am "
                f"{datum:%d.%m.%Y} fällig – {_wann(tage)}."
                if nachweis
                else f"der Bewilligungszeitraum des Förderbescheids {bescheid.aktenzeichen} "
                f"endet am {datum:%d.%m.%Y} – {_wann(tage)}."
            ),
            abschnitte=[
                mail.Abschnitt(
                    f"Förderbescheid {bescheid.aktenzeichen}",
                    [
                        mail.Eintrag(f"Förderprogramm: {bescheid.programm.name}"),
                        mail.Eintrag(f"Zuwendungsempfänger: {bescheid.zuwendungsempfaenger}"),
                        mail.Eintrag(f"Bewilligter Betrag: {euro(bescheid.bewilligter_betrag)}"),
                        mail.Eintrag(f"Noch nicht abgerufen: {euro(bescheid.verbleibend())}"),
                        mail.Eintrag("Zum Förderbescheid im Portal", link),
                    ],
                )
            ],
            schluss=(
                "Bitte stellen Sie sicher, dass der Verwendungsnachweis rechtzeitig bei der "
                "Bewilligungsbehörde eingeht. Ein verspäteter Nachweis kann zur Rückforderung "
                "der Zuwendung führen."
                if nachweis
                else "Bitte prüfen Sie, ob alle Mittel rechtzeitig abgerufen und verausgabt "
                "sind. Ausgaben nach dem Ende des Bewilligungszeitraums sind nicht "
                "zuwendungsfähig."
            ),
        )

    return inhalt


def notify_frist_near(
    bescheid: Foerderbescheid, art: str, datum: dt.date, stufe: int, heute
) -> int:
    """Tell those responsible for the Bescheid and its followers (of the Bescheid and of its
    Kommunen) that a deadline comes near."""
    tage = (datum - heute).days
    was = (
        "Verwendungsnachweis fällig"
        if art == Erinnerung.Art.VERWENDUNGSNACHWEIS
        else "Bewilligungszeitraum endet"
    )
    kommunen = [bescheid.zuwendungsempfaenger_id, *bescheid.partner.values_list("pk", flat=True)]
    return services.notify(
        gegenstand=bescheid,
        abo_q=Q(foerderbescheid=bescheid) | Q(kommune_id__in=kommunen),
        zusaetzlich=responsible_personen(bescheid),
        art=Benachrichtigung.Art.FRIST,
        text=f"Förderbescheid {bescheid.aktenzeichen}: {was} am {datum:%d.%m.%Y} ({_wann(tage)})",
        link=bescheid.get_absolute_url(),
        ereignis=f"frist:{bescheid.pk}:{art}:{datum:%Y-%m-%d}:{stufe}",
        mail_inhalt=_mail_frist(bescheid, art, datum, tage),
    )


def check_fristen(*, heute: dt.date) -> int:
    """Deadlines of Verwendungsnachweis and funding end at the reminder levels of
    `settings.FOERDERUNG_ERINNERUNG_TAGE` (default 30 and 7 days before): each level once
    per Bescheid, kind and date; a missed day is caught up with the real distance.
    Returns the number of reminder levels that went out."""
    stufen = sorted({int(t) for t in settings.FOERDERUNG_ERINNERUNG_TAGE if int(t) >= 0})
    if not stufen:
        return 0
    ausgeloest = 0
    for bescheid, art, datum in _fristen(heute, heute + dt.timedelta(days=max(stufen))):
        stufe = due_stufe((datum - heute).days, stufen)
        if stufe is None:
            continue
        with transaction.atomic():
            erinnerung, neu = Erinnerung.objects.get_or_create(
                bescheid=bescheid, art=art, frist=datum, tage_vorher=stufe
            )
            if not neu:
                continue
            notify_frist_near(bescheid, art, datum, stufe, heute)
            erinnerung.empfaenger = "\n".join(
                sorted(
                    Benachrichtigung.objects.filter(
                        ereignis=f"frist:{bescheid.pk}:{art}:{datum:%Y-%m-%d}:{stufe}"
                    ).values_list("empfaenger__email", flat=True)
                )
            )
            erinnerung.save(update_fields=["empfaenger", "geaendert_am"])
        ausgeloest += 1
    return ausgeloest


def check_faelligkeiten(*, heute: dt.date | None = None) -> dict[str, int]:
    """Daily: overdue milestones and coming deadlines. Idempotent (see the module)."""
    heute = heute or timezone.localdate()
    return {
        "meilensteine": check_meilensteine(heute=heute),
        "fristen": check_fristen(heute=heute),
    }
