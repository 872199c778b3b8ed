"""Test settings: PostgreSQL when DATABASE_URL is set, SQLite otherwise."""

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# All test traffic comes from 127.0.0.1; the rate-limit test switches them on itself.
ACCOUNT_RATE_LIMITS = False
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process in tests; tests/core/test_celery_worker.py sends through the real
# broker (CELERY_BROKER_URL, Redis in CI) to a real worker process.
CELERY_TASK_ALWAYS_EAGER = True

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A real Celery worker (tests/test_celery_worker.py) must open the same test database, so
# SQLite tests use a file instead of an in-memory database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
