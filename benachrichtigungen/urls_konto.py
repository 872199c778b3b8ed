"""The person's e-mail settings and the unsubscribe link (mounted at /konto/benachrichtigungen/)."""

from django.urls import path

from . import views_konto

app_name = "konto"

urlpatterns = [
    path("", views_konto.preferences, name="benachrichtigungen"),
    path("abmelden/<str:token>/", views_konto.unsubscribe, name="abmelden"),
    path("erinnerungen/<slug:kreis>/", views_konto.erinnerungsregel, name="erinnerungsregel"),
]
