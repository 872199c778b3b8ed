"""/berichte/: the quarterly reports (request, status, download) and lifting a freeze."""

from django.urls import path

from . import views

app_name = "berichte"

urlpatterns = [
    path("", views.bericht_liste, name="liste"),
    path("anfordern/", views.request_bericht, name="anfordern"),
    path("<id:pk>/", views.bericht_detail, name="detail"),
    path("<id:pk>/pdf/", views.bericht_download, name="download"),
    path("<id:pk>/erneut/", views.bericht_erneut, name="erneut"),
    path("logo/<slug:kreis>/", views.manage_logo, name="logo"),
    path("logo/<slug:kreis>/datei/", views.logo_datei, name="logo_datei"),
    path(
        "abschluss/<id:pk>/aufheben/",
        views.lift_abschluss,
        name="abschluss_aufheben",
    ),
]
