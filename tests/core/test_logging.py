"""Request id on every response and log record; JSON log lines; task durations."""

from __future__ import annotations

import json
import logging
import re

import pytest

from core.logging import PortalJsonFormatter, request_id

pytestmark = pytest.mark.django_db


def test_every_response_gets_a_request_id(client):
    response = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert client.get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


def test_a_well_formed_id_from_the_proxy_is_kept_a_bad_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-4711-abcdef"})
    assert kept["X-Request-ID"] == "proxy-4711-abcdef"
    for bad in ("kurz", "a" * 65, "x\r\nSet-Cookie: y", "<script>alert(1)</script>"):
        response = client.get("/healthz", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"]), bad


def test_log_records_of_a_request_carry_its_id(client, welt, caplog):
    caplog.set_level(logging.INFO)
    response = client.post(
        "/accounts/login/", {"login": "cdo.detmold@example.invalid", "password": "falsch"}
    )
    audit = [r for r in caplog.records if r.name == "zugang.protokoll"]
    assert audit and {r.request_id for r in audit} == {response["X-Request-ID"]}
    assert request_id.get() == "-"  # reset after the request


def test_json_lines():
    record = logging.LogRecord(
        "portal.test", logging.WARNING, __file__, 1, "Bericht %s", ("X",), None
    )
    record.request_id = "abc12345"
    record.dauer_ms = 12.5
    zeile = json.loads(PortalJsonFormatter().format(record))
    assert zeile["level"] == "WARNING" and zeile["name"] == "portal.test"
    assert zeile["message"] == "Bericht X" and zeile["request_id"] == "abc12345"
    assert zeile["dauer_ms"] == 12.5 and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", zeile["time"])


def test_tasks_are_logged_with_their_duration_and_the_request_id(caplog):
    from core.tasks import worker_heartbeat

    caplog.set_level(logging.INFO, logger="lippe_portal.tasks")
    token = request_id.set("anfrage-12345678")
    try:
        worker_heartbeat.delay()
    finally:
        request_id.reset(token)
    [record] = [r for r in caplog.records if r.name == "lippe_portal.tasks"]
    assert record.task_name == "core.worker_heartbeat" and record.state == "SUCCESS"
    assert record.dauer_ms >= 0 and record.request_id == "anfrage-12345678"


def test_a_queued_task_takes_the_request_id_along():
    """before_task_publish puts the id into the message headers; the worker sets it again."""
    from types import SimpleNamespace

    from lippe_portal.celery import (
        REQUEST_ID_HEADER,
        _pass_request_id,
        _task_ended,
        _task_started,
    )

    headers = {"id": "t-1"}
    token = request_id.set("web-anfrage-0001")
    try:
        _pass_request_id(sender="core.worker_heartbeat", headers=headers)
    finally:
        request_id.reset(token)
    assert headers[REQUEST_ID_HEADER] == "web-anfrage-0001"

    task = SimpleNamespace(name="core.worker_heartbeat", request=SimpleNamespace(**headers))
    _task_started(task_id="t-1", task=task)
    assert request_id.get() == "web-anfrage-0001"
    _task_ended(task_id="t-1", task=task, state="SUCCESS")
    assert request_id.get() == "-"


def test_failed_publishes_do_not_pile_up_in_memory(monkeypatch):
    """A publish that fails (broker down) never sends after_task_publish; the start time it
    left behind must not stay for ever in a long-running web or beat process."""
    from lippe_portal import celery as portal_celery

    monkeypatch.setattr(portal_celery, "_gesendet", {})
    jetzt = [1000.0]
    monkeypatch.setattr(portal_celery.time, "monotonic", lambda: jetzt[0])
    for i in range(5 * portal_celery.GESENDET_HOECHSTENS):
        portal_celery._pass_request_id(sender="x", headers={"id": f"kaputt-{i}"})
    assert len(portal_celery._gesendet) <= portal_celery.GESENDET_HOECHSTENS

    # Much later: the stale entries go with the next publish, which is still timed.
    jetzt[0] += portal_celery.GESENDET_SEKUNDEN + 1
    portal_celery._pass_request_id(sender="x", headers={"id": "gut"})
    assert list(portal_celery._gesendet) == ["gut"]
    jetzt[0] += 0.25
    portal_celery._log_published(sender="x", headers={"id": "gut"})
    assert portal_celery._gesendet == {}
