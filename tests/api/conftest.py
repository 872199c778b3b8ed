"""Fixtures of the API tests: a token per role of the `welt` and a client that sends it."""

from __future__ import annotations

import pytest
from django.test import Client

from api.models import ApiToken


@pytest.fixture
def token_fuer(welt):
    """`token_fuer(rolle)` → the plain token of a new token of that role's person."""

    def _token(rolle: str) -> str:
        _, klartext = ApiToken.issue(user=welt.users[rolle], bezeichnung=f"Test {rolle}")
        return klartext

    return _token


@pytest.fixture
def api_client(token_fuer):
    """`api_client(rolle)` → a test client that sends that role's token (None: no token)."""

    def _client(rolle: str | None) -> Client:
        if rolle is None or rolle == "anonym":
            return Client()
        return Client(headers={"Authorization": f"Bearer {token_fuer(rolle)}"})

    return _client
