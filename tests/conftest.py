import importlib
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from certificates.keys import new_private_key, private_multibase
from tests import factories as f
from workshops.enums import EventKind

# A throw-away credential signing key for each test process (never a key kept anywhere).
settings.CREDENTIAL_SIGNING_KEY = private_multibase(new_private_key())


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache: no test may inherit another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def csp_violations(request, monkeypatch):
    """In a browser test, every page the browser opens is watched for Content-Security-Policy violations, and
    the test fails if there was any. A test that causes one on purpose empties the list itself."""
    from tests.browser.csp import ViolationLog, install

    log = ViolationLog()
    if request.node.get_closest_marker("browser") is None:
        yield log
        return
    install(monkeypatch, log)
    yield log
    assert list(log) == [], "Content-Security-Policy violations in the browser"


@pytest.fixture
def english():
    """For a test that reads the English source strings outside a request: the default language is Spanish."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """Transactional tests (browser tests with a live server) empty the tables after each test, data
    migrations included: put the GCM reference data and the staff group back before each of them."""
    marker = request.node.get_closest_marker("django_db")
    if "live_server" not in request.fixturenames and not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    reference_data = importlib.import_module("initiative.migrations.0002_reference_data")
    reference_data.load(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The live server answers the browser in threads of its own; a request still running when the session
    ends (an autosave, say) keeps a PostgreSQL connection open and the test database could not be dropped.
    End those sessions before the database is torn down."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")
        # pg_terminate_backend only signals: wait (a few seconds at most) until the sessions are gone.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {others}")
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.05)
    connection.close()  # and this one: the database is dropped next


@pytest.fixture
def attendance_world():
    """An initiative with a two-hour launch session; officials invited in Argentina (A) and Brazil (B), each
    with an account; the six roles of the permission matrix."""
    regional = f.make_regional_staff()
    initiative = f.make_initiative(attendance_threshold_percent=75)
    event = f.make_event(initiative, EventKind.LAUNCH, title="Lanzamiento ALP")
    session = f.make_session(
        event,
        starts_at=datetime(2023, 10, 18, 10, 0, tzinfo=ZoneInfo("America/Argentina/Buenos_Aires")),
        title="Conversación entre pares",
        meeting_url="https://zoom.example/j/85012345678",
    )
    w = {"regional": regional, "initiative": initiative, "event": event, "session": session}
    for side, country, first, last, email in (
        ("a", "AR", "María José", "Pérez Gutiérrez", "mjperez@rosario.gob.ar"),
        ("b", "BR", "João", "da Silva Gonçalves", "joao@recife.pe.gov.br"),
    ):
        government = f.make_government(country, name=f"Gobierno {side.upper()}")
        official = f.make_official_user(government, first_name=first, last_name=last, email=email)
        f.invite(official, initiative)
        w[side] = official
    w["users"] = {
        "anonymous": None,
        "official_a": w["a"].user,
        "official_b": w["b"].user,
        "country_x": f.make_country_staff("AR"),
        "country_y": f.make_country_staff("BR"),
        "regional": regional,
    }
    return w
