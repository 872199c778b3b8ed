"""`manage.py kreis_einrichten --kreis 05758 --personen personen.csv [--probelauf]`.

Creates the Mitgliedschaften of a Kreis's people from a CSV list (`kommunen.services`) and
invites every new person by e-mail (`benachrichtigungen.zugaenge`, on the one mail path: it
lives here because the mail does, and kommunen sits below this app). The list is checked as
a whole first: one bad row and nothing is created; each bad row is named with its line
number.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from benachrichtigungen.zugaenge import send_zugang
from kommunen.models import Kreis
from kommunen.services import ListeFehlerhaft, set_up_kreis


class Command(BaseCommand):
    help = (
        "Legt die Zugänge eines Kreises aus einer CSV-Liste an (Spalten E-Mail, Name, Kommune "
        "– AGS oder „Kreis“ –, Rolle) und lädt jede neue Person per E-Mail ein."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kreis", required=True, help="AGS des Kreises, z. B. 05758.")
        parser.add_argument(
            "--personen", required=True, help="CSV-Datei (UTF-8 oder Excel, ; oder ,)."
        )
        parser.add_argument(
            "--probelauf",
            "--dry-run",
            dest="probelauf",
            action="store_true",
            help="Nur zeigen, was geschähe: nichts speichern, keine E-Mail verschicken.",
        )

    def handle(self, *args, **options):
        ags = options["kreis"].strip()
        kreis = Kreis.objects.filter(pk=ags).first()
        if kreis is None:
            raise CommandError(
                f"Einen Kreis mit dem AGS {ags} gibt es im Portal nicht. Neue Kreise kommen mit "
                "ihren Kommunen aus den Referenzdaten (data/reference/kreise.csv und "
                "kommunen.csv, dann manage.py load_reference_data)."
            )
        pfad = Path(options["personen"])
        try:
            inhalt = pfad.read_bytes()
        except OSError as error:
            raise CommandError(
                f"Die Datei {pfad} lässt sich nicht lesen ({error.strerror})."
            ) from error
        probelauf = options["probelauf"]
        try:
            ergebnis = set_up_kreis(kreis=kreis, inhalt=inhalt, probelauf=probelauf)
        except ListeFehlerhaft as fehler:
            zeilen = "\n".join(f"  {meldung}" for meldung in fehler.fehler)
            raise CommandError(
                f"Die Liste hat Fehler; es wurde nichts angelegt und keine E-Mail verschickt:\n"
                f"{zeilen}"
            ) from fehler

        if not probelauf:
            send_zugang(kreis=kreis, ergebnis=ergebnis)
        for eintrag in ergebnis.eintraege:
            if eintrag.mitgliedschaft_vorhanden:
                was = "besteht bereits, nichts zu tun"
            elif eintrag.person_vorhanden:
                was = "vorhandene Person, neue Rolle"
            else:
                was = "neue Person"
            self.stdout.write(
                f"Zeile {eintrag.zeile}: {eintrag.email} ({eintrag.vorname} {eintrag.nachname}) "
                f"– {eintrag.rolle_text}: {was}"
            )
        zahlen = (
            f"{ergebnis.personen_neu} neue Person(en), {ergebnis.mitgliedschaften_neu} neue "
            f"Mitgliedschaft(en), {len(ergebnis.mails)} E-Mail(s)"
        )
        if probelauf:
            self.stdout.write(
                f"Probelauf {kreis.genitiv}: {zahlen} – würden angelegt bzw. verschickt. "
                "Es wurde nichts gespeichert und keine E-Mail verschickt."
            )
            return
        self.stdout.write(self.style.SUCCESS(f"{kreis.bezeichnung} eingerichtet: {zahlen}."))
        if ergebnis.mail_fehler:
            raise CommandError(
                "Diese E-Mails ließen sich nicht verschicken (die Zugänge sind angelegt; die "
                "Personen können über „Passwort vergessen?“ ein Passwort festlegen):\n"
                + "\n".join(f"  {f}" for f in ergebnis.mail_fehler)
            )
