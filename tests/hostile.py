"""Hostile and random input for property-based form tests (hypothesis)."""

from __future__ import annotations

from hypothesis import strategies as st

from core.locking import VersionFormMixin

BOESE = [
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "'; DROP TABLE massnahmen_massnahme; --",
    "%",
    "%00",
    "\x00",
    "\u202e",
    "😀" * 10,
    "x" * 10_000,
    "-1",
    "0",
    "101",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 40,
    "1,5",
    "1.5",
    "245.000,00 €",
    "2026-02-30",
    "31.12.2026",
    "0000-00-00",
    "../../etc/passwd",
    '=HYPERLINK("http://x")',
    "true",
    "null",
    "[]",
    "{}",
]

werte = st.one_of(st.sampled_from(BOESE), st.text(max_size=300), st.integers().map(str))


def formulardaten(felder: list[str]):
    """A dict over `felder` with hostile or random values (some fields left out)."""
    return st.fixed_dictionaries({}, optional={feld: werte for feld in felder})


def felder_von(formular, *formsets) -> list[str]:
    """Every field a browser posts to `formular` – its declared fields, the hidden `version`
    of the optimistic lock, and per inline formset the management fields and the fields of
    its first form (with id and DELETE) – taken from the form classes themselves, so a field
    added to a form is attacked without anyone remembering to list it."""
    felder = list(formular.base_fields)
    if issubclass(formular, VersionFormMixin) and "version" not in felder:
        felder.append("version")  # the mixin adds it in __init__
    for formset in formsets:
        prefix = formset.get_default_prefix()
        felder += [f"{prefix}-TOTAL_FORMS", f"{prefix}-INITIAL_FORMS"]
        eigene = [*formset.form.base_fields, "id", *(["DELETE"] if formset.can_delete else [])]
        felder += [f"{prefix}-0-{name}" for name in eigene]
    return felder
