from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Portal-Grundlagen"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from django.urls import register_converter

        from . import checks, compat, signals  # noqa: F401
        from .cachestand import model_changed
        from .eingaben import TokenConverter
        from .logging import install as install_request_id_logging

        install_request_id_logging()

        compat.install()
        # Ids in URLs: <id:pk>, at most 18 digits, so a huge number is a 404, not an overflow.
        register_converter(compat.IdConverter, "id")
        # Secret tokens in URLs (calendar feed): their exact shape, so NUL or a wrong length
        # is a 404 before any query.
        register_converter(TokenConverter, "token")
        # Every write of the portal's data moves the cache keys of the figures on.
        for name, signal in (
            ("post_save", post_save),
            ("post_delete", post_delete),
            ("m2m_changed", m2m_changed),
        ):
            signal.connect(model_changed, dispatch_uid=f"cachestand:{name}")
