# syntax=docker/dockerfile:1
# Production image of the Lippe Digital Portal: gunicorn serving lippe_portal.wsgi, static files
# through WhiteNoise. The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

# FORWARDED_ALLOW_IPS and WEB_CONCURRENCY are read by gunicorn.conf.py: the container sits
# behind the TLS-terminating reverse proxy, which sets X-Forwarded-Proto; its port is bound
# to 127.0.0.1 only (docker-compose.yml). XDG_CACHE_HOME gives fontconfig
# (WeasyPrint) a writable cache; the app directory is read-only for the app user.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=lippe_portal.settings.production \
    DJANGO_MEDIA_ROOT=/app/media \
    XDG_CACHE_HOME=/tmp/.cache \
    FORWARDED_ALLOW_IPS="*" \
    WEB_CONCURRENCY=3

# WeasyPrint needs Pango and HarfBuzz; DejaVu gives the PDFs a font with German glyphs.
# Not pinned: the bookworm security updates should come in with every rebuild.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 lippe \
    && useradd --system --uid 1000 --gid lippe --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin lippe

# Dependencies first, in their own layer: rebuilt only when pyproject.toml or the lock
# changes. The runtime dependencies of pyproject.toml, each at exactly the version of
# requirements.lock (constraints pin the whole tree: every package pip installs is in the
# lock, tests/core/test_betrieb.py checks that), so the image runs what CI tested; `pip
# check` fails the build on a broken set. (`packages = []`: installing the project installs
# its dependencies and nothing else.)
COPY pyproject.toml README.md requirements.lock /tmp/build/
RUN pip install --constraint /tmp/build/requirements.lock /tmp/build \
    && pip check \
    && rm -rf /tmp/build

WORKDIR /app
COPY . .

# Static files are collected into the image (hashed names, compressed) with a throwaway key;
# nothing here touches a database.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret DJANGO_ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/media \
    && chown lippe:lippe /app/media

# Numeric, so that orchestrators can check it is not root (1000 = lippe).
USER 1000:1000
EXPOSE 8000

# Workers, threads and timeouts: gunicorn.conf.py (README, "Betrieb").
CMD ["gunicorn", "--config", "gunicorn.conf.py", "lippe_portal.wsgi"]
