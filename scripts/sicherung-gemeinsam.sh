# Shared by scripts/backup.sh and scripts/restore.sh (sourced, not run).

# env_wert NAME: the variable from the environment, else from .env (as django-environ does).
env_wert() {
    local name=$1
    if [ -n "${!name:-}" ]; then
        printf '%s' "${!name}"
    elif [ -f .env ]; then
        sed -n "s/^${name}=//p" .env | tail -n 1 | sed -e 's/^["'\'']//' -e 's/["'\'']$//'
    fi
}

# The DATABASE_URL as libpq understands it; refuses SQLite and unknown schemes.
postgres_url() {
    local url
    url=$(env_wert DATABASE_URL)
    case "$url" in
        postgres://* | postgresql://* | pgsql://* | psql://*)
            printf 'postgresql://%s' "${url#*://}"
            ;;
        "" | sqlite:*)
            echo "Sicherung und Wiederherstellung gibt es für PostgreSQL (DATABASE_URL=postgres://…)." >&2
            echo "Diese Installation nutzt SQLite. Sichern Sie dann die Datei selbst:" >&2
            echo "  sqlite3 db.sqlite3 \".backup sicherung.sqlite3\"  und den Ordner media/ kopieren." >&2
            exit 2
            ;;
        *)
            echo "DATABASE_URL mit unbekanntem Schema: ${url%%://*}" >&2
            exit 2
            ;;
    esac
}

db_name() {
    local name=${1##*/}
    printf '%s' "${name%%\?*}"
}

media_root() {
    local media
    media=$(env_wert DJANGO_MEDIA_ROOT)
    printf '%s' "${media:-media}"
}

# True when the data lives in the Docker Compose services (see docker-compose.yml).
compose_modus() {
    case "${BACKUP_COMPOSE:-auto}" in
        1 | ja | true) return 0 ;;
        0 | nein | false) return 1 ;;
    esac
    local url
    url=$(env_wert DATABASE_URL)
    [[ "$url" =~ ^[a-z]+://([^@/]*@)?postgres(:[0-9]+)?/ ]] && command -v docker > /dev/null
}
