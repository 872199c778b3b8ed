"""When the public data last changed: the `Last-Modified` of the public pages, the open data
and the catalogue, and part of the downloads' ETag (issue 17, point 4).

One query, however much data: the newest `history_date` of the historical tables
(django-simple-history writes a row on every create, change and delete, and indexes the
column) and the newest `geaendert_am` of the models without history. A deleted Maßnahme
therefore moves the date forward too. Not seen: bulk writes that bypass `save()`
(`QuerySet.update`, COPY in seed_scale) and the reference data without timestamps
(Handlungsfelder, Lebensbereiche); the content ETag of the pages still changes with them.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import connection
from django.utils import timezone

from foerderung.models import Foerderbescheid, Mittelabruf
from handlungsfelder.models import Kennzahl, KennzahlWert, Ziel
from kommunen.models import Kommune, Kreis
from massnahmen.models import Massnahme, Meilenstein, Statusmeldung
from ozg.models import Umsetzungsstand

MIT_VERLAUF = (Massnahme, Meilenstein, Statusmeldung, Umsetzungsstand, Foerderbescheid, Mittelabruf)
OHNE_VERLAUF = (Ziel, Kennzahl, KennzahlWert, Kommune, Kreis)


def _sql() -> str:
    teile = [
        f"SELECT MAX(history_date) AS t FROM {connection.ops.quote_name(m.history.model._meta.db_table)}"
        for m in MIT_VERLAUF
    ] + [
        f"SELECT MAX(geaendert_am) AS t FROM {connection.ops.quote_name(m._meta.db_table)}"
        for m in OHNE_VERLAUF
    ]
    return "SELECT MAX(t) FROM (" + " UNION ALL ".join(teile) + ") AS stand"


def datenstand(request=None) -> dt.datetime | None:
    """The newest change of the public data, to the second (what `Last-Modified` can say),
    None for an empty portal. With `request`: asked once per request."""
    genau = _genau(request)
    return None if genau is None else genau.replace(microsecond=0)


def _genau(request=None) -> dt.datetime | None:
    if request is not None:
        if not hasattr(request, "_portal_datenstand"):
            request._portal_datenstand = _genau()
        return request._portal_datenstand
    with connection.cursor() as cursor:
        cursor.execute(_sql())
        wert = cursor.fetchone()[0]
    if wert is None:
        return None
    if isinstance(wert, str):  # SQLite hands back the text of a UNION of datetimes
        wert = dt.datetime.fromisoformat(wert)
    if timezone.is_naive(wert):
        wert = timezone.make_aware(wert, dt.UTC)
    return wert


def download_etag(request) -> str:
    """ETag of an open-data download: the data stand (to the microsecond, so two changes in
    one second differ) and the exact URL (filters, format)."""
    stand = _genau(request)
    roh = f"{stand.isoformat() if stand else '-'}|{request.get_full_path()}"
    return hashlib.sha256(roh.encode()).hexdigest()[:32]
