from django.apps import AppConfig


class MassnahmenConfig(AppConfig):
    name = "massnahmen"
    verbose_name = "Maßnahmen"

    def ready(self):
        from core.cachestand import daten_changed

        from . import (
            entwurf,  # noqa: F401 - the Statusmeldung draft and its own lines
            kennzahl_quellen,  # noqa: F401 - registers the derived Kennzahl of the strategy
        )
        from .models import Massnahme
        from .signals import im_bulk_geschrieben

        # The import's bulk writes send no post_save: the data stand moves on all the same.
        im_bulk_geschrieben.connect(
            daten_changed, sender=Massnahme, dispatch_uid="cachestand:massnahmen-import"
        )
