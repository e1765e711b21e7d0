"""Settings shared by every context; each deployment choice is read from the environment."""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file is a convenience for local work; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-key-never-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Links in emails (the portal's and allauth's) start with SITE_URL; without it, the address
# `make run` serves on (PORT, default 8000).
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "allauth",
    "allauth.account",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "portal",
    "territoires",
    "projets",
    "chantiers",
    "events",
    "expertises",
    "newsletter",
    "maps",
    "hub",
    "opendata",
    "search",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session (a NUL in its cookie) and every view (a NUL in a query): a 400 page.
    "portal.middleware.RefuseNulMiddleware",
    # Before CommonMiddleware, so that its headers reach every answer of the open data.
    "corsheaders.middleware.CorsMiddleware",
    # These two add headers only: before the page cache, so that its hits carry them too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.csp.PolicyOnceCSPMiddleware",
    # A cache hit for an anonymous visitor, before the session and all that follows.
    "portal.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (the CSRF middleware does): see portal/middleware.py.
    "portal.middleware.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the person read with the session when it can (portal/sessions.py).
    "portal.sessions.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Embedded default: a SQLite file next to the code. IMMEDIATE transactions and a busy timeout
# let concurrent writers queue instead of failing with "database is locked"; WAL lets readers
# go on while one writes.
SQLITE_PATH = env("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3"))
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# A connection kept for the next requests of the worker: opening one costs more than a signed-in
# page's queries (for SQLite, opening the file and its PRAGMAs: about 1 ms a request, measured).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Database sessions, read with a prepared statement (portal/sessions.py).
SESSION_ENGINE = "portal.sessions"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "espace:home"
LOGOUT_REDIRECT_URL = "home"

# --- Accounts (django-allauth) ----------------------------------------------------------------
# The email address is the login; it must be verified before the account can be used.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Chantiers communs] "
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
# allauth's own rate limits (cache-backed: Redis when REDIS_URL is set). Defaults, written out.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_email": "1/m/user",
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-ratelimit (the newsletter form) counts in the default cache: Redis when REDIS_URL is
# set, shared by every web process; the embedded default's one process otherwise. It is not an
# installed app: its system checks only object to those two backends, which both suit here.
RATELIMIT_USE_CACHE = "default"
# Both rate limits (allauth's and the newsletter form's) count per client address. Behind a
# reverse proxy REMOTE_ADDR is the proxy's, so every visitor would share one counter: say how
# many proxies of ours append to X-Forwarded-For (0 trusts the header not at all).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "portal.adapters.client_ip"

# --- Redis: cache and Celery broker -----------------------------------------------------------
# Redis is optional at run time: a stopped or hung Redis trips a circuit breaker per process
# (portal/circuit.py), after which the cache answers from the process's memory and broker
# wake-ups are skipped (the beat sweep does their work) for REDIS_COOLDOWN_SECONDS.
REDIS_URL = env("REDIS_URL", default="")
REDIS_COOLDOWN_SECONDS = env.float("REDIS_COOLDOWN_SECONDS", default=30.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # A healthy Redis next to the portal answers in a millisecond: half a second is
            # the most a request pays, once per cool-down, when it hangs.
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without REDIS_URL (the embedded default) the broker is kombu's filesystem transport: messages
# are files in LOCAL_BROKER_DIR (next to the SQLite file), so `make run` starts a real worker
# and beat with nothing to install. Measured against SQLAlchemy on SQLite, the other broker
# that needs only Python and the disk (bench/embedded_broker.py): the same idle cost, a wake-up
# in one polling interval (0.1 s against 1 s, which SQLAlchemy's transport does not go below),
# 200 tasks drained in 0.4 s against 10 s, and no dependency to add.
LOCAL_BROKER_DIR = Path(
    env("LOCAL_BROKER_DIR", default=str(Path(SQLITE_PATH).parent / "celery-broker"))
)
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
# Tasks always go through the broker to a worker; the test settings run them in-process.
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
# No result backend: nobody reads task results, and a Redis result backend adds its own
# blocking retry loop when Redis is down (STACK-NOTES).
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object]
if REDIS_URL:
    # Against a hung Redis, .delay() would block forever without socket timeouts (measured).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
        "max_retries": 1,
        "visibility_timeout": 3600,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(LOCAL_BROKER_DIR / "queue"),
        "data_folder_out": str(LOCAL_BROKER_DIR / "queue"),
        "control_folder": str(LOCAL_BROKER_DIR / "control"),
        "polling_interval": 0.1,
    }
# Publishing is not retried: a hung Redis would otherwise cost one socket timeout per retry
# (measured: 4.2 s with the default policy, 2.2 s with none). What fails to publish stays in
# the database and the beat sweep sends it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Brussels"
# Every periodic schedule lives in portal/celery.py, each with its reason. Beat keeps it in
# memory (no schedule file), runs every entry once at start and holds a lock in Redis so that
# one beat at a time sends anything (portal/beat.py); it looks at the clock at least every 10 s.
CELERY_BEAT_SCHEDULER = "portal.beat:Scheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 10

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
# A woken sender first waits until no message has been queued for MAIL_SETTLE_SECONDS (at most
# MAIL_SETTLE_MAX_SECONDS): during a rush of registrations the web workers and the database
# answer people first, and the confirmations are built once it has passed (portal/mail).
MAIL_SETTLE_SECONDS = env.float("MAIL_SETTLE_SECONDS", default=0.25)
MAIL_SETTLE_MAX_SECONDS = env.float("MAIL_SETTLE_MAX_SECONDS", default=10.0)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Chantiers communs <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The organising team's address, the ORGANIZER of every event invitation (.ics); empty: the
# address of DEFAULT_FROM_EMAIL. Calendar apps show it as who invites.
EVENTS_ORGANIZER_EMAIL = env("EVENTS_ORGANIZER_EMAIL", default="")
# The organisation that organises an event created without one (by an officer, by staff): the
# Cellule's slug in the seed.
EVENTS_DEFAULT_ORGANISER_SLUG = env(
    "EVENTS_DEFAULT_ORGANISER_SLUG", default="cellule-manger-demain"
)

# --- Maps -------------------------------------------------------------------------------------
# Tiles are optional: markers and popups show without them. An empty MAP_TILES_URL draws no
# background layer at all (the machines that run the tests cannot reach a tile server).
MAP_TILES_URL = env("MAP_TILES_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = env(
    "MAP_TILES_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
# Wallonia's bounding box (south-west, north-east), used to frame maps and check points.
WALLONIA_BOUNDS = ((49.45, 2.80), (50.85, 6.45))


def _tiles_origin(url: str) -> list[str]:
    """The origin the tiles come from, for img-src ({s} subdomains become a wildcard)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return []
    return [f"{parts.scheme}://{parts.netloc.replace('{s}.', '*.')}"]


# --- Content Security Policy (django-csp 4) ---------------------------------------------------
# No inline script, no inline style, no nonce, no CDN: every script and style sheet is a static
# file of our origin, and pages carry no per-response value (the maps read their settings from
# data attributes; static/js/map.js). Scripts may still set styles through the CSSOM
# (element.style), which style-src does not govern: Leaflet positions its markers that way.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_tiles_origin(MAP_TILES_URL)],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

PAGINATE_BY = 20

# --- Public-sector pages (hub: /accessibilite/ and /mentions-legales/) ------------------------
# The accessibility statement's conformance to WCAG 2.1 AA / EN 301 549: "full", "partial" or
# "none" — as found by the last audit, dated here (YYYY-MM-DD). The audit this code base runs
# is described on the page (hub/public_pages.py); a further audit (a person's, an expert's)
# is told in ACCESSIBILITY_AUDIT_NOTE, shown as written.
ACCESSIBILITY_STATUS = env("ACCESSIBILITY_STATUS", default="partial")
ACCESSIBILITY_AUDIT_DATE = env("ACCESSIBILITY_AUDIT_DATE", default="2026-12-05")
ACCESSIBILITY_AUDIT_NOTE = env("ACCESSIBILITY_AUDIT_NOTE", default="")
# Where to report a barrier; empty: LEGAL_CONTACT_EMAIL, else the officers' contact form.
ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL", default="")
# The legal notice: who publishes the portal, how to reach them, who hosts it.
LEGAL_PUBLISHER = env("LEGAL_PUBLISHER", default="Cellule Manger Demain")
LEGAL_PUBLISHER_PARENT = env("LEGAL_PUBLISHER_PARENT", default="Service public de Wallonie (SPW)")
LEGAL_PUBLISHER_ADDRESS = env("LEGAL_PUBLISHER_ADDRESS", default="")
LEGAL_CONTACT_EMAIL = env("LEGAL_CONTACT_EMAIL", default="")
# Name and address of the host; `manage.py check --deploy` warns while it is empty.
LEGAL_HOST = env("LEGAL_HOST", default="")

# --- Open data and the read-only API (opendata) -----------------------------------------------
# The licence stated on every dataset, in the DCAT-AP catalogue and in a Link header.
OPEN_DATA_LICENSE_URL = env(
    "OPEN_DATA_LICENSE_URL", default="https://creativecommons.org/licenses/by/4.0/"
)
OPEN_DATA_LICENSE_NAME = env("OPEN_DATA_LICENSE_NAME", default="CC BY 4.0")
OPEN_DATA_PUBLISHER = env("OPEN_DATA_PUBLISHER", default="Cellule Manger Demain")
# Requests per visitor (by address) to the API and the downloads, counted in the cache.
API_RATE_LIMIT = env("API_RATE_LIMIT", default="120/minute")
API_MAX_PAGE_SIZE = 100
REST_FRAMEWORK = {
    # Public data only, read-only, for anyone: no session, hence no CSRF and no per-person data.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "opendata.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": PAGINATE_BY,
    "DEFAULT_THROTTLE_CLASSES": ["opendata.throttling.VisitorRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"opendata": API_RATE_LIMIT},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chantiers communs – API des données ouvertes",
    "DESCRIPTION": (
        "Read-only access to the public data of the Chantiers communs portal (Cellule Manger "
        "Demain, Wallonia): provinces, projects, chantiers with their steps and resources, "
        "events, facilitators, news and newsletter issues. No key needed; rate-limited per "
        "address; every answer carries ETag and Last-Modified. Licence: " + OPEN_DATA_LICENSE_NAME
    ),
    "VERSION": "1.0.0",
    "LICENSE": {"name": OPEN_DATA_LICENSE_NAME, "url": OPEN_DATA_LICENSE_URL},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": False,
    "ENUM_NAME_OVERRIDES": {},
}
# CORS: any site may read the open data and the API from a browser (GET only, no cookies).
CORS_URLS_REGEX = r"^/(api|donnees)/.*$"
# Where a refused request (portal.errors.bad_request) is answered in JSON rather than a page.
JSON_ERROR_PATHS = CORS_URLS_REGEX
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link", "Retry-After"]

# --- Request sizes ----------------------------------------------------------------------------
# Bodies over these sizes are refused (413) before anything reads them (portal/middleware.py).
# docker/nginx/default.conf.template applies the same numbers (client_max_body_size 1m and 3m:
# tests/portal/test_proxy.py checks that they agree). Files are accepted only where staff
# import CSV (a 2 MB file, with room for the form around it); everything else is a form.
REQUEST_BODY_MAX_BYTES = 1 * 1024 * 1024
UPLOAD_BODY_MAX_BYTES = 3 * 1024 * 1024
UPLOAD_PATHS = r"^/admin/[a-z_]+/[a-z_]+/import/$"
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
# Uploads stay in memory (never a temporary file on the web server's disk): they are small.
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_BODY_MAX_BYTES
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
# A previewed import file waits in the database (portal.ImportUpload) for its confirmation this
# many seconds at most; older ones are refused, and purged hourly by beat.
IMPORT_UPLOAD_MAX_AGE = 60 * 60

# Every error is logged to the console (the root logger). Django's own "mail_admins" would send
# each server error to ADMINS from inside the failing request (ten bad requests, ten emails,
# ten workers waiting on SMTP): ours queues one message per kind of error and per hour in the
# outbox, which the sweep sends (portal/error_mail.py). Without ADMINS it does nothing.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "portal.error_mail.OutboxAdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Propagates to the root's console; replaces Django's default handlers of this logger.
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
    },
}
