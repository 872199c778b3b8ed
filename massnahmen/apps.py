from django.apps import AppConfig


class MassnahmenConfig(AppConfig):
    name = "massnahmen"
    verbose_name = "Maßnahmen"

    def ready(self):
        from . import kennzahlen  # noqa: F401 - registers the derived Kennzahl of the strategy
