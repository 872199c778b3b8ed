from django.urls import path

from . import views

app_name = "massnahmen"

urlpatterns = [
    path("", views.MassnahmeListView.as_view(), name="liste"),
]
