from django.apps import AppConfig


class MassnahmenConfig(AppConfig):
    name = "massnahmen"
    verbose_name = "Maßnahmen"

    def ready(self):
        from . import (
            entwurf,  # noqa: F401 - the Statusmeldung draft and its own lines
            kennzahl_quellen,  # noqa: F401 - registers the derived Kennzahl of the strategy
        )
