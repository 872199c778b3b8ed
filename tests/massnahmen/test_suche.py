"""The Maßnahmen search on PostgreSQL reads a stored, GIN-indexed German search vector
(issue 19, point 3); on SQLite it matches substrings. What a user types finds the same
Maßnahmen either way."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from massnahmen.filtersets import MassnahmeFilterSet
from massnahmen.models import Massnahme
from tests.conftest import require_or_skip
from tests.factories import MassnahmeFactory

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def _treffer(query: str) -> set[str]:
    """The titles the Maßnahmen list's search box finds (as an admin, who reads all)."""
    admin = get_user_model().objects.filter(is_superuser=True).first()
    filterset = MassnahmeFilterSet(
        {"q": query}, queryset=Massnahme.objects.all(), request=SimpleNamespace(user=admin)
    )
    return set(filterset.qs.values_list("titel", flat=True))


@pytest.fixture
def massnahmen(django_user_model):
    django_user_model.objects.create_superuser(email="admin@example.invalid", password="x")
    MassnahmeFactory(titel="Digitale Akte", beschreibung="Elektronische Aktenführung im Rathaus.")
    MassnahmeFactory(titel="Bürgerserviceportal", beschreibung="Anträge online stellen.")
    MassnahmeFactory(titel="Glasfaser", beschreibung="Ausbau in den Gewerbegebieten.")


def test_finds_by_title_description_stem_and_part_of_a_compound(massnahmen):
    assert _treffer("Akte") == {"Digitale Akte"}
    assert _treffer("Gewerbegebieten") == {"Glasfaser"}
    assert _treffer("portal") == {"Bürgerserviceportal"}  # inside a German compound
    assert _treffer("Anträge online") == {"Bürgerserviceportal"}
    assert _treffer("Kläranlage") == set()
    if POSTGRESQL:
        assert _treffer("Akten") == {"Digitale Akte"}  # German stemming


def test_an_edited_maßnahme_is_found_by_its_new_words_only(massnahmen):
    akte = Massnahme.objects.get(titel="Digitale Akte")
    akte.beschreibung = "Scanstraße für Bauakten."
    akte.save()
    assert _treffer("Scanstraße") == {"Digitale Akte"}
    assert _treffer("Rathaus") == set()
    Massnahme.objects.filter(pk=akte.pk).update(titel="E-Akte")  # no save(), no signal
    assert "E-Akte" in _treffer("Scanstraße")


def test_postgresql_search_reads_the_stored_vector_through_its_index(massnahmen):
    require_or_skip(POSTGRESQL, "die gespeicherte Volltextsuche gibt es nur auf PostgreSQL")
    with CaptureQueriesContext(connection) as queries:
        _treffer("Akte")
    sql = queries[-1]["sql"]
    assert '"suchvektor"' in sql and "to_tsvector" not in sql  # nothing computed per row
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'massnahmen_massnahme'")
        indexe = {name for (name,) in cursor.fetchall()}
        assert {
            "massnahmen_massnahme_suchvektor_gin",
            "massnahmen_massnahme_titel_trgm",
            "massnahmen_massnahme_beschreibung_trgm",
        } <= indexe
        # With sequential scans off, the planner can answer the search from the indexes.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(zeile for (zeile,) in cursor.fetchall())
    assert "Seq Scan on massnahmen_massnahme" not in plan, plan
