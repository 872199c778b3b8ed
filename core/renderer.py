"""The form renderer: Django's templates, with the two hottest widget templates in Python.

A list page's filter form renders about a dozen selects and inputs; through the template
engine each `<option>` is an `{% include %}` of its own, and on `/massnahmen/` the widgets
took about a third of the server time (issue 19). `select.html` and `input.html` (with the
input types that only include it) are rendered here to the same bytes as Django's
templates (`tests/core/test_renderer.py` compares them); every other template, and any
widget with a template or option template of its own, goes to the template engine.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

# Django's input widgets whose template is nothing but {% include "…/input.html" %}.
INPUT_VORLAGEN = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
    )
}
SELECT_VORLAGE = "django/forms/widgets/select.html"
OPTION_VORLAGE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    teile = []
    for name, wert in attrs.items():
        if wert is False:
            continue
        if wert is True:
            teile.append(f" {name}")
        else:
            teile.append(f' {name}="{conditional_escape(str(wert))}"')
    return "".join(teile)


def _input(widget: dict) -> str:
    wert = widget["value"]
    value = f' value="{conditional_escape(str(wert))}"' if wert is not None else ""
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _select(widget: dict) -> str | None:
    teile = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for gruppe, optionen, _index in widget["optgroups"]:
        if gruppe:
            teile.append(f'\n  <optgroup label="{conditional_escape(str(gruppe))}">')
        for option in optionen:
            if option["template_name"] != OPTION_VORLAGE:
                return None
            teile.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(str(option['label']))}</option>\n"
            )
        if gruppe:
            teile.append("\n  </optgroup>")
    teile.append("\n</select>")
    return "".join(teile)


class Renderer(DjangoTemplates):
    """FORM_RENDERER of the portal (see the module docstring)."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name in INPUT_VORLAGEN:
                return mark_safe(_input(widget))
            if template_name == SELECT_VORLAGE:
                html = _select(widget)
                if html is not None:
                    return mark_safe(html)
        return super().render(template_name, context, request)
