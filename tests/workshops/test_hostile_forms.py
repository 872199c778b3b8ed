"""Random and hostile input against the Workshop forms (hypothesis): never a 500, always
field errors or a redirect, and nothing stored changes when the form is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshops.models import Ergebnis, Workshop

BOESE = [
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "'; DROP TABLE workshops_workshop; --",
    "%",
    "%00",
    "\x00",
    "a\x00b",
    "\u202e",
    "😀" * 10,
    "x" * 10_000,
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 40,
    "2026-02-30T10:00",
    "2026-13-01T10:00",
    "0000-00-00T00:00",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "31.12.2026 25:00",
    "2026-03-29T02:30",  # does not exist in Europe/Berlin (clocks jump)
    "2026-10-25T02:30",  # exists twice in Europe/Berlin
    "javascript:alert(1)",
    "https://",
    "http://exa mple.invalid",
    "ftp://example.invalid/x",
    "../../etc/passwd",
    '=HYPERLINK("http://x")',
    "[]",
    "{}",
]

werte = st.one_of(st.sampled_from(BOESE), st.text(max_size=300), st.integers().map(str))


def _zeit(value: dt.datetime, fmt: str) -> str:
    return value.strftime(fmt)


zeitpunkte = st.builds(
    _zeit,
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2110, 12, 31)),
    st.sampled_from(["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S"]),
)


@st.composite
def workshop_daten(draw, gueltig: dict):
    """Start from valid values and spoil some fields (end before start, hostile text …)."""
    daten = dict(gueltig)
    if draw(st.booleans()):
        beginn = draw(
            st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2040, 1, 1))
        )
        ende = beginn + dt.timedelta(minutes=draw(st.integers(-600, 600)))
        daten["beginn"] = beginn.strftime("%Y-%m-%dT%H:%M")
        daten["ende"] = ende.strftime("%Y-%m-%dT%H:%M")
    felder = draw(st.sets(st.sampled_from(sorted(gueltig)), max_size=5))
    for feld in felder:
        daten[feld] = draw(st.one_of(werte, zeitpunkte) if feld in ("beginn", "ende") else werte)
    for feld in draw(st.sets(st.sampled_from(sorted(gueltig)), max_size=2)):
        daten.pop(feld, None)
    return daten


def _gueltig(welt) -> dict:
    beginn = timezone.localtime(timezone.now() + dt.timedelta(days=20)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return {
        "titel": "Regeltreffen",
        "beginn": beginn.strftime("%Y-%m-%dT%H:%M"),
        "ende": (beginn + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "format": "hybrid",
        "ort": "Kreishaus Detmold",
        "online_link": "https://video.example.invalid/x",
        "handlungsfeld": str(welt.handlungsfeld.pk),
        "organisiert_von": str(welt.detmold.pk),
        "max_teilnehmende": "30",
        "agenda": "1. Berichte",
        "protokoll": "",
    }


def _stand(workshop: Workshop) -> dict:
    workshop.refresh_from_db()
    stand = model_to_dict(workshop)
    stand["sequenz"] = workshop.sequenz
    stand["geaendert_am"] = workshop.geaendert_am
    stand["protokoll_datei"] = workshop.protokoll_datei.name
    return stand


def _pruefen(response) -> None:
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        html = response.content.decode()
        assert "Bitte prüfen Sie Ihre Angaben" in html
        assert "<script>alert(1)</script>" not in html  # echoed values are escaped
        assert "_error" in html  # at least one error next to its field


HYPOTHESIS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
def test_create_form_never_fails_and_stores_nothing_on_refusal(welt, login):
    client = login(welt.users["kreis"])
    gueltig = _gueltig(welt)

    @HYPOTHESIS
    @given(daten=workshop_daten(gueltig))
    def pruefen(daten):
        vorher = set(Workshop.objects.values_list("pk", flat=True))
        response = client.post("/workshops/neu/", daten)
        _pruefen(response)
        nachher = set(Workshop.objects.values_list("pk", flat=True))
        if response.status_code == 200:
            assert nachher == vorher
        else:
            neu = Workshop.objects.get(pk__in=nachher - vorher)
            assert neu.ende > neu.beginn
            assert neu.kreis_id == welt.lippe.pk
            assert "\x00" not in neu.titel + neu.agenda + neu.ort

    pruefen()


@pytest.mark.django_db
def test_edit_form_never_fails_and_changes_nothing_on_refusal(welt, login, workshop):
    client = login(welt.users["kreis"])
    gueltig = _gueltig(welt)
    url = f"/workshops/{workshop.pk}/bearbeiten/"

    @HYPOTHESIS
    @given(daten=workshop_daten(gueltig))
    def pruefen(daten):
        vorher = _stand(workshop)
        # The hidden version the form shows (core.locking): the input is what is fuzzed.
        response = client.post(url, {**daten, "version": workshop.version})
        _pruefen(response)
        nachher = _stand(workshop)
        if response.status_code == 200:
            assert nachher == vorher
        elif nachher != vorher:
            assert nachher["sequenz"] == vorher["sequenz"] + 1
            assert workshop.ende > workshop.beginn

    pruefen()


@pytest.mark.django_db
def test_ergebnis_form_never_fails_and_stores_nothing_on_refusal(welt, login, workshop):
    client = login(welt.users["kreis"])
    gueltig = {
        "beschreibung": "Geschäftsordnung entwerfen",
        "verantwortlich": str(welt.lemgo.pk),
        "faellig_am": "2026-12-31",
        "status": "offen",
    }

    @HYPOTHESIS
    @given(
        daten=st.fixed_dictionaries(
            {}, optional={feld: st.one_of(werte, st.just(wert)) for feld, wert in gueltig.items()}
        )
    )
    def pruefen(daten):
        vorher = Ergebnis.objects.count()
        response = client.post(f"/workshops/{workshop.pk}/ergebnisse/neu/", daten)
        _pruefen(response)
        if response.status_code == 200:
            assert Ergebnis.objects.count() == vorher

    pruefen()
