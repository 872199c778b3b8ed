"""Issue 15, point 2: workshops of the region.

The DigitalBüro OWL creates and runs them; every CDO of the region sees a published one and
signs up; nobody of a Kreis edits it, and the region still edits no Kreis's workshop.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tests.dashboards.dashboard_hilfen import seitentext
from tests.factories import (
    KommuneFactory,
    KreisFactory,
    MitgliedschaftFactory,
    RegionFactory,
    UserFactory,
    WorkshopFactory,
)
from tests.workshops.test_views import _formulardaten
from workshops.models import Teilnahme, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def regionsworkshop(welt) -> Workshop:
    beginn = timezone.now() + dt.timedelta(days=20)
    return WorkshopFactory(
        kreis=None,
        region=welt.region,
        titel="OWL-Forum Digitalisierung",
        beginn=beginn,
        ende=beginn + dt.timedelta(hours=3),
        online_link="https://video.example.invalid/owl",
        veroeffentlicht_am=timezone.now(),
    )


@pytest.fixture
def cdo_herford(welt):
    user = UserFactory(email="cdo.herford@example.invalid")
    MitgliedschaftFactory(user=user, rolle="cdo", kommune=welt.herford_stadt)
    return user


def test_the_region_creates_publishes_and_edits_its_workshop(
    welt, login, cdo_herford, django_capture_on_commit_callbacks
):
    client = login(welt.users["region"])
    form = client.get("/workshops/neu/")
    assert form.status_code == 200
    assert 'name="kreis"' not in form.content.decode()
    antwort = client.post("/workshops/neu/", _formulardaten(welt, titel="OWL-Forum"))
    assert antwort.status_code == 302, seitentext(antwort)[:2000]
    workshop = Workshop.objects.get(titel="OWL-Forum")
    assert (workshop.kreis, workshop.region, workshop.organisiert_von) == (None, welt.region, None)
    seite = client.get(f"/workshops/{workshop.pk}/veroeffentlichen/")
    assert "alle Kommunen der Region" in seitentext(seite)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/workshops/{workshop.pk}/veroeffentlichen/").status_code == 302
    # The invitation reaches the CDOs of every Kreis of the region.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "cdo.detmold@example.invalid",
        "cdo.herford@example.invalid",
        "cdo.lemgo@example.invalid",
    ]
    assert f"die {welt.region.bezeichnung} lädt Sie herzlich" in mail.outbox[0].body
    assert client.get(f"/workshops/{workshop.pk}/bearbeiten/").status_code == 200


def test_every_cdo_of_the_region_sees_and_signs_up(welt, login, regionsworkshop, cdo_herford):
    for user, kommune in [
        (welt.users["cdo_eigen"], welt.detmold),
        (cdo_herford, welt.herford_stadt),
    ]:
        client = login(user)
        assert "OWL-Forum Digitalisierung" in seitentext(client.get("/workshops/"))
        seite = client.get(regionsworkshop.get_absolute_url())
        assert seite.status_code == 200
        assert "https://video.example.invalid/owl" in seite.content.decode()
        assert client.post(f"/workshops/{regionsworkshop.pk}/anmelden/").status_code == 302
        teilnahme = Teilnahme.objects.get(workshop=regionsworkshop, person=user)
        assert teilnahme.kommune == kommune
    # … but nobody of a Kreis edits it.
    for rolle in ["cdo_eigen", "kreis", "kreis_fremd"]:
        client = login(welt.users[rolle])
        assert client.get(f"/workshops/{regionsworkshop.pk}/bearbeiten/").status_code == 403


def test_a_draft_of_the_region_is_seen_by_the_region_only(welt, login, regionsworkshop):
    regionsworkshop.veroeffentlicht_am = None
    regionsworkshop.save()
    assert login(welt.users["region"]).get(regionsworkshop.get_absolute_url()).status_code == 200
    for rolle in ["cdo_eigen", "kreis", "kreis_fremd"]:
        antwort = login(welt.users[rolle]).get(regionsworkshop.get_absolute_url())
        assert antwort.status_code == 404, rolle


def test_the_region_still_never_edits_a_kreis_workshop(welt, login, workshop):
    client = login(welt.users["region"])
    assert client.get(f"/workshops/{workshop.pk}/bearbeiten/").status_code == 403
    assert client.post(f"/workshops/{workshop.pk}/absagen/").status_code == 403
    workshop.refresh_from_db()
    assert not workshop.abgesagt


def test_another_region_sees_nothing_and_cannot_sign_up(welt, login, regionsworkshop):
    obb = RegionFactory(kurzname="OBB", name="Oberbayern", slug="oberbayern")
    kreis = KreisFactory(ags="09162", name="München", slug="muenchen", region=obb)
    muenchen = KommuneFactory(kreis=kreis, ags="09162000", name="München", slug="muenchen")
    user = UserFactory(email="cdo.muenchen@example.invalid")
    MitgliedschaftFactory(user=user, rolle="cdo", kommune=muenchen)
    client = login(user)
    assert client.get(regionsworkshop.get_absolute_url()).status_code == 404
    assert client.post(f"/workshops/{regionsworkshop.pk}/anmelden/").status_code == 404
    assert not Teilnahme.objects.exists()


def test_a_kommune_outside_the_choices_is_refused_at_sign_up(welt, login, regionsworkshop):
    antwort = login(welt.users["cdo_eigen"]).post(
        f"/workshops/{regionsworkshop.pk}/anmelden/",
        {"kommune": welt.herford_stadt.pk},
        follow=True,
    )
    assert "Bitte wählen Sie eine Ihrer Kommunen." in antwort.content.decode()
    assert not Teilnahme.objects.exists()


def test_a_region_workshop_is_on_every_kreis_dashboard(welt, login, regionsworkshop):
    for rolle in ["cdo_eigen", "kreis_fremd"]:
        seite = seitentext(login(welt.users[rolle]).get("/dashboard/"))
        assert "OWL-Forum Digitalisierung" in seite, rolle
