from django.apps import AppConfig


class BenachrichtigungenConfig(AppConfig):
    name = "benachrichtigungen"
    verbose_name = "Benachrichtigungen"

    def ready(self):
        from . import signals  # noqa: F401 - listens to the Maßnahmen and Förderung models
