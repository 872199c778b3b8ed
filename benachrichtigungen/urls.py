"""URLs of the inbox and of following (mounted at /benachrichtigungen/)."""

from django.urls import path

from . import views

app_name = "benachrichtigungen"

urlpatterns = [
    path("", views.BenachrichtigungListView.as_view(), name="liste"),
    path("<id:pk>/", views.open_benachrichtigung, name="oeffnen"),
    path("alle-gelesen/", views.mark_all_read, name="alle_gelesen"),
    path("folgen/<slug:art>/<id:pk>/", views.follow, name="folgen"),
]
