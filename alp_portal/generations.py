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
"""

import hashlib
import uuid
from collections import defaultdict

from django.core.cache import cache
from django.db import transaction
from django.db.models import signals

# A day at most, whatever happens: a safety net, not the mechanism.
TIMEOUT = 24 * 60 * 60

# model -> the generations that follow its rows (filled by `Generation.follow`, from the apps' `ready`).
_FOLLOWERS = defaultdict(set)


def written_in_bulk(*models):
    """Rows of `models` were written without a signal (`QuerySet.update()`, `bulk_create()`, raw SQL): whatever
    was kept from them is stale."""
    for generation in {generation for model in models for generation in _FOLLOWERS.get(model, ())}:
        generation.changed()


def everything_written():
    """Rows of any model may have changed (a bulk load, an edit by hand in psql): nothing kept is to be trusted."""
    for generation in {generation for generations in _FOLLOWERS.values() for generation in generations}:
        generation.changed()


class Generation:
    def __init__(self, name):
        self.name = name
        self.key = f"alp:generation:{name}"
        self.models = set()  # the models whose rows it follows (`follow`)

    def kept(self, key, read):
        """`read()`, kept under `key` (any text) until the next change this generation follows."""
        entry = f"alp:kept:{self.name}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"
        found = cache.get_many([self.key, entry])
        generation = found.get(self.key)
        if generation is None:
            cache.add(self.key, uuid.uuid4().hex, None)
            generation = cache.get(self.key)
        kept = found.get(entry)
        if kept is not None and kept[0] == generation:
            return kept[1]
        # Read after the generation: if the rows change while they are read, the value is stored under a
        # generation that the change has already replaced.
        value = read()
        cache.set(entry, (generation, value), TIMEOUT)
        return value

    def changed(self, **kwargs):
        """Whatever was kept so far is stale, now and once the current transaction commits (signal receiver)."""
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
