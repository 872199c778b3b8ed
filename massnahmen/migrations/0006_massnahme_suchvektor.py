"""Stored German search vector of a Maßnahme with a GIN index, and trigram indexes for the
substring part of the search (issue 19, point 3). PostgreSQL only: on SQLite the column
stays NULL and core.search matches substrings."""

import django.contrib.postgres.search
from django.db import migrations

VEKTOR = (
    "setweight(to_tsvector('german'::regconfig, COALESCE(NEW.titel, '')), 'A') || "
    "setweight(to_tsvector('german'::regconfig, COALESCE(NEW.beschreibung, '')), 'B')"
)

VORWAERTS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""
    CREATE OR REPLACE FUNCTION massnahmen_massnahme_suchvektor() RETURNS trigger AS $$
    BEGIN
        NEW.suchvektor := {VEKTOR};
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER massnahmen_massnahme_suchvektor
    BEFORE INSERT OR UPDATE OF titel, beschreibung ON massnahmen_massnahme
    FOR EACH ROW EXECUTE FUNCTION massnahmen_massnahme_suchvektor()
    """,
    # Fill the vector of the rows that exist (the trigger fires on UPDATE OF titel).
    "UPDATE massnahmen_massnahme SET titel = titel",
    "CREATE INDEX massnahmen_massnahme_suchvektor_gin "
    "ON massnahmen_massnahme USING gin (suchvektor)",
    # Django's `icontains` is `UPPER(col::text) LIKE UPPER(%s)`: index that expression.
    "CREATE INDEX massnahmen_massnahme_titel_trgm "
    "ON massnahmen_massnahme USING gin ((UPPER(titel::text)) gin_trgm_ops)",
    "CREATE INDEX massnahmen_massnahme_beschreibung_trgm "
    "ON massnahmen_massnahme USING gin ((UPPER(beschreibung::text)) gin_trgm_ops)",
]
RUECKWAERTS = [
    "DROP INDEX IF EXISTS massnahmen_massnahme_beschreibung_trgm",
    "DROP INDEX IF EXISTS massnahmen_massnahme_titel_trgm",
    "DROP INDEX IF EXISTS massnahmen_massnahme_suchvektor_gin",
    "DROP TRIGGER IF EXISTS massnahmen_massnahme_suchvektor ON massnahmen_massnahme",
    "DROP FUNCTION IF EXISTS massnahmen_massnahme_suchvektor()",
]


def _nur_postgresql(statements):
    def ausfuehren(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return ausfuehren


class Migration(migrations.Migration):
    dependencies = [("massnahmen", "0005_importlauf_pruefung")]

    operations = [
        migrations.AddField(
            model_name="massnahme",
            name="suchvektor",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(_nur_postgresql(VORWAERTS), _nur_postgresql(RUECKWAERTS)),
    ]
