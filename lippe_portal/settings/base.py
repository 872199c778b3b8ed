"""Settings shared by every environment. All values come from the environment (12-factor)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from core.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

SECRET_KEY = env("DJANGO_SECRET_KEY", default="unsafe-local-development-key-do-not-use")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    # Project apps, in dependency order (each may import only those above it).
    "core",
    "kommunen",
    "handlungsfelder",
    "massnahmen",
    "foerderung",
    "workshops",
    "ozg",
    "berichte",
    # Audit log and second-factor duty; above every domain app so it may read roles.
    "zugang",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before Session/CSRF: sees their cookies on a response marked public.
    "core.middleware.OeffentlichCacheSchutzMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SitzungsAblaufMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "zugang.middleware.MfaPflichtMiddleware",
    "zugang.middleware.ZugriffVerweigertMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "lippe_portal.urls"
WSGI_APPLICATION = "lippe_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
                "kommunen.context_processors.navigation",
            ],
            "builtins": ["core.templatetags.portal", "template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REFERENCE_DATA_DIR = BASE_DIR / "data" / "reference"

# --- Accounts (django-allauth): e-mail login only, no open sign-up ---
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "core.adapters.PortalAccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Lippe Digitalportal] "
ACCOUNT_MAX_EMAIL_ADDRESSES = 1
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lippe Digitalportal"
# Who must use a second factor cannot switch it off (zugang.adapters).
MFA_ADAPTER = "zugang.adapters.PortalMfaAdapter"

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Lippe Digitalportal <portal@kreis-lippe.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: Redis broker when configured, otherwise tasks run eagerly in-process ---
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None) or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Worker and beat log through Django's LOGGING (JSON in production, with request id).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict = {
    "worker-heartbeat": {"task": "core.worker_heartbeat", "schedule": 60.0},
    "zugang-protokoll-aufraeumen": {
        "task": "zugang.protokoll_aufraeumen",
        "schedule": crontab(hour=3, minute=30),
    },
    "foerderung-fristen-erinnern": {
        "task": "foerderung.fristen_erinnern",
        "schedule": crontab(hour=6, minute=15),
    },
    # The 10th day after each quarter ends, 06:00 in CELERY_TIMEZONE (Europe/Berlin).
    "berichte-quartalsberichte": {
        "task": "berichte.planmaessige_berichte",
        "schedule": crontab(minute=0, hour=6, day_of_month=10, month_of_year="1,4,7,10"),
    },
    "berichte-haengende-aufraeumen": {
        "task": "berichte.haengende_berichte_aufraeumen",
        "schedule": crontab(minute="*/5"),
    },
}
# Redis: a task whose worker died unacknowledged goes back to the queue after this many
# seconds (longer than any task runs; the report sweeper takes over stuck reports sooner).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}

# --- Security defaults (tightened further in production.py) ---
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Idle timeout: the session ends this many seconds after the last request
# (core.middleware.SitzungsAblaufMiddleware pushes the expiry forward, at most once a minute).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60)
PORTAL_SITZUNG_AUFFRISCHEN = 60
# Paths served the same to everyone (Cache-Control: public); middleware leaves the session
# and request.user alone there (core.middleware.oeffentlicher_pfad; STATIC_URL is added).
PORTAL_OEFFENTLICHE_PFADE = ["/oeffentlich/", "/healthz"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): everything from the portal's own origin, no inline
# script or style anywhere (JS in static/js, htmx told not to inject its indicator style),
# data: images only for the QR code of the TOTP set-up and the KERN icons in CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Browser features the portal never uses (core.middleware.PermissionsPolicyMiddleware).
PORTAL_PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ],
    (),
)
# Roles whose members must set up a second factor (TOTP) before they see any page
# (zugang.middleware.MfaPflichtMiddleware). Off for `make run` so the demo logins work;
# production.py switches it on for Kreis and region staff. A CDO may opt in.
PORTAL_MFA_PFLICHT_ROLLEN = env.list("PORTAL_MFA_PFLICHT_ROLLEN", default=[])
# Audit log (zugang.Protokolleintrag): full IP addresses are shortened after this many days,
# entries deleted after this many (a daily Celery beat task).
PORTAL_PROTOKOLL_IP_TAGE = env.int("PORTAL_PROTOKOLL_IP_TAGE", default=7)
PORTAL_PROTOKOLL_AUFBEWAHRUNG_TAGE = env.int("PORTAL_PROTOKOLL_AUFBEWAHRUNG_TAGE", default=365)

PORTAL_NAME = "Lippe Digitalportal"
# Absolute links in e-mails (no request there to build them from).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Days before a Verwendungsnachweis or the end of a funding period that reminders go out.
# Imports of Maßnahmen: up to this many rows in the request, larger ones by a Celery task.
MASSNAHMEN_IMPORT_SYNC_MAX = env.int("MASSNAHMEN_IMPORT_SYNC_MAX", default=500)
MASSNAHMEN_IMPORT_MAX_ZEILEN = env.int("MASSNAHMEN_IMPORT_MAX_ZEILEN", default=20_000)
FOERDERUNG_ERINNERUNG_TAGE = env.list("FOERDERUNG_ERINNERUNG_TAGE", cast=int, default=[30, 7])
PORTAL_OPERATOR = env(
    "PORTAL_OPERATOR",
    default="Kreis Lippe, Der Landrat, Felix-Fechenbach-Straße 5, 32756 Detmold",
)

# Readable lines with the request id; JSON lines when DJANGO_LOG_JSON (default in production).
LOGGING = logging_config(
    json=env.bool("DJANGO_LOG_JSON", default=False),
    level=env("DJANGO_LOG_LEVEL", default="INFO"),
)

AUTH_USER_MODEL = "core.User"
