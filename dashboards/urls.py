"""/dashboard/ (own Kreis) and /region/ (cross-county, DigitalBüro OWL)."""

from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("region/", views.region, name="region"),
]
