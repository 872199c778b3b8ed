"""Signals of the Maßnahmen app for what Django's own do not cover."""

from __future__ import annotations

from django.dispatch import Signal

# Sent (sender=Massnahme) after Maßnahmen were written in bulk – the import's bulk_create and
# bulk_update send no post_save – with `massnahmen`, the stored instances. Caches that
# post_save keeps fresh listen to it too.
im_bulk_geschrieben = Signal()
