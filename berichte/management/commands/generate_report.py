"""`python manage.py generate_report --kreis 05766 --quartal 2026-Q3 --output bericht.pdf`"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from berichte.pdf import STANDARD_VARIANTE, VARIANTEN
from berichte.services import bericht_pdf
from core.quartal import Quartal
from kommunen.models import Kreis


class Command(BaseCommand):
    help = (
        "Erstellt den Quartalsbericht eines Kreises synchron als PDF-Datei (derselbe Dienst "
        "wie im Portal, ohne Datensatz und ohne Quartalsabschluss)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kreis", required=True, help="AGS des Kreises, z. B. 05766")
        parser.add_argument("--quartal", required=True, help="Quartal, z. B. 2026-Q3")
        parser.add_argument("--output", required=True, help="Pfad der PDF-Datei")
        parser.add_argument(
            "--variant",
            choices=VARIANTEN,
            default=STANDARD_VARIANTE,
            help="pdf/ua-1 (barrierefrei, Standard) oder pdf/a-3b (E-Akte)",
        )

    def handle(self, *args, **options):
        kreis = Kreis.objects.filter(ags=options["kreis"]).first()
        if kreis is None:
            raise CommandError(f"Kreis mit AGS {options['kreis']} nicht gefunden.")
        try:
            quartal = Quartal.parse(options["quartal"])
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        ziel = Path(options["output"])
        if not ziel.parent.is_dir():
            raise CommandError(f"Verzeichnis {ziel.parent} gibt es nicht.")
        pdf = bericht_pdf(kreis=kreis, quartal=quartal, variante=options["variant"])
        ziel.write_bytes(pdf.inhalt)
        self.stdout.write(f"{ziel.resolve()}: {pdf.seiten} Seiten ({options['variant']})")
