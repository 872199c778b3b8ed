"""For Kommune websites (issue 17, point 5): the widget /oeffentlich/einbetten/<slug>/,
framable only by the origins Kreis staff list for the Kommune, and the Atom feeds of the
public updates per Kommune and per Kreis."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.eingaben import https_origins
from massnahmen.models import Massnahme
from tests.factories import MassnahmeFactory, StatusmeldungFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def welt_mit_meldungen(welt):
    """Public Maßnahmen led by Detmold, with Lemgo taking part, and by Herford; an internal
    one of Detmold; updates with and without public summary."""
    akte = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.detmold,
        handlungsfeld=welt.handlungsfeld,
        titel="E-Akte Detmold",
        veroeffentlicht=True,
        fortschritt=40,
        status=Massnahme.Status.IN_UMSETZUNG,
        beteiligte=[welt.lemgo],
    )
    wlan = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.blomberg,
        handlungsfeld=welt.handlungsfeld,
        titel="WLAN Blomberg",
        veroeffentlicht=True,
        fortschritt=80,
        status=Massnahme.Status.IN_UMSETZUNG,
    )
    herford = MassnahmeFactory(
        kreis=welt.herford,
        federfuehrend=welt.herford_stadt,
        handlungsfeld=welt.handlungsfeld,
        titel="Bürgerportal Herford",
        veroeffentlicht=True,
    )
    StatusmeldungFactory(
        massnahme=akte,
        quartal="2026-Q2",
        erreicht="INTERN Akte Q2",
        oeffentliche_zusammenfassung="Die E-Akte läuft im Bürgerbüro.",
        zusammenfassung_am=timezone.make_aware(dt.datetime(2026, 7, 3, 10, 0)),
    )
    StatusmeldungFactory(massnahme=akte, quartal="2026-Q3", erreicht="INTERN Akte Q3")
    StatusmeldungFactory(
        massnahme=wlan,
        quartal="2026-Q3",
        erreicht="INTERN WLAN",
        oeffentliche_zusammenfassung="Zwölf <b>Zugangspunkte</b> & mehr.",
    )
    StatusmeldungFactory(
        massnahme=herford, quartal="2026-Q3", oeffentliche_zusammenfassung="Herford: online."
    )
    StatusmeldungFactory(
        massnahme=welt.massnahme,  # Detmold, Kreis-visible
        quartal="2026-Q3",
        oeffentliche_zusammenfassung="GEHEIM nicht öffentlich",
    )
    welt.detmold.einbettende_websites = "https://www.detmold.de\nhttps://rathaus.detmold.de"
    welt.detmold.save()
    welt.lemgo.einbettende_websites = "https://www.lemgo.de"
    welt.lemgo.save()
    return {"akte": akte, "wlan": wlan, "herford": herford}


# --- the widget and who may frame it ----------------------------------------------------------


def _frame_ancestors(response) -> str:
    teile = [t.strip() for t in response["Content-Security-Policy"].split(";")]
    return next(t for t in teile if t.startswith("frame-ancestors"))


def test_widget_shows_the_kommunes_published_massnahmen_and_progress(client, welt_mit_meldungen):
    response = client.get("/oeffentlich/einbetten/detmold/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Digitalisierung in der Stadt Detmold" in html
    assert "E-Akte Detmold" in html and 'value="40"' in html and "federführend" in html
    assert "Digitale Akte in Detmold" not in html  # Kreis-visible
    assert "WLAN Blomberg" not in html and "Bürgerportal Herford" not in html
    assert "1 veröffentlichte Maßnahme, im Durchschnitt zu 40,0&nbsp;% umgesetzt" in html
    # Lemgo takes part in the E-Akte.
    lemgo = client.get("/oeffentlich/einbetten/lemgo/").content.decode()
    assert "E-Akte Detmold" in lemgo and "beteiligt" in lemgo
    assert (
        'type="application/atom+xml"' in lemgo
        and "/oeffentlich/meldungen/kommune/lemgo.atom" in lemgo
    )


def test_frame_ancestors_per_kommune_and_deny_everywhere_else(client, welt_mit_meldungen):
    detmold = client.get("/oeffentlich/einbetten/detmold/")
    lemgo = client.get("/oeffentlich/einbetten/lemgo/")
    blomberg = client.get("/oeffentlich/einbetten/blomberg/")
    assert _frame_ancestors(detmold) == (
        "frame-ancestors 'self' https://www.detmold.de https://rathaus.detmold.de"
    )
    assert _frame_ancestors(lemgo) == "frame-ancestors 'self' https://www.lemgo.de"
    assert _frame_ancestors(blomberg) == "frame-ancestors 'self'"  # nobody listed
    for response in (detmold, lemgo, blomberg):
        assert "X-Frame-Options" not in response
        # The rest of the policy stays as strict as on every page.
        assert "script-src 'self'" in response["Content-Security-Policy"]
    for url in (
        "/oeffentlich/",
        f"/oeffentlich/massnahmen/{welt_mit_meldungen['akte'].pk}/",
        "/oeffentlich/meldungen/kommune/detmold.atom",
        "/kommunen/",
    ):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert _frame_ancestors(response) == "frame-ancestors 'none'", url


def test_widget_is_cookie_free_cacheable_and_its_etag_follows_the_origins(
    client, login, welt, welt_mit_meldungen
):
    angemeldet = login(welt.users["cdo_eigen"])
    response = angemeldet.get("/oeffentlich/einbetten/detmold/")
    assert not response.cookies and "Cookie" not in response.get("Vary", "")
    assert "public" in response["Cache-Control"]
    etag = response["ETag"]
    assert (
        angemeldet.get("/oeffentlich/einbetten/detmold/", HTTP_IF_NONE_MATCH=etag).status_code
        == 304
    )
    # A changed list of origins is a new answer, though the page reads the same.
    welt.detmold.einbettende_websites = "https://www.detmold.de"
    welt.detmold.save()
    neu = client.get("/oeffentlich/einbetten/detmold/", HTTP_IF_NONE_MATCH=etag)
    assert neu.status_code == 200 and neu["ETag"] != etag
    assert _frame_ancestors(neu) == "frame-ancestors 'self' https://www.detmold.de"


def test_unknown_kommune_is_a_404(client, welt):
    assert client.get("/oeffentlich/einbetten/gibt-es-nicht/").status_code == 404
    assert client.get("/oeffentlich/meldungen/kommune/gibt-es-nicht.atom").status_code == 404
    assert client.get("/oeffentlich/meldungen/kreis/99999.atom").status_code == 404
    assert client.get("/oeffentlich/meldungen/kreis/0576%00.atom").status_code == 404


# --- the list of origins, kept by Kreis staff ----------------------------------------------------


@pytest.mark.parametrize(
    ("eingabe", "erwartet"),
    [
        ("", []),
        ("https://www.detmold.de\n\n  https://WWW.Detmold.de/  ", ["https://www.detmold.de"]),
        (
            "https://portal.detmold.de:8443\r\nhttps://a.example:443",
            [
                "https://portal.detmold.de:8443",
                "https://a.example",
            ],
        ),
        ("https://xn--lgde-jua.de", ["https://xn--lgde-jua.de"]),
    ],
)
def test_https_origins_are_normalised(eingabe, erwartet):
    assert https_origins(eingabe) == erwartet


@pytest.mark.parametrize(
    "eingabe",
    [
        "http://www.detmold.de",
        "https://www.detmold.de/pfad",
        "https://www.detmold.de?x=1",
        "https://*.detmold.de",
        "https://nutzer@detmold.de",
        "https://192.168.0.1",
        "https://localhost",
        "www.detmold.de",
        "https://a.example; script-src *",
        "https://a.example https://b.example",
        "https://a.example:99999",
        "'self'",
    ],
)
def test_anything_but_an_https_origin_is_refused_in_german(eingabe):
    with pytest.raises(ValidationError) as fehler:
        https_origins(eingabe)
    assert "ist keine gültige Adresse" in fehler.value.messages[0]
    assert "https://www.detmold.de" in fehler.value.messages[0]


def _profil(client, kommune, **daten):
    return client.post(
        f"/kommunen/{kommune.slug}/bearbeiten/",
        {"website": "", "beschreibung": "", "version": str(kommune.version), **daten},
    )


def test_kreis_staff_list_the_origins_on_the_kommune_form(welt, login):
    client = login(welt.users["kreis"])
    assert (
        "Websites, die das Widget einbetten dürfen"
        in client.get("/kommunen/detmold/bearbeiten/").content.decode()
    )
    response = _profil(
        client, welt.detmold, einbettende_websites="https://www.detmold.de/\nhttps://www.detmold.de"
    )
    assert response.status_code == 302
    welt.detmold.refresh_from_db()
    assert welt.detmold.einbettende_websites == "https://www.detmold.de"
    response = _profil(client, welt.detmold, einbettende_websites="http://www.detmold.de")
    assert response.status_code == 422
    html = response.content.decode()
    assert "„http://www.detmold.de“ ist keine gültige Adresse." in html
    welt.detmold.refresh_from_db()
    assert welt.detmold.einbettende_websites == "https://www.detmold.de"


def test_a_cdo_keeps_the_profile_but_not_the_origins(welt, login):
    welt.detmold.einbettende_websites = "https://www.detmold.de"
    welt.detmold.save()
    client = login(welt.users["cdo_eigen"])
    assert (
        "einbettende_websites" not in client.get("/kommunen/detmold/bearbeiten/").content.decode()
    )
    response = _profil(
        client, welt.detmold, beschreibung="Neu", einbettende_websites="https://boese.example"
    )
    assert response.status_code == 302
    welt.detmold.refresh_from_db()
    assert welt.detmold.beschreibung == "Neu"
    assert welt.detmold.einbettende_websites == "https://www.detmold.de"


def test_another_kreis_cannot_list_origins(welt, login):
    response = _profil(
        login(welt.users["kreis_fremd"]), welt.detmold, einbettende_websites="https://boese.example"
    )
    assert response.status_code == 404
    welt.detmold.refresh_from_db()
    assert welt.detmold.einbettende_websites == ""


# --- the Atom feeds ----------------------------------------------------------------------------


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return response


def _atom_pruefen(inhalt: bytes) -> list[ET.Element]:
    """The parts of RFC 4287 a reader relies on: the feed's id, title, updated and author
    (or one per entry), and every entry's id, title, updated and link."""
    feed = ET.fromstring(inhalt)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{name}") or "").strip(), name
    dt.datetime.fromisoformat(feed.findtext(f"{ATOM}updated"))
    self_links = [x for x in feed.findall(f"{ATOM}link") if x.get("rel") == "self"]
    assert len(self_links) == 1
    eintraege = feed.findall(f"{ATOM}entry")
    feed_autor = feed.find(f"{ATOM}author/{ATOM}name") is not None
    ids = set()
    for eintrag in eintraege:
        for name in ("id", "title", "updated"):
            assert (eintrag.findtext(f"{ATOM}{name}") or "").strip(), name
        dt.datetime.fromisoformat(eintrag.findtext(f"{ATOM}updated"))
        links = [x.get("href") for x in eintrag.findall(f"{ATOM}link")]
        assert links and all(
            h.startswith("http://testserver/oeffentlich/massnahmen/") for h in links
        )
        assert feed_autor or eintrag.find(f"{ATOM}author/{ATOM}name") is not None
        ids.add(eintrag.findtext(f"{ATOM}id"))
    assert len(ids) == len(eintraege)  # ids are unique
    return eintraege


def test_kommune_feed_parsed_by_feedparser(client, welt_mit_meldungen):
    response = _feed(client, "/oeffentlich/meldungen/kommune/detmold.atom")
    _atom_pruefen(response.content)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Digitalisierung in der Stadt Detmold: öffentliche Meldungen"
    assert [e.title for e in feed.entries] == ["E-Akte Detmold: Stand 2. Quartal 2026"]
    eintrag = feed.entries[0]
    akte = welt_mit_meldungen["akte"]
    assert eintrag.link == f"http://testserver/oeffentlich/massnahmen/{akte.pk}/#meldung-2026-Q2"
    assert eintrag.summary == "Die E-Akte läuft im Bürgerbüro."
    assert eintrag.updated_parsed[:5] == (2026, 7, 3, 8, 0)  # 10:00 in Detmold
    text = response.content.decode()
    for verboten in ("INTERN", "GEHEIM", "3. Quartal", "Herford", "WLAN"):
        assert verboten not in text, verboten
    # Lemgo takes part in the E-Akte: the same update in its feed.
    lemgo = feedparser.parse(_feed(client, "/oeffentlich/meldungen/kommune/lemgo.atom").content)
    assert [e.title for e in lemgo.entries] == ["E-Akte Detmold: Stand 2. Quartal 2026"]


def test_kreis_feed_holds_the_kreis_public_updates_only(client, welt_mit_meldungen):
    response = _feed(client, "/oeffentlich/meldungen/kreis/05766.atom")
    eintraege = _atom_pruefen(response.content)
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert sorted(e.title for e in feed.entries) == [
        "E-Akte Detmold: Stand 2. Quartal 2026",
        "WLAN Blomberg: Stand 3. Quartal 2026",
    ]
    assert len(eintraege) == 2
    # The summary is text: markup typed into it reaches a reader escaped, never as markup.
    wlan = next(e for e in feed.entries if e.title.startswith("WLAN"))
    assert wlan.summary == "Zwölf &lt;b&gt;Zugangspunkte&lt;/b&gt; &amp; mehr."
    text = response.content.decode()
    for verboten in ("INTERN", "GEHEIM", "Herford"):
        assert verboten not in text, verboten
    herford = feedparser.parse(_feed(client, "/oeffentlich/meldungen/kreis/05758.atom").content)
    assert [e.title for e in herford.entries] == ["Bürgerportal Herford: Stand 3. Quartal 2026"]


def test_no_entry_of_a_massnahme_that_is_no_longer_public(client, welt_mit_meldungen):
    akte = welt_mit_meldungen["akte"]
    akte.veroeffentlicht = False
    akte.save()
    feed = feedparser.parse(_feed(client, "/oeffentlich/meldungen/kommune/detmold.atom").content)
    assert feed.entries == []
    _atom_pruefen(_feed(client, "/oeffentlich/meldungen/kommune/detmold.atom").content)


def test_feeds_are_cookie_free_and_answer_304(client, login, welt, welt_mit_meldungen):
    angemeldet = login(welt.users["kreis"])
    response = _feed(angemeldet, "/oeffentlich/meldungen/kreis/05766.atom")
    assert not response.cookies and "Cookie" not in response.get("Vary", "")
    assert "public" in response["Cache-Control"]
    assert response["ETag"] and response["Last-Modified"]
    bedingt = angemeldet.get(
        "/oeffentlich/meldungen/kreis/05766.atom", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert bedingt.status_code == 304
    # An empty feed keeps its bytes too (no "now" in <updated>).
    leer = client.get("/oeffentlich/meldungen/kommune/blomberg.atom")
    assert leer.content == client.get("/oeffentlich/meldungen/kommune/blomberg.atom").content


def test_public_pages_link_their_feeds(client, welt_mit_meldungen):
    akte = welt_mit_meldungen["akte"]
    html = client.get(f"/oeffentlich/massnahmen/{akte.pk}/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Öffentliche Meldungen des '
        'Kreises Lippe" href="/oeffentlich/meldungen/kreis/05766.atom">'
    ) in html
    assert 'href="/oeffentlich/meldungen/kommune/detmold.atom"' in html
    assert 'id="meldung-2026-Q2"' in html  # the anchor the feed entry links to
    index = client.get("/oeffentlich/?kreis=05766").content.decode()
    assert 'type="application/atom+xml"' in index and "kreis/05766.atom" in index
    alle = client.get("/oeffentlich/").content.decode()
    assert "kreis/05766.atom" in alle and "kreis/05758.atom" in alle


def test_the_kommune_form_gives_the_code_to_embed(welt, login):
    welt.detmold.einbettende_websites = "https://www.detmold.de"
    welt.detmold.save()
    html = login(welt.users["cdo_eigen"]).get("/kommunen/detmold/bearbeiten/").content.decode()
    assert (
        '&lt;iframe src="http://testserver/oeffentlich/einbetten/detmold/" '
        'title="Digitalisierung in der Stadt Detmold"'
    ) in html
    assert "eingetragen ist: https://www.detmold.de" in html
