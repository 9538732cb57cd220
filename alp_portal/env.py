"""Strict readers for configuration from the environment.

A value that cannot be read is an error at start-up, never a silent default.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off"}


def env_str(name, default=None, *, required=""):
    """The variable's text; without a default it must be set, and `required` says why in the error."""
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} is required{required}.")
        return default
    return value


def env_url(name, default=None, *, required=""):
    """An absolute http or https address (a path is allowed), without its trailing slash."""
    value = env_str(name, default, required=required)
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an absolute http(s) address such as https://alp.example.org."
        )
    return value.rstrip("/")


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use true or false.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url):
    """Turn a DATABASE_URL (sqlite:///path or postgres://user:pass@host:port/name) into DATABASES['default']."""
    from urllib.parse import parse_qs, unquote

    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("/") and parts.netloc == "":
            path = path[1:] if path.startswith("//") else path
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path or ":memory:"}
    if parts.scheme in {"postgres", "postgresql"}:
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        host = unquote(parts.hostname or "") or query.pop("host", "")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": host,
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": query,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported: use sqlite or postgres.")


def default_storage_from_env():
    """STORAGES['default'] from DJANGO_STORAGE: `filesystem` (DJANGO_MEDIA_ROOT, one machine or a shared disk)
    or `s3`, an S3-compatible object store through django-storages (DJANGO_S3_BUCKET, DJANGO_S3_ENDPOINT_URL for a
    store other than AWS, DJANGO_S3_REGION, DJANGO_S3_ACCESS_KEY_ID and DJANGO_S3_SECRET_ACCESS_KEY, or the
    machine's own AWS credentials when those two are empty, DJANGO_S3_PREFIX: a folder in the bucket)."""
    kind = env_str("DJANGO_STORAGE", "filesystem")
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"DJANGO_STORAGE={kind!r}: use filesystem or s3.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("DJANGO_S3_BUCKET"),
            "endpoint_url": env_str("DJANGO_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("DJANGO_S3_REGION", "") or None,
            "access_key": env_str("DJANGO_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("DJANGO_S3_SECRET_ACCESS_KEY", "") or None,
            "location": env_str("DJANGO_S3_PREFIX", ""),
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,  # any URL handed out is signed and expires
            "file_overwrite": False,  # a second file of the same name gets a new name, as on disk
        },
    }
