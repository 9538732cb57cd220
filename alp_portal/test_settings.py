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

# A throw-away credential signing key for each test process (never a key kept anywhere).
from certificates.keys import new_private_key, private_multibase  # noqa: E402

CREDENTIAL_SIGNING_KEY = private_multibase(new_private_key())
CREDENTIAL_SIGNING_KEY_FILE = ""
CREDENTIAL_RETIRED_KEYS = []
# The property-based API tests make many requests: the rate limit is tested on its own (test_api.py).
API_RATE_LIMIT = "100000/m"
