from django.apps import AppConfig


class OzgConfig(AppConfig):
    name = "ozg"
    verbose_name = "OZG-Leistungen"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from kommunen.models import Kommune, Mitgliedschaft
        from massnahmen.models import Massnahme, Nachnutzung
        from massnahmen.signals import im_bulk_geschrieben

        from . import (
            entwurf,  # noqa: F401 - registers its lines of the Statusmeldung draft
            kennzahl_quellen,  # noqa: F401 - registers the derived Kennzahl of the strategy
        )
        from .models import Umsetzungsstand
        from .wer_hat_das_schon import daten_changed

        # „Wer hat das schon?“ reads these: a save moves its cache key on.
        for model in (Umsetzungsstand, Massnahme, Nachnutzung, Mitgliedschaft, Kommune):
            for signal in (post_save, post_delete):
                signal.connect(
                    daten_changed,
                    sender=model,
                    dispatch_uid=f"wer-hat-das-schon:{model.__name__}",
                )
        m2m_changed.connect(
            daten_changed,
            sender=Massnahme.beteiligte.through,
            dispatch_uid="wer-hat-das-schon:beteiligte",
        )
        im_bulk_geschrieben.connect(
            daten_changed, sender=Massnahme, dispatch_uid="wer-hat-das-schon:import"
        )
