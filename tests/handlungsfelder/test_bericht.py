"""The report section "Zielerreichung" in the quarterly PDF."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pypdf
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from berichte import services
from core.quartal import Quartal
from handlungsfelder.models import Kennzahl, KennzahlWert
from tests.factories import KennzahlFactory, ZielFactory

Q3 = Quartal(2026, 3)
STAND = timezone.make_aware(dt.datetime(2026, 10, 10, 6, 0))


def _text(inhalt: bytes) -> str:
    seiten = pypdf.PdfReader(io.BytesIO(inhalt)).pages
    return " ".join(" ".join(seite.extract_text() for seite in seiten).split())


def _kennzahlen(welt, anzahl: int = 1):
    ziel = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, titel="Digital lernen")
    for nummer in range(anzahl):
        k = KennzahlFactory(
            ziel=ziel,
            name=f"Geschulte Beschäftigte {nummer}",
            einheit="%",
            basiswert=Decimal("10"),
            basisdatum=dt.date(2026, 1, 1),
            zielwert=Decimal("50"),
            zieldatum=dt.date(2027, 1, 1),
        )
        KennzahlWert.objects.create(kennzahl=k, quartal="2026-Q3", wert=Decimal("41.5"))
    KennzahlFactory(
        ziel=ziel,
        name="Abgeschlossene Maßnahmen",
        einheit="%",
        quelle=Kennzahl.Quelle.MASSNAHMEN_ABGESCHLOSSEN,
    )


def test_pdf_has_the_zielerreichung_section_with_every_kennzahl(welt):
    _kennzahlen(welt)
    pdf = services.bericht_pdf(kreis=welt.lippe, quartal=Q3, stand=STAND)
    text = _text(pdf.inhalt)
    assert "Zielerreichung" in text
    abschnitt = text[text.index("Zielerreichung der Kennzahlen") :]
    # Soll on 30.09.2026: 10 + 40 · 272/365 = 39,81, whole like the Kennzahl (10 → 50 %): 40 %;
    # 41,5 % is on track.
    assert "Geschulte Beschäftigte 0" in abschnitt
    assert "bis 01.01.2027 41,5 % 40 % im Plan" in abschnitt
    assert "Abgeschlossene Maßnahmen" in abschnitt


def test_section_queries_do_not_grow_with_kennzahlen(welt):
    def anzahl() -> int:
        with CaptureQueriesContext(connection) as abfragen:
            services.bericht_context(kreis=welt.lippe, quartal=Q3, stand=STAND)
        return len(abfragen)

    _kennzahlen(welt, 1)
    wenige = anzahl()
    _kennzahlen(welt, 12)
    assert anzahl() == wenige
