"""Workflows around Maßnahmen that touch several models or need locking."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.forms.models import construct_instance
from django.utils import timezone, translation

from core.history import Aenderung
from core.locking import is_locked, since_version
from core.models import User
from core.quartal import Quartal
from kommunen.models import Kommune, Kreis

from .imports import (
    GEAENDERT,
    NEU,
    DateiFehler,
    Pruefung,
    Tabelle,
    Zaehler,
    fehler_eintrag,
    limit,
    read_tabelle,
    schreiben,
)
from .models import (
    Ampel,
    Importlauf,
    Massnahme,
    Nachnutzung,
    Quartalsabschluss,
    Statusmeldung,
)

logger = logging.getLogger(__name__)

# --- Saving with optimistic locking -------------------------------------------------------


@dataclass
class Konflikt(Exception):
    """Someone else saved the Maßnahme after the form was loaded."""

    aktuelle_version: int
    aenderungen: list[Aenderung]
    von: str
    am: object


def _conflict(massnahme: Massnahme, geladene_version: int) -> Konflikt:
    seit = since_version(massnahme.history.all(), geladene_version, geld={"budget"})
    return Konflikt(
        aktuelle_version=seit.aktuelle_version or massnahme.version,
        aenderungen=seit.aenderungen,
        von=seit.von,
        am=seit.am,
    )


def save_massnahme(*, form, meilensteine=None, geladene_version: int | None) -> Massnahme:
    """Save a Maßnahme form (and its Meilenstein formset) unless someone else saved first.

    Raises Konflikt, with what the other person changed; nothing is written then. The row
    lock (core.locking) makes a parallel save wait and then see the new version.
    """
    with transaction.atomic():
        massnahme = form.instance
        if massnahme.pk:
            aktuell = is_locked(Massnahme, massnahme.pk)
            if aktuell.version != geladene_version:
                raise _conflict(aktuell, geladene_version or 0)
            massnahme.version = aktuell.version  # save() counts it up
        massnahme = form.save()
        if meilensteine is not None:
            meilensteine.instance = massnahme
            meilensteine.save()
        return massnahme


# --- Statusmeldungen -----------------------------------------------------------------------


def is_quartal_locked(massnahme: Massnahme, quartal: Quartal) -> bool:
    return Quartalsabschluss.is_locked(massnahme.kreis_id, quartal)


def statusmeldung_initial(
    *, massnahme: Massnahme, quartal: Quartal, meldung: Statusmeldung | None = None
) -> dict:
    """Initial values of the quarter's Statusmeldung form (`meldung`, if there is one yet).

    Progress and traffic light are always the Maßnahme's current ones, so saving the form
    unchanged never puts older figures back; a new Statusmeldung takes its texts from the
    previous quarter's as a starting point, except "Was wurde erreicht?": that is drafted
    from the quarter's own events (massnahmen.entwurf, one line each; `erreicht_ist_entwurf`
    tells the template). An existing Statusmeldung keeps its texts: the form never shows
    anything older or other than what is stored. The hidden fields record what the form
    was opened with, for `save_statusmeldung` to notice later saves by others.
    """
    werte = {
        "fortschritt": massnahme.fortschritt,
        "ampel": massnahme.ampel,
        "massnahme_version": massnahme.version,
        "meldung_stand": meldung_stand(meldung),
    }
    if meldung is None:
        vorherige = (
            massnahme.statusmeldungen.filter(quartal__lt=str(quartal)).order_by("-quartal").first()
        )
        if vorherige:
            werte.update(
                erreicht=vorherige.erreicht,
                naechste_schritte=vorherige.naechste_schritte,
                risiken=vorherige.risiken,
            )
        from .entwurf import erreicht_entwurf

        entwurf = erreicht_entwurf(massnahme=massnahme, quartal=quartal)
        if entwurf:
            werte.update(erreicht=entwurf, erreicht_ist_entwurf=True)
    return werte


def meldung_stand(meldung: Statusmeldung | None) -> str:
    """What a Statusmeldung form carries to recognise the version it showed: when that
    Statusmeldung was last saved ("" when there was none yet)."""
    return meldung.geaendert_am.isoformat() if meldung and meldung.geaendert_am else ""


@dataclass
class MeldungConflict(Exception):
    """Someone else saved the Maßnahme's figures or this quarter's Statusmeldung after the
    form was opened. Nothing is written; the form should carry the new tokens, so saving
    again is a deliberate decision."""

    massnahme_version: int
    meldung_stand: str
    # The Maßnahme's figures changed: who did it, and saved vs. form values per field.
    massnahme: Konflikt | None = None
    vergleich: list[Aenderung] | None = None
    # The Statusmeldung as the other person saved it.
    meldung: Statusmeldung | None = None


STATUSMELDUNG_GRUND = "aus Statusmeldung {quartal}"  # the Maßnahme's change reason
# What the Statusmeldung form edits (its Meta.fields), compared field by field for conflicts.
STATUSMELDUNG_FELDER = (
    "fortschritt",
    "ampel",
    "erreicht",
    "naechste_schritte",
    "risiken",
    "oeffentliche_zusammenfassung",
)


def save_statusmeldung(
    *,
    form,
    massnahme: Massnahme,
    quartal: Quartal,
    user,
    geladene_version: int | None,
    geladener_stand: str,
) -> Statusmeldung:
    """Save the quarter's Statusmeldung and carry its progress and traffic light over to the
    Maßnahme, which then shows exactly what the form showed ("aus Statusmeldung …" in its
    history; its version is bumped, so an open edit form notices).

    `geladene_version` and `geladener_stand` are what the form was opened with. If the
    Maßnahme's figures or the Statusmeldung were saved by someone else since, raises
    MeldungsKonflikt and writes nothing. The row lock on the Maßnahme makes two saves of the
    same Statusmeldung wait for each other, so the second one sees the first.
    """
    with transaction.atomic():
        aktuell = Massnahme.objects.select_for_update().get(pk=massnahme.pk)
        vorhanden = Statusmeldung.objects.filter(massnahme=aktuell, quartal=str(quartal)).first()
        konflikt = _meldung_conflict(
            aktuell, vorhanden, form.cleaned_data, geladene_version, geladener_stand
        )
        if konflikt:
            raise konflikt
        zusammenfassung_vorher = vorhanden.oeffentliche_zusammenfassung if vorhanden else ""
        meldung = construct_instance(form, vorhanden or form.instance, fields=form._meta.fields)
        if meldung.oeffentliche_zusammenfassung != zusammenfassung_vorher:
            meldung.zusammenfassung_am = (
                timezone.now() if meldung.oeffentliche_zusammenfassung else None
            )
        meldung.massnahme = aktuell
        meldung.quartal = str(quartal)
        meldung.autor = user
        try:
            with transaction.atomic():
                meldung.save()
        except IntegrityError:
            # Only without row locks (SQLite): the other save came first after all.
            anderer = Statusmeldung.objects.get(massnahme=aktuell, quartal=str(quartal))
            raise MeldungConflict(
                aktuell.version, meldung_stand(anderer), meldung=anderer
            ) from None
        werte = {"fortschritt": meldung.fortschritt, "ampel": meldung.ampel}
        if any(getattr(aktuell, name) != wert for name, wert in werte.items()):
            _change(massnahme, grund=STATUSMELDUNG_GRUND.format(quartal=quartal.label), **werte)
        return meldung


def _meldung_conflict(
    aktuell: Massnahme,
    vorhanden: Statusmeldung | None,
    eingaben: dict,
    geladene_version: int | None,
    geladener_stand: str,
) -> MeldungConflict | None:
    """What others saved since the form was opened that the form would overwrite.

    A change to other fields of the Maßnahme is no conflict, and neither is a save that
    already stored exactly what the form holds (a double click)."""
    felder = ("fortschritt", "ampel")
    jetzt = tuple(getattr(aktuell, name) for name in felder)
    form = tuple(eingaben.get(name) for name in felder)
    zahlen_geaendert = False
    if jetzt != form and aktuell.version != geladene_version:
        geladen = (
            aktuell.history.filter(version=geladene_version).order_by("-history_id").first()
            if geladene_version
            else None
        )
        zahlen_geaendert = geladen is None or (geladen.fortschritt, geladen.ampel) != jetzt
    meldung_geaendert = (
        vorhanden is not None
        and meldung_stand(vorhanden) != geladener_stand
        and any(
            getattr(vorhanden, name) != eingaben[name]
            for name in STATUSMELDUNG_FELDER
            if name in eingaben  # the public summary only in the forms of those who decide it
        )
    )
    if not (zahlen_geaendert or meldung_geaendert):
        return None
    konflikt = MeldungConflict(aktuell.version, meldung_stand(vorhanden))
    if zahlen_geaendert:
        konflikt.massnahme = _conflict(aktuell, geladene_version or 0)
        ampeln = dict(Ampel.choices)
        konflikt.vergleich = [
            Aenderung("Fortschritt", f"{jetzt[0]}\u00a0%", f"{form[0]}\u00a0%"),
            Aenderung("Ampel", str(ampeln.get(jetzt[1], jetzt[1])), str(ampeln.get(form[1]))),
        ]
    if meldung_geaendert:
        konflikt.meldung = vorhanden
    return konflikt


def _change(massnahme: Massnahme, *, grund: str = "", **werte) -> Massnahme:
    """Change a few fields server-side: under a row lock, with a new version (so an open
    edit form notices) and one history record (with `grund` as its change reason)."""
    aktuell = Massnahme.objects.select_for_update().get(pk=massnahme.pk)
    for name, wert in werte.items():
        setattr(aktuell, name, wert)
    if grund:
        aktuell._change_reason = grund[:100]
    aktuell.save(update_fields=[*werte, "version", "geaendert_am"])
    for name in [*werte, "version"]:
        setattr(massnahme, name, getattr(aktuell, name))
    return aktuell


def open_statusmeldungen(user, quartal: Quartal | None = None):
    """The Maßnahmen the user is responsible for that lack this quarter's Statusmeldung."""
    from django.db.models import Q

    from kommunen.scope import scope_for

    quartal = quartal or Quartal.current()
    scope = scope_for(user)
    if not (scope.cdo_kommune_ids or scope.kreis_ids):
        return Massnahme.objects.none()
    zustaendig = (
        Q(kreis_id__in=scope.kreis_ids)
        | Q(federfuehrend_id__in=scope.cdo_kommune_ids)
        | Q(beteiligte__in=scope.cdo_kommune_ids)
    )
    return (
        Massnahme.objects.meldepflichtig()
        .filter(zustaendig)
        .without_statusmeldung(quartal)
        .select_related("federfuehrend", "kreis", "handlungsfeld")
        .distinct()
        .order_by("handlungsfeld__nummer", "titel", "pk")
    )


# --- Nachnutzung ("Einer für Alle") --------------------------------------------------------


def create_nachnutzung(*, massnahme: Massnahme, kommune: Kommune, user) -> Massnahme:
    """Kommune adopts the solution of `massnahme`: a new Maßnahme for the Kommune, prefilled
    and linked to its origin, and the origin records the Nachnutzung."""
    with transaction.atomic():
        neu = Massnahme.objects.create(
            kreis=kommune.kreis,
            titel=massnahme.titel,
            beschreibung=(
                f"Nachnutzung der Lösung „{massnahme.titel}“ "
                f"({massnahme.federfuehrung_display}).\n\n{massnahme.beschreibung}"
            ).strip(),
            handlungsfeld=massnahme.handlungsfeld,
            ziel=massnahme.ziel
            if massnahme.ziel and massnahme.ziel.kreis_id == kommune.kreis_id
            else None,
            federfuehrend=kommune,
            status=Massnahme.Status.GEPLANT,
            fortschritt=0,
            ampel=Ampel.GRUEN,
            nachnutzung_von=massnahme,
            ansprechperson=user,
        )
        neu.lebensbereiche.set(massnahme.lebensbereiche.all())
        Nachnutzung.objects.get_or_create(
            massnahme=massnahme, kommune=kommune, defaults={"seit": timezone.localdate()}
        )
        return neu


def archive(*, massnahme: Massnahme, archiviert: bool) -> None:
    """CDOs archive instead of deleting; archived Maßnahmen leave lists and reports."""
    with transaction.atomic():
        _change(massnahme, archiviert=archiviert)


# ---------------------------------------------------------------------------------------
# CSV/XLSX import (issue 4, point 10): dry run, all-or-nothing import, progress.
# The parsing and row checks live in massnahmen/imports.py.
# ---------------------------------------------------------------------------------------

IMPORT_BLOCKGROESSE = 250  # rows per bulk write and progress step


class ImportNotReady(Exception):
    """The import cannot be started (again); the message is German."""


class _ImportRejected(Exception):
    """Rows failed the check during the real import: roll everything back."""

    def __init__(self, fehler: list[dict]):
        super().__init__("import rejected")
        self.fehler = fehler


def import_sync_max() -> int:
    """Files with more rows than this are imported by a Celery task."""
    return settings.MASSNAHMEN_IMPORT_SYNC_MAX


def import_pruefung_sync_bytes() -> int:
    """Files larger than this (unpacked, for XLSX) are checked by a Celery task."""
    return settings.MASSNAHMEN_IMPORT_PRUEFUNG_SYNC_BYTES


def _check_rows(
    tabelle: Tabelle, *, kreis: Kreis, user: User | None, melden=None
) -> tuple[Counter, list[dict]]:
    """Check every row; `melden(n)` hears the progress every IMPORT_BLOCKGROESSE rows."""
    zaehler: Counter = Counter()
    fehler: list[dict] = []
    with translation.override("de"):
        pruefung = Pruefung(tabelle=tabelle, kreis=kreis, user=user)
        for nummer, ergebnis in enumerate(pruefung.alle(), start=1):
            fehler.extend(ergebnis.fehler)
            if not ergebnis.fehler:
                zaehler[ergebnis.art] += 1
            if melden is not None and nummer % IMPORT_BLOCKGROESSE == 0:
                melden(nummer)
    return zaehler, fehler


def _new_importlauf(*, dateiname: str, inhalt: bytes, kreis: Kreis, user: User | None, **felder):
    lauf = Importlauf(
        kreis=kreis,
        dateiname=os.path.basename(dateiname.replace("\\", "/"))[:255],
        hochgeladen_von=user,
        **felder,
    )
    lauf.datei.save(lauf.dateiname or "import.csv", ContentFile(inhalt), save=False)
    lauf.save()
    return lauf


def check_import(*, tabelle: Tabelle, inhalt: bytes, kreis: Kreis, user: User | None) -> Importlauf:
    """Dry run in the request (small files): check every row of an uploaded file against
    the rules of the Maßnahme form and the Kreis. Saves nothing but the record of the run
    (with the file, for the import that follows, and every bad row with its number and
    German reason)."""
    zaehler, fehler = _check_rows(tabelle, kreis=kreis, user=user)
    return _new_importlauf(
        dateiname=tabelle.dateiname,
        inhalt=inhalt,
        kreis=kreis,
        user=user,
        zeilen_gesamt=len(tabelle.zeilen),
        status=Importlauf.Status.FEHLERHAFT if fehler else Importlauf.Status.GEPRUEFT,
        neu=zaehler[NEU],
        aktualisiert=zaehler[GEAENDERT],
        fehler=limit(fehler),
    )


def start_import_check(
    *, dateiname: str, inhalt: bytes, kreis: Kreis, user: User | None
) -> Importlauf:
    """Dry run of a large file by the Celery task (after the current transaction commits):
    the request only stores the file; the status page shows the progress of the check."""
    lauf = _new_importlauf(
        dateiname=dateiname,
        inhalt=inhalt,
        kreis=kreis,
        user=user,
        status=Importlauf.Status.PRUEFUNG,
    )
    from .tasks import check_import as task

    pk = lauf.pk
    transaction.on_commit(lambda: task.delay(pk))
    return lauf


def run_import_check(*, importlauf: Importlauf) -> Importlauf:
    """The dry run in the task: read the stored file, check every row with progress in
    `zeilen_verarbeitet`, end as `geprueft` or `fehlerhaft`. Idempotent: only a run still
    waiting for its check is checked (a second delivery of the task does nothing)."""
    lauf = importlauf
    lauf.refresh_from_db()
    if lauf.status != Importlauf.Status.PRUEFUNG:
        return lauf
    tabelle = _stored_tabelle(lauf)
    if isinstance(tabelle, str):
        lauf.status = Importlauf.Status.FEHLERHAFT
        lauf.fehler = [fehler_eintrag(None, "", tabelle)]
        lauf.save(update_fields=["status", "fehler", "geaendert_am"])
        return lauf
    gesamt = len(tabelle.zeilen)
    Importlauf.objects.filter(pk=lauf.pk).update(zeilen_gesamt=gesamt, zeilen_verarbeitet=0)

    zaehler, fehler = _check_rows(
        tabelle,
        kreis=lauf.kreis,
        user=lauf.hochgeladen_von,
        melden=lambda verarbeitet: _check_progress(lauf.pk, verarbeitet),
    )
    lauf.status = Importlauf.Status.FEHLERHAFT if fehler else Importlauf.Status.GEPRUEFT
    lauf.zeilen_gesamt = gesamt
    # The import proper counts its own progress from 0 again.
    lauf.zeilen_verarbeitet = 0
    lauf.neu = zaehler[NEU]
    lauf.aktualisiert = zaehler[GEAENDERT]
    lauf.fehler = limit(fehler)
    lauf.save()
    return lauf


def _stored_tabelle(lauf: Importlauf) -> Tabelle | str:
    """The stored file of a run read again, or the German reason why it cannot be."""
    try:
        with translation.override("de"), lauf.datei.open("rb") as datei:
            return read_tabelle(datei.read(), lauf.dateiname)
    except DateiFehler as error:
        return str(error)
    except OSError:
        return "Datei nicht lesbar."


def _check_progress(pk: int, verarbeitet: int) -> None:
    # The check writes nothing else and runs outside a transaction: visible at once.
    Importlauf.objects.filter(pk=pk).update(zeilen_verarbeitet=verarbeitet)


def confirm_import(*, importlauf: Importlauf) -> Importlauf:
    """Start a checked import: small files at once, large ones by a Celery task (after the
    current transaction commits). Raises ImportNichtBereit unless it is still `geprueft`."""
    gestartet = Importlauf.objects.filter(
        pk=importlauf.pk, status=Importlauf.Status.GEPRUEFT
    ).update(status=Importlauf.Status.WARTET, geaendert_am=timezone.now())
    if not gestartet:
        raise ImportNotReady("Dieser Import wurde bereits gestartet oder ist nicht bereit.")
    importlauf.refresh_from_db()
    if importlauf.zeilen_gesamt > import_sync_max():
        from .tasks import run_import as task

        pk = importlauf.pk
        transaction.on_commit(lambda: task.delay(pk))
        return importlauf
    return run_import(importlauf=importlauf, fortschritt_melden=False)


def run_import(*, importlauf: Importlauf, fortschritt_melden: bool = True) -> Importlauf:
    """The real import: read the stored file again, check every row once more (the data may
    have changed since the dry run) and store all rows in one transaction, or none.

    Runs in the Celery task and, for small files, in the request. Progress goes to
    `zeilen_verarbeitet` every IMPORT_BLOCKGROESSE rows. Idempotent: a run that already
    finished is not repeated (the final status is written in the import's own transaction).
    """
    lauf = importlauf
    offen = [Importlauf.Status.WARTET, Importlauf.Status.LAEUFT]
    if not Importlauf.objects.filter(pk=lauf.pk, status__in=offen).update(
        status=Importlauf.Status.LAEUFT, zeilen_verarbeitet=0, geaendert_am=timezone.now()
    ):
        lauf.refresh_from_db()
        return lauf
    lauf.refresh_from_db()
    with translation.override("de"):
        tabelle = _stored_tabelle(lauf)
        if isinstance(tabelle, str):
            return _import_failed(lauf, [fehler_eintrag(None, "", tabelle)])

        melder = _ProgressReporter(lauf.pk) if fortschritt_melden else None
        try:
            with transaction.atomic():
                # One import per Kreis at a time; FOR NO KEY UPDATE still lets others add
                # Maßnahmen to the Kreis (their foreign key needs only a KEY SHARE lock).
                list(Kreis.objects.select_for_update(no_key=True).filter(pk=lauf.kreis_id))
                if (
                    Importlauf.objects.filter(pk=lauf.pk).values_list("status", flat=True).first()
                    != Importlauf.Status.LAEUFT
                ):
                    lauf.refresh_from_db()
                    return lauf  # a duplicate delivery of the task finished it meanwhile
                zaehler = _write_import(lauf, tabelle, melder)
                lauf.status = Importlauf.Status.FERTIG
                lauf.zeilen_gesamt = len(tabelle.zeilen)
                lauf.zeilen_verarbeitet = len(tabelle.zeilen)
                lauf.neu = zaehler.neu
                lauf.aktualisiert = zaehler.aktualisiert
                lauf.fehler = []
                lauf.save()
        except _ImportRejected as abgelehnt:
            return _import_failed(lauf, limit(abgelehnt.fehler))
        except DatabaseError:
            logger.exception("Import %s: database refused the import", lauf.pk)
            return _import_failed(
                lauf,
                [
                    fehler_eintrag(
                        None,
                        "",
                        "Die Datenbank hat den Import abgelehnt; es wurde nichts gespeichert. "
                        "Bitte prüfen Sie die Datei erneut.",
                    )
                ],
            )
        finally:
            if melder is not None:
                melder.close()
    return lauf


def _write_import(lauf: Importlauf, tabelle: Tabelle, melder) -> Zaehler:
    """Check and write block by block; after the first bad row only check (to report every
    bad row), then roll back."""
    pruefung = Pruefung(tabelle=tabelle, kreis=lauf.kreis, user=lauf.hochgeladen_von, sperren=True)
    grund = f"Import aus {lauf.dateiname}"[:100]
    zaehler = Zaehler()
    fehler: list[dict] = []
    block: list = []
    gesamt = len(tabelle.zeilen)
    for nummer, ergebnis in enumerate(pruefung.alle(), start=1):
        fehler.extend(ergebnis.fehler)
        block.append(ergebnis)
        if len(block) >= IMPORT_BLOCKGROESSE or nummer == gesamt:
            if not fehler:
                schreiben(block, user=lauf.hochgeladen_von, grund=grund, zaehler=zaehler)
            block = []
            if melder is not None:
                melder(nummer)
    if fehler:
        raise _ImportRejected(fehler)
    return zaehler


def _import_failed(lauf: Importlauf, fehler: list[dict]) -> Importlauf:
    lauf.status = Importlauf.Status.FEHLGESCHLAGEN
    lauf.fehler = fehler
    lauf.neu = lauf.aktualisiert = 0
    lauf.save(update_fields=["status", "fehler", "neu", "aktualisiert", "geaendert_am"])
    return lauf


def abort_import_on_error(*, importlauf_id: int, meldung: str) -> None:
    """Mark a run as failed after an unexpected error (called by the task)."""
    lauf = Importlauf.objects.filter(pk=importlauf_id).first()
    if lauf is not None and lauf.status != Importlauf.Status.FERTIG:
        _import_failed(lauf, [fehler_eintrag(None, "", meldung)])


def delete_importdateien(*, jetzt: dt.datetime | None = None) -> int:
    """Delete the uploaded files of import runs older than MASSNAHMEN_IMPORT_AUFBEWAHRUNG_TAGE
    (the run's record with its counts and errors stays); returns how many were deleted.

    Idempotent: a run without a file is skipped, a file already missing is no error. Runs
    still waiting or importing keep their file; a checked run that was never confirmed
    can no longer be imported and says so. Files are removed after the commit, so a
    rollback never leaves a record pointing at a deleted file.
    """
    tage = settings.MASSNAHMEN_IMPORT_AUFBEWAHRUNG_TAGE
    grenze = (jetzt or timezone.now()) - dt.timedelta(days=tage)
    abgelaufen = (
        Importlauf.objects.filter(erstellt_am__lt=grenze)
        .exclude(datei="")
        .exclude(status__in=[Importlauf.Status.WARTET, Importlauf.Status.LAEUFT])
    )
    storage = Importlauf._meta.get_field("datei").storage
    geloescht = 0
    with transaction.atomic():
        for lauf in abgelaufen.select_for_update(skip_locked=True).order_by("pk"):
            name = lauf.datei.name
            werte = {"datei": ""}
            if lauf.status == Importlauf.Status.GEPRUEFT:
                werte.update(
                    status=Importlauf.Status.FEHLGESCHLAGEN,
                    fehler=[
                        fehler_eintrag(
                            None,
                            "",
                            translation.ngettext(
                                "Die Datei wurde nach %(tage)s Tag gelöscht, ohne dass der "
                                "Import bestätigt wurde. Bitte laden Sie sie erneut hoch.",
                                "Die Datei wurde nach %(tage)s Tagen gelöscht, ohne dass der "
                                "Import bestätigt wurde. Bitte laden Sie sie erneut hoch.",
                                tage,
                            )
                            % {"tage": tage},
                        )
                    ],
                )
            # update(): no signals, so django-cleanup does not also schedule the deletion.
            Importlauf.objects.filter(pk=lauf.pk).update(**werte)
            transaction.on_commit(lambda name=name: storage.delete(name))
            geloescht += 1
    return geloescht


class _ProgressReporter:
    """Writes `zeilen_verarbeitet` while the import's transaction is still open.

    The import writes all rows in one transaction, so its own updates stay invisible to the
    status page until the end. On PostgreSQL the progress therefore goes through a second,
    autocommitting connection; SKIP LOCKED makes it a no-op (never a wait) when the row is
    locked by the caller's transaction, e.g. when the import runs inside a request. Other
    databases (SQLite allows one writer only) show the progress when the import ends.
    """

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self._verbindung = None
        self._aktiv = connection.vendor == "postgresql"

    def __call__(self, verarbeitet: int) -> None:
        if not self._aktiv:
            return
        tabelle = connection.ops.quote_name(Importlauf._meta.db_table)
        try:
            if self._verbindung is None:
                self._verbindung = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._verbindung.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {tabelle} SET zeilen_verarbeitet = %s WHERE id = "  # noqa: S608
                    f"(SELECT id FROM {tabelle} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                    [verarbeitet, self.pk],
                )
        except DatabaseError:
            logger.warning("Import %s: progress not recorded", self.pk, exc_info=True)
            self._aktiv = False

    def close(self) -> None:
        if self._verbindung is not None:
            self._verbindung.close()
            self._verbindung = None


# --- end of the import block ---
