"""Local development: `make run`. SQLite and in-process tasks unless the environment says otherwise."""

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Serve static files straight from the app and project folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# One cache for every process on this machine (runserver, a Celery worker, the benchmark's
# gunicorn workers): the counters of core.cachestand must be the same in all of them, or a
# write in one process would leave the others showing cached figures of before. A
# per-process cache (locmemcache://) is only right for one process; CACHE_URL=redis://…
# as in production.
CACHES = {
    "default": env.cache(
        "CACHE_URL", default=f"filecache://{BASE_DIR / '.cache' / 'django'}?max_entries=10000"
    )
}
# One checkout, several databases (the demo and the national one of bench/dashboards.py):
# each database its own keys, or one would read the figures cached for the other.
CACHES["default"]["KEY_PREFIX"] = str(DATABASES["default"]["NAME"])  # noqa: F405
