"""/loesungen/: the Lösungskatalog (issue 15, point 4), Maßnahmen that others can reuse."""

from django.urls import path

from . import views

app_name = "loesungen"

urlpatterns = [
    path("", views.LoesungListView.as_view(), name="katalog"),
]
