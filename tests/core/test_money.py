"""German money input: what people type in a German administration, and nothing else."""

from decimal import Decimal

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from core.formatting import deutsche_zahl
from core.money import EuroField, ProzentField


class BetragForm(forms.Form):
    betrag = EuroField(label="Betrag", min_value=Decimal("0.01"))


def fehler(wert: str) -> list[str]:
    form = BetragForm(data={"betrag": wert})
    assert not form.is_valid()
    return form.errors["betrag"]


@pytest.mark.parametrize(
    ("eingabe", "erwartet"),
    [
        ("245.000,00", "245000.00"),
        ("245000", "245000.00"),
        ("245.000 €", "245000.00"),
        ("245.000,00 €", "245000.00"),
        ("245.000,00€", "245000.00"),
        ("245000,5", "245000.50"),
        ("1.245.000,99", "1245000.99"),
        ("0,01", "0.01"),
        ("  12.500 EUR ", "12500.00"),
        ("12.500\u00a0€", "12500.00"),
        ("9.999.999.999,99", "9999999999.99"),
    ],
)
def test_accepts_german_notation(eingabe, erwartet):
    form = BetragForm(data={"betrag": eingabe})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["betrag"] == Decimal(erwartet)
    assert form.cleaned_data["betrag"].as_tuple().exponent == -2


@pytest.mark.parametrize(
    "eingabe",
    [
        "245,000.00",  # English notation
        "1.2.3",
        "abc",
        "245000.00",  # a dot is never a decimal separator here
        "245.00",
        "24.50,00",  # groups of three only
        "1 000",  # no spaces inside the number
        "1,",
        ",5",
        "12e3",
        "0x10",
        "Infinity",
        "NaN",
        "٣٤٥",  # Arabic-Indic digits
        "１２３",  # full-width digits
        "€ 245.000",  # the unit goes after the number
        "245.000 $",
    ],
)
def test_refuses_everything_else_with_a_german_message(eingabe):
    assert fehler(eingabe) == [
        "Bitte geben Sie eine Zahl in deutscher Schreibweise ein, z. B. 245.000,00."
    ]


def test_refuses_negative_amounts():
    assert fehler("-5") == ["Negative Werte sind nicht zulässig."]
    assert fehler("\u2212245.000,00 €") == ["Negative Werte sind nicht zulässig."]


def test_refuses_more_than_two_decimals():
    assert fehler("245000,001") == ["Bitte geben Sie höchstens 2 Nachkommastellen an."]
    assert fehler("1,234") == ["Bitte geben Sie höchstens 2 Nachkommastellen an."]


def test_refuses_zero_and_huge_amounts():
    assert fehler("0") == ["Der Betrag muss größer als 0 € sein."]
    assert fehler("10.000.000.000") == ["Der Betrag ist zu groß (höchstens 9.999.999.999,99 €)."]


def test_refuses_overlong_input_without_parsing_it():
    assert fehler("1" * 10_000) == [
        "Bitte geben Sie eine Zahl in deutscher Schreibweise ein, z. B. 245.000,00."
    ]


def test_empty_input_is_required_or_none():
    assert fehler("   ") == ["Dieses Feld ist zwingend erforderlich."]
    field = EuroField(required=False)
    assert field.clean("") is None


def test_renders_stored_values_german_style():
    form = BetragForm(initial={"betrag": Decimal("245000")})
    html = str(form["betrag"])
    assert 'value="245.000,00"' in html
    assert 'inputmode="decimal"' in html
    assert 'type="text"' in html


def test_bound_input_is_shown_back_as_typed():
    form = BetragForm(data={"betrag": "245,000.00"})
    assert 'value="245,000.00"' in str(form["betrag"])


def test_unchanged_value_is_not_reported_as_change():
    form = BetragForm(data={"betrag": "245.000,00 €"}, initial={"betrag": Decimal("245000")})
    assert not form.has_changed()


def test_percentages():
    field = ProzentField(min_value=Decimal("0.01"), max_value=Decimal("100"))
    assert field.clean("90") == Decimal("90.00")
    assert field.clean("90,5 %") == Decimal("90.50")
    with pytest.raises(forms.ValidationError) as error:
        field.clean("100,01")
    assert error.value.messages == ["Bitte geben Sie höchstens 100,00 % an."]
    with pytest.raises(forms.ValidationError) as error:
        field.clean("0")
    assert error.value.messages == ["Bitte geben Sie mindestens 0,01 % an."]


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2))
def test_what_the_portal_shows_it_reads_back(betrag):
    from core.formatting import euro, zahl

    assert deutsche_zahl(zahl(betrag, 2)) == betrag
    assert deutsche_zahl(euro(betrag), einheiten=("€",)) == betrag


@given(st.text(max_size=60))
def test_never_crashes_on_any_text(text):
    form = BetragForm(data={"betrag": text})
    if form.is_valid():
        assert form.cleaned_data["betrag"] > 0
    else:
        assert form.errors["betrag"]
