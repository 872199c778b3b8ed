#!/usr/bin/env bash
# Backup of the Lippe Digital Portal: ONE dated archive with a consistent PostgreSQL dump
# (pg_dump custom format, one snapshot) and all media files (uploaded documents, reports).
#
#   scripts/backup.sh                 (or: make backup)
#
# Writes $BACKUP_DIR/lippe-portal-<YYYY-MM-DDTHHMM>.tar.gz (default BACKUP_DIR=backups),
# readable by its owner only, and prints its path. Restore with scripts/restore.sh.
#
# Two ways to reach the data, chosen automatically:
# - directly: DATABASE_URL (environment or .env) points at PostgreSQL, pg_dump is
#   installed here, DJANGO_MEDIA_ROOT (default ./media) is the media folder;
# - Docker Compose (the production shape): DATABASE_URL names the host `postgres`, the
#   compose service, or BACKUP_COMPOSE=1. pg_dump then runs inside the postgres container
#   and the media come out of the `media` volume through the web image.
# SQLite is refused: for the laptop database run `sqlite3 db.sqlite3 ".backup kopie.sqlite3"`
# and copy media/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/sicherung-gemeinsam.sh
source scripts/sicherung-gemeinsam.sh

umask 077
ziel_ordner=${BACKUP_DIR:-backups}
mkdir -p "$ziel_ordner"
arbeit=$(mktemp -d "${ziel_ordner}/.backup-XXXXXX")
trap 'rm -rf "$arbeit"' EXIT
mkdir "$arbeit/media"

# 1. The database first: files referenced by the dump exist then (uploads are never
#    changed in place, and a file deleted in between is the rare exception).
if compose_modus; then
    echo "==> Datenbank sichern (Docker Compose, Dienst postgres)"
    docker compose exec -T postgres sh -c 'pg_dump -Fc -U "$POSTGRES_USER" -d "$POSTGRES_DB"' \
        > "$arbeit/datenbank.dump"
    echo "==> Dateien sichern (Volume media)"
    docker compose run --rm --no-deps -T web tar -C /app/media -cf - . | tar -C "$arbeit/media" -xf -
else
    url=$(postgres_url)
    echo "==> Datenbank sichern ($(db_name "$url"))"
    pg_dump -Fc --dbname="$url" --file="$arbeit/datenbank.dump"
    media=$(media_root)
    echo "==> Dateien sichern ($media)"
    if [ -d "$media" ]; then
        cp -a "$media/." "$arbeit/media/"
    fi
fi

{
    echo "erstellt: $(date --iso-8601=seconds)"
    echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unbekannt)"
    echo "dateien: $(find "$arbeit/media" -type f | wc -l)"
    echo "datenbank-bytes: $(stat -c %s "$arbeit/datenbank.dump")"
} > "$arbeit/INFO"

name="lippe-portal-$(date +%Y-%m-%dT%H%M)"
if [ -e "$ziel_ordner/$name.tar.gz" ]; then
    name="$name$(date +%S)"
fi
tar -C "$arbeit" -czf "$arbeit/archiv.tar.gz" INFO datenbank.dump media
mv "$arbeit/archiv.tar.gz" "$ziel_ordner/$name.tar.gz"
echo "Sicherung geschrieben: $ziel_ordner/$name.tar.gz ($(du -h "$ziel_ordner/$name.tar.gz" | cut -f1))"
