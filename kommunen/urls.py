from django.urls import path

from . import views

app_name = "kommunen"

urlpatterns = [
    path("", views.KommuneListView.as_view(), name="liste"),
    path("<slug:slug>/", views.KommuneDetailView.as_view(), name="detail"),
    path("<slug:slug>/bearbeiten/", views.KommuneUpdateView.as_view(), name="bearbeiten"),
]
