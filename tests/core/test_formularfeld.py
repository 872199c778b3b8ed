"""core.formularfeld renders includes/form_field.html in Python: the same bytes as the
template it replaced, for every kind of field the portal's forms have (with and without
label, help text, errors, optional or required)."""

from __future__ import annotations

import pytest
from django import forms
from django.template import engines
from django.utils.safestring import mark_safe

from core.formularfeld import formularfeld

# The body of includes/form_field.html before issue 19 (after its comment), the reference.
VORLAGE = """
{% if field.is_hidden %}{{ field }}{% else %}
{% with typ=field.widget_type beschriftung=label|default:field.label %}
{% if typ == "checkbox" %}
  <div class="kern-form-check portal-field portal-field--check{% if field.errors %} kern-form-check--error{% endif %}">
    {{ field }}
    <label class="kern-label" for="{{ field.id_for_label }}">{{ beschriftung }}</label>
    {% if field.help_text %}<div class="kern-hint portal-field__hint" id="{{ field.auto_id }}_helptext">{{ field.help_text|safe }}</div>{% endif %}
    {% include "includes/field_errors.html" %}
  </div>
{% elif field.use_fieldset %}
  <fieldset class="kern-fieldset portal-field{% if field.errors %} kern-fieldset--error{% endif %}"{% if field.aria_describedby %} aria-describedby="{{ field.aria_describedby }}"{% endif %}>
    <legend class="kern-label">{{ beschriftung }}{% if not field.field.required %} <span class="kern-label__optional">– optional</span>{% endif %}</legend>
    {% if field.help_text %}<div class="kern-hint portal-field__hint" id="{{ field.auto_id }}_helptext">{{ field.help_text|safe }}</div>{% endif %}
    <div class="kern-fieldset__body portal-field__choices">{{ field }}</div>
    {% include "includes/field_errors.html" %}
  </fieldset>
{% else %}
  <div class="kern-form-input portal-field{% if field.errors %} kern-form-input--error{% endif %}">
    <label class="kern-label" for="{{ field.id_for_label }}">{{ beschriftung }}{% if not field.field.required %} <span class="kern-label__optional">– optional</span>{% endif %}</label>
    {% if field.help_text and not hilfe_unten %}<div class="kern-hint portal-field__hint" id="{{ field.auto_id }}_helptext">{{ field.help_text|safe }}</div>{% endif %}
    {% if typ == "select" or typ == "nullbooleanselect" or typ == "selectmultiple" %}
      <div class="kern-form-input__select-wrapper">{{ field }}</div>
    {% else %}
      {{ field }}
    {% endif %}
    {% if field.help_text and hilfe_unten %}<div class="kern-hint portal-field__hint portal-field__hint--unten" id="{{ field.auto_id }}_helptext">{{ field.help_text|safe }}</div>{% endif %}
    {% include "includes/field_errors.html" %}
  </div>
{% endif %}
{% endwith %}
{% endif %}
"""


class Alles(forms.Form):
    titel = forms.CharField(label="Titel", max_length=200)
    suche = forms.CharField(
        label="Suche & Filter", required=False, help_text="Titel <em>und</em> Beschreibung"
    )
    anzahl = forms.IntegerField(label="Anzahl", required=False, min_value=0)
    status = forms.ChoiceField(label="Status", choices=[("", "alle"), ("a", "A"), ("b", "B")])
    mehrere = forms.MultipleChoiceField(
        label="Mehrere", required=False, choices=[("1", "Eins"), ("2", "Zwei")]
    )
    ja_nein = forms.NullBooleanField(label="Ja oder nein", required=False)
    zustimmung = forms.BooleanField(
        label="Ich stimme zu", help_text=mark_safe("<a href='#'>mehr</a>")
    )
    merken = forms.BooleanField(label="Angemeldet bleiben", required=False)
    art = forms.ChoiceField(
        label="Art",
        widget=forms.RadioSelect,
        choices=[("x", "X"), ("y", "Y")],
        help_text="Eine Art",
    )
    bereiche = forms.MultipleChoiceField(
        label="Bereiche",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("v", "Verwaltung"), ("m", "Mobilität")],
    )
    text = forms.CharField(label="Beschreibung", widget=forms.Textarea, required=False)
    datei = forms.FileField(label="Datei", required=False, help_text="PDF, höchstens 10 MB")
    versteckt = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        self.add_error("suche", "Zweiter Fehler <b>mit Zeichen</b>")
        self.add_error("art", "Bitte wählen.")
        return super().clean()


UNGUELTIG = {"titel": "", "suche": "x" * 3, "anzahl": "-1", "status": "z", "zustimmung": ""}
GUELTIG = {"titel": "Dorf-App", "status": "a", "zustimmung": "on", "art": "x", "anzahl": "3"}


def _formulare():
    yield "leer", Alles()
    yield "mit Fehlern", Alles(UNGUELTIG)
    yield "gültig", Alles(GUELTIG)
    yield "ohne auto_id", Alles(GUELTIG, auto_id=False)
    yield "mit Präfix", Alles(UNGUELTIG, prefix="filter")


@pytest.mark.parametrize("label", ["", "Eigene <Beschriftung>"])
@pytest.mark.parametrize("hilfe_unten", [False, True])
@pytest.mark.parametrize("name", list(Alles.base_fields))
def test_same_html_as_the_template(name, label, hilfe_unten):
    vorlage = engines["django"].from_string(VORLAGE)
    for beschreibung, form in _formulare():
        form.is_valid()
        field = form[name]
        erwartet = vorlage.render({"field": field, "label": label, "hilfe_unten": hilfe_unten})
        # The template file ends with a newline after its one tag.
        assert formularfeld(field, label, hilfe_unten) + "\n" == erwartet, beschreibung


def test_pages_render_their_fields_with_it():
    """form_field.html and form_fields.html both go through the Python code."""
    form = Alles(UNGUELTIG)
    form.is_valid()
    einzeln = (
        engines["django"]
        .from_string('{% include "includes/form_field.html" with field=feld %}')
        .render({"feld": form["suche"]})
    )
    assert einzeln == formularfeld(form["suche"]) + "\n"
    assert "Zweiter Fehler &lt;b&gt;mit Zeichen&lt;/b&gt;" in einzeln
    alle = (
        engines["django"]
        .from_string('{% include "includes/form_fields.html" with form=form %}')
        .render({"form": form})
    )
    for name in ("titel", "suche", "art", "bereiche"):
        assert formularfeld(form[name]) in alle
