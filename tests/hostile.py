"""Hostile and random input for property-based form tests (hypothesis)."""

from __future__ import annotations

from hypothesis import strategies as st

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
