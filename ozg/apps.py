from django.apps import AppConfig


class OzgConfig(AppConfig):
    name = "ozg"
    verbose_name = "OZG-Leistungen"

    def ready(self):
        from . import kennzahlen  # noqa: F401 - registers the derived Kennzahl of the strategy
