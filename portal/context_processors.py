"""The main navigation, fitted to the roles of the person looking at the page."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from kommunen.scope import scope_for

# (label, url name). Pages that do not exist yet are skipped, so the menu grows with the apps.
ANONYM = [
    ("Startseite", "home"),
    ("Transparenz", "oeffentlich:index"),
]
ANGEMELDET = [
    ("Startseite", "home"),
    ("Kommunen", "kommunen:liste"),
    ("Maßnahmen", "massnahmen:liste"),
    ("Lösungen", "loesungen:katalog"),
    ("Förderung", "foerderung:liste"),
    ("Workshops", "workshops:liste"),
    ("OZG", "ozg:matrix"),
    ("Strategie", "handlungsfelder:strategie"),
]
DASHBOARD = ("Dashboard", "dashboards:dashboard")
REGION = ("Region", "dashboards:region")
BERICHTE = ("Berichte", "berichte:liste")
# By URL name only (portal imports no app above it); base.html shows the unread count.
BENACHRICHTIGUNGEN = ("Benachrichtigungen", "benachrichtigungen:liste")
PROTOKOLL = ("Zugriffsprotokoll", "zugang:protokoll")
VERWALTUNG = ("Verwaltung", "admin:index")


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _entries(user) -> list[tuple[str, str]]:
    if user is None or not user.is_authenticated:
        return ANONYM
    scope = scope_for(user)
    eintraege = list(ANGEMELDET)
    if scope.has_role or scope.is_superuser:
        eintraege.append(DASHBOARD)
    if scope.region_ids or scope.is_superuser:
        eintraege.append(REGION)
    eintraege.append(BERICHTE)
    eintraege.append(BENACHRICHTIGUNGEN)
    if scope.kreis_ids or scope.is_superuser:
        eintraege.append(PROTOKOLL)
    if scope.is_superuser:
        eintraege.append(VERWALTUNG)
    return eintraege


def navigation(request) -> dict:
    """`navigation`: a list of {"label", "name", "url", "active", "current"} for the menu.

    `current` is the aria-current value: "page" on the item's own page, "true" below it
    (e.g. "Kommunen" while a Kommune's profile is shown).
    """
    path = getattr(request, "path", "") or ""
    items = []
    for label, name in _entries(getattr(request, "user", None)):
        url = _url(name)
        if url is None:
            continue
        active = path == url if url == "/" else path.startswith(url)
        current = ("page" if path == url else "true") if active else ""
        items.append(
            {"label": label, "name": name, "url": url, "active": active, "current": current}
        )
    return {"navigation": items}
