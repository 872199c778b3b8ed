"""One form field in KERN style, rendered in Python (`{% formularfeld %}`, issue 19).

The markup of `templates/includes/form_field.html` (its comment documents it), built here
because every form of the portal renders each field through it: on a list page's filter
form the template engine spent more time on the dozen fields' wrappers than on the widgets
themselves. `tests/core/test_formularfeld.py` holds the former template and checks the
same bytes come out for every kind of field.
"""

from __future__ import annotations

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

OPTIONAL = ' <span class="kern-label__optional">– optional</span>'
AUSWAHL = ("select", "nullbooleanselect", "selectmultiple")


def _errors(field, fehler) -> str:
    """includes/field_errors.html"""
    if not fehler:
        return "\n"
    texte = "<br>".join(
        f'<span class="kern-sr-only">Fehler: </span>{conditional_escape(f)}' for f in fehler
    )
    return (
        f'\n  <div class="kern-error portal-field__error" id="{conditional_escape(field.auto_id)}_error">\n'
        '    <span class="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>\n'
        f'    <span class="kern-body">{texte}</span>\n'
        "  </div>\n\n"
    )


def _hilfe(field, klasse: str = "kern-hint portal-field__hint") -> str:
    return (
        f'<div class="{klasse}" id="{conditional_escape(field.auto_id)}_helptext">'
        f"{field.help_text}</div>"
    )


def formularfeld(field, label="", hilfe_unten=False) -> SafeString:
    """The field with its label, help text and errors, as form_field.html describes: the
    same bytes as that template's former body (whitespace included, so that a page's
    content and its ETag stay what they were)."""
    if field.is_hidden:
        return mark_safe(f"\n{conditional_escape(field)}")
    typ = field.widget_type
    beschriftung = conditional_escape(label or field.label)
    fehler = field.errors
    widget = conditional_escape(field)
    optional = "" if field.field.required else OPTIONAL
    hilfe = _hilfe(field) if field.help_text else ""
    if typ == "checkbox":
        inhalt = (
            f'\n  <div class="kern-form-check portal-field portal-field--check'
            f'{" kern-form-check--error" if fehler else ""}">\n'
            f"    {widget}\n"
            f'    <label class="kern-label" for="{conditional_escape(field.id_for_label)}">'
            f"{beschriftung}</label>\n"
            f"    {hilfe}\n"
            f"    {_errors(field, fehler)}\n"
            "  </div>\n"
        )
    elif field.use_fieldset:
        beschrieben = field.aria_describedby
        beschrieben = (
            f' aria-describedby="{conditional_escape(beschrieben)}"' if beschrieben else ""
        )
        inhalt = (
            f'\n  <fieldset class="kern-fieldset portal-field'
            f'{" kern-fieldset--error" if fehler else ""}"{beschrieben}>\n'
            f'    <legend class="kern-label">{beschriftung}{optional}</legend>\n'
            f"    {hilfe}\n"
            f'    <div class="kern-fieldset__body portal-field__choices">{widget}</div>\n'
            f"    {_errors(field, fehler)}\n"
            "  </fieldset>\n"
        )
    else:
        if typ in AUSWAHL:
            eingabe = f'\n      <div class="kern-form-input__select-wrapper">{widget}</div>\n    '
        else:
            eingabe = f"\n      {widget}\n    "
        unten = (
            _hilfe(field, "kern-hint portal-field__hint portal-field__hint--unten")
            if hilfe and hilfe_unten
            else ""
        )
        inhalt = (
            f'\n  <div class="kern-form-input portal-field'
            f'{" kern-form-input--error" if fehler else ""}">\n'
            f'    <label class="kern-label" for="{conditional_escape(field.id_for_label)}">'
            f"{beschriftung}{optional}</label>\n"
            f"    {'' if hilfe_unten else hilfe}\n"
            f"    {eingabe}\n"
            f"    {unten}\n"
            f"    {_errors(field, fehler)}\n"
            "  </div>\n"
        )
    return mark_safe(f"\n\n\n{inhalt}\n\n")
