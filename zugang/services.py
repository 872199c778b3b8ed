"""Writing and tidying the audit log."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core.logging import request_id as aktuelle_request_id
from kommunen.scope import _CACHE_ATTR as SCOPE_CACHE_ATTR
from kommunen.scope import forget_scope, scope_for

from .models import Protokolleintrag

logger = logging.getLogger("zugang.protokoll")


def client_ip(request) -> str | None:
    """The client's address as allauth sees it (same proxy settings as its rate limits)."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # noqa: BLE001 - no address is no reason to lose the entry
        return None


def shorten_ip(ip: str | None) -> str | None:
    """IPv4 to its /24 network, IPv6 to its /48 (the host part set to zero)."""
    if not ip:
        return None
    try:
        adresse = ipaddress.ip_address(ip)
    except ValueError:
        return None
    praefix = 24 if adresse.version == 4 else 48
    return str(ipaddress.ip_network(f"{adresse}/{praefix}", strict=False).network_address)


def kreise_of_person(user) -> set[str]:
    """The Kreise whose staff may read entries about this person (CDO or Kreis role)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    # Leave no cached scope behind on a user object that is not the request's (e.g. the one
    # handed to login()): it would outlive a change of the person's Mitgliedschaften.
    war_gecacht = hasattr(user, SCOPE_CACHE_ATTR)
    scope = scope_for(user)
    if not war_gecacht:
        forget_scope(user)
    return set(scope.cdo_kreis_ids | scope.kreis_ids)


def log_protokolleintrag(
    *,
    ereignis: str,
    request=None,
    person=None,
    ausgeloest_von=None,
    kreis_ids: Iterable[str] | None = None,
    details: str = "",
) -> Protokolleintrag:
    """Write one entry; the Kreise default to those of the person."""
    if kreis_ids is None:
        kreis_ids = kreise_of_person(person)
    eintrag = Protokolleintrag.objects.create(
        ereignis=ereignis,
        person=person,
        ausgeloest_von=ausgeloest_von,
        ip=client_ip(request) if request is not None else None,
        pfad=request.path[:300] if request is not None else "",
        details=details[:300],
        request_id=aktuelle_request_id.get() if aktuelle_request_id.get() != "-" else "",
    )
    kreis_ids = sorted(set(kreis_ids))
    if kreis_ids:
        eintrag.kreise.set(kreis_ids)
    logger.info(
        "audit %s",
        ereignis,
        extra={"ereignis": ereignis, "person_id": getattr(person, "pk", None), "kreise": kreis_ids},
    )
    return eintrag


def clean_up_protokoll(*, jetzt=None) -> dict[str, int]:
    """Shorten old IP addresses, delete entries past the retention period."""
    jetzt = jetzt or timezone.now()
    _, je_modell = Protokolleintrag.objects.filter(
        zeitpunkt__lt=jetzt - timedelta(days=settings.PORTAL_PROTOKOLL_AUFBEWAHRUNG_TAGE)
    ).delete()
    geloescht = je_modell.get(Protokolleintrag._meta.label, 0)
    alt = Protokolleintrag.objects.filter(
        zeitpunkt__lt=jetzt - timedelta(days=settings.PORTAL_PROTOKOLL_IP_TAGE),
        ip_gekuerzt=False,
        ip__isnull=False,
    )
    gekuerzt = 0
    for eintrag in alt.only("pk", "ip").iterator():
        Protokolleintrag.objects.filter(pk=eintrag.pk).update(
            ip=shorten_ip(eintrag.ip), ip_gekuerzt=True
        )
        gekuerzt += 1
    return {"geloescht": geloescht, "ip_gekuerzt": gekuerzt}
