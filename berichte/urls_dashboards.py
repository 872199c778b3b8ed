"""/dashboard/ (own Kreis) and /region/ (cross-county, DigitalBüro OWL)."""

from django.urls import path

from . import dashboards

urlpatterns = [
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("region/", dashboards.region, name="region"),
]
