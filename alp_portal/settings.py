"""Settings for the ALP Portal. Everything that differs between machines comes from the environment.

The defaults are for local use only (SQLite, DEBUG on, a development secret key, e-mail printed to the
console). Production sets DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and the
e-mail variables; `manage.py check --deploy` is then clean.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from alp_portal.env import database_from_url, default_storage_from_env, env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-only-key" if DEBUG else None)
# The address every link the portal sends points to (invitations, e-mails, QR codes, credentials): only a
# developer's machine may fall back to localhost.
SITE_URL = env_url(
    "SITE_URL",
    "http://localhost:8000" if DEBUG else None,
    required=" with DJANGO_DEBUG=false: the portal's public address, such as https://alp.example.org, which "
    "invitation links, QR codes and e-mails point to",
)
_site_host = urlsplit(SITE_URL).hostname
_site_host = f"[{_site_host}]" if ":" in _site_host else _site_host  # an IPv6 address as ALLOWED_HOSTS writes it
# By default the local names and SITE_URL's host, where the links point.
_local_hosts = ["localhost", "127.0.0.1", "[::1]", "testserver"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", list(dict.fromkeys([*_local_hosts, _site_host])))
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "alp_portal.apps.PortalAdminConfig",  # django.contrib.admin with the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "import_export",
    "alp_portal",  # before django_tasks_db: our db_worker command (theirs with a heartbeat) wins
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "corsheaders",
    "ninja",
    "initiative",
    "authorities",
    "workshops",
    "certificates",
]

MIDDLEWARE = [
    "alp_portal.logs.RequestLogMiddleware",  # first: it sees the final status and the whole duration
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alp_portal.errors.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "alp_portal.middleware.ReadAheadMiddleware",  # with the session's key, before anything reads the session
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "alp_portal.middleware.PrivateResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "alp_portal.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "alp_portal.urls"
WSGI_APPLICATION = "alp_portal.wsgi.application"
ASGI_APPLICATION = "alp_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",  # csp_nonce, for the admin's own tags
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # A cache shared between processes: allauth's rate limits, the public pages' figures, who is asking
    # (alp_portal/access.py) and the sessions live here.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "alp_cache",
        # Django's default of 300 entries would drop sessions and the staff's access facts as soon as a few
        # hundred people are signed in; a third of the entries go when it is full (read again, never lost).
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}
# Sessions written to the database and kept in the cache: read on every signed-in page, where one plain cache
# read costs less than the ORM's query (0.7-1.7 ms a page, issue 14); a session the cache dropped is read back
# from the database.
SESSION_ENGINE = "alp_portal.sessions"  # Django's cached_db, read ahead

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION = "none"
MFA_SUPPORTED_TYPES = ["recovery_codes", "totp", "webauthn"]

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("pt-br", _("Portuguese (Brazil)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "America/Argentina/Buenos_Aires")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    # Generated and uploaded files (recognition PDFs, resources): local disk or an S3-compatible object store.
    "default": default_storage_from_env(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail through Django 6.1's MAILERS. DJANGO_EMAIL_BACKEND is "console" (default, prints mails) or "smtp".
if env_str("DJANGO_EMAIL_BACKEND", "console") == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("DJANGO_EMAIL_HOST"),
                "port": env_int("DJANGO_EMAIL_PORT", 587),
                "username": env_str("DJANGO_EMAIL_HOST_USER", ""),
                "password": env_str("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "ALP Portal <alp@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: without a TASKS setting Django runs tasks immediately (tests, the demo);
# production sets DJANGO_TASKS_BACKEND=database and runs `manage.py db_worker`.
if env_str("DJANGO_TASKS_BACKEND", "immediate") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True

BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# How many of our own proxies append to X-Forwarded-For before a request reaches the portal (the TLS proxy: 1;
# a CDN in front of it: 2). The rate limits' client address is read from there (alp_portal/client.py).
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 1) if BEHIND_PROXY else 0
if BEHIND_PROXY and TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 1 or more with DJANGO_BEHIND_PROXY=true.")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # a load balancer's probes come over plain HTTP
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# The language cookie: only over HTTPS, out of reach of scripts, not sent along with other sites' requests.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (Django's own middleware). Nothing inline runs or styles: our
# scripts and styles are static files; the admin marks its few tags with the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],  # data: allauth shows the authenticator app's QR code as a data: image
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# One line per request (alp.requests) and per task start and end (alp.tasks): see alp_portal/logs.py.
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r}: use text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
        "json": {"()": "alp_portal.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # Django's task lines say less than ours (alp.tasks); its failure line, with the traceback, stays. The font
    # library writes some thirty lines for every batch of certificates it subsets fonts for (certificates/holder.py).
    "loggers": {"django.tasks": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Accounts (issue 3): no open sign-up, officials arrive by invitation; staff need a second factor for the admin.
ACCOUNT_ADAPTER = "authorities.adapters.AccountAdapter"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # changing the e-mail address asks for the password again
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# allauth's own limits, plus a cap per address per day on the e-mails anyone may make the portal send to it
# (a password reset link, a sign-in code). A wrong-password lockout (allauth's "login_failed", per address)
# does not stop a sign-in by e-mailed code: the owner of the address always has that way in.
ACCOUNT_RATE_LIMITS = {
    "reset_password": "20/m/ip,5/m/key,5/d/key",
    "request_login_code": "20/m/ip,3/m/key,10/d/key",
}
MFA_TOTP_ISSUER = "ALP Portal"
MFA_PASSKEY_LOGIN_ENABLED = False
# WebAuthn needs HTTPS; on a developer's http://localhost allauth may allow it.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
INVITATION_VALID_DAYS = env_int("ALP_INVITATION_VALID_DAYS", 30)
# How long a worker holds the chunk of an issuance it took; a worker that stopped loses it after this.
ISSUANCE_LEASE_SECONDS = env_int("ALP_ISSUANCE_LEASE_SECONDS", 60)

# Open Badges 3.0 credentials (issue 17). The Ed25519 signing key comes from the environment (the key itself,
# or a file that holds it), never from the database or the repository: `manage.py create_credential_key`
# makes one. Without a key no credential is issued. Retired keys' public parts stay published (comma-separated)
# so that credentials they signed still verify.
CREDENTIAL_SIGNING_KEY = env_str("ALP_CREDENTIAL_SIGNING_KEY", "")
CREDENTIAL_SIGNING_KEY_FILE = env_str("ALP_CREDENTIAL_SIGNING_KEY_FILE", "")
CREDENTIAL_RETIRED_KEYS = env_list("ALP_CREDENTIAL_RETIRED_KEYS", [])
CREDENTIAL_ISSUER_NAME = env_str("ALP_CREDENTIAL_ISSUER_NAME", "IOM Regional Office for South America")

# The open read-only API (/api/v1/) and the credentials' public documents: readable from any origin, GET only.
CORS_URLS_REGEX = r"^/(api/v1/|\.well-known/did\.json$|credentials/status/|verify/[^/]+/credential\.json$)"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
API_RATE_LIMIT = env_str("ALP_API_RATE_LIMIT", "120/m")  # requests per client address (django-ninja's format)
