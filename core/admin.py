"""Admin site settings and admin helpers for the shared building blocks of `core`.

The admin of the user model (`core.User`) is registered in `kommunen/admin.py`, because it
shows the user's Mitgliedschaften inline and `core` must not import `kommunen`.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse

from . import privacy
from .models import WorkerHeartbeat

admin.site.site_header = "Lippe Digitalportal – Verwaltung"
admin.site.site_title = "Lippe Digitalportal"
admin.site.index_title = "Stamm- und Fachdaten"


class DokumentAdminForm(forms.ModelForm):
    """Admin form for models based on `core.files.Dokument`.

    `validate_upload` is meant for a fresh upload: it rejects names with a path. A file
    already in storage is named like `dokumente/2026/05/konzept.pdf`, so editing only the
    title of an existing document would fail with "Der Dateiname darf keinen Pfad
    enthalten." The stored file is therefore validated only when a new one is uploaded.
    """

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if "datei" in self.fields and "datei" not in self.changed_data:
            exclude.add("datei")
        return exclude


class EindeutigeZeilenFormSet(BaseInlineFormSet):
    """Inline formset that refuses two rows with the same values in `eindeutig`.

    Django checks unique constraints *with a condition* (e.g. "unique per user and
    Kommune, where a Kommune is set") neither between the rows of an inline nor for the
    parent's foreign key, so a duplicate would only fail in the database with an
    IntegrityError (a server error page). As an inline shows every row of its parent, a
    check among its rows covers the rows already saved as well. Empty values count as
    values here, which matches how the conditional constraints of this project combine.
    Subclass with `eindeutig` and `fehlermeldung`.
    """

    eindeutig: tuple[str, ...] = ()
    fehlermeldung = "Dieser Eintrag ist doppelt."

    def clean(self):
        super().clean()
        gesehen = set()
        for form in self.forms:
            if not form.is_valid() or (self.can_delete and self._should_delete_form(form)):
                continue
            schluessel = tuple(form.cleaned_data.get(name) for name in self.eindeutig)
            if all(wert is None for wert in schluessel):
                continue
            if schluessel in gesehen:
                form.add_error(None, self.fehlermeldung)
            gesehen.add(schluessel)


def _set_hochgeladen_von(obj, user) -> None:
    if obj.pk is None and hasattr(obj, "hochgeladen_von_id") and not obj.hochgeladen_von_id:
        obj.hochgeladen_von = user


class HochgeladenVonMixin:
    """For ModelAdmins of documents, or with document inlines: a new document records the
    admin who uploaded it (the field is read-only in the admin)."""

    def save_model(self, request, obj, form, change):
        _set_hochgeladen_von(obj, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            _set_hochgeladen_von(inline_form.instance, request.user)
        super().save_formset(request, form, formset, change)


# What every document admin shows about the file, after its own columns and fields.
# The two fields of every TimeStampedModel, shown read-only at the end of an admin form.
ZEITSTEMPEL = ("erstellt_am", "geaendert_am")


def with_timestamps(*fields: str) -> tuple[str, ...]:
    """An admin form's `fields`: these, then when the row was created and last changed
    (with `readonly_fields = ZEITSTEMPEL`)."""
    return (*fields, *ZEITSTEMPEL)


class SelectRelatedInlineMixin:
    """An inline whose rows come with the related objects it shows (`select_related`), as
    `list_select_related` does for a changelist: one query, not one per row."""

    select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related)


class HttpsUrlsMixin:
    """An admin whose URL fields take an address without a scheme as https:// (as the
    portal's own forms do)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


DOKUMENT_SPALTEN = ("size_display", "content_type", "hochgeladen_am", "hochgeladen_von")
DOKUMENT_FELDER = ("content_type", "size_display", "hochgeladen_am", "hochgeladen_von")


class DokumentAdminMixin:
    """For ModelAdmins and inlines of `Dokument` models: the upload-aware form and a
    readable file size (add "size_display" to `fields` and `readonly_fields`)."""

    form = DokumentAdminForm

    @admin.display(description="Größe", ordering="groesse")
    def size_display(self, obj) -> str:
        return filesizeformat(obj.groesse) if obj.groesse else "–"


class DokumentAdmin(DokumentAdminMixin, HochgeladenVonMixin, admin.ModelAdmin):
    """The ModelAdmin of a `Dokument` model: its own columns and fields come first, then
    DOKUMENT_SPALTEN / DOKUMENT_FELDER, which are read-only."""

    date_hierarchy = "hochgeladen_am"
    readonly_fields = DOKUMENT_FELDER


# --- Privacy: actions for the admin of the persons (registered in kommunen/admin.py) ------
#
# Exporting all personal data and deleting a person are for superusers only, not for every
# staff member who may open the persons admin. The ModelAdmin offers the actions only to
# them (`permissions=["datenschutz"]` asks `has_datenschutz_permission`, see
# DatenschutzAktionenMixin), and the actions check again themselves.


def can_use_datenschutz_actions(user) -> bool:
    return bool(user.is_active and user.is_superuser)


def _superuser_only(request) -> None:
    if not can_use_datenschutz_actions(request.user):
        raise PermissionDenied("Nur Administratoren dürfen Personendaten exportieren oder löschen.")


class DatenschutzAktionenMixin:
    """For the persons' ModelAdmin: the privacy actions, offered to superusers only."""

    def has_datenschutz_permission(self, request) -> bool:
        return can_use_datenschutz_actions(request.user)


@admin.action(description="Personendaten exportieren (JSON)", permissions=["datenschutz"])
def export_personendaten(modeladmin, request, queryset):
    """Everything stored about the selected persons as one JSON download (Art. 15 DSGVO)."""
    _superuser_only(request)
    personen = list(queryset.order_by("pk"))
    if len(personen) == 1:
        inhalt, name = privacy.personendaten_json(personen[0]), privacy.dateiname(personen[0])
    else:
        teile = [privacy.personendaten_json(p) for p in personen]
        inhalt, name = "[\n" + ",\n".join(teile) + "\n]", "personendaten.json"
    response = HttpResponse(inhalt, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@admin.action(description="Personen löschen (pseudonymisieren)", permissions=["datenschutz"])
def pseudonymisieren(modeladmin, request, queryset):
    """Delete the selected persons by pseudonymisation, after a confirmation page."""
    _superuser_only(request)
    personen = [p for p in queryset.order_by("pk") if p.pk != request.user.pk]
    if len(personen) < queryset.count():
        messages.warning(request, "Ihr eigenes Konto können Sie hier nicht löschen.")
    if not personen:
        return None
    if request.POST.get("bestaetigt") != "ja":
        return TemplateResponse(
            request,
            "admin/core/pseudonymisieren.html",
            {
                **modeladmin.admin_site.each_context(request),
                "opts": modeladmin.model._meta,
                "personen": personen,
            },
        )
    for person in personen:
        privacy.pseudonymisieren(person)
    messages.success(request, f"{len(personen)} Person(en) gelöscht (pseudonymisiert).")
    return None


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Read-only: the rows are written by the periodic heartbeat task. Deleting the row
    of a worker that was shut down for good is allowed."""

    list_display = ("hostname", "zuletzt", "anzahl")
    search_fields = ("hostname",)
    date_hierarchy = "zuletzt"
    readonly_fields = ("hostname", "zuletzt", "anzahl")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
