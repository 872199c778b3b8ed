from django.apps import AppConfig


class ZugangConfig(AppConfig):
    name = "zugang"
    verbose_name = "Zugang und Zugriffsprotokoll"

    def ready(self) -> None:
        from . import signals  # noqa: F401
