"""Privacy hook (see core/privacy.py): deleting a person revokes their calendar token, so
the personal feed address answers 404 from then on. Registrations stay (under the
pseudonym) as the record of who took part for which Kommune."""

from __future__ import annotations

from .models import KalenderToken


def pseudonymisieren(user) -> None:
    KalenderToken.objects.filter(user=user).delete()
