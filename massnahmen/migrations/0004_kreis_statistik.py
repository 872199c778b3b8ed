"""PostgreSQL: a finer statistics target for massnahmen_massnahme.kreis_id.

Every page filters Maßnahmen by Kreis. With the default target (100) the planner knows only
the 100 most common Kreise and guesses the average for all others; at national scale (about
400 Kreise) a small Kreis is then estimated at hundreds of rows, and the planner picks
parallel scans and hashed subplans over the whole table where an index lookup of a few
rows would do (bench/dashboards.py: /region/ 2.8× slower than at demo scale before, at par
after). 1000 covers every Kreis in Germany. No schema change; nothing on other databases.
"""

from django.db import migrations

SPALTE = "ALTER TABLE massnahmen_massnahme ALTER COLUMN kreis_id SET STATISTICS {}"


def vorwaerts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SPALTE.format(1000))


def rueckwaerts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SPALTE.format(-1))


class Migration(migrations.Migration):
    dependencies = [
        ("massnahmen", "0003_importlauf"),
    ]

    operations = [migrations.RunPython(vorwaerts, rueckwaerts, elidable=False)]
