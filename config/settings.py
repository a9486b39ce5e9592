"""Settings for the portal, driven by environment variables.

Every deployment-specific value comes from the environment; the defaults give a
working demo on SQLite with DEBUG on. See docs/deployment.md for the full list.
"""

import datetime
import os
from pathlib import Path

import django_cache_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from portal.ratelimit import Rate

from .api.description import API_DESCRIPTION
from .environment import (
    env_bool,
    env_database,
    env_gone,
    env_list,
    env_networks,
    env_secret_key,
    is_redis_url,
    task_backend,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_secret_key("SECRET_KEY", debug=DEBUG)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "dsfr",
    "widget_tweaks",
    "simple_history",
    "axes",
    "portal",
    "django_tasks",
    "django_tasks_db",
    "territories",
    "cooperation",
    "surveys",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag / Last-Modified / 304 on the API's reads: sees the final body of every view.
    "config.api.conditional.ConditionalApiMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After the middleware that the error pages' template needs (language, user, CSP nonce).
    "config.request_line.RequestLineMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

# Longest URL (path and query string, in characters) the portal serves: longer is a 414
# (config/request_line.py). Keep it below the server's own limit (gunicorn: 4,094 bytes
# for the whole request line).
MAX_URL_LENGTH = int(os.environ.get("MAX_URL_LENGTH", "4000"))

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# DATABASE_URL; SQLite in the project directory by default (see config/environment.py).
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "0"))
DATABASES = {
    "default": env_database(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=CONN_MAX_AGE
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every process and machine: API throttle counters, export jobs'
# progress. The database cache by default (the demo needs no server; `createcachetable`
# creates its table), Redis in production: CACHE_URL=redis://host:6379/1. Never the
# per-process memory cache, whose counts each worker would keep for itself.
CACHES = {"default": django_cache_url.config(default="db://django_cache")}

# Sessions stay in the database (not in the cache): signing out everywhere, the admin's
# session list and a cache flush never lose anyone's session.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Background tasks (Django's tasks interface, django-tasks backport). The queue lives in the
# database by default (`manage.py db_worker` runs the tasks; the demo starts one); with
# TASKS_URL=redis://host:6379/2 it is an RQ queue on Redis (`manage.py rqworker`). Two
# queues: `default` (e-mails, clean-up) and `exports` (large files), so that a long export
# never delays an e-mail. See docs/deployment.md.
TASK_QUEUES = ["default", "exports"]
TASKS_URL = os.environ.get("TASKS_URL", "database://")
TASKS = {"default": {"BACKEND": task_backend(TASKS_URL), "QUEUES": TASK_QUEUES}}
if is_redis_url(TASKS_URL):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # RQ stops a job after DEFAULT_TIMEOUT seconds (180 by default): room for a large workbook.
    RQ_QUEUES = {name: {"URL": TASKS_URL, "DEFAULT_TIMEOUT": 3600} for name in TASK_QUEUES}

# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: French first, English complete.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files of the export jobs: a directory every worker and web server shares (or, with
    # django-storages, an object store).
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("EXPORT_FILES_DIR", str(BASE_DIR / "var" / "exports")),
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@cooperations.localhost")
# E-mails leave through the task queue (jobs.mail); a message the SMTP server refuses or
# cannot take is tried again after each of these delays, in seconds, then given up.
EMAIL_RETRY_DELAYS = [int(d) for d in env_list("EMAIL_RETRY_DELAYS", "60,300,1800,7200")]

# Security. With DEBUG off these default to the strict values that
# `manage.py check --deploy` expects; each can be relaxed through the environment
# (for example behind a TLS-terminating proxy that already redirects).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Preloading is opt-in: once a domain is in the browsers' preload list, it and every
# subdomain are HTTPS-only for months, whatever this setting says later.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # `check --deploy` would warn that the site cannot be submitted to the preload list.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The language cookie is only read by the server (no script needs it), and never sent by
# a cross-site form post.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page of the portal uses, refused to every page and frame
# (config/security_headers.py): feature -> allowed origins (empty: none).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Content-Security-Policy: no inline script without the per-request nonce. DSFR sets style
# attributes from its JavaScript, hence inline styles are allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

env_gone("API_NUM_PROXIES", "list the proxies' addresses in TRUSTED_PROXIES instead")
# Reverse proxies in front of the app (addresses or networks, e.g. "127.0.0.1,10.0.0.0/24"):
# X-Forwarded-For is believed only on requests that come from one of them, and read from
# the end past their own addresses (portal/client_ip.py). Empty: the header is ignored,
# so a client cannot forge it to escape the API throttle or a sign-in lock. Behind a proxy
# on the same machine (BEHIND_TLS_PROXY), the loopback addresses by default.
TRUSTED_PROXIES = env_networks(
    "TRUSTED_PROXIES", "127.0.0.1,::1" if env_bool("BEHIND_TLS_PROXY", False) else ""
)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["config.api.filters.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.PageNumberPagination",
    # Token first: an anonymous write then gets 401 with a `WWW-Authenticate: Token`
    # challenge (403 for a signed-in non-staff user). Tokens only in the Authorization
    # header, never in a URL; staff issue them in the admin.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Reads for everyone (what each one sees is scoped by `visible_to(user)`), writes for staff.
    "DEFAULT_PERMISSION_CLASSES": ["config.api.permissions.IsStaffOrReadOnly"],
    # Anonymous clients are throttled per IP (counters in the default cache); "600/hour",
    # "20/minute"… Authenticated clients are not.
    "DEFAULT_THROTTLE_CLASSES": ["config.api.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "600/hour")},
    # Bodies are JSON only (415 otherwise), as the API guide documents: DRF's form parsers
    # would accept nested data in a form encoding that no client uses. JSON nested deeper
    # than config.api.parsers.MAX_JSON_DEPTH is a 400, not a crash.
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "PAGE_SIZE": 50,
    # Django ValidationError from services -> 400 with field errors (see config/api/exceptions.py).
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
}

SPECTACULAR_SETTINGS = {
    # Lazy: the schema and the Swagger UI page speak the request's language.
    "TITLE": _("API du portail des coopérations interterritoriales"),
    "DESCRIPTION": API_DESCRIPTION,
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No request to swagger.io's online validator (third-party request, blocked by the CSP).
    # No deep links: Swagger UI puts each one as a link inside the operation's button
    # (nested interactive controls, which screen readers and keyboards cannot use).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set used by several fields.
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "cooperation.dates.DatePrecision",
        "InstrumentEnum": "cooperation.models.Instrument",
        # Two `status` fields: the registry's keeps the name it had before surveys came.
        "StatusEnum": "cooperation.models.CooperationStatus",
        "ResponseStatusEnum": "surveys.models.ResponseStatus",
        # The statistics rows and the network edges share it.
        "ReciprocityEnum": "cooperation.reciprocity.Reciprocity",
    },
    # Tags and operation ids from the path after /api/v1/ ("territories", not "v1").
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # 400, 404, 413, 414 and 500 on every operation: Django's answers around the views.
        "config.api.schema.document_common_errors",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The account pages (/compte/: sign-in, password reset) are served by the survey app,
# whose officers and reviewers are the only users who sign in.
LOGIN_URL = "/compte/connexion/"
LOGIN_REDIRECT_URL = "/enquetes/"
LOGOUT_REDIRECT_URL = "/"

# A response's history keeps every change of status and, while officers save a draft, at
# most one snapshot of the answers per this many minutes (0: one per save).
SURVEY_HISTORY_INTERVAL_MINUTES = int(os.environ.get("SURVEY_HISTORY_INTERVAL_MINUTES", "10"))
# A repeatable step (cooperations) with more entries than this lists them and shows each
# on a page of its own, so that a territory with hundreds of records gets a light page.
SURVEY_ENTRIES_PER_STEP = int(os.environ.get("SURVEY_ENTRIES_PER_STEP", "10"))
# A territory reminded less than this many hours ago is reminded again only when the
# reviewer confirms it (0: no such check).
SURVEY_REMINDER_INTERVAL_HOURS = int(os.environ.get("SURVEY_REMINDER_INTERVAL_HOURS", "72"))
# Exports (docs/deployment.md). Past these sizes a download is built in the background: any
# export of more rows, any XLSX or ODS workbook of more records.
EXPORT_JOB_MIN_ROWS = int(os.environ.get("EXPORT_JOB_MIN_ROWS", "200000"))
EXPORT_JOB_MIN_WORKBOOK_RECORDS = int(os.environ.get("EXPORT_JOB_MIN_WORKBOOK_RECORDS", "5000"))
# A job's file is kept this long after it is ready, then removed (`purge_exports`).
EXPORT_FILE_TTL_HOURS = int(os.environ.get("EXPORT_FILE_TTL_HOURS", "24"))
# A running job whose worker gave no news for this long is taken as dead (and retryable).
EXPORT_JOB_STALL_SECONDS = int(os.environ.get("EXPORT_JOB_STALL_SECONDS", "120"))
# Expired jobs are forgotten after this many days.
EXPORT_JOB_HISTORY_DAYS = int(os.environ.get("EXPORT_JOB_HISTORY_DAYS", "30"))

# API tokens stop being accepted this many days after they were issued (0: never); staff
# renew them in the admin.
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "365"))

# Officers' invitation links stay valid this many days.
INVITATION_TTL_DAYS = int(os.environ.get("INVITATION_TTL_DAYS", "14"))

# Login throttling (django-axes). After AXES_FAILURE_LIMIT failed sign-ins, attempts are
# refused for AXES_COOLOFF_MINUTES: for that username whatever the IP address, and for that
# IP address whatever the username (each list item is a separate lock). A successful
# sign-in forgets the failures; locks always expire.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Attempts made while locked out do not push the end of the lock back, so the delay the
# lockout page announces holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No log of successful sign-ins: it would keep every user's IP addresses with no end (RGPD).
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "surveys.views.accounts.lockout"
AXES_HTTP_RESPONSE_CODE = 429
# The client address is taken like the API throttle takes it (see portal/client_ip.py):
# behind reverse proxies, every client would otherwise share the proxy's address.
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"

# Requests outside the API that a client could repeat to flood mailboxes or storage are
# counted in the shared cache (rates as "3/hour" or "10/15m", see portal/ratelimit.py):
# password reset e-mails per e-mail address and per client address…
PASSWORD_RESET_RATE_PER_ADDRESS = Rate.parse(
    os.environ.get("PASSWORD_RESET_RATE_PER_ADDRESS", "3/hour")
)
PASSWORD_RESET_RATE_PER_CLIENT = Rate.parse(
    os.environ.get("PASSWORD_RESET_RATE_PER_CLIENT", "10/hour")
)
# …and answers posted after the officer's session ended, which come back in the sign-in
# form (nothing is stored until the officer has signed in again): up to this size, this
# often per client address.
SIGNED_OUT_ANSWERS_MAX_BYTES = int(os.environ.get("SIGNED_OUT_ANSWERS_MAX_BYTES", "262144"))
SIGNED_OUT_ANSWERS_RATE = Rate.parse(os.environ.get("SIGNED_OUT_ANSWERS_RATE", "10/15m"))
