"""HTTP a harvester can use (issue 17, point 4): ETag and Last-Modified on the public pages,
the open data, the catalogue and the API, 304 on a conditional request and a fresh 200 after
a change; gzip only for public responses, never with a session (BREACH); every download with
internal data `private, no-store`, the personal .ics feed included."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from django.core.cache import cache
from django.utils import timezone

from api.models import ApiToken
from massnahmen.models import Massnahme
from tests.factories import MassnahmeFactory, WorkshopFactory, ZielFactory
from workshops import services as workshop_services

pytestmark = pytest.mark.django_db

OEFFENTLICH = [
    "/oeffentlich/",
    "/oeffentlich/massnahmen/",
    "/oeffentlich/massnahmen/{pk}/",
    "/oeffentlich/daten/",
    "/oeffentlich/daten/massnahmen.csv?kreis=05766",
    "/oeffentlich/daten/massnahmen.json",
    "/oeffentlich/daten/kennzahlen.csv",
    "/oeffentlich/daten/ozg.csv",
    "/oeffentlich/daten/foerderung.csv",
    "/oeffentlich/daten/katalog.rdf",
    "/oeffentlich/daten/katalog.ttl",
    "/strategie/oeffentlich/",
    "/api/v1/",
    "/api/v1/kreise/",
]


@pytest.fixture(autouse=True)
def _leerer_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def offen(welt):
    m = MassnahmeFactory(
        kreis=welt.lippe,
        federfuehrend=welt.lemgo,
        handlungsfeld=welt.handlungsfeld,
        titel="Offenes WLAN in Lemgo",
        veroeffentlicht=True,
    )
    ZielFactory(kreis=welt.lippe, handlungsfeld=welt.handlungsfeld, veroeffentlicht=True)
    # Everything so far happened an hour ago: Last-Modified has a resolution of one second,
    # and the changes in the tests below must lie after it.
    vorher = timezone.now() - dt.timedelta(hours=1)
    for model in (Massnahme,):
        model.history.model.objects.update(history_date=vorher)
        model.objects.update(geaendert_am=vorher)
    from handlungsfelder.models import Ziel
    from kommunen.models import Kommune, Kreis

    for model in (Ziel, Kommune, Kreis):
        model.objects.update(geaendert_am=vorher)
    return m


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("vorlage", OEFFENTLICH)
def test_conditional_requests_answer_304(client, offen, vorlage):
    url = vorlage.format(pk=offen.pk)
    erste = client.get(url)
    assert erste.status_code == 200, url
    etag, geaendert = erste.get("ETag"), erste.get("Last-Modified")
    assert etag, url
    assert geaendert, url
    nochmal = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert nochmal.status_code == 304, url
    assert _body(nochmal) == b""
    seit = client.get(url, HTTP_IF_MODIFIED_SINCE=geaendert)
    assert seit.status_code == 304, url


@pytest.mark.parametrize(
    "url",
    [
        "/oeffentlich/daten/massnahmen.csv",
        "/oeffentlich/daten/katalog.ttl",
        "/oeffentlich/massnahmen/",
    ],
)
def test_after_a_change_the_harvester_gets_the_new_data(client, offen, welt, url):
    erste = client.get(url)
    etag, geaendert = erste["ETag"], erste["Last-Modified"]
    cache.clear()  # the five-minute figures cache of the pages
    MassnahmeFactory(
        kreis=welt.lippe,
        handlungsfeld=welt.handlungsfeld,
        titel="Neue Bürger-App",
        veroeffentlicht=True,
    )
    for kopf in ({"HTTP_IF_NONE_MATCH": etag}, {"HTTP_IF_MODIFIED_SINCE": geaendert}):
        neu = client.get(url, **kopf)
        assert neu.status_code == 200, kopf
        inhalt = _body(neu).decode()
        assert "Neue Bürger-App" in inhalt or "Die 2 veröffentlichten" in inhalt, kopf


def test_deleting_a_published_massnahme_moves_last_modified(client, offen):
    url = "/oeffentlich/daten/massnahmen.csv"
    geaendert = client.get(url)["Last-Modified"]
    offen.delete()
    neu = client.get(url, HTTP_IF_MODIFIED_SINCE=geaendert)
    assert neu.status_code == 200
    assert "Offenes WLAN" not in _body(neu).decode()


@pytest.mark.parametrize(
    "url",
    ["/oeffentlich/", "/oeffentlich/daten/massnahmen.csv", "/strategie/oeffentlich/", "/api/v1/"],
)
def test_public_responses_are_compressed(client, offen, url):
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    ungepackt = client.get(url)
    assert "Content-Encoding" not in ungepackt
    text = gzip.decompress(_body(response)).decode()
    if url.endswith(".csv"):
        assert text == _body(ungepackt).decode()
    assert len(text) > 0


def test_nothing_with_a_session_is_compressed(welt, login, offen):
    client = login(welt.users["kreis"])
    for url in ("/oeffentlich/", "/massnahmen/", f"/massnahmen/{offen.pk}/", "/kommunen/detmold/"):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response, url
    # An API answer to a personal token (internal data) neither.
    _token, klartext = ApiToken.issue(user=welt.users["kreis"], bezeichnung="Test")
    response = login(None).get(
        "/api/v1/kreise/", HTTP_ACCEPT_ENCODING="gzip", HTTP_AUTHORIZATION=f"Bearer {klartext}"
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert "no-store" in response["Cache-Control"]


def _cache_control(response) -> set[str]:
    return {t.strip().split("=")[0] for t in response.get("Cache-Control", "").split(",") if t}


def test_downloads_with_internal_data_are_private_no_store(welt, login, offen):
    client = login(welt.users["kreis"])
    workshop = WorkshopFactory(kreis=welt.lippe, veroeffentlicht_am=timezone.now())
    for url in (
        "/massnahmen/export.csv",
        "/massnahmen/export.xlsx",
        f"/workshops/{workshop.pk}.ics",
    ):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= _cache_control(response), url
        assert "ETag" not in response, url
        assert "Content-Encoding" not in response, url
    # The personal calendar feed is fetched by calendar apps without a session; the token in
    # the address is the credential, so the feed is never stored or compressed either.
    token = workshop_services.kalender_token(user=welt.users["kreis"])
    feed = login(None).get(f"/workshops/kalender/{token.token}.ics", HTTP_ACCEPT_ENCODING="gzip")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert {"private", "no-store"} <= _cache_control(feed)
    assert "Content-Encoding" not in feed
