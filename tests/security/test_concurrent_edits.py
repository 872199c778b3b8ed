"""Two people edit the same record: the second save never silently replaces the first.

Every edit form of a shared record carries the version it showed (core.locking). Each case
below opens the form twice, as a browser would (every field of the HTML form, the hidden
version included), saves a change in the first window, then sends the second window's change:
the answer is 409 with the stored value beside the input for each field that differs, the
database keeps the first save, and sending the form of the 409 page again (a deliberate
decision) saves the second person's input.

The races at the end run on PostgreSQL with two real connections (threads): two POSTs that
both read the record before either one writes, the case that used to end in an
IntegrityError (500) or a lost update.
"""

from __future__ import annotations

import re
import threading
from contextlib import nullcontext
from decimal import Decimal
from html import unescape
from unittest.mock import patch

import pytest
from django.db import connection

from foerderung.models import Foerderbescheid
from handlungsfelder.forms import KennzahlWertForm
from handlungsfelder.models import Kennzahl, KennzahlWert, Ziel
from kommunen.models import Kommune
from ozg.forms import ReifegradForm
from ozg.models import Umsetzungsstand
from tests.conftest import require_or_skip
from tests.security.conftest import als_daten, client_fuer, post_formulare
from workshops.models import Ergebnis, Workshop

HTMX = {"HTTP_HX_REQUEST": "true"}


def geoeffnet(client, url: str, **header) -> tuple[str, dict]:
    """GET the page; the action and data of its edit form as a browser would send them."""
    response = client.get(url, **header)
    assert response.status_code == 200, (url, response.status_code)
    return formular(response.content.decode())


def formular(html: str) -> tuple[str, dict]:
    formulare = [f for f in post_formulare(html) if "version" in f["namen"]]
    assert len(formulare) == 1, "genau ein Formular mit Versionsfeld erwartet"
    return formulare[0]["action"], als_daten(formulare[0]["felder"])


def vergleich(html: str) -> list[tuple[str, str, str]]:
    """The rows of the conflict table: field, stored value, value in the form."""
    tabelle = html[html.index('id="versionskonflikt"') :]
    tabelle = tabelle[: tabelle.index("</table>")]
    zeilen = re.findall(
        r'<th scope="row"[^>]*>(.*?)</th><td[^>]*>(.*?)</td><td[^>]*>(.*?)</td>', tabelle, re.S
    )
    return [tuple(unescape(z).strip() for z in zeile) for zeile in zeilen]


def senden(client, url, daten, **aenderungen):
    return client.post(url, {**daten, **aenderungen})


# --- one case per edit form: (url, roles of the two people, their changes, what is stored)


def _bescheid(lage):
    return Foerderbescheid.objects.get(pk=lage.ids["bescheid"])


FAELLE = {
    # The example: an edit of "Zweck" reverted a concurrent change of the amount.
    "Förderbescheid": dict(
        url="/foerderung/{bescheid}/bearbeiten/",
        rollen=("kreis", "admin"),
        zuerst={"bewilligter_betrag": "123.456,78"},
        danach={"zweck": "Zweck aus dem zweiten Fenster"},
        zeile=("bewilligter Betrag", "123.456,78\u00a0€"),
        lesen=lambda lage: (_bescheid(lage).bewilligter_betrag, _bescheid(lage).zweck),
        erwartet_zuerst=lambda vorher: (Decimal("123456.78"), vorher[1]),
        erwartet_danach=lambda vorher: (vorher[0], "Zweck aus dem zweiten Fenster"),
        # The view locks the row before it reads the form (the drawdown sum check).
        sperrt_vor_dem_formular=True,
    ),
    "Workshop": dict(
        url="/workshops/{workshop}/bearbeiten/",
        rollen=("kreis", "admin"),
        zuerst={"titel": "Regeltreffen mit neuem Titel"},
        danach={"agenda": "1. Neue Tagesordnung"},
        zeile=("Titel", "Regeltreffen mit neuem Titel"),
        lesen=lambda lage: tuple(
            Workshop.objects.filter(pk=lage.ids["workshop"]).values_list("titel", "agenda").get()
        ),
        erwartet_zuerst=lambda vorher: ("Regeltreffen mit neuem Titel", vorher[1]),
        erwartet_danach=lambda vorher: (vorher[0], "1. Neue Tagesordnung"),
    ),
    "Ergebnis": dict(
        url="/workshops/ergebnisse/{ergebnis}/bearbeiten/",
        rollen=("kreis", "admin"),
        zuerst={"beschreibung": "Geschäftsordnung bis Juni"},
        danach={"status": "erledigt"},
        zeile=("Ergebnis / Aufgabe", "Geschäftsordnung bis Juni"),
        lesen=lambda lage: tuple(
            Ergebnis.objects.filter(pk=lage.ids["ergebnis"])
            .values_list("beschreibung", "status")
            .get()
        ),
        erwartet_zuerst=lambda vorher: ("Geschäftsordnung bis Juni", vorher[1]),
        erwartet_danach=lambda vorher: (vorher[0], "erledigt"),
    ),
    "Ziel": dict(
        url="/strategie/ziele/{ziel}/bearbeiten/",
        rollen=("kreis", "admin"),
        zuerst={"titel": "Ziel mit neuem Titel"},
        danach={"beschreibung": "Beschreibung aus dem zweiten Fenster"},
        zeile=("Titel", "Ziel mit neuem Titel"),
        lesen=lambda lage: tuple(
            Ziel.objects.filter(pk=lage.ids["ziel"]).values_list("titel", "beschreibung").get()
        ),
        erwartet_zuerst=lambda vorher: ("Ziel mit neuem Titel", vorher[1]),
        erwartet_danach=lambda vorher: (vorher[0], "Beschreibung aus dem zweiten Fenster"),
    ),
    "Kennzahl": dict(
        url="/strategie/kennzahlen/{kennzahl}/bearbeiten/",
        rollen=("kreis", "admin"),
        zuerst={"zielwert": "250"},
        danach={"name": "Kreiswert (umbenannt)"},
        zeile=("Zielwert", "250"),
        lesen=lambda lage: tuple(
            Kennzahl.objects.filter(pk=lage.ids["kennzahl"]).values_list("zielwert", "name").get()
        ),
        erwartet_zuerst=lambda vorher: (Decimal("250"), vorher[1]),
        erwartet_danach=lambda vorher: (vorher[0], "Kreiswert (umbenannt)"),
    ),
    "Kommune-Profil": dict(
        url="/kommunen/detmold/bearbeiten/",
        rollen=("cdo_eigen", "kreis"),
        zuerst={"website": "https://www.detmold.de/digital"},
        danach={"beschreibung": "Kurzprofil aus dem zweiten Fenster"},
        zeile=("Website", "https://www.detmold.de/digital"),
        lesen=lambda lage: tuple(
            Kommune.objects.filter(slug="detmold").values_list("website", "beschreibung").get()
        ),
        erwartet_zuerst=lambda vorher: ("https://www.detmold.de/digital", vorher[1]),
        erwartet_danach=lambda vorher: (vorher[0], "Kurzprofil aus dem zweiten Fenster"),
    ),
    "OZG-Umsetzungsstand (Seite)": dict(
        url="/ozg/stand/{ozg_leistung}/{ozg_kommune}/",
        rollen=("cdo_eigen", "kreis"),
        zuerst={"link": "https://service.example/neu"},
        danach={"reifegrad": "2"},
        zeile=("Link zum Onlinedienst", "https://service.example/neu"),
        lesen=lambda lage: tuple(
            Umsetzungsstand.objects.filter(
                leistung_id=lage.ids["ozg_leistung"], kommune_id=lage.ids["ozg_kommune"]
            )
            .values_list("link", "reifegrad")
            .get()
        ),
        erwartet_zuerst=lambda vorher: ("https://service.example/neu", vorher[1]),
        erwartet_danach=lambda vorher: (vorher[0], 2),
    ),
}


@pytest.mark.parametrize("fall", FAELLE.values(), ids=FAELLE.keys())
def test_second_save_of_an_older_form_is_a_409_with_both_values(lage, fall):
    url = fall["url"].format(**lage.ids)
    erste = lage.client(fall["rollen"][0])
    zweite = client_fuer(lage.users[fall["rollen"][1]])
    _, daten_eins = geoeffnet(erste, url)
    _, daten_zwei = geoeffnet(zweite, url)
    vorher = fall["lesen"](lage)

    assert senden(erste, url, daten_eins, **fall["zuerst"]).status_code == 302
    assert fall["lesen"](lage) == fall["erwartet_zuerst"](vorher)

    antwort = senden(zweite, url, daten_zwei, **fall["danach"])
    assert antwort.status_code == 409
    # The page holds unsaved input: no cache keeps it (point 6 for POST answers too).
    assert "no-store" in antwort["Cache-Control"] and "private" in antwort["Cache-Control"]
    html = antwort.content.decode()
    assert "Inzwischen geändert" in html and "Ihre Eingaben sind noch nicht gespeichert" in html
    zeilen = vergleich(html)
    feld, gespeichert = fall["zeile"]
    # The other person's value beside the one this form still holds (the old one).
    assert any(z[0] == feld and z[1] == gespeichert and z[2] != gespeichert for z in zeilen), zeilen
    # Nothing of the second form was written.
    assert fall["lesen"](lage) == fall["erwartet_zuerst"](vorher)

    # The form of the 409 page keeps the input; sending it again is a decision to overwrite.
    _, nochmal = formular(html)
    for name, wert in fall["danach"].items():
        assert nochmal[name] == [wert], (name, nochmal.get(name))
    assert zweite.post(url, nochmal).status_code == 302
    assert fall["lesen"](lage) == fall["erwartet_danach"](vorher)


@pytest.mark.parametrize("fall", FAELLE.values(), ids=FAELLE.keys())
def test_sending_the_same_form_twice_is_no_conflict(lage, fall):
    url = fall["url"].format(**lage.ids)
    client = lage.client(fall["rollen"][0])
    _, daten = geoeffnet(client, url)
    assert senden(client, url, daten, **fall["zuerst"]).status_code == 302
    # A double click or a reload sends the old version again, with the same values.
    assert senden(client, url, daten, **fall["zuerst"]).status_code == 302


@pytest.mark.parametrize("fall", FAELLE.values(), ids=FAELLE.keys())
def test_form_without_its_version_never_overwrites(lage, fall):
    url = fall["url"].format(**lage.ids)
    client = lage.client(fall["rollen"][0])
    _, daten = geoeffnet(client, url)
    vorher = fall["lesen"](lage)
    daten.pop("version")
    assert senden(client, url, daten, **fall["zuerst"]).status_code == 409
    assert fall["lesen"](lage) == vorher


def test_ozg_cell_inline_answers_the_conflict_in_the_partial(lage):
    url = f"/ozg/stand/{lage.ids['ozg_leistung']}/{lage.ids['ozg_kommune']}/"
    cdo = lage.client("cdo_eigen")
    kreis = client_fuer(lage.users["kreis"])
    _, zelle_cdo = geoeffnet(cdo, url, **HTMX)
    _, zelle_kreis = geoeffnet(kreis, url, **HTMX)
    assert cdo.post(url, {**zelle_cdo, "reifegrad": "6"}, **HTMX).status_code == 200

    antwort = kreis.post(url, {**zelle_kreis, "reifegrad": "2"}, **HTMX)
    assert antwort.status_code == 409
    html = antwort.content.decode()
    assert "<html" not in html and 'class="ozg-zelle__form"' in html
    assert "Inzwischen gespeichert" in html and "Reifegrad 6, Ihre Eingabe: 2" in html
    stand = Umsetzungsstand.objects.get(
        leistung_id=lage.ids["ozg_leistung"], kommune_id=lage.ids["ozg_kommune"]
    )
    assert stand.reifegrad == 6
    # The partial's form holds the input and the current version: saving again decides.
    _, nochmal = formular(html)
    assert nochmal["reifegrad"] == ["2"]
    assert kreis.post(url, nochmal, **HTMX).status_code == 200
    stand.refresh_from_db()
    assert stand.reifegrad == 2


def test_kennzahl_value_entered_meanwhile_is_not_silently_replaced(lage):
    url = f"/strategie/kennzahlen/{lage.ids['kennzahl']}/werte/"
    kreis = lage.client("kreis")
    admin = client_fuer(lage.users["admin"])
    _, eins = geoeffnet(kreis, url)
    _, zwei = geoeffnet(admin, url)
    assert senden(kreis, url, eins, wert="12,5").status_code == 302

    antwort = senden(admin, url, zwei, wert="15")
    assert antwort.status_code == 409
    assert ("Wert", "12,5", "15") in vergleich(antwort.content.decode())
    assert list(KennzahlWert.objects.values_list("wert", flat=True)) == [Decimal("12.50")]
    _, nochmal = formular(antwort.content.decode())
    assert admin.post(url, nochmal).status_code == 302
    assert list(KennzahlWert.objects.values_list("wert", flat=True)) == [Decimal("15.00")]


# --- two POSTs at the same moment, each on its own database connection --------------------


def _gleichzeitig(form_class, anfragen: list) -> list:
    """Send the requests in threads (each with its own connection); each form waits in
    full_clean until all have loaded the record, so none saw another's save. Without
    `form_class` they only start at the same moment (for a view that locks the row before
    the form, where the second request waits for the first)."""
    barriere = threading.Barrier(len(anfragen))
    original = form_class.full_clean if form_class else None
    ergebnisse: list = [None] * len(anfragen)

    def warten(self):
        barriere.wait(timeout=10)
        return original(self)

    def ausfuehren(i, anfrage):
        try:
            if form_class is None:
                barriere.wait(timeout=10)
            ergebnisse[i] = anfrage()
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            ergebnisse[i] = error
        finally:
            connection.close()

    warten_lassen = patch.object(form_class, "full_clean", warten) if form_class else nullcontext()
    with warten_lassen:
        threads = [threading.Thread(target=ausfuehren, args=(i, a)) for i, a in enumerate(anfragen)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return [getattr(e, "status_code", e) for e in ergebnisse], ergebnisse


@pytest.mark.django_db(transaction=True)
def test_parallel_first_rating_of_an_ozg_cell_gives_one_save_and_one_409(lage):
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    url = f"/ozg/stand/{lage.ids['ozg_leistung_neu']}/{lage.ids['ozg_kommune']}/"
    clients = [client_fuer(lage.users["cdo_eigen"]), client_fuer(lage.users["kreis"])]
    daten = [geoeffnet(c, url, **HTMX)[1] for c in clients]
    codes, antworten = _gleichzeitig(
        ReifegradForm,
        [
            lambda: clients[0].post(url, {**daten[0], "reifegrad": "3"}, **HTMX),
            lambda: clients[1].post(url, {**daten[1], "reifegrad": "5"}, **HTMX),
        ],
    )
    assert sorted(codes, key=str) == [200, 409], antworten
    gewinner = codes.index(200)
    stand = Umsetzungsstand.objects.get(leistung_id=lage.ids["ozg_leistung_neu"])
    assert stand.reifegrad == (3, 5)[gewinner]
    assert "Inzwischen gespeichert" in antworten[1 - gewinner].content.decode()


@pytest.mark.django_db(transaction=True)
def test_parallel_first_value_of_a_quarter_gives_one_save_and_one_409(lage):
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    url = f"/strategie/kennzahlen/{lage.ids['kennzahl']}/werte/"
    clients = [client_fuer(lage.users["kreis"]), client_fuer(lage.users["admin"])]
    daten = [geoeffnet(c, url)[1] for c in clients]
    codes, antworten = _gleichzeitig(
        KennzahlWertForm,
        [
            lambda: clients[0].post(url, {**daten[0], "wert": "7"}),
            lambda: clients[1].post(url, {**daten[1], "wert": "9"}),
        ],
    )
    assert sorted(codes, key=str) == [302, 409], antworten
    gewinner = codes.index(302)
    assert list(KennzahlWert.objects.values_list("wert", flat=True)) == [
        (Decimal(7), Decimal(9))[gewinner]
    ]
    verlierer = antworten[1 - gewinner].content.decode()
    assert ("Wert", ("7", "9")[gewinner], ("7", "9")[1 - gewinner]) in vergleich(verlierer)


@pytest.mark.django_db(transaction=True)
def test_parallel_edits_of_a_bescheid_give_one_save_and_one_409(lage):
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    url = f"/foerderung/{lage.ids['bescheid']}/bearbeiten/"
    clients = [client_fuer(lage.users["kreis"]), client_fuer(lage.users["admin"])]
    daten = [geoeffnet(c, url)[1] for c in clients]
    codes, antworten = _gleichzeitig(
        None,
        [
            lambda: clients[0].post(url, {**daten[0], "bewilligter_betrag": "99.000,00"}),
            lambda: clients[1].post(url, {**daten[1], "zweck": "Zweck, gleichzeitig geändert"}),
        ],
    )
    assert sorted(codes, key=str) == [302, 409], antworten
    bescheid = Foerderbescheid.objects.get(pk=lage.ids["bescheid"])
    if codes[0] == 302:
        assert bescheid.bewilligter_betrag == Decimal("99000")
        assert bescheid.zweck != "Zweck, gleichzeitig geändert"
    else:
        assert bescheid.zweck == "Zweck, gleichzeitig geändert"
        assert bescheid.bewilligter_betrag != Decimal("99000")


def _nach_der_pruefung_gleichzeitig(form_class):
    """Let every request pass validation first (each sees no row with the new key), then
    save at the same moment: the race a unique constraint decides."""
    barriere = threading.Barrier(2)
    original = form_class.save

    def speichern(self, *args, **kwargs):
        barriere.wait(timeout=10)
        return original(self, *args, **kwargs)

    return patch.object(form_class, "save", speichern)


def _parallel(anfragen: list) -> tuple[list, list]:
    ergebnisse: list = [None] * len(anfragen)

    def ausfuehren(i, anfrage):
        try:
            ergebnisse[i] = anfrage()
        except Exception as error:  # noqa: BLE001 - reported by the assertions
            ergebnisse[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=ausfuehren, args=(i, a)) for i, a in enumerate(anfragen)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return [getattr(e, "status_code", repr(e)) for e in ergebnisse], ergebnisse


@pytest.mark.django_db(transaction=True)
def test_double_click_on_a_new_bescheid_creates_it_once_and_no_500(lage):
    """Both POSTs of a double click pass the Aktenzeichen check before either one is
    stored; the second used to end in an IntegrityError (500)."""
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    from foerderung.forms import FoerderbescheidForm

    client = client_fuer(lage.users["kreis"])
    _, daten = geoeffnet(client, f"/foerderung/{lage.ids['bescheid']}/bearbeiten/")
    daten.pop("version")
    daten["aktenzeichen"] = ["NEU-2026/0815"]
    with _nach_der_pruefung_gleichzeitig(FoerderbescheidForm):
        codes, antworten = _parallel(
            [lambda: client.post("/foerderung/neu/", daten) for _ in range(2)]
        )
    # The same input twice: the second request finds the first one's Bescheid and leads
    # to it, as if it had saved it itself.
    assert codes == [302, 302], antworten
    neu = Foerderbescheid.objects.get(aktenzeichen="NEU-2026/0815")
    assert {a["Location"] for a in antworten} == {neu.get_absolute_url()}


@pytest.mark.django_db(transaction=True)
def test_two_new_bescheide_with_one_aktenzeichen_give_one_save_and_a_german_error(lage):
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    from foerderung.forms import FoerderbescheidForm

    # Two people of the Kreis (two sessions) enter the same Aktenzeichen.
    clients = [client_fuer(lage.users["kreis"]) for _ in range(2)]
    _, daten = geoeffnet(clients[0], f"/foerderung/{lage.ids['bescheid']}/bearbeiten/")
    daten.pop("version")
    daten["aktenzeichen"] = ["NEU-2026/0816"]
    zweck = ["Zweck aus Fenster 1", "Zweck aus Fenster 2"]
    with _nach_der_pruefung_gleichzeitig(FoerderbescheidForm):
        codes, antworten = _parallel(
            [
                lambda i=i: clients[i].post("/foerderung/neu/", {**daten, "zweck": zweck[i]})
                for i in range(2)
            ]
        )
    assert sorted(codes, key=str) == [302, 422], antworten
    gewinner = codes.index(302)
    assert Foerderbescheid.objects.get(aktenzeichen="NEU-2026/0816").zweck == zweck[gewinner]
    verlierer = antworten[1 - gewinner]
    html = verlierer.content.decode()
    assert "Dieses Aktenzeichen gibt es bereits." in html
    assert zweck[1 - gewinner] in html  # the input is kept


@pytest.mark.django_db(transaction=True)
def test_two_bescheide_renamed_to_one_aktenzeichen_at_once_give_a_german_error(lage):
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    from foerderung.forms import FoerderbescheidForm

    erster = Foerderbescheid.objects.get(pk=lage.ids["bescheid"])
    zweiter = Foerderbescheid.objects.get(pk=erster.pk)
    zweiter.pk = None
    zweiter.aktenzeichen = "ZWEITER-1"
    zweiter._state.adding = True
    zweiter.save()
    zweiter.partner.set(erster.partner.all())
    clients = [client_fuer(lage.users["kreis"]) for _ in range(2)]
    urls = [f"/foerderung/{b.pk}/bearbeiten/" for b in (erster, zweiter)]
    daten = [geoeffnet(c, u)[1] for c, u in zip(clients, urls, strict=True)]
    with _nach_der_pruefung_gleichzeitig(FoerderbescheidForm):
        codes, antworten = _parallel(
            [
                lambda i=i: clients[i].post(urls[i], {**daten[i], "aktenzeichen": "GLEICH-7"})
                for i in range(2)
            ]
        )
    assert sorted(codes, key=str) == [302, 422], antworten
    verlierer = antworten[codes.index(422)]
    assert "Dieses Aktenzeichen gibt es bereits." in verlierer.content.decode()
    assert Foerderbescheid.objects.filter(aktenzeichen="GLEICH-7").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fall", FAELLE.values(), ids=FAELLE.keys())
def test_two_parallel_saves_of_every_edit_form_give_one_save_and_one_409(lage, fall):
    """Every edit form of the table above on two real connections: both requests have
    checked their form before either one saves; the row lock lets one through, the other
    finds the newer version and answers 409 with both values, and nothing of it is
    written."""
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    from core.locking import VersionFormMixin

    url = fall["url"].format(**lage.ids)
    clients = [client_fuer(lage.users[rolle]) for rolle in fall["rollen"]]
    daten = [geoeffnet(c, url)[1] for c in clients]
    aenderungen = [fall["zuerst"], fall["danach"]]
    vorher = fall["lesen"](lage)
    if fall.get("sperrt_vor_dem_formular"):
        # The second request waits for the lock before its form is even read: both start
        # at the same moment, both carry the version they were shown.
        gleichzeitig = nullcontext()
    else:
        gleichzeitig = _nach_der_pruefung_gleichzeitig(VersionFormMixin)
    with gleichzeitig:
        codes, antworten = _parallel(
            [lambda i=i: clients[i].post(url, {**daten[i], **aenderungen[i]}) for i in range(2)]
        )
    assert sorted(codes, key=str) == [302, 409], antworten
    gewinner = codes.index(302)
    erwartet = (fall["erwartet_zuerst"], fall["erwartet_danach"])[gewinner](vorher)
    assert fall["lesen"](lage) == erwartet
    html = antworten[1 - gewinner].content.decode()
    assert "Ihre Eingaben sind noch nicht gespeichert" in html
    assert vergleich(html), "keine Gegenüberstellung der Werte"
    _, nochmal = formular(html)
    for name, wert in aenderungen[1 - gewinner].items():
        assert nochmal[name] == [wert], (name, nochmal.get(name))


@pytest.mark.django_db(transaction=True)
def test_two_parallel_edits_of_a_mittelabruf_give_one_save_and_one_409(lage):
    require_or_skip(connection.vendor == "postgresql", "Zeilensperren gibt es nur auf PostgreSQL")
    from foerderung.models import Mittelabruf

    url = f"/foerderung/{lage.ids['bescheid']}/mittelabrufe/{lage.ids['mittelabruf']}/bearbeiten/"
    clients = [client_fuer(lage.users["kreis"]), client_fuer(lage.users["admin"])]
    daten = [geoeffnet(c, url)[1] for c in clients]
    aenderungen = [{"betrag": "1.234,00"}, {"bemerkung": "aus dem zweiten Fenster"}]
    codes, antworten = _parallel(
        [lambda i=i: clients[i].post(url, {**daten[i], **aenderungen[i]}) for i in range(2)]
    )
    assert sorted(codes, key=str) == [302, 409], antworten
    gewinner = codes.index(302)
    abruf = Mittelabruf.objects.get(pk=lage.ids["mittelabruf"])
    if gewinner == 0:
        assert abruf.betrag == Decimal("1234") and abruf.bemerkung != "aus dem zweiten Fenster"
    else:
        assert abruf.bemerkung == "aus dem zweiten Fenster" and abruf.betrag != Decimal("1234")
    html = unescape(antworten[1 - gewinner].content.decode())
    assert "Ihre Eingaben sind nicht gespeichert." in html
    wert = next(iter(aenderungen[1 - gewinner].values()))
    assert f'value="{wert}"' in html  # the input stays in the form
