from django.urls import path
from django.views.generic import TemplateView

from .views import DatenschutzView

app_name = "core"

urlpatterns = [
    path("impressum/", TemplateView.as_view(template_name="core/impressum.html"), name="impressum"),
    path(
        "datenschutz/",
        DatenschutzView.as_view(),
        name="datenschutz",
    ),
    path(
        "barrierefreiheit/",
        TemplateView.as_view(template_name="core/barrierefreiheit.html"),
        name="barrierefreiheit",
    ),
]
