"""Workflows of the quarterly report: request (and freeze the quarter), render, retry,
sweep stuck renderings, the quarterly schedule, lifting a freeze.

The rendering (`create_bericht`) runs in the Celery task `berichte.bericht_erstellen`,
in-process when no broker is configured (`make run`), and synchronously from the command
`generate_report`. It is idempotent: a task delivered twice (a worker killed while
rendering, `acks_late` + `reject_on_worker_lost`) renders the same version again and stores
it under the same name; a finished or failed report is left alone.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation

from benachrichtigungen import mail
from benachrichtigungen.models import Mailart
from core.models import User
from core.quartal import Quartal
from kommunen.models import Kreis, Mitgliedschaft, Rolle
from massnahmen.models import Quartalsabschluss

from .abschnitte import Abschnitt, bericht_daten, select_abschnitte
from .models import Deckblatt, Quartalsbericht
from .pdf import STANDARD_VARIANTE, Pdf, bericht_html, html_to_pdf

logger = logging.getLogger(__name__)

# The task's limits (berichte/tasks.py). A rendering "in Arbeit" for longer than the hard
# limit plus a margin has lost its worker; the sweeper takes it over.
ZEITLIMIT_WEICH = 4 * 60
ZEITLIMIT_HART = 5 * 60
HAENGT_NACH = dt.timedelta(seconds=ZEITLIMIT_HART + 60)
# How often the sweeper starts a stuck report again before it gives up.
MAX_NEUSTARTS = 1

MELDUNG_BROKER = (
    "Der Hintergrunddienst für die Berichtserstellung ist gerade nicht erreichbar. Ihre "
    "Anforderung ist gespeichert; bitte versuchen Sie es in einigen Minuten erneut."
)
MELDUNG_FEHLER = (
    "Bei der Erstellung des PDF ist ein unerwarteter Fehler aufgetreten. Bitte versuchen Sie "
    "es erneut; tritt der Fehler wieder auf, wenden Sie sich an den Support."
)
MELDUNG_ZEIT = (
    "Die Erstellung hat das Zeitlimit überschritten und wurde abgebrochen. Bitte versuchen "
    "Sie es erneut."
)


class BerichtNotPossible(Exception):
    """The request cannot be carried out (a German message for the user)."""


# --- Rendering ------------------------------------------------------------------------------


NBSP = "\u00a0"


def _css_string(text: str) -> str:
    """A quoted CSS string (for `content:` in the page header)."""
    escaped = "".join(
        f"\\{ord(c):x} " if c in '"\\' or ord(c) < 32 or ord(c) == 127 else c for c in text
    )
    return f'"{escaped}"'


def bericht_context(
    *,
    kreis: Kreis,
    quartal: Quartal,
    stand: dt.datetime,
    abschnitte: list[Abschnitt] | None = None,
    mit_steckbriefen: bool = True,
    version: int | None = None,
) -> dict:
    """The template context of the report: metadata plus every section's data.

    The same context renders the PDF (`bericht_html`) and the web preview on the report's
    page (templates/berichte/bericht_vorschau.html): one source for both audiences."""
    stand = timezone.localtime(stand)
    titel = f"Quartalsbericht {quartal.label} – {kreis}"
    return {
        "titel": titel,
        "autor": str(kreis),
        "beschreibung": (
            f"Fortschritt der gemeinsamen Digitalisierung {kreis.lokativ}, {quartal.label}, "
            "für die Bürgermeisterkonferenz"
        ),
        "kreis": str(kreis),
        "quartal": quartal,
        "stand": stand,
        # A long Kreis name wraps the header; the quarter stays whole ("3. Quartal 2026",
        # not "3." at the end of one line and "Quartal 2026" on the next).
        "kopfzeile_css": _css_string(f"{kreis} · {quartal.label.replace(' ', NBSP)}"),
        "static_url": settings.STATIC_URL,
        "media_url": settings.MEDIA_URL,
        "portal_name": settings.PORTAL_NAME,
        "version": version,
        "abschnitte": bericht_daten(
            kreis=kreis,
            quartal=quartal,
            stand=stand,
            abschnitte=abschnitte or select_abschnitte(mit_steckbriefen=mit_steckbriefen),
            version=version,
        ),
    }


def bericht_as_html(
    *,
    kreis: Kreis,
    quartal: Quartal,
    stand: dt.datetime,
    mit_steckbriefen: bool = True,
    version: int | None = None,
) -> str:
    """The report's HTML: all data queries and template work, no rendering."""
    with translation.override("de"):
        return bericht_html(
            kontext=bericht_context(
                kreis=kreis,
                quartal=quartal,
                stand=stand,
                mit_steckbriefen=mit_steckbriefen,
                version=version,
            )
        )


def bericht_pdf(
    *,
    kreis: Kreis,
    quartal: Quartal,
    variante: str = STANDARD_VARIANTE,
    stand: dt.datetime | None = None,
    mit_steckbriefen: bool = True,
    version: int | None = None,
) -> Pdf:
    """The report of a Kreis and quarter as PDF (no record, nothing stored)."""
    html = bericht_as_html(
        kreis=kreis,
        quartal=quartal,
        stand=stand or timezone.now(),
        mit_steckbriefen=mit_steckbriefen,
        version=version,
    )
    return html_to_pdf(html, variante=variante)


def _save(bericht: Quartalsbericht, inhalt: bytes) -> str:
    """Store under a fixed name; a file left by an interrupted earlier try is replaced."""
    name = f"berichte/{bericht.kreis_id}/{bericht.dateiname}"
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(inhalt))


def create_bericht(*, bericht_id: int) -> Quartalsbericht | None:
    """Render a requested report and store its PDF. Safe to run twice (see module doc)."""
    jetzt = timezone.now()
    uebernommen = (
        Quartalsbericht.objects.filter(pk=bericht_id)
        .open()
        .update(status=Quartalsbericht.Status.IN_ARBEIT, gestartet_am=jetzt, geaendert_am=jetzt)
    )
    bericht = Quartalsbericht.objects.select_related("kreis").filter(pk=bericht_id).first()
    if bericht is None or not uebernommen:
        return bericht  # gone, already finished, or failed (a retry requeues it)
    try:
        pdf = bericht_pdf(
            kreis=bericht.kreis,
            quartal=Quartal.parse(bericht.quartal),
            variante=bericht.variante,
            stand=jetzt,
            mit_steckbriefen=bericht.mit_steckbriefen,
            version=bericht.version,
        )
        name = _save(bericht, pdf.inhalt)
    except Exception as error:
        from celery.exceptions import SoftTimeLimitExceeded

        logger.exception("Report %s failed", bericht_id)
        meldung = MELDUNG_ZEIT if isinstance(error, SoftTimeLimitExceeded) else MELDUNG_FEHLER
        # Only this rendering's own run: the sweeper may have requeued it meanwhile.
        _failed(bericht_id, meldung, gestartet_am=jetzt)
        bericht.refresh_from_db()
        return bericht
    Quartalsbericht.objects.filter(pk=bericht_id).exclude(
        status=Quartalsbericht.Status.FERTIG
    ).update(
        status=Quartalsbericht.Status.FERTIG,
        datei=name,
        seiten=pdf.seiten,
        fertig_am=timezone.now(),
        fehler="",
        geaendert_am=timezone.now(),
    )
    bericht.refresh_from_db()
    if bericht.automatisch:
        notify_kreis(bericht=bericht)
    return bericht


def _failed(
    bericht_id: int,
    meldung: str,
    *,
    von: str = Quartalsbericht.Status.IN_ARBEIT,
    gestartet_am: dt.datetime | None = None,
) -> bool:
    """Mark the report failed, but only from the state the caller saw (`von`, and for a
    rendering its own start): a report requeued or started again meanwhile is left alone.
    True when a row changed."""
    zeilen = Quartalsbericht.objects.filter(pk=bericht_id, status=von)
    if gestartet_am is not None:
        zeilen = zeilen.filter(gestartet_am=gestartet_am)
    return bool(
        zeilen.update(
            status=Quartalsbericht.Status.FEHLGESCHLAGEN,
            fehler=meldung,
            geaendert_am=timezone.now(),
        )
    )


# --- Requesting -----------------------------------------------------------------------------


def _enqueue(bericht_id: int) -> bool:
    """Hand the report to the worker (or render it in-process without a broker).

    With the broker down the record is kept, marked fehlgeschlagen with a German reason the
    page shows next to the retry button; nothing raises into the request.
    """
    from kombu.exceptions import KombuError
    from redis.exceptions import RedisError

    from .tasks import create_bericht as task

    try:
        task.apply_async(
            args=[bericht_id],
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        )
        return True
    except (KombuError, RedisError, OSError):
        logger.exception("Could not queue report %s", bericht_id)
        _failed(bericht_id, MELDUNG_BROKER, von=Quartalsbericht.Status.ANGEFORDERT)
        return False


def is_quartal_selectable(quartal: Quartal) -> bool:
    """Reports (and the freeze they bring) exist for complete quarters only: freezing the
    running quarter would stop the CDOs from submitting its Statusmeldungen."""
    return quartal < Quartal.current()


def _check_quartal(quartal: Quartal) -> None:
    if not is_quartal_selectable(quartal):
        raise BerichtNotPossible(
            f"Das {quartal.label} ist noch nicht abgeschlossen; einen Bericht gibt es erst "
            "nach dem Quartalsende."
        )


def request_bericht(
    *,
    kreis: Kreis,
    quartal: Quartal,
    user: User | None,
    variante: str = STANDARD_VARIANTE,
    automatisch: bool = False,
    mit_steckbriefen: bool = True,
) -> Quartalsbericht:
    """Create the next version of the Kreis's report for the quarter, freeze the quarter's
    Statusmeldungen, and queue the rendering once the transaction has committed.

    Returns the record; read it again (`refresh_from_db`) after the outermost transaction
    to learn whether the broker took it (else it is `fehlgeschlagen` with MELDUNG_BROKER).
    """
    _check_quartal(quartal)
    with transaction.atomic():
        # One version number at a time per Kreis.
        _lock_kreis(kreis.pk)
        letzte = Quartalsbericht.objects.filter(kreis=kreis, quartal=str(quartal)).aggregate(
            v=Max("version")
        )["v"]
        bericht = Quartalsbericht.objects.create(
            kreis=kreis,
            quartal=str(quartal),
            version=(letzte or 0) + 1,
            variante=variante,
            angefordert_von=user,
            automatisch=automatisch,
            mit_steckbriefen=mit_steckbriefen,
        )
        close_quartal(kreis=kreis, quartal=quartal, user=user)
        pk = bericht.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return bericht


def rerequest_bericht(*, bericht: Quartalsbericht) -> Quartalsbericht:
    """Queue a failed report again (same version: it never had a file)."""
    _check_quartal(Quartal.parse(bericht.quartal))
    with transaction.atomic():
        # The Kreis first, in the order request_bericht locks (no deadlock between them).
        _lock_kreis(bericht.kreis_id)
        if not Quartalsbericht.objects.filter(
            pk=bericht.pk, status=Quartalsbericht.Status.FEHLGESCHLAGEN
        ).update(status=Quartalsbericht.Status.ANGEFORDERT, fehler="", geaendert_am=timezone.now()):
            raise BerichtNotPossible(
                "Nur ein fehlgeschlagener Bericht kann erneut erstellt werden."
            )
        close_quartal(
            kreis=bericht.kreis,
            quartal=Quartal.parse(bericht.quartal),
            user=bericht.angefordert_von,
        )
        pk = bericht.pk
        transaction.on_commit(lambda: _enqueue(pk))
    bericht.refresh_from_db()
    return bericht


def _stuck(grenze: dt.datetime) -> list[tuple[int, int]]:
    """(pk, versuche) of the reports in Arbeit since before `grenze`."""
    return list(
        Quartalsbericht.objects.filter(
            status=Quartalsbericht.Status.IN_ARBEIT, gestartet_am__lt=grenze
        ).values_list("pk", "versuche")
    )


def clean_up_stuck_berichte(*, jetzt: dt.datetime | None = None) -> int:
    """Periodic: a report `in Arbeit` for longer than the task's hard time limit lost its
    worker. It is marked fehlgeschlagen; the first time it is also queued once more.

    A worker may finish, fail or start the report again between the read and the update:
    the report is marked only by a conditional update (still in Arbeit, still started
    before the limit), and requeued only when that update changed it. Returns the number
    of reports marked."""
    grenze = (jetzt or timezone.now()) - HAENGT_NACH
    markiert = 0
    for pk, versuche in _stuck(grenze):
        with transaction.atomic():
            if not Quartalsbericht.objects.filter(
                pk=pk, status=Quartalsbericht.Status.IN_ARBEIT, gestartet_am__lt=grenze
            ).update(
                status=Quartalsbericht.Status.FEHLGESCHLAGEN,
                fehler=MELDUNG_ZEIT,
                geaendert_am=timezone.now(),
            ):
                continue
            markiert += 1
            if versuche < MAX_NEUSTARTS:
                Quartalsbericht.objects.filter(pk=pk).update(
                    status=Quartalsbericht.Status.ANGEFORDERT,
                    versuche=F("versuche") + 1,
                    fehler="",
                    geaendert_am=timezone.now(),
                )
                transaction.on_commit(lambda pk=pk: _enqueue(pk))
        logger.warning("Report %s was stuck in progress (restarts so far: %s)", pk, versuche)
    return markiert


# --- Freezing a quarter ---------------------------------------------------------------------


def _lock_kreis(kreis_id: str) -> None:
    """Lock the Kreis row until the transaction ends: report versions and freezes of one
    Kreis are decided one request at a time."""
    list(Kreis.objects.select_for_update().filter(pk=kreis_id).values_list("pk"))


def close_quartal(*, kreis: Kreis, quartal: Quartal, user: User | None) -> Quartalsabschluss:
    """Freeze the Kreis's Statusmeldungen of the quarter (no-op when already frozen).

    Under the Kreis lock, so two requests at the same moment (a new report and a retry, or
    two retries) cannot both find no freeze and both create one (the second would fail on
    the unique constraint `quartalsabschluss_one_active`)."""
    with transaction.atomic():
        _lock_kreis(kreis.pk)
        bestehend = (
            Quartalsabschluss.objects.active().filter(kreis=kreis, quartal=str(quartal)).first()
        )
        if bestehend:
            return bestehend
        return Quartalsabschluss.objects.create(
            kreis=kreis, quartal=str(quartal), gesperrt_von=user
        )


def reopen_quartal(*, abschluss: Quartalsabschluss, user: User, grund: str) -> Quartalsabschluss:
    """Lift a freeze; the reason and who lifted it stay on record."""
    grund = (grund or "").strip()
    if not grund:
        raise ValidationError({"aufhebungsgrund": "Bitte geben Sie einen Grund an."})
    if abschluss.aufgehoben_am:
        raise BerichtNotPossible("Dieser Abschluss ist bereits aufgehoben.")
    abschluss.aufgehoben_am = timezone.now()
    abschluss.aufgehoben_von = user
    abschluss.aufhebungsgrund = grund
    abschluss.save(
        update_fields=["aufgehoben_am", "aufgehoben_von", "aufhebungsgrund", "geaendert_am"]
    )
    return abschluss


# --- Quarterly schedule ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanErgebnis:
    angefordert: list[Quartalsbericht]
    uebersprungen: list[str]


def request_scheduled_berichte(*, quartal: Quartal | None = None) -> PlanErgebnis:
    """Celery beat, 10 days after quarter end: the report of the quarter just ended for every
    Kreis that keeps Maßnahmen in the portal. Runs twice → requests once."""
    quartal = quartal or Quartal.last_complete()
    angefordert, uebersprungen = [], []
    for kreis in Kreis.objects.filter(massnahmen__archiviert=False).distinct().order_by("ags"):
        if Quartalsbericht.objects.filter(
            kreis=kreis, quartal=str(quartal), automatisch=True
        ).exists():
            uebersprungen.append(kreis.ags)
            continue
        angefordert.append(
            request_bericht(kreis=kreis, quartal=quartal, user=None, automatisch=True)
        )
    return PlanErgebnis(angefordert, uebersprungen)


def notify_kreis(*, bericht: Quartalsbericht) -> int:
    """Mail the Kreis staff a link to the finished report (never the file itself), through
    the one mail path (benachrichtigungen.mail: outbox, HTML and text, one-click
    unsubscribe of the kind "Fertige Quartalsberichte"). At most once per report, even when
    the task runs twice. Returns the number of mails queued."""
    if not Quartalsbericht.objects.filter(
        pk=bericht.pk, status=Quartalsbericht.Status.FERTIG, benachrichtigt_am__isnull=True
    ).update(benachrichtigt_am=timezone.now()):
        return 0
    personen = User.objects.filter(
        is_active=True,
        pk__in=Mitgliedschaft.objects.filter(
            rolle=Rolle.KREIS, kreis=bericht.kreis_id, kommune__isnull=True
        ).values("user_id"),
    ).order_by("pk")
    quartal = Quartal.parse(bericht.quartal)
    inhalt = mail.Inhalt(
        betreff=f"Quartalsbericht {quartal.label} für {bericht.kreis.akkusativ} liegt vor",
        einleitung=(
            f"der Quartalsbericht {quartal.label} für {bericht.kreis.akkusativ} (Version "
            f"{bericht.version}) wurde planmäßig erstellt. Sie finden ihn nach der Anmeldung "
            "im Portal:"
        ),
        abschnitte=[
            mail.Abschnitt(
                "",
                [
                    mail.Eintrag(
                        f"Quartalsbericht {quartal.label}, Version {bericht.version}",
                        mail.absolute_url(bericht.get_absolute_url()),
                    )
                ],
            )
        ],
        schluss=(
            "Die Statusmeldungen des Quartals sind damit abgeschlossen. Müssen noch Angaben "
            "geändert werden, können Sie den Abschluss dort mit Begründung aufheben und "
            "danach eine neue Version anfordern."
        ),
    )
    return mail.to_all(
        personen,
        art=Mailart.BERICHT,
        schluessel=lambda p: f"bericht:{bericht.pk}:{p.pk}",
        inhalt=inhalt,
    )


# --- The cover's logo -----------------------------------------------------------------------


def save_logo(*, kreis: Kreis, datei, user: User | None) -> Deckblatt:
    """Store the (checked) logo of the Kreis's report cover, replacing an earlier one."""
    deckblatt = Deckblatt.objects.filter(kreis=kreis).first() or Deckblatt(kreis=kreis)
    alt = deckblatt.logo.name if deckblatt.logo else None
    deckblatt.logo = datei
    deckblatt.hochgeladen_von = user
    deckblatt.save()
    if alt and alt != deckblatt.logo.name:
        transaction.on_commit(lambda: default_storage.delete(alt))
    return deckblatt


def remove_logo(*, kreis: Kreis) -> None:
    """No logo on the Kreis's report cover any more."""
    deckblatt = Deckblatt.objects.filter(kreis=kreis).first()
    if deckblatt:
        name = deckblatt.logo.name
        deckblatt.delete()
        transaction.on_commit(lambda: default_storage.delete(name))
