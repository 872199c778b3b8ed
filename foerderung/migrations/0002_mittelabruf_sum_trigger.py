"""On PostgreSQL, a trigger makes "drawdowns never exceed the granted amount" a database
guarantee: it locks the Bescheid row, so two concurrent drawdowns are serialised."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION foerderung_mittelabruf_check_sum() RETURNS trigger AS $$
DECLARE
    granted numeric;
    total numeric;
BEGIN
    SELECT bewilligter_betrag INTO granted FROM foerderung_foerderbescheid
        WHERE id = NEW.bescheid_id FOR UPDATE;
    SELECT COALESCE(SUM(betrag), 0) INTO total FROM foerderung_mittelabruf
        WHERE bescheid_id = NEW.bescheid_id AND id IS DISTINCT FROM NEW.id;
    IF total + NEW.betrag > granted THEN
        RAISE EXCEPTION 'Mittelabrufe übersteigen den bewilligten Betrag (% + % > %)',
            total, NEW.betrag, granted USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS foerderung_mittelabruf_sum ON foerderung_mittelabruf;
CREATE TRIGGER foerderung_mittelabruf_sum
    BEFORE INSERT OR UPDATE OF betrag, bescheid_id ON foerderung_mittelabruf
    FOR EACH ROW EXECUTE FUNCTION foerderung_mittelabruf_check_sum();
"""

DROP = """
DROP TRIGGER IF EXISTS foerderung_mittelabruf_sum ON foerderung_mittelabruf;
DROP FUNCTION IF EXISTS foerderung_mittelabruf_check_sum();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("foerderung", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
