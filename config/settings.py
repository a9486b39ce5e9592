"""Settings for the portal, driven by environment variables.

Every deployment-specific value comes from the environment; the defaults give a
working demo on SQLite with DEBUG on. See docs/deployment.md for the full list.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (for example: "
            "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'))."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-debug-is-on"

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
    "territories",
    "cooperation",
    "surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

# Security. With DEBUG off these default to the strict values that
# `manage.py check --deploy` expects; each can be relaxed through the environment
# (for example behind a TLS-terminating proxy that already redirects).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: scripts only from our own origin or with the
# per-request nonce — never inline without one. DSFR sets style attributes from
# its JavaScript, hence inline styles are allowed.
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

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.PageNumberPagination",
    # Token first: an anonymous write then gets 401 with a `WWW-Authenticate: Token`
    # challenge (403 for a signed-in non-staff user). Tokens only in the Authorization
    # header, never in a URL; staff issue them in the admin.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Reads for everyone (what each one sees is scoped by `visible_to(user)`), writes for staff.
    "DEFAULT_PERMISSION_CLASSES": ["config.api.permissions.IsStaffOrReadOnly"],
    # Anonymous clients are throttled per IP (counters in the default cache); "600/hour",
    # "20/minute"… Authenticated clients are not.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "600/hour")},
    # How many reverse proxies put their address in X-Forwarded-For: the client's IP is taken
    # that many hops from the end. 0 ignores the header, which a client could otherwise forge
    # to escape throttling.
    "NUM_PROXIES": int(
        os.environ.get("API_NUM_PROXIES", "1" if env_bool("BEHIND_TLS_PROXY", False) else "0")
    ),
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "PAGE_SIZE": 50,
    # Django ValidationError from services -> 400 with field errors (see config/api/exceptions.py).
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "API du portail des coopérations interterritoriales",
    "DESCRIPTION": (
        "The reference geography (régions, départements, communes, EPCI, EPT) and the registry "
        "of cooperations between métropoles and surrounding territories, with their themes and "
        "instruments. Reading is public (published records only; anonymous clients are "
        "throttled). Writing cooperations, partners and sources is for staff, authenticated "
        "with a token in the header `Authorization: Token <key>` (staff issue tokens in the "
        "admin). `GET /api/v1/cooperations/?format=csv` streams the CSV export of the filtered "
        "selection. Errors: 400 with one key per invalid field or parameter; 401 without valid "
        "credentials; 403 for non-staff writes; 404 for unknown or unpublished records; 429 "
        "when throttled. Field names are stable within /api/v1/. The census survey's "
        "campaigns and responses (`/api/v1/campaigns/`, `/api/v1/responses/`) need an "
        "account: officers see and edit their territories' responses, reviewers all; a save "
        "(`PATCH` with the version it started from) answers 409 when someone saved in between."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No request to swagger.io's online validator (third-party request, blocked by the CSP).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
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
    },
    # Tags and operation ids from the path after /api/v1/ ("territories", not "v1").
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Sign-in pages live in the accounts app (/compte/).
LOGIN_URL = "/compte/connexion/"
LOGIN_REDIRECT_URL = "/enquetes/"
LOGOUT_REDIRECT_URL = "/"

# Officers' invitation links stay valid this many days.
INVITATION_TTL_DAYS = int(os.environ.get("INVITATION_TTL_DAYS", "14"))

# Login throttling (django-axes). After AXES_FAILURE_LIMIT failed sign-ins, further attempts
# are refused for AXES_COOLOFF_MINUTES: for that username whatever the IP address, and for
# that IP address whatever the username (each list item is a separate lock). Failures are
# forgotten after a successful sign-in; locks always expire (never permanent).
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
# The client address is taken like the API throttle takes it (see config/client_ip.py):
# behind reverse proxies, every client would otherwise share the proxy's address.
AXES_NUM_PROXIES = REST_FRAMEWORK["NUM_PROXIES"]
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
