"""Optimistic locking for the edit forms of shared records: one mechanism for every form.

A record that several people edit carries a `version` (model base `Versioned`); every
save of a stored row increases it. Its form carries the version it was shown in a hidden
field (form base `VersionFormMixin`). Saving locks the row and compares: if someone else
saved in the meantime and the stored values differ from what the form would write, the save
raises `Konflikt` and writes nothing. The view (`VersionConflictMixin`) answers 409 with the
form as the person filled it in, the stored value beside theirs for every field that differs
(`includes/versionskonflikt.html`), and the current version in the hidden field, so saving
again is a deliberate decision to overwrite.

A form that creates a row which a unique constraint allows only once (the OZG cell, a
Kennzahl value) names the row another save may have created meanwhile
(`existing_record()`); the IntegrityError of that race becomes the same `Konflikt`.
Any other unique-constraint race (two new Bescheide with one Aktenzeichen) is answered like
the form's own check: 422 with the German message at the field (`Eindeutig`), never a 500.

Saving exactly what is stored already (a double click, the same form in two windows) is no
conflict. Core knows no domain: labels, choices and money formatting come from the form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import Truncator

from .formatting import euro, zahl
from .history import Aenderung, differences
from .money import EuroField

KONFLIKT_FEHLER = (
    "Inzwischen wurde ein anderer Stand gespeichert. Ihre Eingaben sind noch nicht "
    "gespeichert; bitte vergleichen Sie und speichern Sie erneut."
)
GELOESCHT_FEHLER = "Der Eintrag wurde inzwischen gelöscht. Ihre Eingaben sind nicht gespeichert."


class Versioned(models.Model):
    """Abstract base: a version number that every save of a stored row increases, so an
    open form that shows an older version notices (also after an admin or service save)."""

    version = models.PositiveIntegerField("Version", default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


@dataclass
class Konflikt(Exception):
    """Someone else saved (or deleted) the record after the form was shown.

    `aktuell` is the row as stored now (None: deleted); `vergleich` lists, per field that
    differs, the stored value (`alt`) and the form's (`neu`); `von`/`am` who saved it last.
    """

    form: Any
    aktuell: Any
    vergleich: list[Aenderung] = field(default_factory=list)
    von: str = ""
    am: dt.datetime | None = None

    @property
    def geloescht(self) -> bool:
        return self.aktuell is None

    def formular(self):
        """The form as the person filled it in, now against the stored version, with the
        reason in its error summary."""
        form = self.form
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = "" if self.geloescht else self.aktuell.version
        form.add_error(None, GELOESCHT_FEHLER if self.geloescht else KONFLIKT_FEHLER)
        return form


@dataclass
class Gegenstand:
    """What someone else changed since a version, read from the change history
    (django-simple-history): field changes, who saved last and when."""

    aenderungen: list[Aenderung]
    von: str
    am: dt.datetime | None
    aktuelle_version: int | None


def since_version(records, geladene_version, *, geld=(), verborgen=()) -> Gegenstand:
    """The changes between the history row of `geladene_version` and the newest row of
    `records` (the history rows of one object), for a conflict message."""
    records = records.select_related("history_user").order_by("-history_id")
    neu = records.first()
    alt = records.filter(version=geladene_version).first() if geladene_version else None
    aenderungen = (
        differences(alt, neu, geld=geld, verborgen=verborgen) if alt is not None and neu else []
    )
    return Gegenstand(
        aenderungen=aenderungen,
        von=str(neu.history_user) if neu and neu.history_user_id else "jemand anderes",
        am=neu.history_date if neu else None,
        aktuelle_version=neu.version if neu else None,
    )


def _last_change(objekt) -> tuple[str, dt.datetime | None]:
    """Who saved `objekt` last and when: from its change history if it has one."""
    history = getattr(objekt, "history", None)
    if history is not None:
        record = history.select_related("history_user").order_by("-history_id").first()
        if record is not None:
            return (str(record.history_user) if record.history_user_id else "", record.history_date)
    autor = getattr(objekt, "versions_autor", None)
    return (str(autor) if autor else "", getattr(objekt, "geaendert_am", None))


def _schluessel(value):
    """A comparable form of a value: model instances by primary key, lists as sets."""
    if isinstance(value, models.Model):
        return (type(value)._meta.label, value.pk)
    if isinstance(value, FieldFile) or hasattr(value, "read"):
        return getattr(value, "name", None) or None
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return frozenset(_schluessel(v) for v in value)
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def anzeige(feld: forms.Field | None, value) -> str:
    """A value as the portal shows it (German numbers, dates, names, choice labels)."""
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return ", ".join(sorted(str(v) for v in value)) or "–"
    if value is None or value == "" or (value is False and isinstance(feld, forms.FileField)):
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, FieldFile) or hasattr(value, "read"):
        return "neue Datei" if not isinstance(value, FieldFile) else "gespeicherte Datei"
    if isinstance(value, models.Model):
        return str(value)
    choices = getattr(feld, "choices", None)
    if choices is not None and not isinstance(feld, forms.ModelChoiceField):
        labels = {str(k): v for k, v in getattr(feld, "flatchoices", None) or choices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M\u00a0Uhr")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        if isinstance(feld, EuroField):
            return euro(value)
        stellen = max(0, -value.normalize().as_tuple().exponent)
        return zahl(value, min(stellen, getattr(feld, "decimal_places", None) or 2))
    return Truncator(str(value)).chars(160)


def compare(form, aktuell) -> list[Aenderung]:
    """The fields where the stored row and the form's input differ: label, stored, input."""
    zeilen = []
    for name, feld in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        try:
            modellfeld = aktuell._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if modellfeld.many_to_many:
            gespeichert = list(getattr(aktuell, name).all())
        else:
            gespeichert = getattr(aktuell, name)
        eingabe = form.cleaned_data[name]
        if isinstance(modellfeld, models.FileField) and not (eingabe and hasattr(eingabe, "read")):
            continue  # no new upload: the form keeps (or clears) the stored file
        if _schluessel(gespeichert) == _schluessel(eingabe):
            continue
        zeilen.append(
            Aenderung(str(feld.label or name), anzeige(feld, gespeichert), anzeige(feld, eingabe))
        )
    return zeilen


def pruefen(form, aktuell, geladene_version: int | None) -> None:
    """Raise Konflikt unless `aktuell` (the stored row, locked) is the version the form
    showed, or already holds exactly what the form would write."""
    if aktuell is None:
        raise Konflikt(form, None)
    if aktuell.version == geladene_version:
        return
    vergleich = compare(form, aktuell)
    if vergleich:
        von, am = _last_change(aktuell)
        raise Konflikt(form, aktuell, vergleich, von, am)


def is_locked(model, pk):
    """The stored row, locked until the transaction ends (None if it is gone)."""
    # No ordering: a default ordering by a related field would join, and FOR UPDATE
    # refuses the nullable side of an outer join.
    return model._base_manager.select_for_update().filter(pk=pk).order_by().first()


class VersionField(forms.CharField):
    """The hidden version token. It is bookkeeping, not input: an old token alone does not
    make a form "changed" (a form sent unchanged stays a no-op)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def has_changed(self, initial, data) -> bool:
        return False


class VersionFormMixin:
    """For the ModelForm of a `Versioned` model: a hidden `version` field, and `save()`
    that refuses (raises Konflikt) when someone else saved in the meantime.

    A form that may create a row guarded by a unique constraint overrides
    `existing_record()` to return the row with the same key, if there is one.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = VersionField()
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["version"].initial = instance.version

    def clean_version(self) -> int | None:
        # An unreadable token counts as "unknown", never as a form error.
        wert = self.cleaned_data.get("version") or ""
        return int(wert) if wert.isascii() and wert.isdigit() and len(wert) < 10 else None

    def existing_record(self):
        return None

    def save(self, commit: bool = True):
        with transaction.atomic():
            instance = self.instance
            geladen = self.cleaned_data.get("version")
            neu = not instance.pk
            if not neu:
                aktuell = is_locked(type(instance), instance.pk)
                pruefen(self, aktuell, geladen)
                instance.version = aktuell.version
            try:
                with transaction.atomic():
                    return super().save(commit)
            except IntegrityError:
                # Another save stored the same key between this form's check and its save.
                aktuell = self.existing_record() if neu else None
                if aktuell is not None:
                    pruefen(self, aktuell, None)
                    return aktuell
                self.recheck_uniqueness()
                raise

    def recheck_uniqueness(self) -> None:
        """After a unique constraint refused the save: check the constraints again (the
        other save is committed now) and raise `Eindeutig` with the German message at the
        field, the same answer the form gives when the other save came first."""
        exclude = self._get_validation_exclusions()
        try:
            self.instance.validate_constraints(exclude=exclude)
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)
            raise Eindeutig(self) from None


class Eindeutig(Exception):
    """A unique constraint refused a save whose form check had passed: another request
    stored the same key at the same moment. `form` carries the message at the field."""

    def __init__(self, form):
        super().__init__(form)
        self.form = form


class VersionConflictMixin:
    """For the create and edit views of a `Versioned` model (put it first among the
    bases): a Konflikt from saving the form is answered 409 with the form as it was filled
    in and the comparison (`versionskonflikt` in the template context), never a 500."""

    def post(self, request, *args, **kwargs):
        try:
            with transaction.atomic():
                return super().post(request, *args, **kwargs)
        except Konflikt as konflikt:
            return self.conflict_response(konflikt)
        except Eindeutig as eindeutig:
            antwort = self.form_invalid(eindeutig.form)
            if antwort.status_code == 200:
                antwort.status_code = 422
            return antwort

    def conflict_response(self, konflikt: Konflikt):
        form = konflikt.formular()
        if konflikt.aktuell is not None and getattr(self, "object", None) is not None:
            self.object = konflikt.aktuell  # headings show the stored record, not the input
        return self.render_to_response(
            self.get_context_data(form=form, versionskonflikt=konflikt), status=409
        )
