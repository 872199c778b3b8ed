import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.formatting import euro, zahl
from core.quartal import Quartal


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 1), "2026-Q1"),
        (dt.date(2026, 3, 31), "2026-Q1"),
        (dt.date(2026, 7, 1), "2026-Q3"),
        (dt.date(2026, 12, 31), "2026-Q4"),
    ],
)
def test_quarter_of_a_date(day, expected):
    assert str(Quartal.from_date(day)) == expected


def test_quarter_arithmetic_and_bounds():
    q1 = Quartal.parse("2026-Q1")
    assert str(q1.previous()) == "2025-Q4"
    assert str(q1.previous(4)) == "2025-Q1"
    assert str(Quartal.parse("2025-Q4").next()) == "2026-Q1"
    assert q1.beginn == dt.date(2026, 1, 1)
    assert q1.ende == dt.date(2026, 3, 31)
    assert Quartal.parse("2026-Q4").ende == dt.date(2026, 12, 31)
    assert q1.label == "1. Quartal 2026"


@pytest.mark.parametrize("value", ["2026-Q5", "26-Q1", "2026Q1", "", "Q1-2026"])
def test_bad_quarter_is_refused_in_german(value):
    with pytest.raises(ValidationError) as error:
        Quartal.parse(value)
    assert "JJJJ-Qn" in error.value.messages[0]


def test_german_money_and_numbers():
    assert euro(Decimal("245000")) == "245.000,00\u00a0€"
    assert euro(Decimal("1234567.891")) == "1.234.567,89\u00a0€"
    assert zahl(349781) == "349.781"
    assert zahl(Decimal("12.5"), 1) == "12,5"
    assert euro(None) == "–"


def test_one_text_and_one_short_form_for_every_quarter():
    from core.quartal import quartal_kurz, quartal_text

    q3 = Quartal.parse("2026-Q3")
    assert q3.label == "3. Quartal 2026"
    assert q3.kurz == "Q3/2026"
    # the stored form from a model field reads the same as the value type
    assert quartal_text("2026-Q3") == "3. Quartal 2026"
    assert quartal_kurz("2026-Q3") == "Q3/2026"
    # already formatted or empty values pass through unchanged
    assert quartal_text("3. Quartal 2026") == "3. Quartal 2026"
    assert quartal_kurz(None) == ""


def test_template_filters_print_the_quarter_for_people():
    from django.template import Context, Template

    html = Template("{{ q|quartal }} · {{ q|quartal_kurz }} · {{ roh|quartal }}").render(
        Context({"q": Quartal(2026, 4), "roh": "2027-Q1"})
    )
    assert html == "4. Quartal 2026 · Q4/2026 · 1. Quartal 2027"
