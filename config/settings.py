"""Settings for ntm, read from environment variables (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NTM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("NTM_DEBUG", True)
# The development key only works with DEBUG on; production must set a real NTM_SECRET_KEY.
DEV_SECRET_KEY = "dev-only-insecure-key"
SECRET_KEY = os.environ.get("NTM_SECRET_KEY", "").strip() or (DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or "CHANGE_ME" in SECRET_KEY.upper()
):
    raise RuntimeError(
        "NTM_SECRET_KEY must be set to a long random value when NTM_DEBUG is off "
        "(at least 50 characters), e.g. the output of: "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
ALLOWED_HOSTS = [
    h for h in os.environ.get("NTM_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Serves the API docs' Swagger UI from its own static files, never from a CDN.
    "ninja",
    # Login throttling and lockout (failed attempts per username and address).
    "axes",
    "ntm.units",
    "ntm.criteria",
    "ntm.assessments",
    "ntm.dashboards",
    "ntm.accounts",
    "ntm.audit",
    "ntm.values",
    "ntm.approvals",
    "ntm.recognition",
    "ntm.programme",
    "ntm.reports",
    "ntm.workbooks",
    "ntm.web",
]

MIDDLEWARE = [
    # First: every response, even a refused one, carries the request id its logs show.
    "ntm.request_log.RequestIdMiddleware",
    "ntm.accounts.middleware.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else the browser's Accept-Language, else LANGUAGE_CODE.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Refuses control characters in paths, queries and forms; turns refusals into pages.
    "ntm.web.errors.ErrorPagesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after the user is known: no-store on everything an authenticated user gets.
    "ntm.accounts.middleware.PrivateCacheMiddleware",
    "ntm.accounts.middleware.NtmLoginRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages, so an expired session can say why on the login page.
    "ntm.accounts.middleware.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ntm.accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ntm.sqlite3'}",
        conn_max_age=int(os.environ.get("NTM_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; a busy timeout avoids spurious locks.
    # IMMEDIATE: a transaction takes the write lock when it begins, so two writers queue
    # (up to the timeout) instead of one failing with "database is locked" half-way.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file (not the shared in-memory database), so tests with threads see the
    # locking of a real deployment.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("NTM_TEST_SQLITE") or str(VAR_DIR / "test-ntm.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "ntm" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Browser libraries installed from npm (`make install` runs `npm ci`), served under vendor/.
STATICFILES_DIRS = [
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
# In development whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG
# In production `ntm serve --production` runs collectstatic first; the files get hashed
# names (cached for a year by browsers) and compressed copies that whitenoise serves.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("NTM_MEDIA_ROOT", VAR_DIR / "media"))
# Excel imports: read and write in a background thread ("thread") or within the request
# ("inline"); uploads above NTM_WORKBOOK_MAX_BYTES are refused.
NTM_WORKBOOK_JOBS = os.environ.get("NTM_WORKBOOK_JOBS", "thread")
NTM_WORKBOOK_MAX_BYTES = int(os.environ.get("NTM_WORKBOOK_MAX_BYTES", 10 * 1024 * 1024))

# ----------------------------------------------------------------------------- logging
# Console (stderr) by default, also a rotating file when NTM_LOG_FILE is set. Every record
# carries the request id, user and path; secrets are removed (ntm.request_log). Unhandled
# exceptions reach the log with their traceback through the django.request logger.
NTM_LOG_LEVEL = os.environ.get("NTM_LOG_LEVEL", "INFO").strip().upper() or "INFO"
NTM_LOG_FILE = os.environ.get("NTM_LOG_FILE", "").strip()
_LOG_HANDLERS = ["console"] + (["file"] if NTM_LOG_FILE else [])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "ntm.request_log.RequestContextFilter"}},
    "formatters": {
        "ntm": {
            "()": "ntm.request_log.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [request=%(request_id)s "
            "user=%(user)s path=%(path)s] %(message)s",
            # Local time (TIME_ZONE) with its offset.
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": "ntm",
        },
        **(
            {
                "file": {
                    "class": "logging.handlers.RotatingFileHandler",
                    "filename": NTM_LOG_FILE,
                    "maxBytes": int(os.environ.get("NTM_LOG_FILE_BYTES", str(20 * 1024 * 1024))),
                    "backupCount": int(os.environ.get("NTM_LOG_FILE_COUNT", "10")),
                    "encoding": "utf-8",
                    "filters": ["request_context"],
                    "formatter": "ntm",
                }
            }
            if NTM_LOG_FILE
            else {}
        ),
    },
    "root": {"handlers": _LOG_HANDLERS, "level": NTM_LOG_LEVEL},
    "loggers": {
        # Django's own handlers are replaced: its records go to the root handlers above.
        "django": {"handlers": [], "level": NTM_LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": NTM_LOG_LEVEL, "propagate": True},
        # SQL statements may carry values; never logged, whatever the level.
        "django.db.backends": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Data entry: evidence files up to this size (bytes), checked by content; the bulk grid
# posts one field per cell, so a province's communes times a few indicators must fit.
NTM_EVIDENCE_MAX_BYTES = int(os.environ.get("NTM_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
# Any request body above this is refused from its Content-Length, before it is read (413):
# the largest single upload is a province's boundary file (20 MB); an entry form may carry
# a few evidence files at once.
NTM_MAX_REQUEST_BYTES = int(os.environ.get("NTM_MAX_REQUEST_BYTES", str(50 * 1024 * 1024)))

# --------------------------------------------------------------------------- security
# Production values apply when NTM_DEBUG is off; each can be overridden (see .env.example).
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before the password is tried.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("NTM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("NTM_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ntm.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "ntm.accounts.lockout.attempt_ip"
# A ceiling per username over every address within the same cool-off, so a guesser with
# many addresses is slowed too (0: none); ntm.accounts.lockout.LockoutHandler.
AXES_HANDLER = "ntm.accounts.lockout.LockoutHandler"
NTM_LOGIN_USERNAME_LIMIT = int(os.environ.get("NTM_LOGIN_USERNAME_LIMIT", "20"))
# API tokens made without a number of days last this long (web, API, `ntm token create`);
# one without an end only with `ntm token create --never-expires`.
NTM_TOKEN_DEFAULT_DAYS = int(os.environ.get("NTM_TOKEN_DEFAULT_DAYS", "180"))
AXES_VERBOSE = False

# A session ends after NTM_SESSION_IDLE_MINUTES without a request, and in any case
# NTM_SESSION_MAX_HOURS after the login (ntm.accounts.middleware.SessionExpiryMiddleware).
NTM_SESSION_IDLE_SECONDS = int(os.environ.get("NTM_SESSION_IDLE_MINUTES", "60")) * 60
SESSION_COOKIE_AGE = int(os.environ.get("NTM_SESSION_MAX_HOURS", "10")) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Behind a reverse proxy that terminates TLS, set NTM_TRUSTED_PROXY=1: the client address
# comes from X-Forwarded-For and the scheme from X-Forwarded-Proto.
NTM_TRUSTED_PROXY = env_bool("NTM_TRUSTED_PROXY", False)
if NTM_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies append to X-Forwarded-For in front of ntm (1 with one nginx): the client
# is that many entries from the right, what the client wrote itself is ignored
# (ntm.audit.addresses). 0: the connection's address, so everyone behind one proxy
# shares one address and one login lockout.
NTM_PROXY_COUNT = int(os.environ.get("NTM_PROXY_COUNT", "1" if NTM_TRUSTED_PROXY else "0"))
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("NTM_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SECURE_SSL_REDIRECT = env_bool("NTM_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("NTM_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("NTM_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("NTM_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("NTM_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp), in every environment so a page that breaks it
# shows in development and in the browser tests: everything comes from this origin;
# scripts only from files or with the request's nonce; style attributes stay allowed
# (bar widths are set inline).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
