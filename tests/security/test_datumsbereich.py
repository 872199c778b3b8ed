"""Dates in forms lie between 2000 and 2100; dates already stored outside break no page.

A Kennzahl dated 31.12.9999 was accepted; pages that compute quarters from it failed with
"year 10000 is out of range". Every date field of every form now refuses such years with a
German message at the field (core.compat), and the strategy pages and the quarterly report
stay readable with such a date in the database (saved before the check, or by the admin
shell).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import timezone

from berichte.pdf import bericht_html
from berichte.services import bericht_context
from core.quartal import Quartal
from handlungsfelder.forms import KennzahlForm
from handlungsfelder.models import Kennzahl, KennzahlWert
from tests.factories import KennzahlFactory, ZielFactory

from .conftest import fehler_am_feld


@pytest.mark.parametrize("tag", ["9999-12-31", "1899-01-01", "2101-01-01"])
def test_a_kennzahl_dated_beyond_2100_is_refused_at_the_field(lage, tag):
    client = lage.client("kreis")
    url = f"/strategie/ziele/{lage.ids['ziel']}/kennzahlen/neu/"
    vorher = Kennzahl.objects.count()
    response = client.post(
        url,
        {
            "name": "Online-Dienste",
            "einheit": "anzahl",
            "richtung": "steigend",
            "ebene": "kreis",
            "basiswert": "1",
            "basisdatum": "2025-01-01",
            "zielwert": "10",
            "zieldatum": tag,
        },
    )
    assert response.status_code == 422
    seite = response.content.decode()
    assert "Bitte ein Datum zwischen 2000 und 2100 angeben." in seite
    assert fehler_am_feld(response, KennzahlForm, "zieldatum")
    assert Kennzahl.objects.count() == vorher


@pytest.mark.parametrize("feld", [forms.DateField(), forms.DateTimeField()])
def test_every_form_date_field_has_the_range(feld):
    with pytest.raises(forms.ValidationError, match="zwischen 2000 und 2100"):
        feld.clean("9999-12-31")
    assert feld.clean("2026-12-31")


def test_stored_dates_far_out_break_no_page(lage):
    welt = lage.welt
    ziel = ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld)
    kennzahl = KennzahlFactory(
        ziel=ziel, basisdatum=dt.date(2000, 1, 1), zieldatum=dt.date(9999, 12, 31)
    )
    jetzt = Quartal.current()
    for quartal in (jetzt.previous(1), jetzt):
        KennzahlWert.objects.create(kennzahl=kennzahl, quartal=str(quartal), wert=20)
    client = lage.client("kreis")
    for url in ("/strategie/", "/strategie/?kreis=05766", f"/strategie/kennzahlen/{kennzahl.pk}/"):
        assert client.get(url).status_code == 200, url
    assert lage.client("anonym").get("/strategie/oeffentlich/").status_code == 200
    kontext = bericht_context(kreis=welt.lippe, quartal=jetzt, stand=timezone.now())
    assert "Quartalsbericht" in bericht_html(kontext=kontext)


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_an_import_with_a_date_beyond_2100_names_the_row_and_saves_nothing(lage, format_):
    """The import is input too: a Beginn of 31.12.9999 (typed, or an Excel date cell)
    reached the database unchecked, and with it "year 10000 is out of range"."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from massnahmen.models import Importlauf, Massnahme

    kopf = ["Titel", "Handlungsfeld", "Status", "Beginn", "geplantes Ende"]
    zeilen = [
        kopf,
        ["Gute Zeile", "1", "geplant", "01.01.2026", "31.12.2027"],
        ["Tippfehler", "1", "geplant", "01.01.2026", "31.12.9999"],
        ["Zu früh", "1", "geplant", "01.01.1899", "31.12.2027"],
    ]
    if format_ == "csv":
        inhalt = "\r\n".join(";".join(z) for z in zeilen).encode("utf-8-sig")
    else:
        import io

        from openpyxl import Workbook

        mappe = Workbook()
        for zeile in zeilen:
            # Real date cells, as Excel stores them (up to 9999-12-31).
            mappe.active.append(
                [dt.datetime.strptime(w, "%d.%m.%Y") if w.count(".") == 2 else w for w in zeile]
            )
        puffer = io.BytesIO()
        mappe.save(puffer)
        inhalt = puffer.getvalue()
    vorher = Massnahme.objects.count()
    laeufe = set(Importlauf.objects.values_list("pk", flat=True))
    response = lage.client("kreis").post(
        "/massnahmen/import/", {"datei": SimpleUploadedFile(f"daten.{format_}", inhalt)}
    )
    assert response.status_code == 200
    lauf = Importlauf.objects.exclude(pk__in=laeufe).get()
    assert lauf.status == Importlauf.Status.FEHLERHAFT
    fehler = {(f["zeile"], f["spalte"]): f["meldung"] for f in lauf.fehler}
    assert "zwischen 2000 und 2100" in fehler[(3, "geplantes Ende")]
    assert "zwischen 2000 und 2100" in fehler[(4, "Beginn")]
    assert "zwischen 2000 und 2100" in response.content.decode()
    assert Massnahme.objects.count() == vorher


def _alle_datumsfelder():
    """(where, field) for every date field a form or filter of the project declares."""
    import importlib

    import django_filters
    from django.apps import apps
    from django.conf import settings

    eigene = {
        a.name
        for a in apps.get_app_configs()
        if a.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in a.path
    }
    for app in eigene:
        for modul in ("forms", "filtersets", "filters", "admin", "views_io"):
            try:
                importlib.import_module(f"{app}.{modul}")
            except ModuleNotFoundError:
                continue

    def unterklassen(klasse):
        for unter in klasse.__subclasses__():
            yield unter
            yield from unterklassen(unter)

    for form in set(unterklassen(forms.BaseForm)):
        if form.__module__.split(".")[0] in eigene:
            for name, feld in form.base_fields.items():
                if isinstance(feld, forms.DateField | forms.DateTimeField):
                    yield f"{form.__module__}.{form.__name__}.{name}", feld
    for filterset in set(unterklassen(django_filters.FilterSet)):
        if filterset.__module__.split(".")[0] in eigene:
            for name, filter_ in filterset.base_filters.items():
                if issubclass(filter_.field_class, forms.DateField | forms.DateTimeField):
                    yield f"{filterset.__module__}.{filterset.__name__}.{name}", filter_.field


def test_every_date_field_of_every_form_and_filter_refuses_year_9999():
    geprueft, befunde = [], []
    for ort, feld in _alle_datumsfelder():
        geprueft.append(ort)
        for eingabe in ("9999-12-31", "1899-12-31"):
            if isinstance(feld, forms.DateTimeField):
                eingabe += "T10:00"
            try:
                feld.clean(eingabe)
            except forms.ValidationError as fehler:
                if "zwischen 2000 und 2100" not in " ".join(fehler.messages):
                    befunde.append(f"{ort} {eingabe}: {fehler.messages}")
            except Exception as fehler:  # noqa: BLE001 - a 500 in a view
                befunde.append(f"{ort} {eingabe}: {type(fehler).__name__}: {fehler}")
            else:
                befunde.append(f"{ort} {eingabe}: angenommen")
    # The forms of the issue: Kennzahl, Bescheid, Mittelabruf, workshop, Ergebnis, OZG, …
    assert len(geprueft) >= 20, geprueft
    assert not befunde, "\n".join(befunde)
