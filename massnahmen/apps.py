from django.apps import AppConfig


class MassnahmenConfig(AppConfig):
    name = "massnahmen"
    verbose_name = "Maßnahmen"
