"""Logs an operator can use: one line per request with method, path, status, duration and user id (never the
e-mail address, never a token from the path), task start/finish/failure lines naming their arguments, and
JSON lines when asked for."""

import json
import logging

import pytest
from django.urls import reverse

from alp_portal.logs import JsonFormatter
from certificates.tasks import notify_revocation, run_issuance
from tests import factories as f

pytestmark = pytest.mark.django_db


def lines(caplog, logger):
    return [record for record in caplog.records if record.name == logger]


def test_request_line_for_an_anonymous_page(client, caplog):
    with caplog.at_level(logging.INFO, logger="alp.requests"):
        client.get("/verify/?code=")
    [record] = lines(caplog, "alp.requests")
    assert (record.method, record.path, record.status, record.user_id) == ("GET", "/verify/", 200, None)
    assert record.duration_ms > 0
    assert record.getMessage() == f"GET /verify/ 200 {record.duration_ms:.1f}ms user=-"


def test_request_line_names_the_user_by_id_never_by_address(client, caplog):
    official = f.make_official_user(email="ana.secreta@example.org")
    client.force_login(official.user)
    with caplog.at_level(logging.INFO, logger="alp.requests"):
        client.get(reverse("profile"))
    [record] = lines(caplog, "alp.requests")
    assert (record.path, record.status, record.user_id) == ("/my/profile/", 200, official.user.pk)
    assert record.getMessage().endswith(f" user={official.user.pk}")
    assert "ana.secreta" not in record.getMessage()


def test_request_line_hides_the_invitation_token(client, caplog):
    with caplog.at_level(logging.INFO, logger="alp.requests"):
        client.get("/invitation/SeCrEtToKeN123/")
    [record] = lines(caplog, "alp.requests")
    assert record.path == "/invitation/[redacted]/"
    assert "SeCrEtToKeN123" not in record.getMessage()


def test_request_line_for_health_probes_only_at_debug(client, caplog):
    with caplog.at_level(logging.INFO, logger="alp.requests"):
        client.get("/healthz")
    assert lines(caplog, "alp.requests") == []


def test_json_lines(client, caplog):
    with caplog.at_level(logging.INFO, logger="alp.requests"):
        client.get("/no-such-page/")
    [record] = lines(caplog, "alp.requests")
    line = json.loads(JsonFormatter().format(record))
    assert sorted(line) == ["duration_ms", "level", "logger", "message", "method", "path", "status", "time", "user_id"]
    assert (line["level"], line["logger"], line["method"], line["path"], line["status"], line["user_id"]) == (
        "INFO",
        "alp.requests",
        "GET",
        "/no-such-page/",
        404,
        None,
    )


def test_task_lines_name_the_arguments(caplog, django_capture_on_commit_callbacks):
    from certificates.revocation import revoke_recognition

    initiative = f.make_initiative()
    recognition = f.make_recognition(initiative, official=f.make_official())
    with caplog.at_level(logging.INFO, logger="alp.tasks"), django_capture_on_commit_callbacks(execute=True):
        revoke_recognition(recognition=recognition, reason="Error de registro", by=f.make_regional_staff())
    # (The revocation also queues the public pages' and report's refreshing: their own lines.)
    started, finished = [r for r in lines(caplog, "alp.tasks") if r.task == notify_revocation.module_path]
    assert started.getMessage() == f"Task certificates.tasks.notify_revocation started: recognition_id={recognition.pk}"
    assert (started.task, started.arguments) == (notify_revocation.module_path, {"recognition_id": recognition.pk})
    assert finished.getMessage().startswith(
        f"Task certificates.tasks.notify_revocation finished: recognition_id={recognition.pk} in "
    )
    assert finished.levelname == "INFO"


def test_task_failure_line_with_the_batch_id(caplog):
    with caplog.at_level(logging.INFO, logger="alp.tasks"):
        run_issuance.enqueue(987654)  # no such batch
    started, failed = lines(caplog, "alp.tasks")
    assert started.getMessage() == "Task certificates.tasks.run_issuance started: batch_id=987654"
    assert failed.levelname == "ERROR"
    assert failed.getMessage().startswith("Task certificates.tasks.run_issuance failed (DoesNotExist): batch_id=987654")


def test_rendering_certificates_writes_no_line_of_the_font_library(caplog):
    from certificates.pdf import render_recognition_pdfs

    initiative = f.make_initiative()
    recognitions = [f.make_recognition(initiative, official=f.make_official()) for _ in range(2)]
    with caplog.at_level(logging.INFO):
        pdfs = render_recognition_pdfs(recognitions)
    assert len(pdfs) == 2
    assert [r.getMessage() for r in caplog.records if r.name.startswith("fontTools")] == []
