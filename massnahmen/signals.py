"""Signals of the Maßnahmen app for what Django's own do not cover."""

from __future__ import annotations

from django.dispatch import Signal

# Sent (sender=Massnahme) after Maßnahmen were written in bulk – the import's bulk_create and
# bulk_update send no post_save – with `neue` and `geaenderte` (the stored instances, loaded
# before the change, so post_init saw their former state) and `user` (who imported; None in
# a task without one). Whoever listens to post_save of Maßnahmen listens to this too.
im_bulk_geschrieben = Signal()
