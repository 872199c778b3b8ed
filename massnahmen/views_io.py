"""Export of the Maßnahmen list (CSV, XLSX) and the import of Maßnahmen for Kreis staff.

The export takes the same GET parameters as /massnahmen/ and writes exactly the rows of the
filtered list. The import is two-step: an upload checks every row (dry run, nothing saved),
then the user confirms; large files are imported by a Celery task with a status page.
"""

from __future__ import annotations

import os

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView
from rules.contrib.views import PermissionRequiredMixin

from core.files import BUEROFORMATE, check_container
from core.formatting import zahl
from kommunen.models import Kreis
from kommunen.scope import scope_for

from . import services
from .exports import SPALTEN, csv_zeilen, export_queryset, xlsx_datei
from .filtersets import MassnahmeFilterSet
from .imports import MAX_DATEIGROESSE, DateiFehler, precheck, read_tabelle
from .models import Importlauf
from .services import (
    ImportNotReady,
    check_import,
    import_pruefung_sync_bytes,
    import_sync_max,
    start_import_check,
)
from .tables import MassnahmeTable
from .views import massnahmen_for_list

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STANDARD_SORTIERUNG = ("handlungsfeld__nummer", "titel", "pk")

# --- export ------------------------------------------------------------------------------------


def _filtered_massnahmen(request):
    """The rows of /massnahmen/ for the same query string: filter, scope and sort order."""
    filterset = MassnahmeFilterSet(
        request.GET or None, queryset=massnahmen_for_list(request.user), request=request
    )
    queryset = filterset.qs
    gewuenscht = request.GET.get("sortierung", "")
    ausdruck = MassnahmeTable.sortierungen().get(gewuenscht.lstrip("-"))
    if ausdruck:
        queryset = queryset.order_by(
            f"-{ausdruck}" if gewuenscht.startswith("-") else ausdruck, "pk"
        )
    else:
        queryset = queryset.order_by(*STANDARD_SORTIERUNG)
    return export_queryset(queryset)


def _filename(endung: str) -> str:
    return f"massnahmen-{timezone.localdate():%Y-%m-%d}.{endung}"


@login_required
@permission_required("massnahmen.view_massnahme", raise_exception=True)
@require_GET
def export_csv(request):
    """The filtered list as CSV for German Excel (UTF-8 with BOM, `;`), streamed."""
    zeilen = csv_zeilen(_filtered_massnahmen(request).iterator(chunk_size=500))
    response = StreamingHttpResponse(zeilen, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required("massnahmen.view_massnahme", raise_exception=True)
@require_GET
def export_xlsx(request):
    """The filtered list as an Excel workbook with real number and date cells."""
    datei = xlsx_datei(_filtered_massnahmen(request).iterator(chunk_size=500))
    response = FileResponse(
        datei, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX_CONTENT_TYPE
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- import ------------------------------------------------------------------------------------

IMPORT_PERM = "massnahmen.import_massnahme"


def import_kreise(user):
    """The Kreise the user may import into: where they are Kreis staff (superusers: all)."""
    if user.is_superuser:
        return Kreis.objects.order_by("name")
    return Kreis.objects.filter(pk__in=scope_for(user).kreis_ids).order_by("name")


class ImportForm(forms.Form):
    """Upload of a CSV or XLSX file; checking the file as a whole happens here, so that a
    broken file gets its German message next to the upload field."""

    kreis = forms.ModelChoiceField(
        queryset=Kreis.objects.none(),
        label="Kreis",
        empty_label=None,
        help_text="In diesen Kreis werden die Maßnahmen importiert.",
    )
    datei = forms.FileField(
        label="Datei",
        help_text="CSV (Trennzeichen Semikolon) oder Excel-Arbeitsmappe (XLSX) mit den Spalten "
        f"des Exports, höchstens {MAX_DATEIGROESSE // (1024 * 1024)} MB.",
        widget=forms.FileInput(attrs={"accept": f".csv,.xlsx,text/csv,{XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, kreise, **kwargs):
        super().__init__(*args, **kwargs)
        self.kreise = list(kreise)
        self.fields["kreis"].queryset = kreise
        if len(self.kreise) == 1:
            # Only one choice: nothing to ask.
            del self.fields["kreis"]
        self.tabelle = None
        self.inhalt = b""

    def clean_datei(self):
        upload = self.cleaned_data["datei"]
        name = upload.name or ""
        if os.path.basename(name.replace("\\", "/")) != name:
            raise ValidationError("Der Dateiname darf keinen Pfad enthalten.")
        if upload.size > MAX_DATEIGROESSE:
            raise ValidationError(
                f"Die Datei ist zu groß (höchstens {MAX_DATEIGROESSE // (1024 * 1024)} MB)."
            )
        upload.seek(0)
        inhalt = upload.read()
        try:
            # The bounds first, cheaply: an absurd sheet is refused before anything reads it.
            # Rows are checked here only for small files; larger ones go to the Celery task.
            if precheck(inhalt, name) <= import_pruefung_sync_bytes():
                self.tabelle = read_tabelle(inhalt, name)
        except DateiFehler as error:
            raise ValidationError(str(error)) from error
        ext = os.path.splitext(name.lower())[1]
        if ext in BUEROFORMATE:
            # A readable workbook may still carry macros or programs: refused like uploads.
            check_container(upload, ext)
        self.inhalt = inhalt
        return upload

    def selected_kreis(self) -> Kreis:
        return self.cleaned_data["kreis"] if "kreis" in self.fields else self.kreise[0]


def _import_crumbs(*extra):
    return [("Maßnahmen", reverse("massnahmen:liste")), *extra]


class ImportView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Step 1: upload and dry run. A file with bad rows comes back with every bad row listed;
    a clean file leads to the status page, where the import is confirmed."""

    permission_required = IMPORT_PERM
    form_class = ImportForm
    template_name = "massnahmen/import_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kreise": import_kreise(self.request.user)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kreise = import_kreise(self.request.user)
        context.update(
            spalten=SPALTEN,
            breadcrumbs=_import_crumbs(("Import", "")),
            letzte_laeufe=Importlauf.objects.filter(kreis__in=kreise)
            .select_related("kreis", "hochgeladen_von")
            .order_by("-erstellt_am")[:10],
            sync_max=import_sync_max(),
            pruefung_sync_bytes=import_pruefung_sync_bytes(),
        )
        return context

    def form_valid(self, form):
        if form.tabelle is None:
            lauf = start_import_check(
                dateiname=form.cleaned_data["datei"].name,
                inhalt=form.inhalt,
                kreis=form.selected_kreis(),
                user=self.request.user,
            )
            return HttpResponseRedirect(reverse("massnahmen:import_status", args=[lauf.pk]))
        lauf = check_import(
            tabelle=form.tabelle,
            inhalt=form.inhalt,
            kreis=form.selected_kreis(),
            user=self.request.user,
        )
        if lauf.status == Importlauf.Status.FEHLERHAFT:
            # Stay on the upload page: the bad rows, and the field for the corrected file.
            return self.render_to_response(
                self.get_context_data(
                    form=self.form_class(kreise=import_kreise(self.request.user)),
                    pruefung=lauf,
                    zusammenfassung=zusammenfassung(lauf),
                )
            )
        return HttpResponseRedirect(reverse("massnahmen:import_status", args=[lauf.pk]))


def _importlauf_or_404(request, pk: int) -> Importlauf:
    return get_object_or_404(
        Importlauf.objects.select_related("kreis", "hochgeladen_von"),
        pk=pk,
        kreis__in=import_kreise(request.user),
    )


@login_required
@permission_required(IMPORT_PERM, raise_exception=True)
@require_POST
def confirm_import(request, pk: int):
    """Step 2: start the checked import (at once, or by the Celery task for large files)."""
    lauf = _importlauf_or_404(request, pk)
    try:
        lauf = services.confirm_import(importlauf=lauf)
    except ImportNotReady as error:
        messages.warning(request, str(error))
        return redirect("massnahmen:import_status", pk=lauf.pk)
    if lauf.status in {Importlauf.Status.WARTET, Importlauf.Status.LAEUFT}:
        # (a finished or failed import speaks for itself on the status page)
        messages.info(
            request,
            "Der Import läuft im Hintergrund. Sie können diese Seite offen lassen oder später "
            "wiederkommen.",
        )
    return redirect("massnahmen:import_status", pk=lauf.pk)


def _rows(n: int) -> str:
    return ngettext("%(n)s Zeile", "%(n)s Zeilen", n) % {"n": zahl(n)}


def zusammenfassung(lauf: Importlauf) -> str:
    """One German sentence on what the run found or did."""
    unveraendert = max(lauf.zeilen_gesamt - lauf.neu - lauf.aktualisiert, 0)
    if lauf.status == Importlauf.Status.GEPRUEFT:
        return (
            f"{_rows(lauf.zeilen_gesamt)} geprüft: "
            + ngettext("%(n)s neue Maßnahme", "%(n)s neue Maßnahmen", lauf.neu)
            % {"n": zahl(lauf.neu)}
            + f", "
            f"{zahl(lauf.aktualisiert)} geändert, {zahl(unveraendert)} unverändert. "
            "Bisher wurde nichts gespeichert."
        )
    if lauf.status == Importlauf.Status.FERTIG:
        return (
            ngettext("%(n)s Maßnahme neu angelegt", "%(n)s Maßnahmen neu angelegt", lauf.neu)
            % {"n": zahl(lauf.neu)}
            + f", {zahl(lauf.aktualisiert)} geändert, {zahl(unveraendert)} unverändert "
            f"({_rows(lauf.zeilen_gesamt)})."
        )
    if lauf.status in {Importlauf.Status.FEHLERHAFT, Importlauf.Status.FEHLGESCHLAGEN}:
        schlecht = len({f.get("zeile") for f in lauf.fehler if f.get("zeile")})
        if not schlecht:
            return "Es wurde nichts gespeichert."
        return (
            ngettext(
                "%(n)s von %(zeilen)s ist fehlerhaft",
                "%(n)s von %(zeilen)s sind fehlerhaft",
                schlecht,
            )
            % {"n": zahl(schlecht), "zeilen": _rows(lauf.zeilen_gesamt)}
            + "; es wurde nichts gespeichert. "
            "Bitte korrigieren Sie die Datei und laden Sie sie erneut hoch."
        )
    return ""


@login_required
@permission_required(IMPORT_PERM, raise_exception=True)
@require_GET
def import_status(request, pk: int):
    """The state of one import: the checked file waiting for confirmation, the progress of a
    running import (htmx polls every 2 s; a reload works too) or its result."""
    lauf = _importlauf_or_404(request, pk)
    laeuft = lauf.status in {
        Importlauf.Status.PRUEFUNG,
        Importlauf.Status.WARTET,
        Importlauf.Status.LAEUFT,
    }
    context = {
        "lauf": lauf,
        "laeuft": laeuft,
        "zusammenfassung": zusammenfassung(lauf),
        "im_hintergrund": lauf.zeilen_gesamt > import_sync_max(),
        "breadcrumbs": _import_crumbs(
            ("Import", reverse("massnahmen:import")), (f"Import {lauf.dateiname}", "")
        ),
    }
    template = "massnahmen/import_status.html"
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        template += "#status"
    return render(request, template, context)
