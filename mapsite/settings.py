"""Settings for the policy map, driven by environment variables.

With no environment at all, the site reaches the private PostGIS cluster that
`make run` provisions under var/, keeps a generated secret key in var/, and runs
with DEBUG off.
"""

import os
import re
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mapsite.zones import vocabulary

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MAPSITE_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str = "False") -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envfloat(name: str, default: str, minimum: float = 0.0) -> float:
    value = os.environ.get(name, default)
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not number >= minimum or number == float("inf"):
        raise ImproperlyConfigured(f"{name} must be a number of at least {minimum}, not {value!r}")
    return number


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key() -> str:
    """SECRET_KEY, SECRET_KEY_FILE, or a key generated once and kept in var/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(os.environ.get("SECRET_KEY_FILE", VAR_DIR / "secret_key"))
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database() -> dict:
    """DATABASE_URL if given, else the private cluster's socket under var/pg."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, engine="django.contrib.gis.db.backends.postgis")
    else:
        config = {
            "ENGINE": "django.contrib.gis.db.backends.postgis",
            "NAME": os.environ.get("MAPSITE_DB_NAME", "mapsite"),
            "USER": "postgres",
            "HOST": str(VAR_DIR / "pg" / "run"),
            "PORT": os.environ.get("MAPSITE_DB_PORT", "54329"),
        }
    config["TEST"] = {"NAME": os.environ.get("MAPSITE_TEST_DB_NAME", f"test_{config['NAME']}")}
    config["CONN_MAX_AGE"] = envint("CONN_MAX_AGE", "600")
    config["CONN_HEALTH_CHECKS"] = True
    config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    return config


SECRET_KEY = secret_key()
DEBUG = envbool("DEBUG")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "leaflet",
    "csp",
    "simple_history",
    "axes",
    "mapsite.zones",
    "mapsite.api",
    "mapsite.front",
]

# The API (/api/) passes by the middleware only pages need (mapsite/page_middleware.py):
# the language negotiation (its words follow `lang=`, and it sends no
# `Vary: Accept-Language`), the login, messages and the edit history's request.
# The pages' language: the map page picks it itself (?lang= first, then LocaleMiddleware),
# and every page says `Vary: Accept-Language` so the front's micro-cache keeps them apart.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mapsite.compression.GZipMiddleware",  # Accept-Encoding read by RFC 9110 (q-values, any case)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mapsite.page_middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "mapsite.page_middleware.AuthenticationMiddleware",
    "mapsite.page_middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mapsite.page_middleware.HistoryRequestMiddleware",
    "mapsite.security.CachedCSPMiddleware",
    "mapsite.security.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it answers a locked-out login before anything is checked.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before hashing
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "mapsite.urls"
WSGI_APPLICATION = "mapsite.wsgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {"default": database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("uk", "Українська"), ("ru", "Русский")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]  # the page's catalogue (make messages compiles it)

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("MANIFEST_STATIC", "True")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = envint("STATIC_MAX_AGE", "3600")

# HTTPS, from the environment (all off by default: `make run` serves plain HTTP locally).
# Behind a proxy that ends TLS, BEHIND_HTTPS_PROXY=true trusts its X-Forwarded-Proto.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD")
if envbool("BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES")

# Failed logins (django-axes): after LOGIN_FAILURE_LIMIT failures for one user name, or from
# one address, logins are refused for LOGIN_LOCKOUT_MINUTES (`manage.py axes_reset` lifts it).
# The address is the client's as the front saw it: TRUSTED_PROXY_COUNT proxies from the right
# of X-Forwarded-For (nginx sets it), or REMOTE_ADDR with 0 (served bare).
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envfloat("LOGIN_LOCKOUT_MINUTES", "15", minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mapsite.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "mapsite.security.client_ip"
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "1")

# Upload limits: GeoJSON imports are validated before anything is stored.
ZONE_IMPORT_MAX_BYTES = envint("ZONE_IMPORT_MAX_BYTES", str(5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = ZONE_IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = ZONE_IMPORT_MAX_BYTES + 1024 * 1024

# Seconds a worker may serve a cached verdict or export before it re-reads
# the data version from the database.
POLICY_CACHE_SECONDS = envfloat("POLICY_CACHE_SECONDS", "2")

# Where `manage.py backup` (make backup) writes, and restore keeps its safety copy.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))

# How a verdict finds the areas at a point: "index" (each worker's in-process index of the
# pieces PostGIS cut, mapsite/zones/point_index.py) or "sql" (one PostGIS query each time;
# the benchmarks' baseline).
POINT_LOOKUP = os.environ.get("POINT_LOOKUP", "index")
if POINT_LOOKUP not in ("index", "sql"):
    raise ImproperlyConfigured(f"POINT_LOOKUP must be index or sql, not {POINT_LOOKUP!r}")

TILE_URL = os.environ.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
TILE_ATTRIBUTION = os.environ.get(
    "TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def _tile_origin(url: str) -> list[str]:
    match = re.match(r"^(https?://[^/{}]+)", url)
    return [match.group(1)] if match else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],  # the page's one <style> carries the nonce
        "img-src": [SELF, "data:", *_tile_origin(TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": vocabulary.DEFAULT_CENTER,
    "DEFAULT_ZOOM": vocabulary.DEFAULT_ZOOM,
    "MIN_ZOOM": vocabulary.MIN_ZOOM,
    "MAX_ZOOM": vocabulary.MAX_ZOOM,
    "TILES": [],
    "ATTRIBUTION_PREFIX": "Leaflet",
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
}

# gis.W001: GDAL before 3.9 cannot block file and network access from a crafted
# spatial reference. The map never hands a user-supplied spatial reference to GDAL:
# uploads are parsed as WGS84 lon/lat GeoJSON by GEOS, and any `crs` is refused.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
