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
    # django-ninja: its templates and the Swagger UI files it ships (self-hosted API docs).
    "ninja",
    # Project apps. Which may import which: the layers of docs/ARCHITECTURE.md, enforced by
    # tests/test_architektur.py (this order is the order of their ready() and templates).
    "core",
    "kommunen",
    "handlungsfelder",
    "massnahmen",
    "foerderung",
    "workshops",
    "ozg",
    # The reading side: dashboards' figures (auswertung) are read by the report, the public
    # pages and the API.
    "dashboards",
    "berichte",
    "oeffentlich",
    # Follow and notifications; listens to the domain apps, berichte sends its mails through it.
    "benachrichtigungen",
    # Audit log and second-factor duty; above every domain app so it may read roles.
    "zugang",
    # The start page and the main navigation (docs/ARCHITECTURE.md: above the domain apps).
    "portal",
    # The read API (/api/v1/) and its tokens; reads every app above.
    "api",
    # Last, as its documentation asks: deletes a FileField's file when its record is deleted
    # or the file is replaced, after the transaction commits (a rollback keeps the file).
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outermost body work: gzip for public responses only (BREACH), then ETag and 304 for
    # every GET that is not no-store (its response phase runs after the no-store marking below).
    "core.middleware.OeffentlichGZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Last-Modified of the public responses: the newest change of the public data.
    "oeffentlich.middleware.DatenstandMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before Session/CSRF: sees their cookies on a response marked public.
    "core.middleware.OeffentlichCacheSchutzMiddleware",
    # /api/ only: token, rate limit, Cache-Control, ETag and 304 (before the session is read).
    "api.middleware.ApiAccessMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Logged-in pages are never stored (a shared PC's browser after logout, proxies).
    "core.middleware.PrivatNichtSpeichernMiddleware",
    "core.middleware.SitzungsAblaufMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "zugang.middleware.MfaRequiredMiddleware",
    "zugang.middleware.AccessDeniedMiddleware",
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
                "portal.context_processors.navigation",
                "benachrichtigungen.context_processors.ungelesen",
            ],
            "builtins": ["core.templatetags.portal", "template_partials.templatetags.partials"],
        },
    }
]

# Django's templates, with select and input widgets rendered in Python (core/renderer.py).
FORM_RENDERER = "core.renderer.Renderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Keep each worker thread's connection open between requests: a new PostgreSQL connection
# costs the server a backend process and the worker the handshake, more than a whole small
# page (issue 19: /healthz 2.2 ms of worker CPU, and 12 ms more wall time per request for
# the connection). Checked before reuse, so a restarted database costs one failed attempt
# at most; 0 closes after every request as before.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # `make run` on a laptop: SQLite allows one writer. A request transaction that reads and
    # then writes (ATOMIC_REQUESTS) cannot upgrade its lock while another one writes, and
    # SQLite answers "database is locked" at once, whatever the timeout. IMMEDIATE takes the
    # write lock at BEGIN, so parallel clicks wait (up to `timeout` seconds) instead of 500.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif not env.bool("POSTGRES_JIT", default=False):
    # PostgreSQL's JIT compiler pays off for long analytical queries, not for a page: on
    # the national-scale data it spent 630 of 1,570 ms of /region/'s main aggregate on
    # compiling. Off for the portal's connections (a startup parameter, no extra round
    # trip); POSTGRES_JIT=True leaves the server's setting, e.g. behind a pooler that
    # refuses startup options.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend with the permission sets cached (core.backends).
    "core.backends.GecachteRechteBackend",
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
# Demo content of the Kreise besides Lippe (manage.py seed_demo), see data/demo/README.md.
DEMO_DATA_DIR = BASE_DIR / "data" / "demo"

# --- Accounts (django-allauth): e-mail login only, no open sign-up ---
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "benachrichtigungen.adapters.PostausgangAccountAdapter"
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
    "massnahmen-importdateien-loeschen": {
        "task": "massnahmen.importdateien_loeschen",
        "schedule": crontab(hour=3, minute=45),
    },
    # Overdue milestones and Förder deadlines (Verwendungsnachweis, end of the funding
    # period) become notifications and reminder mails (benachrichtigungen.faelligkeiten).
    "benachrichtigungen-faelligkeiten": {
        "task": "benachrichtigungen.faelligkeiten_pruefen",
        "schedule": crontab(hour=6, minute=15),
    },
    # The 10th day after each quarter ends, 06:00 in CELERY_TIMEZONE (Europe/Berlin).
    "berichte-quartalsberichte": {
        "task": "berichte.planmaessige_berichte",
        "schedule": crontab(minute=0, hour=6, day_of_month=10, month_of_year="1,4,7,10"),
    },
    # E-mail of the notifications (benachrichtigungen.mail): what the retries did not deliver,
    # the daily and weekly overviews, reminders of Statusmeldungen owed.
    "benachrichtigungen-postausgang": {
        "task": "benachrichtigungen.postausgang_leeren",
        "schedule": crontab(minute="*/15"),
    },
    "benachrichtigungen-statusmeldungen-erinnern": {
        "task": "benachrichtigungen.statusmeldungen_erinnern",
        "schedule": crontab(hour=6, minute=30),
    },
    "benachrichtigungen-tagesueberblick": {
        "task": "benachrichtigungen.tagesueberblick",
        "schedule": crontab(hour=7, minute=0),
    },
    "benachrichtigungen-wochenueberblick": {
        "task": "benachrichtigungen.wochenueberblick",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
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
# Sessions read from the cache, written through to the database (Django's cached_db): one
# query less on every logged-in request (issue 19, point 1). Ending a session goes through
# the SessionStore (core.privacy), so both copies go.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Idle timeout: the session ends this many seconds after the last request
# (core.middleware.SitzungsAblaufMiddleware pushes the expiry forward, at most once a minute).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60)
PORTAL_SITZUNG_AUFFRISCHEN = 60
# The caches of the logged-in frame across requests: whole pages (core.seitencache), the
# session's person (core.backends) and their Scope (kommunen.scope). Off only in tests.
PORTAL_SEITENCACHE = env.bool("PORTAL_SEITENCACHE", default=True)
# What every logged-in page shows that no model write in the data stand decides: parts of
# the key under which core.seitencache keeps a whole page (callables taking the request).
PORTAL_SEITENCACHE_TEILE = ["benachrichtigungen.context_processors.unread_for_request"]
# Paths served the same to everyone (Cache-Control: public); middleware leaves the session
# and request.user alone there (core.middleware.oeffentlicher_pfad; STATIC_URL is added).
PORTAL_OEFFENTLICHE_PFADE = ["/oeffentlich/", "/strategie/oeffentlich/", "/healthz", "/api/"]
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
# (zugang.middleware.MfaRequiredMiddleware). Off for `make run` so the demo logins work;
# production.py switches it on for Kreis and region staff. A CDO may opt in.
PORTAL_MFA_PFLICHT_ROLLEN = env.list("PORTAL_MFA_PFLICHT_ROLLEN", default=[])
# Audit log (zugang.Protokolleintrag): full IP addresses are shortened after this many days,
# entries deleted after this many (a daily Celery beat task).
PORTAL_PROTOKOLL_IP_TAGE = env.int("PORTAL_PROTOKOLL_IP_TAGE", default=7)
PORTAL_PROTOKOLL_AUFBEWAHRUNG_TAGE = env.int("PORTAL_PROTOKOLL_AUFBEWAHRUNG_TAGE", default=365)

# Read API (api.middleware): requests per minute without a token (per client address) and
# per token. 0 switches the limit off.
API_RATE_LIMIT_ANONYM = env.int("API_RATE_LIMIT_ANONYM", default=60)
API_RATE_LIMIT_TOKEN = env.int("API_RATE_LIMIT_TOKEN", default=300)

PORTAL_NAME = "Lippe Digitalportal"
# Who offers the portal to whom, in every page's footer. The portal serves every Kreis of the
# region, so it names the region, not one Kreis's Kommunen; a Kreis that runs its own copy
# sets its own line.
PORTAL_ANGEBOT = env(
    "PORTAL_ANGEBOT",
    default="ein Angebot des Kreises Lippe für die Kommunen in Ostwestfalen-Lippe",
)
# Absolute links in e-mails (no request there to build them from).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Days before a Verwendungsnachweis or the end of a funding period that reminders go out.
# Imports of Maßnahmen: up to this many rows in the request, larger ones by a Celery task.
MASSNAHMEN_IMPORT_SYNC_MAX = env.int("MASSNAHMEN_IMPORT_SYNC_MAX", default=500)
MASSNAHMEN_IMPORT_MAX_ZEILEN = env.int("MASSNAHMEN_IMPORT_MAX_ZEILEN", default=20_000)
# Days after a quarter's end within which its Statusmeldungen count for it (berichte, dashboards).
STATUSMELDUNG_MELDESCHLUSS_TAGE = env.int("STATUSMELDUNG_MELDESCHLUSS_TAGE", default=10)
# Uploaded import files are deleted this many days after the upload (the record of the run,
# with its counts and errors, stays); the privacy page names the period.
MASSNAHMEN_IMPORT_AUFBEWAHRUNG_TAGE = env.int("MASSNAHMEN_IMPORT_AUFBEWAHRUNG_TAGE", default=30)
# The row-by-row check of an upload: in the request up to this size (bytes, unpacked for
# XLSX; about 500 rows of the export), for larger files by a Celery task with progress.
MASSNAHMEN_IMPORT_PRUEFUNG_SYNC_BYTES = env.int(
    "MASSNAHMEN_IMPORT_PRUEFUNG_SYNC_BYTES", default=128 * 1024
)
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
