"""URLs of the ozg app: the matrix at /ozg/ and one cell per service and Kommune."""

from django.urls import path

from . import views

app_name = "ozg"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("stand/<id:leistung>/<id:kommune>/", views.stand, name="stand"),
    path("stand/<id:leistung>/<id:kommune>/zelle/", views.zelle, name="zelle"),
]
