from django.apps import AppConfig


class FoerderungConfig(AppConfig):
    name = "foerderung"
    verbose_name = "Förderung"

    def ready(self):
        from . import kennzahlen  # noqa: F401 - registers the derived Kennzahl of the strategy
