#!/usr/bin/env bash
# Restore a backup written by scripts/backup.sh into the configured database and media
# folder (the same two ways as there: directly, or inside the Docker Compose services).
#
#   scripts/restore.sh backups/lippe-portal-2026-11-23T0600.tar.gz    (or: make restore FILE=…)
#
# The database is replaced (pg_restore --clean --if-exists, in one transaction: on an error
# nothing is changed), then the media folder is emptied and filled from the archive. It asks
# before it changes anything; RESTORE_JA=1 answers yes (for scripts). Under Docker Compose
# web, worker and beat are stopped meanwhile and started again afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/sicherung-gemeinsam.sh
source scripts/sicherung-gemeinsam.sh

archiv=${1:-}
if [ -z "$archiv" ] || [ ! -f "$archiv" ]; then
    echo "Bitte die Sicherung angeben: make restore FILE=backups/lippe-portal-….tar.gz" >&2
    exit 2
fi

arbeit=$(mktemp -d)
trap 'rm -rf "$arbeit"' EXIT
tar -C "$arbeit" -xzf "$archiv"
if [ ! -s "$arbeit/datenbank.dump" ] || [ ! -d "$arbeit/media" ]; then
    echo "$archiv ist keine Sicherung des Portals (datenbank.dump oder media/ fehlt)." >&2
    exit 2
fi
# A damaged dump is noticed here, before anything is dropped. Under Docker Compose the host
# need not have the PostgreSQL client tools: the postgres container reads it.
dump_lesbar() {
    if compose_modus; then
        docker compose exec -T postgres pg_restore --list < "$arbeit/datenbank.dump"
    else
        pg_restore --list "$arbeit/datenbank.dump"
    fi
}
dump_lesbar > /dev/null 2>&1 || {
    echo "Die Datenbanksicherung in $archiv ist nicht lesbar." >&2
    exit 2
}

if compose_modus; then
    ziel="die Datenbank im Dienst postgres und das Volume media (Docker Compose)"
else
    url=$(postgres_url)
    media=$(media_root)
    ziel="die Datenbank $(db_name "$url") und den Ordner $media"
fi
echo "Sicherung vom $(sed -n 's/^erstellt: //p' "$arbeit/INFO") ersetzt $ziel."
if [ "${RESTORE_JA:-}" != "1" ]; then
    if [ ! -t 0 ]; then
        echo "Abgebrochen: ohne Rückfrage nur mit RESTORE_JA=1." >&2
        exit 2
    fi
    read -r -p "Fortfahren? [j/N] " antwort
    [[ "$antwort" =~ ^[jJyY] ]] || { echo "Abgebrochen."; exit 1; }
fi

RESTORE_OPTIONEN=(--clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error)
if compose_modus; then
    echo "==> web, worker und beat anhalten"
    docker compose stop web worker beat
    trap 'rm -rf "$arbeit"; docker compose start web worker beat' EXIT
    echo "==> Datenbank wiederherstellen"
    docker compose exec -T postgres sh -c \
        "pg_restore ${RESTORE_OPTIONEN[*]} -U \"\$POSTGRES_USER\" -d \"\$POSTGRES_DB\"" \
        < "$arbeit/datenbank.dump"
    echo "==> Dateien wiederherstellen"
    tar -C "$arbeit/media" -cf - . | docker compose run --rm --no-deps -T web \
        sh -c 'find /app/media -mindepth 1 -delete && tar -C /app/media -xf -'
else
    echo "==> Datenbank wiederherstellen"
    pg_restore "${RESTORE_OPTIONEN[@]}" --dbname="$url" "$arbeit/datenbank.dump"
    echo "==> Dateien wiederherstellen"
    mkdir -p "$media"
    find "$media" -mindepth 1 -delete
    cp -a "$arbeit/media/." "$media/"
fi
echo "Wiederhergestellt aus $archiv."
