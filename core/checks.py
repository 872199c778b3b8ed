"""System checks of the deployment (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def gemeinsamer_cache(app_configs, **kwargs):
    """The cache must be shared by every web and worker process: the data stand of
    core.cachestand lives in it (a write in one process must void the cached figures of all
    the others), and so do the login rate limits."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "The default cache is per process (LocMemCache): with several gunicorn "
                "workers or a Celery worker, cached figures and pages would stay stale after "
                "a write in another process, and a session ended in one process would go on "
                "in another (cached_db sessions).",
                hint="Set CACHE_URL to the shared Redis (e.g. redis://redis:6379/1).",
                id="core.W001",
            )
        ]
    return []
