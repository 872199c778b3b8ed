"""Test settings: PostgreSQL when DATABASE_URL is set, SQLite otherwise."""

import os

from .base import *  # noqa: F401,F403

# Under pytest-xdist every worker process ("gw0", "gw1", …) gets its own database (pytest-django
# adds the suffix), media folder and Celery queue; a worker subprocess started by a test
# inherits the variable and so listens on its own test process's queue only.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In memory; a real worker process started by a test may be pointed at a real SMTP server
# (tests/benachrichtigungen/test_mail_worker.py).
EMAIL_BACKEND = os.environ.get(
    "PORTAL_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
# All test traffic comes from 127.0.0.1; the rate-limit test switches them on itself.
ACCOUNT_RATE_LIMITS = False
# The same for the API (tests/api/test_api.py switches it on where it checks it).
API_RATE_LIMIT_ANONYM = 0
API_RATE_LIMIT_TOKEN = 0
MEDIA_ROOT = BASE_DIR / f".test-media{XDIST_WORKER}"  # noqa: F405
STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process in tests; tests/core/test_celery_worker.py sends through the real
# broker (CELERY_BROKER_URL, Redis in CI) to a real worker process.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_DEFAULT_QUEUE = f"pytest{XDIST_WORKER}"

# The caches of the logged-in frame across requests (whole pages, core.seitencache; the
# session's person, core.backends; the Scope, kommunen.scope; cached_db sessions) only where a
# test asks for them (the fixture `seitencache`: tests/core/test_seitencache.py, the security
# suite, the browser tests and the permission matrix): the many tests that pin a page's
# queries measure its rendering and the same three queries of every request around it.
PORTAL_SEITENCACHE = False
SESSION_ENGINE = "django.contrib.sessions.backends.db"

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A real Celery worker (tests/test_celery_worker.py) must open the same test database, so
# SQLite tests use a file instead of an in-memory database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
