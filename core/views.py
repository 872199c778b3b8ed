"""Plumbing views that know no domain: health check and error pages."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
def healthz(request):
    """JSON health of database and broker; 503 when the database is unreachable."""
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


def permission_denied(request, exception=None):
    from django.shortcuts import render

    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    from django.shortcuts import render

    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: the layout must not need the database.
    from django.http import HttpResponseServerError
    from django.template.loader import get_template

    return HttpResponseServerError(get_template("500.html").render())


class ObjektEinmalMixin:
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
