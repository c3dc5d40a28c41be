"""Settings, all read from the environment so one file serves development, tests and production."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets Django's generic classes be written with their type, as in `ModelForm[Patient]`.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("MESOCLINIC_VAR_DIR", BASE_DIR.parents[1] / "var"))


def env_flag(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable."""
    return int(os.environ.get(name, str(default)))


# Production unless told otherwise: `make run` turns DEBUG on for the demo.
DEBUG = env_flag("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Django's own test for a key that is too short or too plain to protect signed links and sessions.
WEAK_SECRET_KEY = (
    "SECRET_KEY must be set to a random value of at least 50 characters, for example the output "
    "of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
)
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(WEAK_SECRET_KEY)
# The address people reach mesoclinic at: links in emails come from it, never from a request.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Behind a reverse proxy: the header it sets for HTTPS requests (e.g. HTTP_X_FORWARDED_PROTO),
# and the proxies' own addresses, whose X-Forwarded-For is believed for the client's address.
if proxy_header := os.environ.get("SECURE_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = (proxy_header, "https")
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", False)
# Cookies travel over HTTPS only, unless the site is served over plain HTTP (the demo, tests).
HTTPS = env_flag("HTTPS", SITE_URL.startswith("https://"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Second factors for staff: time-based codes, recovery codes and passkeys.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # Emails leave through the task worker (`mesoclinic db_worker`), which retries them.
    "django_tasks",
    "django_tasks_db",
    # The API docs page then serves Swagger UI from our static files, not a CDN (see csp.py).
    "ninja",
    "mesoclinic.accounts",
    "mesoclinic.audit",
    "mesoclinic.clinics",
    "mesoclinic.patients",
    "mesoclinic.inventory",
    "mesoclinic.scheduling",
    "mesoclinic.treatments",
    "mesoclinic.followup",
    "mesoclinic.outcomes",
    "mesoclinic.fhir",
    "mesoclinic.portal",
    "mesoclinic.outbox",
    # Last: the project's own commands (demo, protocols, aftercare) and its composed pages.
    "mesoclinic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before any session or database work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mesoclinic.safety.RefuseNulMiddleware",
    "mesoclinic.safety.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff get nowhere until their second factor is checked.
    "mesoclinic.accounts.middleware.SecondFactorMiddleware",
    "mesoclinic.accounts.middleware.ClinicTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An idle staff sign-in ends (and says so).
    "mesoclinic.accounts.middleware.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "mesoclinic.audit.middleware.AuditContextMiddleware",
    "mesoclinic.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "mesoclinic.urls"
WSGI_APPLICATION = "mesoclinic.wsgi.application"

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
                "mesoclinic.navigation.navigation",
            ],
        },
    },
]

# Each worker keeps its database connection between requests (a new PostgreSQL connection per
# request costs more than most pages), and checks it still answers before a request reuses it.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mesoclinic.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=env_flag("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Values travel apart from the statement, so a worker prepares each statement it sends
    # often (after `DATABASE_PREPARE_THRESHOLD` runs) and PostgreSQL stops parsing and planning
    # it on every request: a chart costs the server a quarter of the CPU it did. A pooler that
    # moves a session between server connections (PgBouncer before 1.21 in transaction mode)
    # cannot keep prepared statements: there set the threshold to 0, which prepares nothing.
    threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": threshold or None,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing at once with "database is locked"; under
    # the write-ahead log readers never wait for a writer, nor a writer for readers.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": env_int("SQLITE_TIMEOUT", 20),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["mesoclinic.accounts.backends.ClinicUserBackend"]
# A passkey is a second factor after the password, never a way in on its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "mesoclinic"
# The domain part of every calendar event's UID ("appointment-12@clinic.example.org"): one per
# installation, so two installations' events never share a UID in someone's calendar.
CALENDAR_UID_DOMAIN = os.environ.get(
    "CALENDAR_UID_DOMAIN", urlsplit(SITE_URL).hostname or "localhost"
)
OTP_WEBAUTHN_RP_ID = os.environ.get("OTP_WEBAUTHN_RP_ID", urlsplit(SITE_URL).hostname or "")
OTP_WEBAUTHN_ALLOWED_ORIGINS = [SITE_URL]
OTP_TOTP_ISSUER = "mesoclinic"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in attempts for one account from one address before that address is locked out of it.
LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5)
LOGIN_THROTTLE_SECONDS = env_int("LOGIN_THROTTLE_SECONDS", 900)
# Password reset emails one address (or one account) may ask for in that time.
PASSWORD_RESET_THROTTLE_ATTEMPTS = env_int("PASSWORD_RESET_THROTTLE_ATTEMPTS", 3)

CACHES = {
    "default": {
        # The database cache keeps login throttling correct across several server processes.
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "mesoclinic_cache",
    }
}

SESSION_COOKIE_HTTPONLY = True
# Clinic computers are shared: a sign-in ends with the browser, and no cookie carries an expiry
# date the browser would judge by its own clock (the server still expires sessions itself).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_AGE = None
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # `mesoclinic collectstatic` also writes compressed copies, which WhiteNoise serves.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# Where FHIR Bulk Data `$export` files wait for the clinic admin who asked for them.
FHIR_EXPORT_DIR = Path(os.environ.get("FHIR_EXPORT_DIR", VAR_DIR / "fhir-exports"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mesoclinic <clinic@localhost>")
# Text messages: the console prints them; a gateway plugs in as a class with `send(to, body)`.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "mesoclinic.outbox.sms.ConsoleSmsBackend")
# How many due reminders a worker claims (and commits) at a time.
REMINDERS_BATCH = int(os.environ.get("REMINDERS_BATCH", "200"))

TASKS = {
    "default": {
        # Tasks wait in the database until `mesoclinic db_worker` runs them.
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email", "reminders"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
