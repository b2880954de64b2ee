"""Django settings for Omløb, read from the environment (see docs/administration.md).

The embedded defaults (no variables set) give a working single-machine installation: SQLite and
Parquet data under ``var/``, plain HTTP on 127.0.0.1. Production sets ``DATABASE_URL``,
``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``OMLOB_HTTPS=true``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from omlob.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent.parent  # the checkout, when run from source
VAR_DIR = Path(env_str("OMLOB_VAR_DIR", str(Path.cwd() / "var"))).resolve()
DATA_DIR = Path(env_str("OMLOB_DATA_DIR", str(VAR_DIR / "data"))).resolve()
# The base text model is trained once per corpus version and cached here (safe to delete).
MODEL_CACHE_DIR = Path(env_str("OMLOB_MODEL_CACHE", str(DATA_DIR / "models" / "base"))).resolve()
SHARED_DATA_DIR = Path(env_str("OMLOB_SHARED_DATA", str(SOURCE_ROOT.parent / "shared" / "data")))


def _secret_key() -> str:
    """SECRET_KEY from the environment, or one kept under var/ for the embedded installation."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
HTTPS = env_bool("OMLOB_HTTPS", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "omlob.audit",
    "omlob.organisations",
    "omlob.spend",
    "omlob.classification",
    "omlob.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "omlob.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "omlob.organisations.tenancy.TenantMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "omlob.urls"
WSGI_APPLICATION = "omlob.wsgi.application"
ASGI_APPLICATION = "omlob.asgi.application"

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
                "omlob.web.context.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'omlob.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web server reads; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login rate limiting: after 5 failed attempts for one user name from one address, that
# combination is locked for an hour (django-axes).
AXES_FAILURE_LIMIT = env_int("OMLOB_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("OMLOB_PROXY_COUNT", 0) or None

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["omlob.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Copenhagen")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from here after collectstatic
ASSETS_DIR = Path(env_str("OMLOB_ASSETS_DIR", str(SOURCE_ROOT / "node_modules" / "dkfds" / "dist")))
STATICFILES_DIRS = [("dkfds", ASSETS_DIR)] if ASSETS_DIR.is_dir() else []
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "uploads")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The embedded installation serves assets straight from the finders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {"BACKEND": env_str("OMLOB_TASK_BACKEND", "django_tasks_db.backend.DatabaseBackend")}
}

# Security. OMLOB_HTTPS=true behind TLS turns on secure cookies, HSTS and the HTTPS redirect.
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("OMLOB_SESSION_SECONDS", 8 * 3600)
SECURE_SSL_REDIRECT = HTTPS and env_bool("OMLOB_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("OMLOB_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("OMLOB_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = (
    [] if HTTPS else ["security.W004", "security.W008", "security.W012", "security.W016"]
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Omløb <omlob@localhost>")
OMLOB_BASE_URL = env_str("OMLOB_BASE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- purchase data import --------------------------------------------------------------------
#: Largest file a user may upload or import (bytes); e-invoice zips of a year fit in 1 GB.
OMLOB_MAX_UPLOAD_BYTES = env_int("OMLOB_MAX_UPLOAD_BYTES", 1024**3)
#: A zip of e-invoices may unpack to at most this many bytes, at most this ratio per member.
OMLOB_ZIP_MAX_BYTES = env_int("OMLOB_ZIP_MAX_BYTES", 4 * 1024**3)
OMLOB_ZIP_MAX_RATIO = env_int("OMLOB_ZIP_MAX_RATIO", 200)
#: Memory and threads DuckDB may use for one import (it spills to disk beyond the limit).
OMLOB_IMPORT_MEMORY = env_str("OMLOB_IMPORT_MEMORY", "700MB")
OMLOB_IMPORT_THREADS = env_int("OMLOB_IMPORT_THREADS", 2)
# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024**2
DATA_UPLOAD_MAX_NUMBER_FILES = 500
