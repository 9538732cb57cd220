"""Values kept in one process, for what the code and the request's own facts alone decide (the admin's list of
apps, its sidebar, the site's header): every process builds the same value for the same key, so nothing a
request needs lives on one machine. Each store is a plain dict, emptied when full."""


def remembered(store, key, build, *, limit):
    """`store[key]`, built by `build()` the first time; `store` is emptied when it holds `limit` values."""
    value = store.get(key)
    if value is None:
        if len(store) >= limit:
            store.clear()
        value = store[key] = build()
    return value
