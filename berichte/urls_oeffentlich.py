"""/oeffentlich/: the public transparency pages and open-data downloads (no login)."""

from django.urls import path

from . import oeffentlich

app_name = "oeffentlich"

urlpatterns = [
    path("", oeffentlich.index, name="index"),
    path("massnahmen/", oeffentlich.massnahmen, name="massnahmen"),
    path("massnahmen/<id:pk>/", oeffentlich.massnahme, name="massnahme"),
    path("daten/", oeffentlich.daten, name="daten"),
    path("daten/massnahmen.csv", oeffentlich.massnahmen_csv, name="massnahmen_csv"),
    path("daten/massnahmen.json", oeffentlich.massnahmen_json, name="massnahmen_json"),
    path("daten/katalog.rdf", oeffentlich.katalog, name="katalog"),
]
