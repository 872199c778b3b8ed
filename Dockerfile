# syntax=docker/dockerfile:1
# Production image of the Lippe Digital Portal: gunicorn serving lippe_portal.wsgi, static files
# through WhiteNoise. The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

# FORWARDED_ALLOW_IPS and WEB_CONCURRENCY are gunicorn's: the container sits behind the
# TLS-terminating reverse proxy, which sets X-Forwarded-Proto. XDG_CACHE_HOME gives fontconfig
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

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
# (`packages = []`: installing the project installs its dependencies and nothing else.)
COPY pyproject.toml README.md /tmp/build/
RUN pip install /tmp/build && rm -rf /tmp/build

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

CMD ["gunicorn", "lippe_portal.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
