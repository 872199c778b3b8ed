"""The funding rules of a (possibly unsaved) Förderbescheid: maximum amount and own share.

Used by the Bescheid form (before saving, with the partners as entered) and by the detail
page (with the stored partners), so both show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import ngettext

from .models import CENT, Foerderprogramm

ZAHLWORT = {1: "eine", 2: "zwei", 3: "drei", 4: "vier"}


@dataclass(frozen=True)
class Regelpruefung:
    """What the programme's amount rule and the rate say about a Bescheid."""

    nrw_partner: int
    hoechstbetrag: Decimal | None
    bewilligter_betrag: Decimal | None
    foerderquote: Decimal | None
    zuwendungsfaehige_ausgaben: Decimal | None
    eigenanteil: Decimal | None
    # Why the programme cannot fund the Bescheid as entered (then there is no maximum).
    fehler: str | None = None

    @property
    def has_regel(self) -> bool:
        return self.hoechstbetrag is not None

    @property
    def exceeded(self) -> bool:
        """The granted amount is above the rule's maximum (a warning, not an error)."""
        return (
            self.hoechstbetrag is not None
            and self.bewilligter_betrag is not None
            and self.bewilligter_betrag > self.hoechstbetrag
        )

    @property
    def eigenanteil_prozent(self) -> Decimal | None:
        if self.foerderquote is None:
            return None
        return Decimal("100") - self.foerderquote


def pruefen(
    *,
    programm: Foerderprogramm | None,
    anzahl_partner: int,
    bewilligter_betrag: Decimal | None,
    foerderquote: Decimal | None,
) -> Regelpruefung:
    """Evaluate the rules. `anzahl_partner` counts the partner Kommunen without the recipient.

    Every Kommune of a Kreis in NRW is an NRW partner, so the recipient plus the partners
    make up the NRW partners of the IKZ rule.
    """
    nrw_partner = 1 + anzahl_partner
    ausgaben = eigenanteil = None
    if bewilligter_betrag and foerderquote:
        ausgaben = (bewilligter_betrag * 100 / foerderquote).quantize(CENT, ROUND_HALF_UP)
        eigenanteil = ausgaben - bewilligter_betrag
    # The eligible expenses here are derived from amount and rate, so the 90 % cap of the
    # rule would only give back the amount itself; the rate limit (and with it the own
    # share of at least 10 %) is checked against the programme's maximum rate instead.
    hoechstbetrag = fehler = None
    if programm is not None:
        mindestens = programm.mindest_nrw_partner
        if nrw_partner < mindestens:
            # The rule would give 0 €: the guideline does not fund this at all.
            weitere = mindestens - 1
            fehler = (
                f"Die Richtlinie {programm.kurzname} fördert nur die Zusammenarbeit von "
                f"mindestens {ZAHLWORT.get(mindestens, mindestens)} NRW-Kommunen. Bitte wählen "
                f"Sie neben dem Zuwendungsempfänger mindestens "
                + ngettext("%(n)s Partnerkommune.", "%(n)s Partnerkommunen.", weitere)
                % {"n": ZAHLWORT.get(weitere, weitere)}
            )
        else:
            hoechstbetrag = programm.hoechstbetrag(nrw_partner=nrw_partner)
    return Regelpruefung(
        nrw_partner=nrw_partner,
        hoechstbetrag=hoechstbetrag,
        bewilligter_betrag=bewilligter_betrag,
        foerderquote=foerderquote,
        zuwendungsfaehige_ausgaben=ausgaben,
        eigenanteil=eigenanteil,
        fehler=fehler,
    )


def for_bescheid(bescheid, partner_anzahl: int | None = None) -> Regelpruefung:
    """The rules for a stored Bescheid (partners counted unless given)."""
    if partner_anzahl is None:
        partner_anzahl = bescheid.partner.count()
    return pruefen(
        programm=bescheid.programm,
        anzahl_partner=partner_anzahl,
        bewilligter_betrag=bescheid.bewilligter_betrag,
        foerderquote=bescheid.foerderquote,
    )
