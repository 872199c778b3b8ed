"""Workshop invitations and cancellations by mail, on the one mail path (outbox, text and
HTML, one-click unsubscribe of the kind "Einladungen und Absagen von Workshops").

The workshops app publishes and cancels; it sends nothing itself (it sits below this app).
`signals` sees a workshop become published or cancelled and queues the task after the
commit. Each mail has its key (workshop, person, what), so a task that runs twice sends
once; the calendar file travels with the mail in the outbox.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.template.defaultfilters import date as datum
from django.utils import timezone

from workshops.ical import workshop_ics
from workshops.models import Teilnahme, Workshop
from workshops.services import personen_to_invite

from . import mail
from .models import Mailart


def _termin(workshop: Workshop) -> str:
    beginn, ende = timezone.localtime(workshop.beginn), timezone.localtime(workshop.ende)
    return f"{datum(beginn, 'l, d.m.Y, H:i')}–{datum(ende, 'H:i')} Uhr"


def _send(workshop: Workshop, personen, *, was: str, inhalt: mail.Inhalt, anhang) -> int:
    return mail.to_all(
        personen,
        art=Mailart.WORKSHOP,
        schluessel=lambda p: f"workshop:{was}:{workshop.pk}:{workshop.sequenz}:{p.pk}",
        inhalt=inhalt,
        anhaenge=[anhang],
    )


def send_einladungen(workshop_id: int) -> int:
    """The invitation to the CDOs of the Kreis (of the region, for a region workshop): date,
    agenda, a link to the workshop page and the appointment as .ics. Returns the mails."""
    workshop = (
        Workshop.objects.select_related("kreis", "region", "handlungsfeld", "organisiert_von")
        .filter(pk=workshop_id, veroeffentlicht_am__isnull=False, abgesagt=False)
        .first()
    )
    if workshop is None:  # unpublished or cancelled in the meantime
        return 0
    link = mail.absolute_url(workshop.get_absolute_url())
    angaben = [
        mail.Eintrag(f"Termin: {_termin(workshop)}"),
        mail.Eintrag(f"Format: {workshop.get_format_display()}"),
    ]
    if workshop.ort:
        angaben.append(mail.Eintrag(f"Ort: {workshop.ort}"))
    if workshop.online_link:
        # CDOs are members of the Kreis (of the region): the invitation may carry the link.
        angaben.append(mail.Eintrag(f"Videokonferenz: {workshop.online_link}"))
    ausrichtung = (
        workshop.organisiert_von.name if workshop.organisiert_von else workshop.traeger.bezeichnung
    )
    angaben.append(mail.Eintrag(f"Ausrichtung: {ausrichtung}"))
    if workshop.handlungsfeld:
        angaben.append(mail.Eintrag(f"Handlungsfeld: {workshop.handlungsfeld}"))
    abschnitte = [mail.Abschnitt(workshop.titel, angaben)]
    if workshop.agenda:
        abschnitte.append(mail.Abschnitt("Tagesordnung", [mail.Eintrag(workshop.agenda)]))
    abschnitte.append(
        mail.Abschnitt("", [mail.Eintrag("Bitte melden Sie Ihre Kommune im Portal an:", link)])
    )
    inhalt = mail.Inhalt(
        betreff=f"Einladung: {workshop.titel}",
        einleitung=f"{workshop.traeger.nominativ} lädt Sie herzlich zum folgenden Workshop ein:",
        abschnitte=abschnitte,
        schluss="Den Termin für Ihren Kalender finden Sie im Anhang.",
        absender=workshop.traeger.ihr,
    )
    anhang = mail.Anhang(
        "einladung.ics", workshop_ics(workshop, mit_link=True).decode(), "text/calendar"
    )
    return _send(
        workshop, personen_to_invite(workshop), was="einladung", inhalt=inhalt, anhang=anhang
    )


def send_absage(workshop_id: int) -> int:
    """Tell everybody still registered that the workshop is cancelled."""
    workshop = Workshop.objects.select_related("kreis", "region").filter(pk=workshop_id).first()
    if workshop is None or not workshop.abgesagt or workshop.veroeffentlicht_am is None:
        return 0
    personen = get_user_model().objects.filter(
        is_active=True,
        pk__in=workshop.teilnahmen.filter(status=Teilnahme.Status.ANGEMELDET).values("person_id"),
    )
    inhalt = mail.Inhalt(
        betreff=f"Abgesagt: {workshop.titel}",
        einleitung="der folgende Workshop, zu dem Sie angemeldet sind, ist abgesagt:",
        abschnitte=[
            mail.Abschnitt(
                workshop.titel,
                [
                    mail.Eintrag(f"Termin: {_termin(workshop)}"),
                    mail.Eintrag(
                        "Details im Portal", mail.absolute_url(workshop.get_absolute_url())
                    ),
                ],
            )
        ],
        schluss=(
            "Wenn Sie den Termin in Ihren Kalender übernommen haben, können Sie ihn mit der "
            "Datei im Anhang als abgesagt markieren. Abonnierte Kalender zeigen die Absage "
            "von selbst an."
        ),
        absender=workshop.traeger.ihr,
    )
    anhang = mail.Anhang(
        "absage.ics", workshop_ics(workshop, mit_link=False).decode(), "text/calendar"
    )
    return _send(workshop, personen.order_by("pk"), was="absage", inhalt=inhalt, anhang=anhang)
