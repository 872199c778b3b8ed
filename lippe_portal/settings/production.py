"""Production: everything from the environment, hardened defaults, no fallbacks for secrets."""

from .base import *  # noqa: F401,F403
from .base import env, logging_config

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client address for login rate limits and the audit log: X-Forwarded-For as set by
# the one reverse proxy in front of gunicorn (otherwise every user would share its address).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"


EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

# JSON lines with request id for the log collector (core.logging).
LOGGING = logging_config(
    json=env.bool("DJANGO_LOG_JSON", default=True),
    level=env("DJANGO_LOG_LEVEL", default="INFO"),
)

# Kreis and region staff and admins must use a second factor (TOTP); a CDO may opt in.
PORTAL_MFA_PFLICHT_ROLLEN = env.list(
    "PORTAL_MFA_PFLICHT_ROLLEN", default=["kreis", "region", "admin"]
)
