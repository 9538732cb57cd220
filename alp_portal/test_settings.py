"""What the tests change, and nothing more: a fast hasher and a cache per process."""

from alp_portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run without collectstatic: WhiteNoise serves from the finders.
WHITENOISE_AUTOREFRESH = True

# The credential signing key: a throw-away one for each test process, set by tests/conftest.py (it is made
# by the certificates app, which settings do not import).
CREDENTIAL_SIGNING_KEY_FILE = ""
CREDENTIAL_RETIRED_KEYS = []
# The property-based API tests make many requests: the rate limit is tested on its own (test_api.py).
API_RATE_LIMIT = "100000/m"
