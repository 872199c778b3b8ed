"""Workflows of the Maßnahmen app that touch several models or start tasks.

Each block below belongs to one workflow; keep them apart so they can grow independently.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------
# CSV/XLSX import (issue 4, point 10): dry run, all-or-nothing import, progress.
# The parsing and row checks live in massnahmen/imports.py.
# ---------------------------------------------------------------------------------------

# --- end of the import block ---
