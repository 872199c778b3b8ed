from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self):
        from . import entwurf  # noqa: F401 - registers its lines of the Statusmeldung draft
