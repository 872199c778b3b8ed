from django.apps import AppConfig


class FoerderungConfig(AppConfig):
    name = "foerderung"
    verbose_name = "Förderung"
