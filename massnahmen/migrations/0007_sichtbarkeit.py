"""Issue 15, point 3: `sichtbarkeit` (Kreis / Region / öffentlich) replaces the yes/no field
`veroeffentlicht`. Existing Maßnahmen become Kreis-visible, published ones public; the
history rows are carried over the same way, so a past state still reads as it was."""

from django.db import migrations, models

CHOICES = [
    ("kreis", "Kreis – nur der eigene Kreis"),
    ("region", "Region – alle angemeldeten Nutzenden der Region"),
    ("oeffentlich", "öffentlich – auch auf der Transparenzseite"),
]


def _feld():
    return models.CharField(
        choices=CHOICES,
        default="kreis",
        help_text="Wer die Maßnahme außer dem eigenen Kreis lesen darf.",
        max_length=12,
        verbose_name="Sichtbarkeit",
    )


def vorwaerts(apps, schema_editor):
    for name in ("Massnahme", "HistoricalMassnahme"):
        model = apps.get_model("massnahmen", name)
        model.objects.filter(veroeffentlicht=True).update(sichtbarkeit="oeffentlich")


def rueckwaerts(apps, schema_editor):
    for name in ("Massnahme", "HistoricalMassnahme"):
        model = apps.get_model("massnahmen", name)
        model.objects.filter(sichtbarkeit="oeffentlich").update(veroeffentlicht=True)


class Migration(migrations.Migration):
    dependencies = [
        ("massnahmen", "0006_massnahme_suchvektor"),
    ]

    operations = [
        migrations.AddField(model_name="historicalmassnahme", name="sichtbarkeit", field=_feld()),
        migrations.AddField(model_name="massnahme", name="sichtbarkeit", field=_feld()),
        migrations.RunPython(vorwaerts, rueckwaerts),
        migrations.RemoveField(model_name="historicalmassnahme", name="veroeffentlicht"),
        migrations.RemoveField(model_name="massnahme", name="veroeffentlicht"),
    ]
