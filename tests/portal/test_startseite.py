"""The start page: what the anonymous learn, what the logged-in find of their own work."""

from __future__ import annotations

import pytest

from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def test_start_page_lists_open_statusmeldungen_for_my_kommune(welt, login):
    html = login(welt.users["cdo_eigen"]).get("/").content.decode()
    assert "Meine offenen Statusmeldungen" in html
    assert "Digitale Akte in Detmold" in html
    html = login(welt.users["cdo_andere"]).get("/").content.decode()
    assert "Digitale Akte in Detmold" not in html  # Lemgo neither leads nor takes part


def test_start_page_for_anonymous_explains_the_portal(client, db):
    html = client.get("/").content.decode()
    assert "16 Städte und Gemeinden" in html
    assert "/accounts/login/" in html


def test_start_page_hides_draft_workshops_from_cdos_and_region(welt, login):
    WorkshopFactory(kreis=welt.lippe, titel="GEHEIMER ENTWURF", veroeffentlicht_am=None)
    for rolle in ("cdo_eigen", "region"):
        assert "GEHEIMER ENTWURF" not in login(welt.users[rolle]).get("/").content.decode()
    assert "GEHEIMER ENTWURF" in login(welt.users["kreis"]).get("/").content.decode()
