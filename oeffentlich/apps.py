from django.apps import AppConfig


class OeffentlichConfig(AppConfig):
    name = "oeffentlich"
    verbose_name = "Öffentliche Seiten"
