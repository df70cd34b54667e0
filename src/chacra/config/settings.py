"""chacra settings: one module, every value from the environment with a safe embedded default.

Embedded mode (the default) keeps a SpatiaLite database under ``var/`` (or ``CHACRA_DATA_DIR``).
``DATABASE_URL=postgis://user:pass@host:5432/name`` switches to PostgreSQL + PostGIS.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from chacra.config.logs import logging_config
from chacra.config.security import content_security_policy

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("CHACRA_DATA_DIR", REPO_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEMO_SECRET_KEY = "chacra-demo-key-not-for-production"  # noqa: S105 - refused in production below
SECRET_KEY = os.environ.get("CHACRA_SECRET_KEY", DEMO_SECRET_KEY)
DEBUG = os.environ.get("CHACRA_DEBUG", "0") == "1"
PRODUCTION = os.environ.get("CHACRA_PRODUCTION", "0") == "1"
if PRODUCTION and SECRET_KEY == DEMO_SECRET_KEY:
    raise ImproperlyConfigured("CHACRA_PRODUCTION=1 needs CHACRA_SECRET_KEY set to a secret value")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "CHACRA_PRODUCTION=1 with CHACRA_DEBUG=1 would show error pages with personal data; "
        "unset CHACRA_DEBUG"
    )
ALLOWED_HOSTS = os.environ.get("CHACRA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "chacra.accounts",
    "chacra.registry",
    "chacra.intake",
    "chacra.layers",
    "chacra.compliance",
    "chacra.supply",
    "chacra.nurseries",
    "chacra.monitoring",
    "chacra.maps",
    "chacra.privacy",
    "chacra.ops",
    "chacra.web",
    "chacra.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves STATIC_ROOT (filled by `chacra collectstatic`) from gunicorn in production.
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if PRODUCTION else []),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "chacra.config.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "chacra.config.urls"
WSGI_APPLICATION = "chacra.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chacra.web.context.chacra_context",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        url = f"spatialite:///{DATA_DIR / 'chacra.sqlite3'}"
    db: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    engine = str(db["ENGINE"])
    if "postgis" in engine:
        # JIT adds 0.1-0.3 s to every large spatial query (PITFALLS.md); chacra never gains from it.
        db["OPTIONS"] = {"options": "-c jit=off"}
    elif "spatialite" not in engine:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme in {url.split(':', 1)[0]!r} is not supported; "
            "use postgis://user:pass@host:port/name or leave it unset for embedded SpatiaLite"
        )
    return db


DATABASES = {"default": _database()}
SPATIALITE_LIBRARY_PATH = os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Debian 12 ships GDAL 3.6; chacra never hands untrusted spatial-reference text to GDAL.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "es"
LANGUAGES = [("es", "Español"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "America/Lima"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Browser libraries come from npm at set-up (make assets); they are served from node_modules.
NODE_MODULES = Path(os.environ.get("CHACRA_NODE_MODULES", REPO_DIR / "node_modules"))
STATICFILES_DIRS = [
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/ol", NODE_MODULES / "ol"),
    ("vendor/maplibre", NODE_MODULES / "maplibre-gl" / "dist"),
]
if PRODUCTION:
    # Hashed, compressed copies made by `chacra collectstatic`; cached for a year by browsers.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
MEDIA_ROOT = DATA_DIR / "media"
CHACRA_MAX_UPLOAD_MB = int(os.environ.get("CHACRA_MAX_UPLOAD_MB", "100"))

# An XYZ template such as https://server/{z}/{x}/{y}.jpg; empty means a plain background (offline).
CHACRA_BASEMAP_URL = os.environ.get("CHACRA_BASEMAP_URL", "")
# Content-Security-Policy of every page (chacra.config.security); empty turns the header off.
CHACRA_CSP = os.environ.get("CHACRA_CSP", content_security_policy(CHACRA_BASEMAP_URL))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "chacra.config.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "chacra API",
    "DESCRIPTION": "Producers, plots, places, organisations and extension visits of a cacao "
    "programme.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Security: passwords with Django's default hashers (PBKDF2), headers, cookies, throttling ---
AUTHENTICATION_BACKENDS = ["chacra.accounts.throttle.ThrottledModelBackend"]
# Failed logins for one username from one address before that pair is locked, and for how long.
CHACRA_LOGIN_FAILURES = int(os.environ.get("CHACRA_LOGIN_FAILURES", "5"))
CHACRA_LOGIN_LOCK_MINUTES = int(os.environ.get("CHACRA_LOGIN_LOCK_MINUTES", "15"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("CHACRA_SESSION_HOURS", "12")) * 3600
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    # Behind a TLS-terminating proxy (nginx) that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("CHACRA_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("CHACRA_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # the programme's domain may host other services
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [
        o for o in os.environ.get("CHACRA_CSRF_TRUSTED_ORIGINS", "").split(",") if o
    ]
    # Health checks come from the machine itself, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# JSON lines (one object per line) in production, for journald and log shippers; text otherwise.
LOG_FORMAT = os.environ.get("CHACRA_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = logging_config(fmt=LOG_FORMAT, level=os.environ.get("CHACRA_LOG_LEVEL", "WARNING"))
if LOG_FORMAT == "json":
    logging.captureWarnings(True)  # Python warnings become log lines too, not bare text


# Background work: threads in this process (embedded mode), or Celery tasks when a broker is set
# (e.g. redis://127.0.0.1:6379/0 on PostGIS deployments; see chacra/config/celery.py).
CELERY_BROKER_URL = os.environ.get("CHACRA_CELERY_BROKER_URL", "")
CHACRA_TASKS = os.environ.get("CHACRA_TASKS", "celery" if CELERY_BROKER_URL else "thread")
# Plots per chunk of a check run: one task each under Celery.
CHACRA_CHECK_CHUNK = int(os.environ.get("CHACRA_CHECK_CHUNK", "500"))
# A check run in a thread with no progress for this long is marked interrupted (its process
# stopped); one chunk of CHACRA_CHECK_CHUNK plots takes seconds.
CHACRA_CHECK_STALE_SECONDS = int(os.environ.get("CHACRA_CHECK_STALE_SECONDS", "900"))
# The same for an import started from the web page (a 30,000-plot file takes under a minute).
CHACRA_IMPORT_STALE_SECONDS = int(os.environ.get("CHACRA_IMPORT_STALE_SECONDS", "900"))
# Days an imported file is kept in the archive (it holds personal data); 0 keeps it for ever.
# `chacra imports purge` (daily, from cron) removes older ones.
CHACRA_IMPORT_ARCHIVE_DAYS = int(os.environ.get("CHACRA_IMPORT_ARCHIVE_DAYS", "0"))
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# With `celery -A chacra.config.celery beat`: re-check plots whose geometry or layers changed.
CELERY_BEAT_SCHEDULE = {
    "check-stale-plots": {"task": "chacra.compliance.tasks.check_stale_task", "schedule": 3600.0}
}
