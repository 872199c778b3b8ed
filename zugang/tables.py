"""The Zugriffsprotokoll's one declaration (issue 20): `ProtokolleintragTable`."""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateformat import format as datum_format
from django.utils.html import conditional_escape as esc

from core.tables import Column, KernTable

from .models import Protokolleintrag

ISO_8601 = r"Y-m-d\TH:i:sO"


def _zeitpunkt(e: Protokolleintrag, table) -> str:
    zeitpunkt = timezone.localtime(e.zeitpunkt)
    return (
        f'<time datetime="{datum_format(zeitpunkt, ISO_8601)}">'
        f"{datum_format(zeitpunkt, 'd.m.Y H:i:s')}</time>"
    )


def _name(person) -> str:
    return esc(person.get_full_name() or person.email)


def _person(e: Protokolleintrag, table) -> str:
    person = _name(e.person) if e.person else "–"
    if e.ausgeloest_von:
        person += f'<br><span class="kern-hint">durch {_name(e.ausgeloest_von)}</span>'
    return person


def _ip(e: Protokolleintrag, table) -> str:
    gekuerzt = ' <span class="kern-hint">(gekürzt)</span>' if e.ip_gekuerzt else ""
    return f"{esc(e.ip) if e.ip else '–'}{gekuerzt}"


def _details(e: Protokolleintrag, table) -> str:
    pfad = ""
    if e.pfad and e.ereignis == "zugriff_verweigert":
        pfad = f" <code>{esc(e.pfad)}</code>"
    return f"{esc(e.details)}{pfad}"


class ProtokolleintragTable(KernTable):
    """/zugang/protokoll/: the audit entries, newest first."""

    caption = "Zugriffsprotokoll, sortierbar"
    default_sort = "-zeitpunkt"

    zeitpunkt = Column("Zeitpunkt", sort="zeitpunkt", render=_zeitpunkt)
    ereignis = Column(
        "Ereignis", sort="ereignis", render=lambda e, t: esc(e.get_ereignis_display())
    )
    person = Column("Person", render=_person)
    kreise = Column(
        "Kreis", render=lambda e, t: esc(", ".join(k.name for k in e.kreise.all())) or "–"
    )
    ip = Column("IP-Adresse", render=_ip)
    details = Column("Details", render=_details)
