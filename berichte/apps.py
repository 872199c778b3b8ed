from django.apps import AppConfig


class BerichteConfig(AppConfig):
    name = "berichte"
    verbose_name = "Berichte"
