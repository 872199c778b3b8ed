"""The import reads an amount exactly as the form does (issue 20, point 3): what the form
refuses as ambiguous (`12.50`, `245,000.00`) the import must not store as 12,50 € or
245,00000 €, and both accept the German notation the export writes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from core.formatting import zahl
from massnahmen.exports import SPALTEN, csv_wert
from massnahmen.forms import MassnahmeForm
from massnahmen.imports import Ungueltig, betrag

FORMULAR = MassnahmeForm.base_fields["budget"]


def _formular(text: str):
    try:
        return True, FORMULAR.clean(text)
    except ValidationError as fehler:
        return False, fehler.messages[0]


def _import(text: str):
    try:
        return True, betrag(text)
    except Ungueltig as fehler:
        return False, str(fehler)


@pytest.mark.parametrize(
    "text",
    ["12.50", "245,000.00", "1.2.3", "12,5,0", "1.23,00", "12,345", "-5", "5 Dollar", "1e3"],
)
def test_the_import_refuses_what_the_form_refuses(text):
    assert _formular(text)[0] is False
    ok, meldung = _import(text)
    assert ok is False, f"the import stored {text!r} as {meldung}"
    assert meldung  # a German message for the error list


@pytest.mark.parametrize(
    ("text", "wert"),
    [
        ("245.000,00", "245000.00"),
        ("245000", "245000.00"),
        ("245.000 €", "245000.00"),
        ("1.234,5", "1234.50"),
        ("12500,00 EUR", "12500.00"),
        ("1.234.567", "1234567.00"),
    ],
)
def test_the_import_reads_german_amounts_like_the_form(text, wert):
    assert _formular(text) == (True, Decimal(wert))
    assert _import(text) == (True, Decimal(wert))


@given(
    st.text(alphabet="0123456789.,- €EURo\u00a0", max_size=14),
)
@example("12.50")
@example("245,000.00")
@example("0,001")
def test_import_and_form_accept_and_refuse_the_same_strings(text):
    form_ok, form_wert = _formular(text)
    import_ok, import_wert = _import(text)
    if not text.strip():
        assert import_wert is None and form_wert is None  # an empty cell is no amount
        return
    assert import_ok == form_ok, (text, form_wert, import_wert)
    if form_ok:
        assert import_wert == form_wert


@given(st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2))
def test_what_the_export_writes_the_import_reads_back(wert):
    budget = next(s for s in SPALTEN if s.feld == "budget")
    assert betrag(csv_wert(budget, wert)) == wert
    assert betrag(zahl(wert, 2)) == wert
