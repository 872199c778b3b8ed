"""core.renderer renders the hottest widget templates in Python: the same bytes as Django's
templates, for every kind of value and attribute a form of the portal uses."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from core.renderer import Renderer

GRUPPEN = [
    ("Lippe", [("05766020", "Detmold"), ("05766044", 'Lemgo & "Umland" <Alt>')]),
    ("Herford", [("05758012", "Herford")]),
]

WIDGETS = {
    "text": (forms.TextInput(attrs={"placeholder": 'z. B. "Akte" & <Rat>'}), "Akte"),
    "text leer": (forms.TextInput(attrs={"required": True, "disabled": False}), None),
    "search": (forms.TextInput(attrs={"type": "search", "class": "kern-form-input__input"}), "q"),
    "number": (forms.NumberInput(attrs={"min": 0, "max": 100, "step": "any"}), 40),
    "email": (forms.EmailInput(), "cdo@example.invalid"),
    "hidden": (forms.HiddenInput(), "05766"),
    "date": (forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), dt.date(2026, 9, 30)),
    "url": (forms.URLInput(), "https://example.invalid/?a=1&b=2"),
    "password": (forms.PasswordInput(), None),
    "select": (forms.Select(choices=[("", "alle"), ("rot", "rot"), ("gelb", "gelb")]), "rot"),
    "select ohne Wahl": (forms.Select(choices=[("", "---------"), (1, "Eins")]), None),
    "select Gruppen": (forms.Select(choices=GRUPPEN), "05766044"),
    "select mehrfach": (
        forms.SelectMultiple(choices=[(1, "Eins"), (2, "Zwei"), (3, "Drei")]),
        ["1", "3"],
    ),
    "null boolean": (forms.NullBooleanSelect(), True),
}


@pytest.mark.parametrize("name", WIDGETS)
def test_same_html_as_the_django_templates(name):
    widget, wert = WIDGETS[name]
    attrs = {"id": f"id_{name.replace(' ', '_')}", "aria-describedby": "x_helptext"}
    erwartet = widget.render("feld", wert, attrs=attrs, renderer=DjangoTemplates())
    assert widget.render("feld", wert, attrs=attrs, renderer=Renderer()) == erwartet


def test_other_templates_go_to_the_template_engine():
    widget = forms.RadioSelect(choices=[("a", "A"), ("b", "B")])
    assert widget.render("r", "a", renderer=Renderer()) == widget.render(
        "r", "a", renderer=DjangoTemplates()
    )


def test_the_portal_renders_its_forms_with_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "core.renderer.Renderer"
    assert isinstance(get_default_renderer(), Renderer)
