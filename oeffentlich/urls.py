"""Every public page (no login): /oeffentlich/ with its open-data downloads and feeds, and
/strategie/oeffentlich/. Mounted at the root, so the paths here are whole."""

from django.urls import include, path
from django.views.decorators.http import require_safe

from . import daten, views
from .feeds import KommuneMeldungenFeed, KreisMeldungenFeed
from .offene_daten import TABELLEN

app_name = "oeffentlich"

unter_oeffentlich = [
    path("", views.index, name="index"),
    path("massnahmen/", views.massnahmen, name="massnahmen"),
    path("massnahmen/<id:pk>/", views.massnahme, name="massnahme"),
    path("einbetten/<slug:slug>/", views.einbetten, name="einbetten"),
    path(
        "meldungen/kommune/<slug:slug>.atom",
        require_safe(views.oeffentlich_cache(KommuneMeldungenFeed())),
        name="meldungen_kommune",
    ),
    path(
        "meldungen/kreis/<str:ags>.atom",
        require_safe(views.oeffentlich_cache(KreisMeldungenFeed())),
        name="meldungen_kreis",
    ),
    path("daten/", daten.daten, name="daten"),
    path("daten/massnahmen.csv", daten.massnahmen_csv, name="massnahmen_csv"),
    path(
        "daten/massnahmen.excel.csv",
        daten.massnahmen_csv,
        {"dialekt": "excel"},
        name="massnahmen_excel_csv",
    ),
    path("daten/massnahmen.json", daten.massnahmen_json, name="massnahmen_json"),
    path("daten/katalog.rdf", daten.katalog, name="katalog"),
    path("daten/katalog.ttl", daten.katalog_ttl, name="katalog_ttl"),
    *(
        path(
            f"daten/{schluessel}.csv",
            daten.tabelle_csv,
            {"schluessel": schluessel},
            name=f"{schluessel}_csv",
        )
        for schluessel in TABELLEN
    ),
    *(
        path(
            f"daten/{schluessel}.excel.csv",
            daten.tabelle_csv,
            {"schluessel": schluessel, "dialekt": "excel"},
            name=f"{schluessel}_excel_csv",
        )
        for schluessel in TABELLEN
    ),
]

urlpatterns = [
    path("oeffentlich/", include(unter_oeffentlich)),
    # The public view of the strategy: its path is older than this app (stable URLs).
    path("strategie/oeffentlich/", views.strategie, name="strategie"),
]
