"""`manage.py load_reference_data`: load the reference data (Kreise, Kommunen, strategy,
OZG services, funding programmes) from `settings.REFERENCE_DATA_DIR`. Idempotent.

`core` knows no domain model, so the work is done by hooks: every installed app with a
module `<app>/reference.py` defining `load(stdout) -> dict[str, int]` is called, in
INSTALLED_APPS order (which is the dependency order), all inside one transaction.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from types import ModuleType

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.reference import AKTIONEN, CREATED, UNCHANGED, UPDATED

HOOK_MODULE = "reference"
HOOK_FUNCTION = "load"


def find_modules(module_name: str) -> list[tuple[str, ModuleType]]:
    """`(app label, module)` for every installed app that has a module `<app>.<module_name>`,
    in INSTALLED_APPS order. Errors inside such a module are not hidden."""
    modules = []
    for config in apps.get_app_configs():
        full_name = f"{config.name}.{module_name}"
        if importlib.util.find_spec(full_name) is not None:
            modules.append((config.label, importlib.import_module(full_name)))
    return modules


def find_hooks(module_name: str, function_name: str) -> list[tuple[str, Callable]]:
    """`(app label, function)` for every app whose `<app>.<module_name>` defines
    `function_name`, in INSTALLED_APPS order."""
    hooks = []
    for label, module in find_modules(module_name):
        function = getattr(module, function_name, None)
        if callable(function):
            hooks.append((label, function))
    return hooks


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Lädt die Referenzdaten (Kreise, Kommunen, Handlungsfelder, Lebensbereiche, "
        "OZG-Leistungen, Förderprogramme). Kann beliebig oft laufen; geändert wird nur, "
        "was von den Dateien abweicht."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        summen = dict.fromkeys(AKTIONEN, 0)
        with transaction.atomic():
            for _label, load in find_hooks(HOOK_MODULE, HOOK_FUNCTION):
                counts = load(self.stdout) or {}
                for modell, zeile in self._per_model(counts).items():
                    for aktion in AKTIONEN:
                        summen[aktion] += zeile[aktion]
                    if verbosity >= 2 or (verbosity >= 1 and (zeile[CREATED] or zeile[UPDATED])):
                        self.stdout.write(
                            f"  {modell}: {_number(zeile[CREATED])} neu angelegt, "
                            f"{_number(zeile[UPDATED])} aktualisiert, "
                            f"{_number(zeile[UNCHANGED])} unverändert"
                        )
        if verbosity < 1:
            return
        if not summen[CREATED] and not summen[UPDATED]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Referenzdaten sind aktuell – nichts geändert. "
                    f"{_number(summen[UNCHANGED])} Datensätze geprüft."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Referenzdaten geladen: {_number(summen[CREATED])} neu angelegt, "
                    f"{_number(summen[UPDATED])} aktualisiert, "
                    f"{_number(summen[UNCHANGED])} unverändert."
                )
            )

    @staticmethod
    def _per_model(counts: dict[str, int]) -> dict[str, dict[str, int]]:
        result: dict[str, dict[str, int]] = {}
        for key, n in counts.items():
            modell, _, aktion = key.rpartition(".")
            if aktion not in AKTIONEN:
                raise ValueError(
                    f"Unbekannte Zählung {key!r}; erwartet <Modell>.<{'|'.join(AKTIONEN)}>."
                )
            result.setdefault(modell, dict.fromkeys(AKTIONEN, 0))[aktion] += n
        return result
