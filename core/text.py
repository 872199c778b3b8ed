"""Generic text helpers (no domain knowledge)."""

from __future__ import annotations

import unicodedata

from django.utils.text import slugify

# German transliteration as used in official and everyday addresses (Lügde → luegde).
_DEUTSCH = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def slugify_de(value: str) -> str:
    """A URL slug with German transliteration of umlauts and ß.

    `"Lügde"` → `"luegde"`, `"Horn-Bad Meinberg"` → `"horn-bad-meinberg"`,
    `"Halle (Westf.)"` → `"halle-westf"`. Other accented letters lose their accent
    (`"Café"` → `"cafe"`), as with Django's `slugify`.
    """
    # NFC first, so that a decomposed "u + combining diaeresis" is caught as "ü" too.
    text = unicodedata.normalize("NFC", str(value)).translate(_DEUTSCH)
    return slugify(text)
