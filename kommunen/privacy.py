"""Privacy hook (see core/privacy.py): deleting a person ends their memberships at once,
so they lose every role in every Kommune, Kreis and region."""

from __future__ import annotations

from .models import Mitgliedschaft


def pseudonymisieren(user) -> None:
    # One by one, so the signals of the audit log record each role withdrawn.
    for mitgliedschaft in Mitgliedschaft.objects.filter(user=user):
        mitgliedschaft.delete()
