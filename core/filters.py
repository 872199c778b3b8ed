"""Filters shared by the list views of several apps (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms


class DatumFilter(django_filters.DateFilter):
    """A date filter with the browser's date picker (ISO) that also reads 31.12.2026."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d.%m.%Y"])
        super().__init__(*args, **kwargs)
