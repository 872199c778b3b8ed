"""`manage.py seed_demo`: demo data for the seven OWL Kreise on top of the reference data
(every Kreis from data/demo/, read by the apps' demo.py).

Refuses to run with DEBUG off unless `--force` (it creates accounts with a published
password). Loads the reference data first, then calls `<app>/demo.py: seed(stdout)` for
every installed app that has one, in INSTALLED_APPS order, all in one transaction.
Idempotent: the hooks identify their rows by natural keys and write only what differs.
All dates are relative to today, so the demo never goes stale.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.stichtag import past_changed

from .load_reference_data import find_hooks

HOOK_MODULE = "demo"
HOOK_FUNCTION = "seed"
SUMMARY_FUNCTION = "summary"


class Command(BaseCommand):
    help = (
        "Legt Demodaten für die sieben OWL-Kreise an (Demo-Zugänge, Maßnahmen, Förderbescheide, "
        "Workshops, OZG-Umsetzungsstände). Läuft nur mit DEBUG=True oder mit --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch bei DEBUG=False ausführen (legt Konten mit bekanntem Passwort an!).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Demodaten werden nur mit DEBUG=True angelegt, weil dabei Zugänge mit einem "
                "öffentlich bekannten Passwort entstehen. Wer das auf diesem System wirklich "
                "will, ruft den Befehl mit --force auf."
            )
        start = time.monotonic()
        verbosity = options["verbosity"]
        with transaction.atomic():
            call_command(
                "load_reference_data", stdout=self.stdout, stderr=self.stderr, verbosity=verbosity
            )
            for label, seed in find_hooks(HOOK_MODULE, HOOK_FUNCTION):
                if verbosity >= 2:
                    self.stdout.write(f"Demodaten: {label} …")
                seed(self.stdout)
        # The demo data date much of their history back: cached figures of ended quarters go.
        past_changed()
        if verbosity < 1:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodaten für die Region Ostwestfalen-Lippe sind angelegt ({time.monotonic() - start:.1f} s)."
            )
        )
        # Optional `summary() -> list[str]` in a demo module: lines for the closing summary.
        for _label, summary in find_hooks(HOOK_MODULE, SUMMARY_FUNCTION):
            for line in summary():
                self.stdout.write(line)
