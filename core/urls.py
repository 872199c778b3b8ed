from django.urls import path
from django.views.generic import TemplateView

app_name = "core"

urlpatterns = [
    path("impressum/", TemplateView.as_view(template_name="core/impressum.html"), name="impressum"),
    path(
        "datenschutz/",
        TemplateView.as_view(template_name="core/datenschutz.html"),
        name="datenschutz",
    ),
    path(
        "barrierefreiheit/",
        TemplateView.as_view(template_name="core/barrierefreiheit.html"),
        name="barrierefreiheit",
    ),
]
