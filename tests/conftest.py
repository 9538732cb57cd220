import importlib

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache: no test may inherit another's.
    cache.clear()
    yield
    cache.clear()


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
