"""URLs of the strategy (mounted at /strategie/)."""

from django.urls import path

from . import views

app_name = "handlungsfelder"

urlpatterns = [
    path("", views.strategie, name="strategie"),
    path("lebensbereiche/", views.lebensbereiche, name="lebensbereiche"),
    path("vergleich/", views.vergleich, name="vergleich"),
    path("ziele/neu/", views.ZielCreateView.as_view(), name="ziel_neu"),
    path("ziele/<id:pk>/bearbeiten/", views.ZielUpdateView.as_view(), name="ziel_bearbeiten"),
    path("ziele/<id:pk>/loeschen/", views.ZielDeleteView.as_view(), name="ziel_loeschen"),
    path("ziele/<id:pk>/kennzahlen/neu/", views.KennzahlCreateView.as_view(), name="kennzahl_neu"),
    path("kennzahlen/<id:pk>/", views.kennzahl_detail, name="kennzahl"),
    path(
        "kennzahlen/<id:pk>/bearbeiten/",
        views.KennzahlUpdateView.as_view(),
        name="kennzahl_bearbeiten",
    ),
    path(
        "kennzahlen/<id:pk>/loeschen/", views.KennzahlDeleteView.as_view(), name="kennzahl_loeschen"
    ),
    path("kennzahlen/<id:pk>/werte/", views.record_wert, name="wert_erfassen"),
]
