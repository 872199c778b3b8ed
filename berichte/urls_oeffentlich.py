"""/oeffentlich/: the public transparency pages and open-data downloads (no login)."""

from django.urls import path
from django.views.decorators.http import require_safe

from . import oeffentlich
from .feeds import KommuneMeldungenFeed, KreisMeldungenFeed
from .offene_daten import TABELLEN

app_name = "oeffentlich"

urlpatterns = [
    path("", oeffentlich.index, name="index"),
    path("massnahmen/", oeffentlich.massnahmen, name="massnahmen"),
    path("massnahmen/<id:pk>/", oeffentlich.massnahme, name="massnahme"),
    path("einbetten/<slug:slug>/", oeffentlich.einbetten, name="einbetten"),
    path(
        "meldungen/kommune/<slug:slug>.atom",
        require_safe(oeffentlich.oeffentlich_cache(KommuneMeldungenFeed())),
        name="meldungen_kommune",
    ),
    path(
        "meldungen/kreis/<str:ags>.atom",
        require_safe(oeffentlich.oeffentlich_cache(KreisMeldungenFeed())),
        name="meldungen_kreis",
    ),
    path("daten/", oeffentlich.daten, name="daten"),
    path("daten/massnahmen.csv", oeffentlich.massnahmen_csv, name="massnahmen_csv"),
    path(
        "daten/massnahmen.excel.csv",
        oeffentlich.massnahmen_csv,
        {"dialekt": "excel"},
        name="massnahmen_excel_csv",
    ),
    path("daten/massnahmen.json", oeffentlich.massnahmen_json, name="massnahmen_json"),
    path("daten/katalog.rdf", oeffentlich.katalog, name="katalog"),
    path("daten/katalog.ttl", oeffentlich.katalog_ttl, name="katalog_ttl"),
    *(
        path(
            f"daten/{schluessel}.csv",
            oeffentlich.tabelle_csv,
            {"schluessel": schluessel},
            name=f"{schluessel}_csv",
        )
        for schluessel in TABELLEN
    ),
    *(
        path(
            f"daten/{schluessel}.excel.csv",
            oeffentlich.tabelle_csv,
            {"schluessel": schluessel, "dialekt": "excel"},
            name=f"{schluessel}_excel_csv",
        )
        for schluessel in TABELLEN
    ),
]
