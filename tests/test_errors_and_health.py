"""Our own error pages (400, 403, 404, 500, the CSRF failure) in the portal's layout and the reader's language;
a database that stops answering gives the 503 page, never a traceback or a 500; /healthz and /readyz answer
JSON that reveals no secret."""

import json
import threading
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import translation

from alp_portal import errors, health, urls
from tests import factories as f

LAYOUT = '<main id="main">'


def page_text(response):
    return response.content.decode()


@pytest.mark.django_db
def test_404_page_in_layout_and_readers_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="pt-br")
    html = page_text(response)
    assert response.status_code == 404
    assert LAYOUT in html
    assert "<title>Página não encontrada · Portal ALP</title>" in html
    assert 'lang="pt-br"' in html


@pytest.mark.django_db
def test_400_page_for_a_host_not_allowed(client):
    response = client.get("/", HTTP_HOST="attacker.example", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in page_text(response)
    assert LAYOUT in page_text(response)


@pytest.mark.django_db
def test_403_page_when_the_admin_refuses(client):
    client.force_login(f.make_country_staff("AR"))
    response = client.get("/admin/initiative/stagetransition/add/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 403
    assert "<h1>Acceso denegado</h1>" in page_text(response)


@pytest.mark.django_db
def test_403_page_for_a_form_without_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@example.org"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "<h1>The form has expired</h1>" in page_text(response)
    assert LAYOUT in page_text(response)


def test_500_page_without_request_context():
    assert urls.handler500 == "alp_portal.errors.server_error"
    with translation.override("es"):
        response = errors.server_error(RequestFactory().get("/"))
    html = page_text(response)
    assert response.status_code == 500
    assert "<h1>Algo salió mal</h1>" in html
    assert 'class="nav"' not in html  # no navigation: the request's session may be what failed
    assert "Traceback" not in html


# A database outage, for real: the connection is closed and pointed at a database that does not exist.


@pytest.fixture
def database_down(transactional_db):
    """Yields a function that brings the database back."""
    if connection.vendor != "postgresql":
        pytest.skip("the tests' SQLite database lives in memory: closed, it would be gone (CI runs PostgreSQL)")
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]

    def back():
        connection.close()
        settings_dict["NAME"] = name

    connection.close()
    settings_dict["NAME"] = "alp_no_such_database"
    yield back
    back()


def test_database_down_in_a_view_gives_503(database_down):
    client = Client(raise_request_exception=False)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    html = page_text(response)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "<h1>The portal is briefly unavailable</h1>" in html
    assert "Traceback" not in html and "OperationalError" not in html


@pytest.fixture
def signed_in_staff_client(transactional_db):
    client = Client(raise_request_exception=False)
    client.force_login(f.make_regional_staff())
    return client


def test_database_down_in_a_middleware_gives_503(signed_in_staff_client, database_down):
    # The admin's MFA middleware reads the user (the session) before any view runs.
    response = signed_in_staff_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 503
    assert "<h1>El portal no está disponible por un momento</h1>" in page_text(response)


def test_database_back_serves_again(database_down):
    client = Client(raise_request_exception=False)
    assert client.get("/").status_code == 503
    database_down()  # back
    assert client.get("/").status_code == 200


# Health


def test_healthz_needs_no_database(database_down):
    response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.django_db
def test_readyz_ready_without_workers_to_watch(client):
    response = client.get("/readyz")
    assert (response.status_code, response.json()) == (
        200,
        {
            "status": "ok",
            "checks": {
                "database": {"ok": True},
                "cache": {"ok": True},
                "migrations": {"ok": True, "unapplied": 0},
                "workers": {"ok": True, "used": False},
            },
        },
    )


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db
@pytest.mark.usefixtures("database_tasks")
def test_readyz_reports_the_workers_heartbeat(client):
    assert client.get("/readyz").json()["checks"]["workers"] == {
        "ok": False,
        "used": True,
        "last_heartbeat_seconds": None,
    }
    health.beat()
    workers = client.get("/readyz").json()
    assert workers["status"] == "ok"
    assert workers["checks"]["workers"]["ok"] is True
    assert 0 <= workers["checks"]["workers"]["last_heartbeat_seconds"] < 5
    cache.set(health.HEARTBEAT_KEY, time.time() - 120, timeout=None)
    silent = client.get("/readyz")
    # A silent worker is reported, but the web process still takes requests.
    assert (silent.status_code, silent.json()["status"], silent.json()["checks"]["workers"]["ok"]) == (
        200,
        "degraded",
        False,
    )


def test_readyz_database_down_is_503_and_names_no_host(database_down):
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert "alp_no_such_database" not in json.dumps(body)


@pytest.mark.django_db(transaction=True)
def test_readyz_counts_unapplied_migrations(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)
    call_command("migrate", "django_tasks_database", "0020", verbosity=0)  # the last one (an index) undone
    try:
        response = Client().get("/readyz")
        assert (response.status_code, response.json()["checks"]["migrations"]) == (
            503,
            {"ok": False, "unapplied": 1},
        )
    finally:
        call_command("migrate", "django_tasks_database", verbosity=0)
    assert Client().get("/readyz").json()["checks"]["migrations"] == {"ok": True, "unapplied": 0}


@pytest.mark.django_db(transaction=True)
def test_db_worker_beats_while_it_runs():
    """The project's db_worker is django_tasks_db's with a heartbeat thread."""
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "alp_portal"
    stop = threading.Event()
    thread = health.start_heartbeat(interval=0.05, stop=stop)
    try:
        deadline = time.monotonic() + 5
        while cache.get(health.HEARTBEAT_KEY) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert thread.is_alive()
        assert time.time() - cache.get(health.HEARTBEAT_KEY) < 5
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()


@pytest.mark.usefixtures("database_tasks")
def test_db_worker_starts_again_when_the_database_goes_away(monkeypatch):
    """django_tasks_db's worker stops on an OperationalError; ours waits and starts it again."""
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker as theirs

    from alp_portal.management.commands import db_worker as ours

    runs = []

    def handle(self, *args, **options):
        runs.append(options["interval"])
        if len(runs) == 1:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(theirs.Command, "handle", handle)
    monkeypatch.setattr(ours, "RETRY_SECONDS", 0)
    monkeypatch.setattr(ours, "start_heartbeat", lambda: None)
    call_command("db_worker", "--interval", "0.5")
    assert runs == [0.5, 0.5]
