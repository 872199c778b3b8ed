"""German error answers of the API: one shape for every 4xx, `{"detail": …}`.

Bad input (422) names each parameter with a German message, like a form names its fields;
the messages of pydantic (English) are never shown.
"""

from __future__ import annotations

MELDUNGEN = {
    "int_parsing": "Bitte eine ganze Zahl angeben.",
    "int_type": "Bitte eine ganze Zahl angeben.",
    "int_from_float": "Bitte eine ganze Zahl angeben.",
    "string_type": "Bitte einen Text angeben.",
    "missing": "Diese Angabe fehlt.",
    "bool_parsing": "Bitte „true“ oder „false“ angeben.",
}


def _message(fehler: dict) -> str:
    art = fehler.get("type", "")
    ctx = fehler.get("ctx") or {}
    if art in MELDUNGEN:
        return MELDUNGEN[art]
    if art == "greater_than_equal":
        return f"Bitte mindestens {ctx.get('ge')} angeben."
    if art == "greater_than":
        return f"Bitte mehr als {ctx.get('gt')} angeben."
    if art == "less_than_equal":
        return f"Bitte höchstens {ctx.get('le')} angeben."
    if art == "string_too_long":
        return f"Höchstens {ctx.get('max_length')} Zeichen."
    if art == "string_too_short":
        return f"Mindestens {ctx.get('min_length')} Zeichen."
    if art == "string_pattern_mismatch":
        return "Die Angabe hat nicht das erwartete Format (siehe Beschreibung des Parameters)."
    if art in ("enum", "literal_error"):
        return f"Bitte einen dieser Werte angeben: {ctx.get('expected', '')}."
    return "Ungültige Angabe."


def field_errors(fehler_liste: list[dict]) -> list[dict]:
    """pydantic/ninja errors → [{"parameter": name, "meldung": German text}]."""
    ergebnis = []
    for fehler in fehler_liste:
        ort = [str(teil) for teil in fehler.get("loc", ()) if teil not in ("query", "path")]
        ergebnis.append({"parameter": ".".join(ort) or "?", "meldung": _message(fehler)})
    return ergebnis


def form_errors(form) -> list[dict]:
    """A Django form's errors (already German) in the same shape."""
    return [
        {"parameter": feld, "meldung": " ".join(str(m) for m in meldungen)}
        for feld, meldungen in form.errors.items()
    ]
