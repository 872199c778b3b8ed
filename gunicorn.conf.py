"""gunicorn settings of the web container (`gunicorn -c gunicorn.conf.py lippe_portal.wsgi`).

Every value is set here on purpose, not left to gunicorn's defaults; the environment may
override the sizes. Documented in README, "Betrieb".
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Processes per container; about 2 × CPU cores + 1. Threads let a worker answer other
# requests while one waits on PostgreSQL or Redis (gthread worker).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A request running longer than this kills its worker (heavy work belongs in Celery: the
# report, large imports); the reverse proxy's own read timeout must be longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Time a worker gets to finish its requests on a restart or deploy.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Keep-alive towards the reverse proxy on the same host.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then (bounded memory growth), staggered so they never all restart.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# Request line and headers: gunicorn's limits, named so that nobody raises them by accident.
limit_request_line = 8190
limit_request_fields = 100
# X-Forwarded-Proto is believed only from these addresses: the reverse proxy. In the
# container the proxy connects through Docker's bridge, hence "*" there together with the
# port bound to 127.0.0.1 (docker-compose.yml); see README on X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# The app itself logs JSON with the request id; gunicorn's own lines stay plain.
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
