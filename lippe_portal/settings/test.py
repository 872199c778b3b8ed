"""Test settings: PostgreSQL when DATABASE_URL is set, SQLite otherwise."""

from .base import *  # noqa: F401,F403
from .base import env

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
# The Celery worker fixture sets CELERY_BROKER_URL; everything else runs eagerly.
CELERY_TASK_ALWAYS_EAGER = not env("CELERY_BROKER_URL", default="")
