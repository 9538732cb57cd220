"""Django's cached database sessions, read in the round trip that fetches the page's kept values.

Every signed-in page read its session from the cache table in a query of its own, before anything else: about
0.3 ms and one statement for PostgreSQL on every page (bench/page_load.py, issue 14). A page that only reads
fetches the session's entry with the kept values it will read (alp_portal/generations.py, `reading_ahead`, from
ReadAheadMiddleware); the session is then taken from there. A session the cache did not hold is read as Django
reads it (the cache, then the database), and every write is Django's own.
"""

from django.contrib.sessions.backends import cached_db

from .generations import take_fetched


class SessionStore(cached_db.SessionStore):
    def load(self):
        found, data = take_fetched(self.cache_key)
        if found and data is not None:
            return data
        return super().load()
