"""Values kept in the shared cache until the rows they were read from change.

A value is kept under a generation: a random token in the cache that every change to the rows it follows
replaces, at once (so that the same transaction's next read sees the change) and again when the change commits
(a value read meanwhile from the old rows was stored under a generation already gone, and is never served).
Changes are seen through Django's signals: `save()`, `delete()` (a queryset's too), many-to-many `add`,
`remove`, `set` and `clear`, and migrations. `QuerySet.update()`, `bulk_create()` and raw SQL send none: a
writer that uses them calls `written_in_bulk(Model)`, which starts a new generation of every one that follows
the model (the writer need not know which do).

Every process reads and replaces the same token, so a change made by one is seen by all on their next read;
an emptied cache only costs reading again.

A page that only reads fetches the entries it is likely to read, generations included, in one round trip at its
start (`reading_ahead`): those its last request of the same kind read, learnt in each process. The admin's
attendance list read five kept values in five round trips to the cache table, about 1 ms of its time
(bench/page_load.py, issue 14). Only a hint: an entry not fetched ahead is read as before, and a change made
during the request drops what was fetched, so nothing read ahead is older than the request.
"""

import hashlib
import uuid
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import signals

# A day at most, whatever happens: a safety net, not the mechanism.
TIMEOUT = 24 * 60 * 60

# model -> the generations that follow its rows (filled by `Generation.follow`, from the apps' `ready`).
_FOLLOWERS = defaultdict(set)

# The request's entries fetched ahead (`reading_ahead`); None outside one.
_AHEAD = ContextVar("alp_generations_ahead", default=None)
# Kind of request -> the cache keys its last one read: a hint, so each process learns its own.
_LEARNT = {}
_LEARNT_LIMIT = 4096


class _Ahead:
    def __init__(self, keys):
        self.values = cache.get_many(keys) if keys else {}  # what the cache held (a key absent: nothing)
        self.fetched = set(keys)
        self.read = {}  # the keys `kept` asked for, in order (a dict as an ordered set)

    def get_many(self, keys):
        for key in keys:
            self.read[key] = None
        if self.fetched.issuperset(keys):
            return {key: self.values[key] for key in keys if key in self.values}
        return cache.get_many(keys)

    def found(self, key, value):
        self.fetched.add(key)
        self.values[key] = value

    def forget(self):
        self.fetched.clear()
        self.values.clear()


def reads_only(request):
    """Whether `request` only reads (GET, HEAD): such a page may be served from values kept in the cache."""
    return request.method in ("GET", "HEAD")


@contextmanager
def reading_ahead(kind, also=()):
    """Within: the entries the last request of `kind` (any hashable) read are fetched at once, and `kept` reads
    them from there; with them the cache keys `also` (the session's), for `take_fetched`. For requests that only
    read; a write during it still drops what was fetched."""
    ahead = _Ahead((*also, *_LEARNT.get(kind, ())))
    token = _AHEAD.set(ahead)
    try:
        yield
    finally:
        _AHEAD.reset(token)
        if ahead.read or kind in _LEARNT:
            if len(_LEARNT) >= _LEARNT_LIMIT:
                _LEARNT.clear()
            _LEARNT[kind] = tuple(ahead.read)


def take_fetched(key):
    """(whether the request fetched the cache's `key` ahead, its value then: None if the cache had none), once: a
    second reader of the key in the same request (after a write, say) reads the cache."""
    ahead = _AHEAD.get()
    if ahead is None or key not in ahead.fetched:
        return False, None
    ahead.fetched.discard(key)
    return True, ahead.values.pop(key, None)


def _get_many(keys):
    ahead = _AHEAD.get()
    return cache.get_many(keys) if ahead is None else ahead.get_many(keys)


def _found(key, value):
    ahead = _AHEAD.get()
    if ahead is not None:
        ahead.found(key, value)


def written_in_bulk(*models):
    """Rows of `models` were written without a signal (`QuerySet.update()`, `bulk_create()`, raw SQL): whatever
    was kept from them is stale."""
    _changed({generation for model in models for generation in _FOLLOWERS.get(model, ())})


def everything_written():
    """Rows of any model may have changed (a bulk load, an edit by hand in psql): nothing kept is to be trusted."""
    _changed({generation for generations in _FOLLOWERS.values() for generation in generations})


def _changed(generations):
    # In one order in every process: with the database cache, a new token is a row written in the writer's
    # transaction, locked until it commits, and two writers that took two such rows in opposite orders would
    # each wait for the other (a set's order differs from one process to another).
    for generation in sorted(generations, key=lambda generation: generation.key):
        generation.changed()


class Generation:
    def __init__(self, name):
        self.name = name
        self.key = f"alp:generation:{name}"
        self.models = set()  # the models whose rows it follows (`follow`)

    def kept(self, key, read):
        """`read()`, kept under `key` (any text) until the next change this generation follows."""
        entry = f"alp:kept:{self.name}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"
        found = _get_many([self.key, entry])
        generation = found.get(self.key) or self._started()
        kept = found.get(entry)
        if kept is not None and kept[0] == generation:
            return kept[1]
        # Read after the generation: if the rows change while they are read, the value is stored under a
        # generation that the change has already replaced.
        value = read()
        cache.set(entry, (generation, value), TIMEOUT)
        _found(entry, (generation, value))
        return value

    def current(self):
        """The generation's token now: whatever is kept under it was read since the last change it follows."""
        return _get_many([self.key]).get(self.key) or self._started()

    def _started(self):
        cache.add(self.key, uuid.uuid4().hex, None)
        generation = cache.get(self.key)
        _found(self.key, generation)
        return generation

    def changed(self, **kwargs):
        """Whatever was kept so far is stale, now and once the current transaction commits (signal receiver)."""
        ahead = _AHEAD.get()
        if ahead is not None:
            ahead.forget()  # what the request fetched ahead may be older than this change
        self._new()
        transaction.on_commit(self._new)

    def _new(self):
        cache.set(self.key, uuid.uuid4().hex, None)

    def follow(self, *models, through=()):
        """A new generation on every save or deletion of `models`' rows, on every change of the many-to-many
        `through` tables and after migrations (which write permissions and content types in bulk)."""
        for model in models:
            _FOLLOWERS[model].add(self)
            self.models.add(model)
            uid = f"{self.key}:{model._meta.label}"
            signals.post_save.connect(self.changed, sender=model, weak=False, dispatch_uid=f"{uid}:save")
            signals.post_delete.connect(self.changed, sender=model, weak=False, dispatch_uid=f"{uid}:delete")
        for table in through:
            _FOLLOWERS[table].add(self)
            uid = f"{self.key}:{table._meta.label}:m2m"
            signals.m2m_changed.connect(self.changed, sender=table, weak=False, dispatch_uid=uid)
        signals.post_migrate.connect(self.changed, weak=False, dispatch_uid=f"{self.key}:migrate")
