import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache: no test may inherit another's.
    cache.clear()
    yield
    cache.clear()
