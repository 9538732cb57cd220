"""Values kept in one process, for what the code and the request's own facts alone decide (the admin's list of
apps, its sidebar, the site's header): every process builds the same value for the same key, so nothing a
request needs lives on one machine. Each store is a plain dict, emptied when full."""


def remembered(store, key, build, *, limit):
    """`store[key]`, built by `build()` the first time; `store` is emptied when it holds `limit` values."""
    value = store.get(key)
    if value is None:
        value = keep(store, key, build(), limit=limit)
    return value


def keep(store, key, value, *, limit):
    """Puts `value` in `store` under `key` (for a value built elsewhere than where it is read); returns it."""
    if len(store) >= limit:
        store.clear()
    store[key] = value
    return value
