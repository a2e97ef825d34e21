"""MIMAC settings, read from environment variables.

Defaults suit a developer's machine; production sets the variables listed in the README.
A bad value stops start-up with an ImproperlyConfigured error that names the variable.
"""

import datetime
import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(sorted(choices))}; got {value!r}.")
    return value


def env_time_zone(name: str, default: str) -> str:
    value = os.environ.get(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as America/Detroit; got {value!r}."
        ) from None
    return value


def env_database(name: str, default: str) -> dict:
    raw = os.environ.get(name, default)
    try:
        config = dj_database_url.parse(raw, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a database URL we understand ({error}).") from None
    if config["ENGINE"] not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(f"{name} must point at PostgreSQL (postgres://…) or SQLite (sqlite:///…).")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite cannot lock a row: each transaction takes the write lock when it begins, so ledger
        # appends (and every other write) take turns instead of failing halfway.
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE"}
    else:
        # PostgreSQL's default random_page_cost (4) prices an index lookup for spinning disks, so on SSDs it
        # scans whole tables where a few lookups are cheaper (the hub desk's intake checks: 27 ms to 14 ms).
        # An ?options=… in the URL takes its place.
        config.setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
    return config


DEBUG = env_bool("DEBUG", False)
# Local use only: `check --deploy` rejects this key, and the README says to set SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-local-development-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "mimac",
    "ledger",
    "pickups",
    "recipients",
    "deliveries",
    "hubdesk",
    "money",
    "audit",
    "dashboard",
    "mimac.admin_site.CoalitionAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "mimac.middleware.AsciiDigitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "mimac.middleware.SharedLaptopMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mimac.middleware.PasswordChangeDueMiddleware",
    "mimac.middleware.TwoFactorMiddleware",
    "mimac.middleware.ChapterTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): after repeated failures an account is locked for a while, keyed
# on the account *and* the address together, so one volunteer's typos on the hub's shared laptop do
# not lock out everyone else there. Unknown accounts are locked the same way, so the answer never
# tells whether an account exists.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("SIGN_IN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the client's, also behind the proxy (axes uses django-ipware only if installed; it is not).
AXES_CLIENT_IP_CALLABLE = "mimac.proxy.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mimac.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins go to MIMAC's own trail, without addresses
AXES_VERBOSE = False  # its log lines would carry usernames and addresses

OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "MIMAC")

ROOT_URLCONF = "mimac.urls"
WSGI_APPLICATION = "mimac.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mimac.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:after_sign_in"
LOGOUT_REDIRECT_URL = "login"
# How long a set-password link handed to a new member stays valid.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# The hub laptop is shared: a session ends on the server after a short time without a request (every
# request starts the clock again), and an open page then replaces itself with a signed-out page. A page that
# reloads itself on a timer does not start the clock again (mimac.sessions).
SESSION_ENGINE = "mimac.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 15, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("bn", _("Bengali")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_time_zone("TIME_ZONE", "America/Detroit")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Photos are never served from a public URL: only through a view that checks who is asking.
    # Readable by the app's own group only, whatever the umask (Django would make files 0644 by default).
    "photos": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("PHOTO_ROOT", str(BASE_DIR / "photos")),
            "base_url": "/no-public-url/",
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    },
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# The photo policy (mimac/photos.py). Uploads stay in memory: nothing of a refused photo is written.
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_MB", 15, minimum=1) * 1_000_000
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_MEGAPIXELS", 40, minimum=1) * 1_000_000
PHOTO_FACE_THRESHOLD = 80  # detector confidence 0-100; measured in bench/faces.py
FILE_UPLOAD_HANDLERS = ["mimac.photos.MemoryOnlyUploadHandler"]

# A household import's confirm sends a "skip" box for each row that looks like a household already
# there: all 2,000 of a file imported twice (recipients.services.MAX_IMPORT_ROWS), besides a few fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_100
# Personal data of households paused or ended this long ago is erased by purge_households.
HOUSEHOLD_RETENTION_MONTHS = env_int("HOUSEHOLD_RETENTION_MONTHS", 12, minimum=1)
# Backups (manage.py backup): encrypted to this age public key, whose private key is kept offline.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "backups")))
BACKUP_PUBLIC_KEY = env_str("BACKUP_PUBLIC_KEY", "")
BACKUP_RETENTION_DAYS = env_int("BACKUP_RETENTION_DAYS", 30, minimum=1)
# The security trail and sign-in failure records: purged with the households, by purge_households.
TRAIL_RETENTION_MONTHS = env_int("TRAIL_RETENTION_MONTHS", 12, minimum=1)
# Set when the periodic jobs run from deploy/'s systemd timers: `manage.py doctor` then checks each timer is
# installed and enabled in SYSTEMD_UNIT_DIR (mimac/checks.py).
SYSTEMD_TIMERS = env_bool("SYSTEMD_TIMERS", False)
SYSTEMD_UNIT_DIR = Path(env_str("SYSTEMD_UNIT_DIR", "/etc/systemd/system"))
# A donor who asked to be named is named this long after the donation; purge_households then erases the name.
DONOR_NAME_RETENTION_MONTHS = env_int("DONOR_NAME_RETENTION_MONTHS", 12, minimum=1)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Nothing is ever loaded from another host, and no page needs inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.NONCE],  # one inline style: the printed page numbers' words (partials/head.html)
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# HTTPS=1 in production: the app is then only reachable over TLS and says so to browsers.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Only behind a proxy that sets X-Forwarded-Proto itself and drops any value a client sent, and appends the
# address it was reached from to X-Forwarded-For (the README's nginx lines).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
# How many proxies in a row append to X-Forwarded-For (2 for a CDN in front of nginx); see mimac/proxy.py.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 1, minimum=1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# MIMAC sends no email: with no mailer, any attempt fails, which is what the warning says.
# Errors go to the server log with the path and traceback only: request bodies carry household data. A refusal
# (403, 404, a CSRF failure, a bad request) is one line: a probe's thousand 403s are not a thousand tracebacks.
MAILERS = {}
SILENCED_SYSTEM_CHECKS = ["mail.W001"]
ADMINS = []
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "filters": {"refusals_on_one_line": {"()": "mimac.logs.RefusalsOnOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["refusals_on_one_line"]}
    },
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "mimac": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
