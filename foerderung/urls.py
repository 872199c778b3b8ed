from django.urls import include, path

from . import views

app_name = "foerderung"

# The drawdowns of one Förderbescheid: /foerderung/<pk>/mittelabrufe/…
mittelabrufe = [
    path("neu/", views.MittelabrufCreateView.as_view(), name="mittelabruf_anlegen"),
    path(
        "<id:abruf_pk>/bearbeiten/",
        views.MittelabrufUpdateView.as_view(),
        name="mittelabruf_bearbeiten",
    ),
    path(
        "<id:abruf_pk>/ausgezahlt/",
        views.MittelabrufPayoutView.as_view(),
        name="mittelabruf_auszahlen",
    ),
    path(
        "<id:abruf_pk>/loeschen/",
        views.MittelabrufDeleteView.as_view(),
        name="mittelabruf_loeschen",
    ),
]

urlpatterns = [
    path("", views.FoerderbescheidListView.as_view(), name="liste"),
    path("neu/", views.FoerderbescheidCreateView.as_view(), name="anlegen"),
    path("<id:pk>/", views.FoerderbescheidDetailView.as_view(), name="detail"),
    path("<id:pk>/bearbeiten/", views.FoerderbescheidUpdateView.as_view(), name="bearbeiten"),
    path("<id:pk>/loeschen/", views.FoerderbescheidDeleteView.as_view(), name="loeschen"),
    path("<id:pk>/mittelabrufe/", include(mittelabrufe)),
    path("<id:pk>/dokumente/neu/", views.DokumentCreateView.as_view(), name="dokument_hochladen"),
    path(
        "<id:pk>/dokumente/<id:dokument_pk>/",
        views.download_dokument,
        name="dokument_herunterladen",
    ),
]
