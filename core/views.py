"""Plumbing views that know no domain: health check and error pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:  # noqa: BLE001 - any failure means "down" for a health check
        return False


def _broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        return "ok"
    except Exception:  # noqa: BLE001
        return "error"


@never_cache
@require_GET
@transaction.non_atomic_requests
def healthz(request):
    """JSON health of database and broker; 503 when the database is unreachable.

    Outside ATOMIC_REQUESTS: the request transaction would connect before the view runs, and
    an unreachable database would give a 500 page instead of this answer.
    """
    database = "ok" if _database_ok() else "error"
    broker = _broker_state()
    # Only a missing database takes the web node out of rotation; without a broker the
    # pages still work, reports just wait (the JSON says so).
    status = 503 if database != "ok" else 200
    payload = {
        "database": database,
        "broker": broker,
        "status": "ok" if database == "ok" and broker != "error" else "error",
    }
    if database == "ok" and broker != "eager":
        payload["worker_last_seen"] = _worker_last_seen()
    return JsonResponse(payload, status=status)


def _worker_last_seen() -> str | None:
    from .models import WorkerHeartbeat

    newest = WorkerHeartbeat.objects.order_by("-zuletzt").values_list("zuletzt", flat=True).first()
    return newest.isoformat() if newest else None


# Codename prefixes of Django's and the apps' permissions, read as a German verb.
_AKTIONEN = {
    "add": "anlegen",
    "change": "bearbeiten",
    "delete": "löschen",
    "view": "ansehen",
    "archive": "archivieren",
    "import": "importieren",
}


def missing_permission(request, exception=None) -> str:
    """What a refused user lacks, for the 403 page: the exception's own German message, or
    the view's `permission_required` read as „Maßnahme bearbeiten“; "" when unknown."""
    from django.apps import apps

    if exception is not None and str(exception).strip():
        return str(exception).strip()
    match = getattr(request, "resolver_match", None)
    view_class = getattr(getattr(match, "func", None), "view_class", None)
    perms = getattr(view_class, "permission_required", None) or ()
    if isinstance(perms, str):
        perms = (perms,)
    namen = []
    for perm in perms:
        app_label, _, codename = perm.partition(".")
        aktion, _, modell = codename.partition("_")
        try:
            verbose_name = apps.get_model(app_label, modell)._meta.verbose_name
        except LookupError:
            continue
        if aktion in _AKTIONEN:
            namen.append(f"„{verbose_name} {_AKTIONEN[aktion]}“")
    return " und ".join(namen)


def _zurueck(request) -> str:
    """Where "Zurück" leads: the page the user came from (same site), else one level up."""
    from django.utils.http import url_has_allowed_host_and_scheme

    herkunft = request.META.get("HTTP_REFERER", "")
    if herkunft and url_has_allowed_host_and_scheme(
        herkunft, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        if urlsplit(herkunft).path != request.path:
            return herkunft
    teile = [teil for teil in request.path.split("/") if teil]
    return "/" + "".join(f"{teil}/" for teil in teile[:-1])


def permission_denied(request, exception=None):
    from django.shortcuts import render

    return render(
        request,
        "403.html",
        {"fehlt": missing_permission(request, exception), "zurueck": _zurueck(request)},
        status=403,
    )


def page_not_found(request, exception=None):
    from django.shortcuts import render

    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: the layout must not need the database.
    from django.http import HttpResponseServerError
    from django.template.loader import get_template

    return HttpResponseServerError(get_template("500.html").render())


class CachedObjectMixin:
    """Load the view's object once per request.

    rules' PermissionRequiredMixin calls get_object() for the permission check and the
    generic view calls it again; with prefetches that doubles every query of a detail page.
    """

    def get_object(self, queryset=None):
        if queryset is None and hasattr(self, "_objekt"):
            return self._objekt
        objekt = super().get_object(queryset)
        if queryset is None:
            self._objekt = objekt
        return objekt


class DatenschutzView(TemplateView):
    """The privacy page; the periods it names come from the settings that enforce them."""

    template_name = "core/datenschutz.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            import_aufbewahrung_tage=settings.MASSNAHMEN_IMPORT_AUFBEWAHRUNG_TAGE, **kwargs
        )
