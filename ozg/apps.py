from django.apps import AppConfig


class OzgConfig(AppConfig):
    name = "ozg"
    verbose_name = "OZG-Leistungen"
