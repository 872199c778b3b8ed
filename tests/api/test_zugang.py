"""The account page "API-Zugang": create a token (shown once), use it, revoke it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from api.models import ApiToken

pytestmark = pytest.mark.django_db


def _token_im_html(html: str) -> str | None:
    treffer = re.search(r'id="neues-token"[^>]*value="(lpt_[A-Za-z0-9_-]+)"', html)
    return treffer.group(1) if treffer else None


def test_create_use_and_revoke_a_token(welt, login):
    client = login(welt.users["cdo_eigen"])
    seite = client.get("/accounts/api-zugang/")
    assert seite.status_code == 200
    assert "Sie haben noch kein aktives Token." in seite.content.decode()
    # The account navigation leads here.
    assert 'href="/accounts/api-zugang/" aria-current="page">API-Zugang' in seite.content.decode()

    antwort = client.post(
        "/accounts/api-zugang/", {"bezeichnung": "Auswertung Stadtrat"}, follow=True
    )
    html = antwort.content.decode()
    klartext = _token_im_html(html)
    assert klartext, html
    assert "wird nur dieses eine Mal angezeigt" in html
    assert "Auswertung Stadtrat" in html
    # Shown once: a reload no longer has it.
    assert _token_im_html(client.get("/accounts/api-zugang/").content.decode()) is None

    api = Client(headers={"Authorization": f"Bearer {klartext}"})
    titel = {m["titel"] for m in api.get("/api/v1/massnahmen/").json()["ergebnisse"]}
    assert "Digitale Akte in Detmold" in titel  # internal, readable for the Detmold CDO
    assert "noch nie" not in client.get("/accounts/api-zugang/").content.decode()

    token = ApiToken.objects.get()
    antwort = client.post(f"/accounts/api-zugang/{token.pk}/widerrufen/", follow=True)
    assert "wurde widerrufen" in antwort.content.decode()
    assert "Sie haben noch kein aktives Token." in antwort.content.decode()
    assert api.get("/api/v1/massnahmen/").status_code == 401


def test_an_empty_name_is_refused_at_the_field(welt, login):
    client = login(welt.users["kreis"])
    antwort = client.post("/accounts/api-zugang/", {"bezeichnung": "   "})
    assert antwort.status_code == 422
    assert "Bezeichnung" in antwort.content.decode()
    assert not ApiToken.objects.exists()


def test_nobody_revokes_another_persons_token(welt, login):
    fremd, _ = ApiToken.issue(user=welt.users["cdo_eigen"], bezeichnung="Detmold")
    for rolle in ("cdo_andere", "kreis", "admin"):
        antwort = login(welt.users[rolle]).post(f"/accounts/api-zugang/{fremd.pk}/widerrufen/")
        assert antwort.status_code == 404
    fremd.refresh_from_db()
    assert fremd.is_active
    # Nor sees it listed.
    assert "Detmold" not in login(welt.users["kreis"]).get("/accounts/api-zugang/").content.decode()


def test_at_most_ten_active_tokens(welt, login):
    for n in range(10):
        ApiToken.issue(user=welt.users["kreis"], bezeichnung=f"Skript {n}")
    antwort = login(welt.users["kreis"]).post("/accounts/api-zugang/", {"bezeichnung": "elftes"})
    assert antwort.status_code == 422
    assert "bereits 10 aktive Tokens" in antwort.content.decode()
    assert ApiToken.objects.count() == 10
