"""Project-wide health: system checks pass and every model change has its migration."""

from io import StringIO

import pytest
from django.core.management import call_command


def test_system_checks_pass():
    call_command("check", fail_level="WARNING", stdout=StringIO())


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


@pytest.mark.django_db
def test_huge_ids_are_404_or_field_errors_never_overflow(client, welt):
    client.force_login(welt.users["kreis"])
    riesig = "9" * 40
    for url in [
        f"/massnahmen/{riesig}/",
        f"/foerderung/{riesig}/",
        f"/workshops/{riesig}/",
        f"/massnahmen/{'9' * 19}/",
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/massnahmen/{welt.massnahme.pk}/bearbeiten/",
        {"handlungsfeld": riesig, "beteiligte": [riesig], "titel": "x"},
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "handlungsfeld" in errors and "beteiligte" in errors
