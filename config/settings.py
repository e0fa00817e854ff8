"""Settings for the registry of regional consultation mechanisms on migration.

Every value that differs between machines comes from the environment, read here and nowhere else:

- ``DEBUG``: ``1``/``true`` for local development; off by default. When it is unset, var/local.env (written by
  `make run`) supplies it and the rest of a development setup, if that file turns DEBUG on.
- ``SECRET_KEY``: required when DEBUG is off.
- ``ALLOWED_HOSTS``: comma-separated host names.
- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/rcp``; SQLite in ``var/`` when unset.
- ``DATABASE_REPLICA_URL``: a read replica of DATABASE_URL; public reads go there when set.
- ``REDIS_URL``: e.g. ``redis://127.0.0.1:6379/0``, the shared cache; local memory when unset.
- ``PUBLIC_CACHE_MAX_AGE`` (seconds browsers and CDNs may reuse a public answer unasked, default 60),
  ``SERVER_CACHE_TIMEOUT`` (seconds a built public answer, API or page, is kept server-side, default 3600; 0: off).
- ``SECURE_SSL_REDIRECT``: redirect HTTP to HTTPS; on by default when DEBUG is off (the test run
  turns it off: the test server speaks plain HTTP).
- ``SECURE_PROXY_SSL_HEADER``: the header a TLS-terminating proxy sets, e.g. ``HTTP_X_FORWARDED_PROTO``.
- ``SECURE_HSTS_SECONDS`` (default one year when DEBUG is off), ``SECURE_HSTS_PRELOAD`` (default on).
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


def read_local_env(path):
    """``KEY=VALUE`` lines of a local settings file; blank lines and ``#`` comments skipped."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


# Local development: `make run` writes var/local.env (DEBUG=1 and a generated SECRET_KEY), so that every
# command the README shows runs as written in that checkout. It is read only when the environment does not
# say DEBUG at all, and only when the file turns DEBUG on; what the environment sets wins. A server (DEBUG
# unset or off, no such file) stays strict: no default secret key.
LOCAL_ENV = BASE_DIR / "var" / "local.env"
if os.environ.get("DEBUG", "") == "" and LOCAL_ENV.exists():
    _local = read_local_env(LOCAL_ENV)
    if _local.get("DEBUG", "").lower() in {"1", "true", "yes", "on"}:
        for _key, _value in _local.items():
            os.environ.setdefault(_key, _value)

DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    # Development only: a key per process. `make run` passes a persistent one from var/.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        # Connections are kept for 60 s and checked before each request reuses one: a connection the
        # database dropped meanwhile is replaced, not failed on.
        conn_max_age=60, conn_health_checks=True,
    )
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "corsheaders",
    "csp",
    "apps.curation",
    "apps.states",
    "apps.mechanisms",
    "apps.meetings",
    "apps.reviews",
    "apps.dataset",
    "apps.site",
]

MIDDLEWARE = [
    # First: a safe request whose database connection was lost runs once more, through everything below.
    "apps.curation.middleware.DatabaseRetryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (the site's CSS, the admin's and Swagger UI's) straight from the app server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "apps.curation.middleware.QueryStringGuardMiddleware",
    "apps.curation.middleware.PageMethodsMiddleware",
    # Sessions, authentication and messages are Django's, passed by on anonymous API reads (no session
    # cookie): the API is anonymous (apps/curation/middleware.py).
    "apps.curation.middleware.SessionMiddleware",
    # The public pages' language comes from their address (/fr/…, /es/…; English unprefixed).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "apps.curation.middleware.AuthenticationMiddleware",
    "apps.curation.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "apps.curation.middleware.ChangeSetMiddleware",
    "axes.middleware.AxesMiddleware",
    # Anonymous page views are throttled before the cache answers them (the API throttles in DRF).
    "apps.curation.throttling.PageThrottleMiddleware",
    # The home page sends a newcomer to their browser's language before the cache answers for it.
    "apps.site.middleware.HomeLanguageMiddleware",
    # Last, on purpose: every middleware above (security headers, CSP, CORS, the query-string guard,
    # sessions and authentication) also shapes its 304s and cached answers, and nothing runs between it
    # and the view, so a 304 or a cache hit runs no view, filter or serializer.
    "apps.curation.http_cache.PublicCacheMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while a username/address pair is locked out
    "django.contrib.auth.backends.ModelBackend",
]

# Failed logins: after 5 failures from one address, for one username or spread over many, that address
# waits 15 minutes (a login that succeeds clears its own count).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True

# Transport security. Production defaults; an operator behind a TLS proxy sets SECURE_PROXY_SSL_HEADER.
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", not DEBUG)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"], "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or (0 if DEBUG else 31_536_000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A mechanism's admin page posts every row of its participants, meetings and documents tables: about 1,300
# fields for the Rabat Process in 2026, over Django's default guard of 1,000. The guard stays, ten times higher.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The public site's languages (README "Languages"); the API and the admin stay in English.
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]  # the catalogues, shipped compiled (tests/test_translations.py)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"  # filled by `manage.py collectstatic` in production
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATICFILES_DIRS = [BASE_DIR / "static"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Edit history: the admin's revert form is where a curator restores an earlier version.
SIMPLE_HISTORY_REVERT_DISABLED = False
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

REST_FRAMEWORK = {
    # The public API is anonymous and read-only: no authentication, so no user data can shape a response.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "apps.curation.api.ordering.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.curation.api.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "apps.curation.api.errors.exception_handler",
    # Anonymous clients share the API fairly: past the rate, 429 with Retry-After (API_THROTTLE_RATE).
    # Counted in the shared "throttle" cache (apps/curation/throttling.py); pages have their own rate.
    "DEFAULT_THROTTLE_CLASSES": ["apps.curation.throttling.SharedAnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_THROTTLE_RATE") or "600/minute",
                               "pages": os.environ.get("PAGE_THROTTLE_RATE") or "120/minute"},
    # Client addresses come from X-Forwarded-For only behind that many trusted proxies (API_TRUSTED_PROXIES).
    "NUM_PROXIES": int(os.environ.get("API_TRUSTED_PROXIES") or 0) or None,
    "DEFAULT_SCHEMA_CLASS": "apps.curation.api.schema.PublicAutoSchema",
}

API_MAX_PAGE_SIZE = 500

# What one dataset import may hold (apps/dataset/limits.py): files (or zip entries), bytes of one
# file once decompressed, bytes of all files once decompressed, and levels of nested lists and mappings.
# The 2013 dataset is 31 files, 520 KB, 6 levels; the x100 benchmark dataset about 2,600 files and 55 MB.
DATASET_IMPORT_LIMITS = {"files": 5000, "file_bytes": 8 * 1024 * 1024, "total_bytes": 128 * 1024 * 1024,
                         "depth": 20}

SPECTACULAR_SETTINGS = {
    "TITLE": "Regional consultation mechanisms on migration: public API",
    "DESCRIPTION": (
        "Read-only access to the curated record of regional consultative processes (RCPs) and "
        "interregional forums (IRFs) on migration: mechanisms, their participants and meetings, "
        "states, organisations, themes and review editions. Partial dates are ISO strings of "
        "reduced precision (YYYY, YYYY-MM or YYYY-MM-DD)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "MechanismKindEnum": "apps.mechanisms.classification.Kind",
        "GovernanceEnum": "apps.mechanisms.classification.Governance",
        "MechanismStatusEnum": "apps.mechanisms.classification.Status",
        "ParticipationRoleEnum": "apps.mechanisms.models.Participation.Role",
        "MeetingKindEnum": "apps.meetings.models.Meeting.Kind",
        "MeetingStatusEnum": "apps.meetings.models.Meeting.Status",
        "DocumentKindEnum": "apps.meetings.models.Document.Kind",
        "StateKindEnum": "apps.states.models.State.Kind",
        "OrganizationKindEnum": "apps.states.models.Organization.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# ----- Cross-origin reads and the Content Security Policy ------------------------------------------
# Any site may read the public API with GET (and HEAD/OPTIONS); nothing else, no credentials.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

# Everything the pages, the admin and the API docs load comes from this site. Inline style attributes
# are allowed (the charts' legend swatches, the admin, Swagger UI's one style block); scripts are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# ----- Performance and scale: validators, server-side cache, read replica (docs/scaling.md) ---------
# Public answers are validated and cached by the data version (apps/curation/http_cache.py); a write
# anywhere moves the version on, so nothing stale is ever served by this site.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "public-responses"}
    ),
    # Throttle counters: shared by every process and machine, never per process. The database table is
    # created by a migration (apps/curation/migrations/0004_shared_cache_table.py).
    "throttle": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "throttle"}
        if REDIS_URL
        else {"BACKEND": "apps.curation.counter_cache.CounterDatabaseCache", "LOCATION": "curation_shared_cache"}
    ),
}
# The public API and pages; never /admin/.
PUBLIC_CACHE_PATHS = [r"^/(fr/|es/)?$", r"^/api/v1/",
                      r"^/(fr/|es/)?(mechanisms|states|meetings|editions|search|feeds)/"]
# The public pages among them: GET and HEAD only (curation/middleware.py), anonymous views throttled
# (curation/throttling.py).
PUBLIC_PAGE_PATHS = [pattern for pattern in PUBLIC_CACHE_PATHS if not pattern.startswith(r"^/api/")]
# Every public answer, the API's and every page in each language, is also kept built by data version: what
# an anonymous reader gets depends on nothing else (their language is in the address, the home page's
# redirect is decided before: apps/site/middleware.py).
SERVER_CACHE_PATHS = PUBLIC_CACHE_PATHS
PUBLIC_CACHE_MAX_AGE = int(os.environ.get("PUBLIC_CACHE_MAX_AGE") or 60)
SERVER_CACHE_TIMEOUT = int(os.environ.get("SERVER_CACHE_TIMEOUT") or 3600)

# Public reads go to the replica when there is one; writes, the admin and commands to the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
PUBLIC_READ_DATABASE = "replica" if "replica" in DATABASES else "default"
DATABASE_ROUTERS = ["apps.curation.db_router.PrimaryReplicaRouter"]
