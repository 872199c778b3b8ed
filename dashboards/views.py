"""/dashboard/ (one Kreis at a glance) and /region/ (all Kreise of a region side by side).

The figures come from dashboards/auswertung.py; this module picks the Kreis or region the
user may see, builds the links to the filtered lists behind each figure and the charts.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Subquery, Value
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.cachestand import daten_cache
from core.charts import Reihe, balkendiagramm, liniendiagramm
from core.eingaben import kreis_ags
from core.quartal import Quartal, quartal_kurz
from core.seitencache import cached_page
from core.stichtag import is_expired
from handlungsfelder.models import Handlungsfeld
from kommunen.models import Kreis, Region
from kommunen.scope import scope_for
from massnahmen.models import FORTSCHRITT_ERKLAERUNG, Ampel, Massnahme, Sichtbarkeit

from . import auswertung as k


def massnahmen_url(**params) -> str:
    """The Maßnahmen list filtered by `params` (empty values left out)."""
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    url = reverse("massnahmen:liste")
    return f"{url}?{query}" if query else url


def _may_read(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


# --- /dashboard/ ------------------------------------------------------------------------------


def _kreis_auswahl(request, scope) -> tuple[Kreis, list[tuple[str, str]]]:
    """The Kreis to show (with its sums) and the Kreise to choose from (AGS, name), in one
    query.

    Own Kreis first (Kreis staff, then CDO); region users and admins pick with `?kreis=`
    among the readable Kreise, the first by name by default. A Kreis outside the user's
    scope is a 404, like any object of another Kreis.
    """
    lesbar = Kreis.objects.for_scope(scope)
    gewuenscht = kreis_ags(request.GET.get("kreis", ""))
    eigene = sorted(scope.kreis_ids) or sorted(scope.cdo_kreis_ids)
    einzig = len(scope.readable_kreis_ids) == 1 and not scope.is_superuser
    if einzig and gewuenscht in ("", *scope.readable_kreis_ids):
        # Most users read one Kreis: it is the one shown, and the sums need no CASE per
        # column to leave out the others (a third of this query's cost to build, issue 19).
        kreise = k.kreise_with_summen(scope.readable_kreis_ids)
        if not kreise:
            raise PermissionDenied
        return kreise[0], [(kreis.ags, kreis.name) for kreis in kreise]
    if gewuenscht:
        gewaehlt = Value(gewuenscht)
    elif eigene:
        gewaehlt = Value(eigene[0])
    else:
        gewaehlt = Subquery(lesbar.order_by("name").values("ags")[:1])
    kreise = k.kreise_with_summen(lesbar.values("ags"), nur=gewaehlt)
    kreis = next((kreis for kreis in kreise if kreis.anzahl_kommunen is not None), None)
    if kreis is None:
        if gewuenscht:
            raise Http404("Diesen Kreis gibt es nicht oder Sie dürfen ihn nicht sehen.")
        raise PermissionDenied
    return kreis, [(kreis.ags, kreis.name) for kreis in kreise]


def _across_kreis_border(user, kreis_ags: str) -> dict[str, list]:
    """The dashboard's lists of what ties the Kreis to other Kreise (one query)."""
    massnahmen = k.across_kreis_border(user, kreis_ags)
    fremd = [m for m in massnahmen if m.kreis_id != kreis_ags]
    return {
        "beteiligungen": [m for m in fremd if m.beteiligt],
        "hier_nachgenutzt": [m for m in fremd if m.hier_nachgenutzt],
        "anderswo_nachgenutzt": [m for m in massnahmen if m.kreis_id == kreis_ags],
    }


class KreisAuswahlForm(forms.Form):
    """The choices of /dashboard/: the Kreis (for those who read several) and the quarter
    (the running one or one of the seven before it, its figures as of its end)."""

    kreis = forms.ChoiceField(label="Kreis")
    quartal = forms.ChoiceField(
        label="Quartal",
        help_text="Ein abgelaufenes Quartal zeigt den Stand an seinem letzten Tag.",
    )

    def __init__(self, *args, kreise, quartale, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kreis"].choices = kreise
        self.fields["quartal"].choices = [(str(q), q.label) for q in reversed(quartale)]
        if len(kreise) < 2:
            del self.fields["kreis"]


# Cached figures of /dashboard/ live at most this long: the key holds the data stand, the
# viewer's rights, the Kreis, the quarter and the date, so only what depends on the time of
# day (a workshop that has just ended) may lag by this much.
DASHBOARD_CACHE_SEKUNDEN = 10 * 60


@require_GET
@login_required
def dashboard(request):
    """One Kreis at a glance: Maßnahmen, Statusmeldungen, money, deadlines, Kommunen.

    The whole page comes from the cache while the data stand is the same, for the same
    person and address (core.seitencache). Without it, the figures (nine aggregate queries
    and three charts, two thirds of the page's time) still come from their own cache
    (core.cachestand), shared by everyone with the same rights; the form is built anew, it is
    bound to the request."""
    _may_read(request, "dashboards.view_dashboard")
    return cached_page(request, "dashboard", lambda: _dashboard_page(request))


def _dashboard_page(request):
    scope = scope_for(request.user)
    quartale = k.quartale_until(Quartal.current())
    gewuenscht = request.GET.get("quartal") or str(quartale[-1])
    if gewuenscht in {str(q) for q in quartale}:
        teile = (scope.cache_teil, kreis_ags(request.GET.get("kreis", "")), gewuenscht)
        kontext = daten_cache(
            "dashboard",
            (*teile, timezone.localdate().isoformat()),
            lambda: _dashboard_context(request, scope, quartale),
            DASHBOARD_CACHE_SEKUNDEN,
        )
    else:  # its error shows at the field; not worth a cache entry
        kontext = _dashboard_context(request, scope, quartale)
    auswahl = KreisAuswahlForm(
        {"kreis": kontext["kreis"].ags, "quartal": gewuenscht},
        kreise=kontext["kreise"],
        quartale=quartale,
    )
    return render(request, "dashboards/dashboard.html", {**kontext, "kreis_form": auswahl})


def _dashboard_context(request, scope, quartale: list[Quartal]) -> dict:
    """Everything /dashboard/ shows but the form (picklable, for the cache)."""
    kreis, kreise = _kreis_auswahl(request, scope)
    kreis_ags = kreis.ags
    auswahl = KreisAuswahlForm(
        {"kreis": kreis_ags, "quartal": request.GET.get("quartal") or str(quartale[-1])},
        kreise=kreise,
        quartale=quartale,
    )
    # A quarter outside the choices shows its error at the field; the page shows the running one.
    quartal = Quartal.parse(auswahl.cleaned_data["quartal"]) if auswahl.is_valid() else quartale[-1]
    if quartal != quartale[-1]:
        kreis = k.kreise_with_summen([kreis_ags], quartal=quartal)[0]

    handlungsfelder = list(Handlungsfeld.objects.order_by("nummer"))
    je_hf = k.massnahmen_zahlen([kreis_ags], quartal=quartal)
    gesamt = k.sum_per_kreis(je_hf).get(kreis_ags, k.Zahlen())
    kommunen = k.kommunen_tabelle(kreis_ags, quartal=quartal)
    trend = k.trend([kreis_ags], bis=quartal, stand={kreis_ags: gesamt})[kreis_ags]

    def liste(**params) -> str:
        return massnahmen_url(kreis=kreis_ags, **params)

    hf_werte = [je_hf.get((kreis_ags, hf.pk), k.Zahlen()) for hf in handlungsfelder]
    fortschritt_hf = balkendiagramm(
        titel=f"Fortschritt je Handlungsfeld – {kreis}",
        beschreibung=(
            "Durchschnittlicher Fortschritt der laufenden Maßnahmen je Handlungsfeld in Prozent."
        ),
        kategorien=[hf.kurzname for hf in handlungsfelder],
        werte=[z.fortschritt for z in hf_werte],
        einheit="%",
        maximum=100,
        links=[liste(handlungsfeld=hf.pk) for hf in handlungsfelder],
        wertname="durchschnittlicher Fortschritt",
        stellen=1,
    )
    x_labels = [quartal_kurz(p.quartal) for p in trend]
    trend_fortschritt = liniendiagramm(
        titel=f"Durchschnittlicher Fortschritt am Quartalsende, letzte {len(trend)} Quartale",
        beschreibung=(
            f"Durchschnittlicher Fortschritt der Maßnahmen {kreis.lokativ} in Prozent, "
            "jeweils am letzten Tag des Quartals."
        ),
        x_labels=x_labels,
        reihen=[Reihe("durchschnittlicher Fortschritt", [p.fortschritt for p in trend])],
        einheit="%",
        stellen=1,
        y_min=0,
        y_max=100,
    )
    trend_meldungen = liniendiagramm(
        titel=f"Abgegebene Statusmeldungen, letzte {len(trend)} Quartale",
        beschreibung=f"Anzahl der Statusmeldungen zu Maßnahmen {kreis.genitiv} je Quartal.",
        x_labels=x_labels,
        reihen=[Reihe("Statusmeldungen", [p.anzahl for p in trend])],
    )
    return {
        "kreis": kreis,
        "kreise": kreise,
        "laufend": quartal == quartale[-1],
        "quartal": quartal,
        "zahlen": gesamt,
        "status_links": [
            (status, anzahl, liste(status=status.value)) for status, anzahl in gesamt.status_liste
        ],
        "ampel_links": [
            (ampel, anzahl, anteil, liste(ampel=ampel.value))
            for ampel, anzahl, anteil in gesamt.ampel_shares
        ],
        "links": {
            "alle": liste(),
            "fortschritt": liste(sortierung="-fortschritt"),
            "gemeldet": liste(ohne_meldung="nein"),
            "ohne_meldung": liste(ohne_meldung="ja"),
            "ueberfaellig": liste(ueberfaellig="ja"),
            "gefoerdert": liste(gefoerdert="ja"),
        },
        "ozg_abdeckung": k.ozg_abdeckung(kreis),
        "abruf_quote": k.abruf_quote(kreis),
        "fristen": k.naechste_fristen(kreis_ags),
        **_across_kreis_border(request.user, kreis_ags),
        "workshops": k.naechste_workshops(request.user, kreis_ags),
        "kommunen": [(kommune, liste(kommune=kommune.pk)) for kommune in kommunen],
        "nachzufassen": [
            (kommune, liste(kommune=kommune.pk, ohne_meldung="ja"))
            for kommune in k.nachzufassen(kommunen)
        ],
        "fortschritt_hf": fortschritt_hf,
        "fortschritt_erklaerung": FORTSCHRITT_ERKLAERUNG,
        "trend_fortschritt": trend_fortschritt,
        "trend_meldungen": trend_meldungen,
        "breadcrumbs": [("Dashboard", None)],
    }


# --- /region/ ---------------------------------------------------------------------------------


class RegionFilterForm(forms.Form):
    """Filters of /region/: region (when there are several), Handlungsfeld, quarter.

    Plain choices built from lists the view has loaded anyway (no extra queries).
    """

    region = forms.ChoiceField(label="Region", required=False)
    handlungsfeld = forms.ChoiceField(label="Handlungsfeld", required=False)
    quartal = forms.ChoiceField(
        label="Quartal",
        required=False,
        help_text="Zahlen mit dem Stand am letzten Tag dieses Quartals; der Verlauf endet mit ihm.",
    )

    def __init__(self, *args, regionen, handlungsfelder, quartale, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(str(r.pk), r.name) for r in regionen]
        self.fields["handlungsfeld"].choices = [("", "alle")] + [
            (str(hf.pk), hf.kurzname) for hf in handlungsfelder
        ]
        self.fields["quartal"].choices = [(str(q), q.label) for q in reversed(quartale)]
        if len(regionen) < 2:
            self.fields["region"].widget = forms.HiddenInput()


def _regionen(scope) -> list[Region]:
    """The regions to choose from. A region user with one region needs no query: the
    region's name comes with its Kreise (select_related) further down."""
    if not scope.is_superuser and len(scope.region_ids) == 1:
        return [Region(pk=next(iter(scope.region_ids)))]
    queryset = Region.objects.order_by("name")
    if not scope.is_superuser:
        queryset = queryset.filter(pk__in=scope.region_ids)
    return list(queryset)


# Cached figures of /region/ live at most this long: the key holds the data stand, the
# region, the filters, the page and the date; a write voids them at once.
REGION_CACHE_SEKUNDEN = 10 * 60

# Kreise per page of /region/ (a real region, OWL, has seven: one page).
KREISE_JE_SEITE = 20


def _page_number(wert) -> int:
    """The page asked for (?seite=): a positive number, else the first page."""
    try:
        return max(1, int(str(wert)[:6]))
    except ValueError:
        return 1


def _page_of(kreise, nummer: int):
    """The AGS of page `nummer` of the ordered `kreise`, as a subquery."""
    start = (nummer - 1) * KREISE_JE_SEITE
    return kreise.values("ags")[start : start + KREISE_JE_SEITE]


def _stand(quartal: Quartal) -> str:
    """The moment the page's figures describe: today for the running quarter, else the
    quarter's last day (core.stichtag)."""
    if is_expired(quartal):
        return f"am {quartal.ende:%d.%m.%Y}"
    return "heute"


def _groesse_sum(kreise: list[Kreis], anzahl_massnahmen: int) -> k.Groesse:
    """The region's figures against its size: the Kreise's sums added up (a population
    figure missing anywhere makes the region's unknown too)."""
    mit_bescheiden = [kreis for kreis in kreise if kreis.anzahl_bescheide]
    summe = SimpleNamespace(
        anzahl_kommunen=sum(kreis.anzahl_kommunen or 0 for kreis in kreise),
        einwohner=sum(kreis.einwohner or 0 for kreis in kreise),
        ohne_einwohner=sum(kreis.ohne_einwohner or 0 for kreis in kreise),
        anzahl_bescheide=len(mit_bescheiden),
        bewilligt=sum((kreis.bewilligt for kreis in mit_bescheiden), Decimal(0)),
    )
    return k.groesse(summe, anzahl_massnahmen)


@require_GET
@login_required
def region(request):
    """All Kreise of a region side by side: the DigitalBüro's view across the county lines."""
    _may_read(request, "dashboards.view_region")
    scope = scope_for(request.user)
    aktuell = Quartal.current()
    quartale = k.quartale_until(aktuell)
    regionen = _regionen(scope)
    if not regionen:
        raise PermissionDenied
    handlungsfelder = list(Handlungsfeld.objects.order_by("nummer"))

    form = RegionFilterForm(
        request.GET or None, regionen=regionen, handlungsfelder=handlungsfelder, quartale=quartale
    )
    # An invalid choice shows its error at the field; the page falls back to the defaults.
    gewaehlt = form.cleaned_data if form.is_bound and form.is_valid() else {}
    gewaehlte_region = next(
        (r for r in regionen if str(r.pk) == gewaehlt.get("region")), regionen[0]
    )
    handlungsfeld = next(
        (hf for hf in handlungsfelder if str(hf.pk) == gewaehlt.get("handlungsfeld")), None
    )
    quartal = Quartal.parse(gewaehlt["quartal"]) if gewaehlt.get("quartal") else aktuell
    hf_id = handlungsfeld.pk if handlungsfeld else None

    nummer = _page_number(request.GET.get("seite"))
    # The figures come from the cache while the data stand is the same (core.cachestand):
    # for a national region (400 Kreise, 100,000 Maßnahmen) their grouped queries over every
    # Kreis take seconds. The form and the workshops (the viewer's own) are built anew.
    kontext = daten_cache(
        "region",
        (
            gewaehlte_region.pk,
            gewaehlte_region.name,  # empty for a region user's (see _regionen)
            hf_id,
            str(quartal),
            nummer,
            timezone.localdate().isoformat(),
        ),
        lambda: _region_context(gewaehlte_region, handlungsfeld, handlungsfelder, quartal, nummer),
        REGION_CACHE_SEKUNDEN,
    )
    seiten_query = request.GET.copy()
    seiten_query.pop("seite", None)
    return render(
        request,
        "dashboards/region.html",
        {
            **kontext,
            "form": form,
            "seiten_query": seiten_query.urlencode(),
            "workshops": k.regionsworkshops(request.user, kontext["region"].pk, quartal=quartal),
            "darf_projekt_anlegen": request.user.has_perm("massnahmen.add_regionsprojekt"),
            "darf_workshop_anlegen": bool(scope.region_ids or scope.is_superuser)
            and request.user.has_perm("workshops.add_workshop"),
        },
    )


def _region_context(
    gewaehlte_region: Region,
    handlungsfeld: Handlungsfeld | None,
    handlungsfelder: list[Handlungsfeld],
    quartal: Quartal,
    nummer: int,
) -> dict:
    """Everything /region/ shows for page `nummer` but the form and the viewer's own parts
    (picklable, for the cache)."""
    hf_id = handlungsfeld.pk if handlungsfeld else None
    hf_namen = {hf.pk: hf.kurzname for hf in handlungsfelder}
    # A real region has a handful of Kreise, a national one hundreds: the Kreise are shown
    # a page at a time. The region's own figures (totals, the Statusmeldungen per quarter,
    # shared and reused Maßnahmen) come from grouped queries over all its Kreise; what is
    # per Kreis (money, trend, charts) is computed for the page's Kreise only. One query
    # lists all Kreise of the region (for the page count) with the sums of the page's.
    region_kreise = Kreis.objects.filter(region_id=gewaehlte_region.pk).order_by("name", "ags")
    alle_ids = region_kreise.values("ags")
    alle = k.kreise_with_summen(alle_ids, nur=_page_of(region_kreise, nummer), quartal=quartal)
    seite = Paginator(alle, KREISE_JE_SEITE).get_page(nummer)
    if seite.number != nummer:  # beyond the last page: get the sums of the page shown
        alle = k.kreise_with_summen(
            alle_ids, nur=_page_of(region_kreise, seite.number), quartal=quartal
        )
        seite = Paginator(alle, KREISE_JE_SEITE).get_page(seite.number)
    kreise = list(seite.object_list)
    if kreise:  # the region's name comes with its Kreise (see _regionen)
        gewaehlte_region = kreise[0].region
    kreis_ids = [kreis.ags for kreis in kreise]
    je_hf = k.massnahmen_zahlen(alle_ids, quartal=quartal, handlungsfeld_id=hf_id)
    je_kreis = k.sum_per_kreis(je_hf)
    # The Statusmeldungen per Kreis for the page's Kreise only; the region's per quarter
    # added up from them when the page shows every Kreis, else counted in one query.
    meldungen = k.meldungen_per_kreis(kreis_ids, k.quartale_until(quartal), handlungsfeld_id=hf_id)
    if seite.paginator.num_pages > 1:
        meldungen_region = Counter(
            k.meldungen_je_quartal(
                [kreis.ags for kreis in alle], k.quartale_until(quartal), handlungsfeld_id=hf_id
            )
        )
    else:
        meldungen_region = Counter()
        for (_kreis, quartal_text), anzahl in meldungen.items():
            meldungen_region[quartal_text] += anzahl
    trend = k.trend(
        kreis_ids, bis=quartal, handlungsfeld_id=hf_id, meldungen=meldungen, stand=je_kreis
    )
    geteilt, geteilt_gesamt = k.geteilte_massnahmen(alle_ids, handlungsfeld_id=hf_id)
    nachgenutzt, nachgenutzt_gesamt = k.nachnutzungen(alle_ids, handlungsfeld_id=hf_id)

    hf_param = hf_id or ""
    zeilen = []
    for kreis in kreise:
        zahlen = je_kreis.get(kreis.ags, k.Zahlen())

        def liste(kreis=kreis, **params) -> str:
            return massnahmen_url(kreis=kreis.ags, handlungsfeld=hf_param, **params)

        zeilen.append(
            {
                "kreis": kreis,
                "zahlen": zahlen,
                "dashboard_url": f"{reverse('dashboards:dashboard')}?kreis={kreis.ags}",
                "liste_url": liste(),
                "status": [(s, n, liste(status=s.value)) for s, n in zahlen.status_liste],
                "ampel": [(a, n, p, liste(ampel=a.value)) for a, n, p in zahlen.ampel_shares],
                "ohne_meldung_url": liste(ohne_meldung="ja"),
                "ozg_abdeckung": k.ozg_abdeckung(kreis),
                "abruf_quote": k.abruf_quote(kreis),
                "diagramm": balkendiagramm(
                    titel=f"{kreis}: Fortschritt je Handlungsfeld",
                    beschreibung=(
                        f"Durchschnittlicher Fortschritt der Maßnahmen {kreis.genitiv} je "
                        "Handlungsfeld in Prozent."
                    ),
                    kategorien=[hf.kurzname for hf in handlungsfelder],
                    werte=[
                        je_hf[(kreis.ags, hf.pk)].fortschritt
                        if (kreis.ags, hf.pk) in je_hf
                        else None
                        for hf in handlungsfelder
                    ],
                    links=[
                        massnahmen_url(kreis=kreis.ags, handlungsfeld=hf.pk)
                        for hf in handlungsfelder
                    ],
                    breite=420,
                    wertname="durchschnittlicher Fortschritt",
                    stellen=1,
                ),
            }
        )

    region_zahlen = k.Zahlen()
    for zahlen in je_kreis.values():
        region_zahlen += zahlen
    auf_seiten = seite.paginator.num_pages > 1
    groessen = [
        (z["kreis"], z["liste_url"], k.groesse(z["kreis"], z["zahlen"].anzahl)) for z in zeilen
    ]
    # The region's own row needs the sums of every Kreis: only when one page shows them all.
    groesse_region = None if auf_seiten else _groesse_sum(kreise, region_zahlen.anzahl)
    ausschnitt = (
        f" (Kreise {seite.start_index()} bis {seite.end_index()} von {seite.paginator.count})"
        if auf_seiten
        else ""
    )
    vergleich = balkendiagramm(
        titel=f"Durchschnittlicher Fortschritt je Kreis{ausschnitt}",
        beschreibung=(
            f"Durchschnittlicher Fortschritt der Maßnahmen je Kreis der Region "
            f"{gewaehlte_region.name} in Prozent"
            + (f", nur Handlungsfeld {handlungsfeld.kurzname}." if handlungsfeld else ".")
        ),
        kategorien=[z["kreis"].name for z in zeilen],
        werte=[z["zahlen"].fortschritt for z in zeilen],
        links=[z["liste_url"] for z in zeilen],
        wertname="durchschnittlicher Fortschritt",
        stellen=1,
    )
    je_einwohner = balkendiagramm(
        titel=f"Maßnahmen je 10.000 Einwohner je Kreis{ausschnitt}",
        beschreibung=(
            "Anzahl der Maßnahmen je Kreis, geteilt durch seine Einwohnerzahl und mal 10.000, "
            f"Stand {_stand(quartal)}"
            + (f", nur Handlungsfeld {handlungsfeld.kurzname}." if handlungsfeld else ".")
            + " Kreise ohne Maßnahmen oder ohne Einwohnerzahl: keine Daten."
        ),
        kategorien=[kreis.name for kreis, _url, _g in groessen],
        werte=[g.massnahmen_je_10000 for _kreis, _url, g in groessen],
        links=[url for _kreis, url, _g in groessen],
        einheit="",
        maximum=None,
        wertname="Maßnahmen je 10.000 Einwohner",
        stellen=2,
    )
    projekte = [
        {
            **projekt,
            "url": reverse("massnahmen:detail", kwargs={"pk": projekt["id"]}),
            "handlungsfeld": hf_namen.get(projekt["handlungsfeld_id"], ""),
            "status": Massnahme.Status(projekt["status"]).label,
            "ampel": Ampel(projekt["ampel"]).label.split(" – ")[0],
            "sichtbarkeit": Sichtbarkeit(projekt["sichtbarkeit"]).label.split(" – ")[0],
        }
        for projekt in k.regionsprojekte(
            gewaehlte_region.pk, quartal=quartal, handlungsfeld_id=hf_id
        )
    ]
    x_labels = [q.kurz for q in k.quartale_until(quartal)]
    meldungen_trend = liniendiagramm(
        titel="Abgegebene Statusmeldungen in der Region je Quartal",
        beschreibung=(
            "Summe der Statusmeldungen aller Kreise der Region je Quartal"
            + (f", nur Handlungsfeld {handlungsfeld.kurzname}." if handlungsfeld else ".")
        ),
        x_labels=x_labels,
        reihen=[
            Reihe(
                "Statusmeldungen",
                [meldungen_region[str(q)] for q in k.quartale_until(quartal)],
            )
        ],
    )
    return {
        "region": gewaehlte_region,
        "handlungsfeld": handlungsfeld,
        "quartal": quartal,
        "zeilen": zeilen,
        "page_obj": seite,
        "is_paginated": auf_seiten,
        "ausschnitt": ausschnitt,
        "region_zahlen": region_zahlen,
        "vergleich": vergleich,
        "fortschritt_erklaerung": FORTSCHRITT_ERKLAERUNG,
        "meldungen_trend": meldungen_trend,
        "groessen": groessen,
        "groesse_region": groesse_region,
        "je_einwohner": je_einwohner,
        "stand": _stand(quartal),
        "laufend": not is_expired(quartal),
        "projekte": projekte,
        "trend_quartale": x_labels,
        "trend_zeilen": [(kreis, trend[kreis.ags]) for kreis in kreise],
        "geteilt": geteilt,
        "geteilt_gesamt": geteilt_gesamt,
        "nachgenutzt": nachgenutzt,
        "nachgenutzt_gesamt": nachgenutzt_gesamt,
        "breadcrumbs": [("Region", None)],
    }
