from django.apps import AppConfig


class OzgConfig(AppConfig):
    name = "ozg"
    verbose_name = "OZG-Leistungen"

    def ready(self):
        from . import (
            entwurf,  # noqa: F401 - registers its lines of the Statusmeldung draft
            kennzahl_quellen,  # noqa: F401 - registers the derived Kennzahl of the strategy
        )
