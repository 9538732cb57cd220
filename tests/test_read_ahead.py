"""A page that only reads fetches the kept values it will likely read in one round trip (alp_portal/generations.py,
`reading_ahead`, issue 14): what it fetched ahead is never older than the request, and anything it did not
fetch is read as before."""

import pytest
from django.urls import reverse

from alp_portal import generations
from alp_portal.generations import Generation, reading_ahead

pytestmark = pytest.mark.django_db


class CountedCache:
    """The cache, with its `get_many` calls counted."""

    def __init__(self, cache):
        self.cache, self.get_many_calls = cache, 0

    def get_many(self, keys):
        self.get_many_calls += 1
        return self.cache.get_many(keys)

    def __getattr__(self, name):
        return getattr(self.cache, name)


@pytest.fixture
def counted(monkeypatch):
    monkeypatch.setattr(generations, "_LEARNT", {})
    cache = CountedCache(generations.cache)
    monkeypatch.setattr(generations, "cache", cache)
    return cache


def never():
    raise AssertionError("read again, though kept")


def test_the_values_the_last_request_read_are_fetched_in_one_round_trip(counted):
    first, second = Generation("test-first"), Generation("test-second")
    with reading_ahead("page"):
        assert (first.kept("a", lambda: 1), second.kept("b", lambda: 2)) == (1, 2)
    assert counted.get_many_calls == 2  # learning: each read on its own
    counted.get_many_calls = 0
    with reading_ahead("page"):
        assert (first.kept("a", never), second.kept("b", never)) == (1, 2)
    assert counted.get_many_calls == 1
    counted.get_many_calls = 0
    with reading_ahead("another page"):  # its own kind: nothing learnt yet
        assert first.kept("a", never) == 1
    assert counted.get_many_calls == 1


def test_a_value_not_fetched_ahead_is_read_as_before_and_learnt(counted):
    first = Generation("test-first")
    with reading_ahead("page"):
        first.kept("a", lambda: 1)
    with reading_ahead("page"):
        assert first.kept("a", never) == 1
        assert first.kept("c", lambda: 3) == 3
    counted.get_many_calls = 0
    with reading_ahead("page"):
        assert (first.kept("a", never), first.kept("c", never)) == (1, 3)
    assert counted.get_many_calls == 1


def test_a_change_between_requests_is_seen(counted):
    first = Generation("test-first")
    with reading_ahead("page"):
        first.kept("a", lambda: 1)
    first.changed()
    with reading_ahead("page"):
        assert first.kept("a", lambda: 10) == 10
        assert first.kept("a", never) == 10  # kept again, in the request too


def test_a_change_during_the_request_drops_what_was_fetched_ahead(counted):
    first, second = Generation("test-first"), Generation("test-second")
    with reading_ahead("page"):
        first.kept("a", lambda: 1)
        second.kept("b", lambda: 2)
    with reading_ahead("page"):
        assert first.kept("a", never) == 1
        first.changed()  # a write in the same request, after the values were fetched
        assert first.kept("a", lambda: 11) == 11
        assert second.kept("b", never) == 2  # still kept, read from the cache
    assert counted.get_many_calls >= 3


def test_an_emptied_cache_only_costs_reading_again(counted):
    first = Generation("test-first")
    with reading_ahead("page"):
        first.kept("a", lambda: 1)
    generations.cache.clear()
    with reading_ahead("page"):
        assert first.kept("a", lambda: 12) == 12
    with reading_ahead("page"):
        assert first.kept("a", never) == 12


def test_the_attendance_list_reads_its_kept_values_at_once_on_the_next_visit(client, counted):
    from tests.factories import make_regional_staff

    client.force_login(make_regional_staff())
    url = reverse("admin:workshops_attendance_changelist")
    first = client.get(url)
    counted.get_many_calls = 0
    again = client.get(url)
    assert first.status_code == again.status_code == 200
    # The reader's access, the count, the country filter's countries and two filters' choices: one round trip.
    assert counted.get_many_calls == 1
    assert again.context["cl"].result_count == first.context["cl"].result_count
    counted.get_many_calls = 0
    client.post(url, {})  # a page that writes reads as before
    assert counted.get_many_calls > 1


@pytest.fixture
def session_loads(monkeypatch):
    """How many times a session was read as Django reads it (the cache, then the database)."""
    from django.contrib.sessions.backends import cached_db

    calls = []
    djangos = cached_db.SessionStore.load
    monkeypatch.setattr(cached_db.SessionStore, "load", lambda self: calls.append(1) or djangos(self))
    return calls


def test_a_page_that_only_reads_takes_its_session_from_the_round_trip(client, counted, session_loads):
    from tests.factories import make_regional_staff

    client.force_login(make_regional_staff())
    url = reverse("admin:workshops_attendance_changelist")
    assert client.get(url).status_code == 200
    session_loads.clear()
    counted.get_many_calls = 0
    assert client.get(url).status_code == 200
    assert not session_loads and counted.get_many_calls == 1
    client.post(url, {})
    assert len(session_loads) == 1


def test_a_session_the_cache_dropped_is_read_from_the_database(client, session_loads):
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.core.cache import cache

    from tests.factories import make_regional_staff

    client.force_login(make_regional_staff())
    url = reverse("admin:workshops_attendance_changelist")
    cache.delete(KEY_PREFIX + client.session.session_key)
    session_loads.clear()
    response = client.get(url)
    assert response.status_code == 200 and response.context["user"].is_authenticated
    assert len(session_loads) == 1


def test_a_session_ended_elsewhere_is_not_served_from_the_round_trip(client):
    from django.test import Client

    from tests.factories import make_regional_staff

    client.force_login(make_regional_staff())
    url = reverse("admin:workshops_attendance_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # learnt
    stolen = Client()
    stolen.cookies = client.cookies.__class__(client.cookies)  # the same cookie, elsewhere
    client.post(reverse("account_logout"))
    assert stolen.get(url).status_code == 302  # to the login page


def test_a_session_fetched_ahead_is_taken_once(session_loads):
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.core.cache import cache

    from alp_portal.sessions import SessionStore

    session = SessionStore()
    session["note"] = "before"
    session.save()
    key = KEY_PREFIX + session.session_key
    with reading_ahead("page", also=(key,)):
        assert SessionStore(session.session_key).load()["note"] == "before"
        assert not session_loads
        session["note"] = "after"  # written during the request
        session.save()
        assert SessionStore(session.session_key).load()["note"] == "after"  # read again, not the copy
    assert len(session_loads) == 1 and cache.get(key)["note"] == "after"


def test_generations_written_in_bulk_change_in_one_order_in_every_process(monkeypatch):
    """The tokens are rows of the database cache, locked by the writer's transaction until it commits: every
    writer takes them in the order of their keys, whatever order a process's sets give."""
    from alp_portal import generations
    from workshops.models import Attendance

    order = []
    monkeypatch.setattr(generations.Generation, "changed", lambda self, **kwargs: order.append(self.key))
    generations.written_in_bulk(Attendance)
    assert len(order) >= 3 and order == sorted(order)  # the admin's counts and rows, the home's eligibility
    order.clear()
    generations.everything_written()
    assert len(order) == len(set(order)) > 5 and order == sorted(order)
