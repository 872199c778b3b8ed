from django.urls import include, path

from . import views

app_name = "workshops"

# One result of a workshop: /workshops/ergebnisse/<pk>/…
ergebnis = [
    path("bearbeiten/", views.ErgebnisUpdateView.as_view(), name="ergebnis_bearbeiten"),
    path("massnahme/", views.ErgebnisMassnahmeView.as_view(), name="ergebnis_massnahme"),
]
# The personal calendar: /workshops/kalender/…
kalender = [
    path("", views.KalenderView.as_view(), name="kalender"),
    path("erneuern/", views.KalenderRenewView.as_view(), name="kalender_erneuern"),
    path("<token:token>.ics", views.KalenderFeedView.as_view(), name="feed"),
]

urlpatterns = [
    path("", views.WorkshopListView.as_view(), name="liste"),
    path("neu/", views.WorkshopCreateView.as_view(), name="neu"),
    path("<id:pk>/", views.WorkshopDetailView.as_view(), name="detail"),
    path("<id:pk>.ics", views.WorkshopIcsView.as_view(), name="ics"),
    path("<id:pk>/bearbeiten/", views.WorkshopUpdateView.as_view(), name="bearbeiten"),
    path(
        "<id:pk>/veroeffentlichen/",
        views.WorkshopPublishView.as_view(),
        name="veroeffentlichen",
    ),
    path("<id:pk>/absagen/", views.WorkshopCancelView.as_view(), name="absagen"),
    path("<id:pk>/anmelden/", views.AnmeldungCreateView.as_view(), name="anmelden"),
    path("<id:pk>/abmelden/", views.AnmeldungDeleteView.as_view(), name="abmelden"),
    path("<id:pk>/teilnahme/", views.TeilnahmeRecordView.as_view(), name="teilnahme"),
    path("<id:pk>/protokoll/", views.ProtokollView.as_view(), name="protokoll"),
    path("<id:pk>/ergebnisse/neu/", views.ErgebnisCreateView.as_view(), name="ergebnis_neu"),
    path("ergebnisse/<id:pk>/", include(ergebnis)),
    path("kalender/", include(kalender)),
]
