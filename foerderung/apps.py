from django.apps import AppConfig


class FoerderungConfig(AppConfig):
    name = "foerderung"
    verbose_name = "Förderung"

    def ready(self):
        from . import (
            entwurf,  # noqa: F401 - registers its lines of the Statusmeldung draft
            kennzahl_quellen,  # noqa: F401 - registers the derived Kennzahl of the strategy
        )
