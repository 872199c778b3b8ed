"""The strategy pages: Handlungsfelder with Ziele, Kennzahlen and the Maßnahmen serving
them; the Lebensbereiche view; the comparison across Kreise; editing; the public page.

Maßnahmen are read through the reverse relations `Ziel.massnahmen` and
`Lebensbereich.massnahmen` (massnahmen sits above this app and is never imported here).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, DeleteView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from core.locking import Konflikt, VersionConflictMixin
from core.quartal import Quartal
from core.views import CachedObjectMixin
from kommunen.models import Kreis
from kommunen.scope import scope_for

from .diagramme import vergleich_diagramm, verlauf_diagramm
from .forms import KennzahlForm, KennzahlWertForm, ZielForm
from .models import Handlungsfeld, Kennzahl, KennzahlWert, Lebensbereich, Ziel
from .quellen import QUELLEN
from .services import evaluate, im_plan, quartale_between, status_text, vergleich_auswahl
from .services import vergleich as vergleich_zeilen

# The Maßnahme model, reached through the reverse relation (no upward import).
Massnahme = Ziel.massnahmen.field.model

VERGLEICH_QUARTALE = 8


def _crumbs(*extra):
    return [("Strategie", reverse("handlungsfelder:strategie")), *extra]


def readable_kreise(user):
    scope = scope_for(user)
    kreise = Kreis.objects.order_by("name")
    return kreise if scope.is_superuser else kreise.filter(pk__in=scope.readable_kreis_ids)


def selected_kreis(request, kreise) -> Kreis:
    """The Kreis of `?kreis=` (404 if the user may not read it), else the user's own."""
    kreise = list(kreise)
    wunsch = request.GET.get("kreis")
    if wunsch:
        for kreis in kreise:
            if wunsch in (kreis.ags, kreis.slug):
                return kreis
        raise Http404("Kreis nicht gefunden.")
    if not kreise:
        raise Http404("Kein Kreis verfügbar.")
    scope = scope_for(request.user)
    eigene = scope.kreis_ids | scope.cdo_kreis_ids
    return next((k for k in kreise if k.ags in eigene), kreise[0])


def _massnahmen_prefetch(kreis, nur_veroeffentlicht: bool = False) -> Prefetch:
    qs = Massnahme.objects.filter(kreis=kreis, archiviert=False).select_related("federfuehrend")
    if nur_veroeffentlicht:
        qs = qs.veroeffentlicht()
    return Prefetch("massnahmen", queryset=qs.order_by("titel"), to_attr="dienende_massnahmen")


def _fields_with_ziele(ziele, verlaeufe, user=None) -> list[dict]:
    """The four Handlungsfelder, each with its Ziele and their Kennzahlen' evaluation."""
    je_feld: dict[int, list] = {}
    for ziel in ziele:
        ziel.auswertungen = [verlaeufe[k.pk] for k in ziel.kennzahlen.all()]
        for verlauf in ziel.auswertungen:
            verlauf.darf_erfassen = user is not None and user.has_perm(
                "handlungsfelder.add_kennzahlwert", verlauf.kennzahl
            )
        je_feld.setdefault(ziel.handlungsfeld_id, []).append(ziel)
    return [
        {"handlungsfeld": hf, "ziele": je_feld.get(hf.pk, [])}
        for hf in Handlungsfeld.objects.order_by("nummer")
    ]


def ziele_mit_auswertung(ziele_qs, kreis, nur_veroeffentlicht=False, user=None):
    ziele = list(
        ziele_qs.select_related("handlungsfeld", "kreis").prefetch_related(
            Prefetch("kennzahlen", queryset=Kennzahl.objects.select_related("ziel")),
            _massnahmen_prefetch(kreis, nur_veroeffentlicht),
        )
    )
    kennzahlen = [k for ziel in ziele for k in ziel.kennzahlen.all()]
    return _fields_with_ziele(ziele, evaluate(kennzahlen), user)


@login_required
@require_GET
def strategie(request):
    """/strategie/: the four Handlungsfelder with the Ziele of one Kreis."""
    if not request.user.has_perm("handlungsfelder.view_handlungsfeld"):
        raise PermissionDenied
    kreise = list(readable_kreise(request.user))
    kreis = selected_kreis(request, kreise)
    felder = ziele_mit_auswertung(Ziel.objects.filter(kreis=kreis), kreis, user=request.user)
    return render(
        request,
        "handlungsfelder/strategie.html",
        {
            "kreis": kreis,
            "kreise": kreise,
            "felder": felder,
            "darf_bearbeiten": request.user.has_perm("handlungsfelder.add_ziel", Ziel(kreis=kreis)),
            "breadcrumbs": [("Strategie", None)],
        },
    )


@login_required
@require_GET
def lebensbereiche(request):
    """/strategie/lebensbereiche/: the same Maßnahmen, ordered by the eight Lebensbereiche."""
    if not request.user.has_perm("handlungsfelder.view_handlungsfeld"):
        raise PermissionDenied
    kreise = list(readable_kreise(request.user))
    kreis = selected_kreis(request, kreise)
    massnahmen = Massnahme.objects.filter(kreis=kreis, archiviert=False).select_related(
        "handlungsfeld", "ziel", "federfuehrend"
    )
    bereiche = list(
        Lebensbereich.objects.prefetch_related(
            Prefetch("massnahmen", queryset=massnahmen.order_by("titel"), to_attr="liste")
        )
    )
    for bereich in bereiche:
        liste = bereich.liste
        bereich.durchschnitt = (
            round(sum(m.fortschritt for m in liste) / len(liste)) if liste else None
        )
    ohne = list(massnahmen.filter(lebensbereiche__isnull=True).order_by("titel"))
    return render(
        request,
        "handlungsfelder/lebensbereiche.html",
        {
            "kreis": kreis,
            "kreise": kreise,
            "bereiche": bereiche,
            "ohne_lebensbereich": ohne,
            "breadcrumbs": _crumbs(("Lebensbereiche", None)),
        },
    )


@login_required
@require_GET
def vergleich(request):
    """/strategie/vergleich/: one Kennzahl (by name, or a derived source) across the Kreise
    the user reads, quarter by quarter."""
    if not request.user.has_perm("handlungsfelder.view_handlungsfeld"):
        raise PermissionDenied
    kreise = list(readable_kreise(request.user))
    kennzahlen = Kennzahl.objects.filter(ziel__kreis__in=kreise).select_related("ziel__kreis")
    auswahl = dict(vergleich_auswahl(kennzahlen))
    gewaehlt = request.GET.get("kennzahl", "")
    if gewaehlt and gewaehlt not in auswahl:
        raise Http404("Kennzahl nicht gefunden.")
    bis = Quartal.current()
    quartale = quartale_between(bis.previous(VERGLEICH_QUARTALE - 1), bis)
    zeilen, diagramm, stichtag = [], None, ""
    if gewaehlt:
        zeilen = vergleich_zeilen(kennzahlen, kreise, gewaehlt, quartale)
        diagramm = vergleich_diagramm(auswahl[gewaehlt], quartale, zeilen) if zeilen else None
        if gewaehlt.startswith("q:"):
            stichtag = QUELLEN[gewaehlt.split(":")[1]].stichtag
    return render(
        request,
        "handlungsfelder/vergleich.html",
        {
            "auswahl": list(auswahl.items()),
            "gewaehlt": gewaehlt,
            "quartale": quartale,
            "zeilen": zeilen,
            "diagramm": diagramm,
            "stichtag": stichtag,
            "breadcrumbs": _crumbs(("Vergleich der Kreise", None)),
        },
    )


# --- Kennzahl detail and measured values ---------------------------------------------------


def _kennzahl_for(user, pk) -> Kennzahl:
    """A Kennzahl of a Kreis the user reads; another Kreis's is a 404, not a 403."""
    return get_object_or_404(
        Kennzahl.objects.for_user(user).select_related("ziel__kreis", "ziel__handlungsfeld"),
        pk=pk,
    )


def _kennzahl_context(request, kennzahl, form=None) -> dict:
    verlauf = evaluate([kennzahl])[kennzahl.pk]
    darf_erfassen = not kennzahl.is_derived and request.user.has_perm(
        "handlungsfelder.add_kennzahlwert", kennzahl
    )
    kommunen = []
    if kennzahl.ebene == Kennzahl.Ebene.KOMMUNE:
        letzte = [s.quartal for s in verlauf.staende if s.quartal <= Quartal.current()][-4:]
        namen = dict(kennzahl.ziel.kreis.kommunen.values_list("pk", "name"))
        kommunen = sorted(
            (
                {
                    "name": namen.get(kid, "?"),
                    "werte": [kennzahl.format(werte.get(str(q))) for q in letzte],
                    "bewertung": _kommune_rating(verlauf, werte, letzte),
                }
                for kid, werte in verlauf.je_kommune.items()
            ),
            key=lambda z: z["name"],
        )
        kommunen_quartale = letzte
    else:
        kommunen_quartale = []
    if darf_erfassen and form is None:
        form = KennzahlWertForm(kennzahl=kennzahl, user=request.user)
    return {
        "kennzahl": kennzahl,
        "ziel": kennzahl.ziel,
        "verlauf": verlauf,
        "diagramm": verlauf_diagramm(verlauf),
        "quelle": QUELLEN.get(kennzahl.quelle),
        "kommunen": kommunen,
        "kommunen_quartale": kommunen_quartale,
        "form": form if darf_erfassen else None,
        "darf_bearbeiten": request.user.has_perm("handlungsfelder.change_kennzahl", kennzahl),
        "darf_loeschen": request.user.has_perm("handlungsfelder.delete_kennzahl", kennzahl),
        "breadcrumbs": _crumbs(
            (
                kennzahl.ziel.titel,
                f"{reverse('handlungsfelder:strategie')}?kreis={kennzahl.ziel.kreis_id}"
                f"#ziel-{kennzahl.ziel_id}",
            ),
            (kennzahl.name, None),
        ),
    }


def _kommune_rating(verlauf, werte, quartale) -> str:
    """A Kommune's latest value among `quartale` against the Kreis's target path then."""
    for q in reversed(quartale):
        ist = werte.get(str(q))
        if ist is not None:
            plan = im_plan(verlauf.kennzahl, ist, verlauf.stand(q).soll)
            return f"{status_text(plan, ist)} ({Quartal.parse(q).kurz})"
    return status_text(None)


@login_required
@require_GET
def kennzahl_detail(request, pk):
    kennzahl = _kennzahl_for(request.user, pk)
    if not request.user.has_perm("handlungsfelder.view_kennzahl", kennzahl):
        raise PermissionDenied
    return render(
        request, "handlungsfelder/kennzahl_detail.html", _kennzahl_context(request, kennzahl)
    )


@login_required
def record_wert(request, pk):
    """Enter (or correct) the measured value of a typed Kennzahl for one quarter."""
    kennzahl = _kennzahl_for(request.user, pk)
    if kennzahl.is_derived or not request.user.has_perm(
        "handlungsfelder.add_kennzahlwert", kennzahl
    ):
        raise PermissionDenied
    form = KennzahlWertForm(request.POST or None, kennzahl=kennzahl, user=request.user)
    if request.method == "POST":
        vorlage = "handlungsfelder/kennzahlwert_form.html"
        if not form.is_valid():
            return render(request, vorlage, _kennzahl_context(request, kennzahl, form), status=422)
        try:
            wert = form.save_wert()
        except Konflikt as konflikt:
            kontext = _kennzahl_context(request, kennzahl, konflikt.formular())
            return render(request, vorlage, {**kontext, "versionskonflikt": konflikt}, status=409)
        ort = f" für {wert.kommune}" if wert.kommune_id else ""
        messages.success(
            request,
            f"Der Wert {kennzahl.format(wert.wert)}{ort} im "
            f"{Quartal.parse(wert.quartal).label} wurde gespeichert.",
        )
        return redirect("handlungsfelder:kennzahl", pk=kennzahl.pk)
    return render(
        request, "handlungsfelder/kennzahlwert_form.html", _kennzahl_context(request, kennzahl)
    )


# --- Create and edit Ziele and Kennzahlen ---------------------------------------------------


class _SaveMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Shared plumbing: German success message, 422 on invalid input, back to the Ziel."""

    template_name = "handlungsfelder/form.html"

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def ziel_url(self, ziel) -> str:
        return f"{reverse('handlungsfelder:strategie')}?kreis={ziel.kreis_id}#ziel-{ziel.pk}"


class ZielCreateView(_SaveMixin, CreateView):
    permission_required = "handlungsfelder.add_ziel"
    form_class = ZielForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            scope = scope_for(request.user)
            kreise = Kreis.objects.order_by("name")
            if not scope.is_superuser:
                kreise = kreise.filter(pk__in=scope.kreis_ids)
            self.kreis = selected_kreis(request, kreise) if kreise.exists() else None
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return Ziel(kreis=self.kreis) if self.kreis else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kreis": self.kreis}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            titel=f"Neues Ziel {self.kreis.lokativ}",
            abbrechen=f"{reverse('handlungsfelder:strategie')}?kreis={self.kreis.ags}",
            breadcrumbs=_crumbs(("Neues Ziel", None)),
            **kwargs,
        )

    def form_valid(self, form):
        ziel = form.save()
        messages.success(self.request, f"Das Ziel „{ziel.titel}“ wurde gespeichert.")
        return redirect(self.ziel_url(ziel))


class ZielUpdateView(VersionConflictMixin, _SaveMixin, CachedObjectMixin, UpdateView):
    permission_required = "handlungsfelder.change_ziel"
    form_class = ZielForm

    def get_queryset(self):
        return Ziel.objects.for_user(self.request.user).select_related("kreis")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kreis": self.object.kreis}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            titel=f"Ziel „{self.object.titel}“ bearbeiten",
            abbrechen=self.ziel_url(self.object),
            breadcrumbs=_crumbs(
                (self.object.titel, self.ziel_url(self.object)), ("Bearbeiten", None)
            ),
            **kwargs,
        )

    def form_valid(self, form):
        ziel = form.save()
        messages.success(self.request, f"Das Ziel „{ziel.titel}“ wurde gespeichert.")
        return redirect(self.ziel_url(ziel))


class KennzahlCreateView(_SaveMixin, CreateView):
    permission_required = "handlungsfelder.add_kennzahl"
    form_class = KennzahlForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.ziel = get_object_or_404(
                Ziel.objects.for_user(request.user).select_related("kreis"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return Kennzahl(ziel=self.ziel)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ziel": self.ziel}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            titel=f"Neue Kennzahl für „{self.ziel.titel}“",
            abbrechen=self.ziel_url(self.ziel),
            breadcrumbs=_crumbs(
                (self.ziel.titel, self.ziel_url(self.ziel)), ("Neue Kennzahl", None)
            ),
            **kwargs,
        )

    def form_valid(self, form):
        kennzahl = form.save()
        messages.success(self.request, f"Die Kennzahl „{kennzahl.name}“ wurde gespeichert.")
        return redirect("handlungsfelder:kennzahl", pk=kennzahl.pk)


class KennzahlUpdateView(VersionConflictMixin, _SaveMixin, CachedObjectMixin, UpdateView):
    permission_required = "handlungsfelder.change_kennzahl"
    form_class = KennzahlForm

    def get_queryset(self):
        return Kennzahl.objects.for_user(self.request.user).select_related("ziel__kreis")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ziel": self.object.ziel}

    def get_context_data(self, **kwargs):
        k = self.object
        return super().get_context_data(
            titel=f"Kennzahl „{k.name}“ bearbeiten",
            abbrechen=reverse("handlungsfelder:kennzahl", args=[k.pk]),
            breadcrumbs=_crumbs(
                (k.ziel.titel, self.ziel_url(k.ziel)),
                (k.name, reverse("handlungsfelder:kennzahl", args=[k.pk])),
                ("Bearbeiten", None),
            ),
            **kwargs,
        )

    def form_valid(self, form):
        kennzahl = form.save()
        messages.success(self.request, f"Die Kennzahl „{kennzahl.name}“ wurde gespeichert.")
        return redirect("handlungsfelder:kennzahl", pk=kennzahl.pk)


class ZielDeleteView(LoginRequiredMixin, CachedObjectMixin, PermissionRequiredMixin, DeleteView):
    """Delete a Ziel with its Kennzahlen and values; its Maßnahmen stay, without the Ziel."""

    permission_required = "handlungsfelder.delete_ziel"
    template_name = "handlungsfelder/confirm_delete.html"

    def get_queryset(self):
        return Ziel.objects.for_user(self.request.user).select_related("kreis")

    def get_context_data(self, **kwargs):
        ziel = self.object
        ziel_url = f"{reverse('handlungsfelder:strategie')}?kreis={ziel.kreis_id}#ziel-{ziel.pk}"
        return super().get_context_data(
            titel=f"Ziel „{ziel.titel}“ löschen?",
            folgen=[
                f"{ziel.kennzahlen.count()} Kennzahl(en) mit "
                f"{KennzahlWert.objects.filter(kennzahl__ziel=ziel).count()} erfassten Werten "
                "werden mitgelöscht.",
                f"{ziel.massnahmen.count()} Maßnahme(n) bleiben erhalten, aber ohne Ziel.",
            ],
            abbrechen=ziel_url,
            breadcrumbs=_crumbs((ziel.titel, ziel_url), ("Löschen", None)),
            **kwargs,
        )

    def form_valid(self, form):
        kreis_id, titel = self.object.kreis_id, self.object.titel
        self.object.delete()
        messages.success(self.request, f"Das Ziel „{titel}“ wurde gelöscht.")
        return redirect(f"{reverse('handlungsfelder:strategie')}?kreis={kreis_id}")


class KennzahlDeleteView(
    LoginRequiredMixin, CachedObjectMixin, PermissionRequiredMixin, DeleteView
):
    """Delete a Kennzahl with its typed values."""

    permission_required = "handlungsfelder.delete_kennzahl"
    template_name = "handlungsfelder/confirm_delete.html"

    def get_queryset(self):
        return Kennzahl.objects.for_user(self.request.user).select_related("ziel")

    def get_context_data(self, **kwargs):
        k = self.object
        url = reverse("handlungsfelder:kennzahl", args=[k.pk])
        return super().get_context_data(
            titel=f"Kennzahl „{k.name}“ löschen?",
            folgen=[f"{k.werte.count()} erfasste Werte werden mitgelöscht."],
            abbrechen=url,
            breadcrumbs=_crumbs((k.name, url), ("Löschen", None)),
            **kwargs,
        )

    def form_valid(self, form):
        ziel, name = self.object.ziel, self.object.name
        self.object.delete()
        messages.success(self.request, f"Die Kennzahl „{name}“ wurde gelöscht.")
        return redirect(
            f"{reverse('handlungsfelder:strategie')}?kreis={ziel.kreis_id}#ziel-{ziel.pk}"
        )
