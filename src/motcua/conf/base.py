"""Every motcua setting, with a safe default for the embedded deployment.

Values come from ``MOTCUA_*`` environment variables through the typed readers
in :mod:`motcua.conf.env`; ``dev``, ``test`` and ``production`` only override.
The embedded default (SQLite in WAL mode, local files, in-process cache,
tasks run in-process) needs no configuration at all.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

import dj_database_url
import django_stubs_ext
import structlog

from motcua.accounts.oidc import form_action_origins, oidc_apps, socialaccount_providers

from .env import env_bool, env_choice, env_int, env_json, env_list, env_path, env_str, env_url

# Generic admin/queryset classes (ModelAdmin[Agency]…) must be subscriptable at run time.
django_stubs_ext.monkeypatch()

SRC_DIR = Path(__file__).resolve().parent.parent  # src/motcua
BASE_DIR = SRC_DIR.parent.parent  # the repository (or install) root
VAR_DIR = env_path("MOTCUA_VAR_DIR", BASE_DIR / "var")

DEBUG = env_bool("MOTCUA_DEBUG", False)
# Demo mode: the demo staff accounts may sign in without a second factor and
# every page says so in a banner. Never enable it in production.
MOTCUA_DEMO = env_bool("MOTCUA_DEMO", False)


def _secret_key() -> str:
    """MOTCUA_SECRET_KEY, or a random key kept in VAR_DIR for the embedded mode.

    A fixed default key would let anyone forge sessions on every embedded
    install; a per-install random file is as easy and safe.
    """
    configured = env_str("MOTCUA_SECRET_KEY", "")
    if configured:
        if len(configured) < 50:
            raise ImproperlyConfigured("MOTCUA_SECRET_KEY must be at least 50 characters long")
        return configured
    key_file = VAR_DIR / "secret-key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("MOTCUA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "motcua.core",
    "motcua.accounts",
    "motcua.organisations",
    "motcua.calendars",
    "motcua.procedures",
    "motcua.portal",
    "motcua.dossiers",
    "motcua.payments",
    "motcua.postal",
    "motcua.notifications",
    "motcua.apiclients",
    "motcua.ratings",
    "motcua.datastore",
    "motcua.signing",
    "motcua.workspace",
    "motcua.supervision",
    "motcua.tickets",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "motcua.api.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "motcua.accounts.middleware.StaffSecondFactorMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.portal.context_processors.site",
            ],
        },
    }
]

# --- Database ----------------------------------------------------------------
DATABASE_URL = env_url(
    "MOTCUA_DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}",
    schemes={"sqlite", "postgres", "postgresql", "pgsql"},
)
assert DATABASE_URL is not None
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE takes the
    # write lock at BEGIN so two writers queue instead of failing with
    # "database is locked" halfway through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("MOTCUA_DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker, background work ------------------------------------------
REDIS_URL = env_url("MOTCUA_REDIS_URL", None, schemes={"redis", "rediss", "unix"})
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "motcua.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "motcua",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery runs the background tasks in production; without a broker the same
# task code runs in-process (embedded mode), so nothing needs Redis to work.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_TASK_ACKS_LATE = True
# The worker logs through LOGGING below (JSON in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Auth --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
# Citizens sign in with their e-mail or mobile number (staff with their user name)
# and register with either or both; whichever they give is verified before they
# are signed in: the e-mail by link, the phone by an SMS code (gh-5 item 1).
# allauth's "mandatory" would require an e-mail from everyone, so the
# verification is "optional" here and motcua's adapter makes it mandatory for
# every account that has an e-mail (accounts.adapter.ContactEmailVerificationStage).
ACCOUNT_LOGIN_METHODS = {"username", "email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email", "phone", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "motcua.accounts.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_ADAPTER = "motcua.accounts.adapter.AccountAdapter"
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
# Neither e-mail nor phone is required alone (one of them is, see the sign-up form).
SILENCED_SYSTEM_CHECKS = ["account.W001"]
# The SMS hook for verification codes: a dotted path to a callable (phone, text).
# Unset: codes are logged in demo mode (MOTCUA_DEMO) and not sent otherwise.
MOTCUA_ACCOUNT_SMS_HOOK = env_str("MOTCUA_ACCOUNT_SMS_HOOK", "")
# External OpenID Connect identity providers (VNeID-style single sign-on) from
# MOTCUA_OIDC_PROVIDERS, a JSON list; see motcua.accounts.oidc for the format.
SOCIALACCOUNT_ADAPTER = "motcua.accounts.adapter.SocialAccountAdapter"
_oidc_apps = oidc_apps(env_json("MOTCUA_OIDC_PROVIDERS"))
SOCIALACCOUNT_PROVIDERS = socialaccount_providers(_oidc_apps)
# The provider has verified the person; their e-mail, if any, is confirmed as
# the provider says (email_verified), never by a second round trip.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MOTCUA_MFA_ISSUER", "motcua")

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
# motcua's own catalogue first; then Vietnamese for third-party apps that ship
# none (allauth). They are kept apart because makemessages refreshes the first
# one and would drop foreign msgids.
LOCALE_PATHS = [SRC_DIR / "locale", SRC_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env_path("MOTCUA_STATIC_ROOT", VAR_DIR / "static")
# Front-end packages from npm are copied here by `npm run build` (never committed).
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_path("MOTCUA_MEDIA_ROOT", VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail ----------------------------------------------------------------------------------
# Django 6.1 mailers. MOTCUA_EMAIL_HOST switches from printing e-mail on the
# console (embedded default) to SMTP.
_email_host = env_str("MOTCUA_EMAIL_HOST", "")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("MOTCUA_EMAIL_PORT", 587, minimum=1),
                "username": env_str("MOTCUA_EMAIL_USER", ""),
                "password": env_str("MOTCUA_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("MOTCUA_EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("MOTCUA_DEFAULT_FROM_EMAIL", "motcua <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Notifications to citizens (gh-5 item 10) ----------------------------------------------
# Links in e-mail and SMS point here (the public lookup page with code + key).
MOTCUA_PUBLIC_BASE_URL = env_str("MOTCUA_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The MAILERS alias notifications are sent through.
MOTCUA_NOTIFICATION_MAILER = env_str("MOTCUA_NOTIFICATION_MAILER", "default")
# SMS provider plugin: "" (no SMS), "console", "log" (built in, for the demo) or "http".
MOTCUA_SMS_PROVIDER = env_str("MOTCUA_SMS_PROVIDER", "")
MOTCUA_SMS_HTTP_URL = env_str("MOTCUA_SMS_HTTP_URL", "")
MOTCUA_SMS_HTTP_TOKEN = env_str("MOTCUA_SMS_HTTP_TOKEN", "")
MOTCUA_SMS_HTTP_TIMEOUT = env_int("MOTCUA_SMS_HTTP_TIMEOUT", 10, minimum=1)
MOTCUA_SMS_SENDER = env_str("MOTCUA_SMS_SENDER", "MOTCUA")
# Delivery attempts before a notification is given up (then shown in the admin).
MOTCUA_NOTIFICATION_MAX_ATTEMPTS = env_int("MOTCUA_NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1)
# First retry after this many seconds, doubling each time (capped at six hours).
MOTCUA_NOTIFICATION_RETRY_SECONDS = env_int("MOTCUA_NOTIFICATION_RETRY_SECONDS", 60, minimum=1)
# Celery beat: re-send due notifications (a worker crash or SMTP outage leaves them pending).
CELERY_BEAT_SCHEDULE = {
    "notifications-send-due": {
        "task": "motcua.notifications.tasks.send_due_notifications",
        "schedule": 60.0,
    },
    # Safety drain of the coalesced statistics refreshes (supervision.coalesce): ids whose
    # drain task was lost (broker restart, killed worker) wait at most a minute.
    "supervision-drain-stats": {
        "task": "motcua.supervision.tasks.drain_stats_refreshes",
        "schedule": 60.0,
    },
}

# --- Security ----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("MOTCUA_SESSION_AGE_SECONDS", 8 * 3600, minimum=300)
# No inline scripts or styles anywhere: every script is a static file.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # The identity providers' sign-in pages are reached by a form's redirect.
    "form-action": [CSP.SELF, *form_action_origins(_oidc_apps)],
}

# --- Queue tickets (gh-7) ------------------------------------------------------
# The estimated wait before a service has any history of its own (minutes per citizen).
MOTCUA_QUEUE_DEFAULT_SERVICE_MINUTES = env_int("MOTCUA_QUEUE_DEFAULT_SERVICE_MINUTES", 8, minimum=1)
# Tickets one client address may take per half hour (phones); kiosks' addresses are exempt.
MOTCUA_QUEUE_TAKE_PER_ADDRESS = env_int("MOTCUA_QUEUE_TAKE_PER_ADDRESS", 20, minimum=1)
MOTCUA_QUEUE_KIOSK_ADDRESSES = env_list("MOTCUA_QUEUE_KIOSK_ADDRESSES", [])

# --- API ---------------------------------------------------------------------
# How many reverse proxies sit in front of the app servers: the throttles (the public
# lookup's per-address limit) take the client address from X-Forwarded-For only that
# far back, so a client cannot dodge the limit by sending its own header. 0: no proxy.
MOTCUA_TRUSTED_PROXIES = env_int("MOTCUA_TRUSTED_PROXIES", 0, minimum=0)
REST_FRAMEWORK = {
    "NUM_PROXIES": MOTCUA_TRUSTED_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "motcua.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "120/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": "API of motcua, the one-stop public administrative service system.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Domain settings ---------------------------------------------------------
# Agency identifier codes (QCVN 102:2016 style, e.g. 000.00.06.H57). Newer
# e-ID formats exist, so the accepted pattern is configuration, not code.
MOTCUA_AGENCY_CODE_PATTERN = env_str(
    "MOTCUA_AGENCY_CODE_PATTERN", r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.H[0-9]{2}$"
)

# Largest file a citizen or officer may upload, per file (per-procedure limits may be lower).
MOTCUA_UPLOAD_MAX_BYTES = env_int("MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# Office documents (DOCX, XLSX, ODT) are zip archives: refuse one whose content
# would unpack to more than this (zip bombs; the ratio limit is in uploads.py).
MOTCUA_UPLOAD_MAX_UNPACKED_BYTES = env_int(
    "MOTCUA_UPLOAD_MAX_UNPACKED_BYTES", 200 * 1024 * 1024, minimum=1024 * 1024
)
# Digital signatures of results (motcua.signing): the provider key ("local" signs
# with the agency's PKCS#12 certificate configured in the admin) and the PEM CA
# files whose certificates are trusted when a signed result is verified.
MOTCUA_SIGNATURE_PROVIDER = env_str("MOTCUA_SIGNATURE_PROVIDER", "local")
MOTCUA_SIGNATURE_TRUST_ROOTS = env_list("MOTCUA_SIGNATURE_TRUST_ROOTS", [])
# Virus scanning of every upload by ClamAV's clamd (INSTREAM), e.g.
# tcp://127.0.0.1:3310 or unix:///run/clamav/clamd.ctl. Unset: no scan (a
# warning is logged once per process). Set but unreachable: uploads are refused
# (fail closed). The timeout covers connecting and each read or write.
MOTCUA_CLAMD_URL = env_url("MOTCUA_CLAMD_URL", None, schemes={"tcp", "unix"})
MOTCUA_CLAMD_TIMEOUT = env_int("MOTCUA_CLAMD_TIMEOUT", 30, minimum=1)
# D6: when a complete supplement arrives, restart the legal time from zero
# (NĐ 61 Art 19(4), the default) or extend the old due date by the paused time.
MOTCUA_SUPPLEMENT_RULE = env_choice(
    "MOTCUA_SUPPLEMENT_RULE", "restart", choices={"restart", "extend"}
)
# D6 / Mẫu 02: the competent unit asks for a supplement within this many working
# days of receiving the dossier (NĐ 61 Art 19(4): "trong thời hạn 03 ngày làm việc").
MOTCUA_SUPPLEMENT_REQUEST_WORKING_DAYS = env_int(
    "MOTCUA_SUPPLEMENT_REQUEST_WORKING_DAYS", 3, minimum=1
)
# D7: an apology with a new appointment must come at least this many working
# hours before the due instant ("chậm nhất 01 ngày trước ngày hết hạn", NĐ 61
# Art 19(9)); 8 working hours = one working day.
MOTCUA_APOLOGY_MIN_NOTICE_HOURS = env_int("MOTCUA_APOLOGY_MIN_NOTICE_HOURS", 8, minimum=0)

# --- Payments (domain.md §4.3, §11.5; motcua.payments) ------------------------
# The built-in VNPay gateway simulator (/payments/simulator/vnpay/): demo and tests only;
# production refuses it. With it on and MOTCUA_VNPAY_URL unset, VNPay payments go to it.
MOTCUA_PAYMENT_SIMULATOR = env_bool("MOTCUA_PAYMENT_SIMULATOR", MOTCUA_DEMO)
# VNPay merchant (website) code and hash secret (HMAC-SHA512), from the VNPay contract.
MOTCUA_VNPAY_TMN_CODE = env_str(
    "MOTCUA_VNPAY_TMN_CODE", "MOTCUA01" if MOTCUA_PAYMENT_SIMULATOR else ""
)
MOTCUA_VNPAY_HASH_SECRET = env_str(
    "MOTCUA_VNPAY_HASH_SECRET",
    "simulator-secret-not-for-production" if MOTCUA_PAYMENT_SIMULATOR else "",
)
# The gateway's payment page, e.g. https://sandbox.vnpayment.vn/paymentv2/vpcpay.html.
MOTCUA_VNPAY_URL = env_url("MOTCUA_VNPAY_URL", None, schemes={"https", "http"}) or ""
if MOTCUA_VNPAY_URL:
    # Browsers apply CSP form-action to the redirect that follows the "pay" form.
    _gateway = urlsplit(MOTCUA_VNPAY_URL)
    _form_action = SECURE_CSP["form-action"]
    assert isinstance(_form_action, list)
    _form_action.append(f"{_gateway.scheme}://{_gateway.netloc}")
# VietQR bank transfer: the beneficiary bank's Napas BIN (6 digits), account and name.
MOTCUA_VIETQR_BANK_BIN = env_str("MOTCUA_VIETQR_BANK_BIN", "970405" if MOTCUA_DEMO else "")
if MOTCUA_VIETQR_BANK_BIN and not (
    len(MOTCUA_VIETQR_BANK_BIN) == 6 and MOTCUA_VIETQR_BANK_BIN.isdigit()
):
    raise ImproperlyConfigured(
        f"MOTCUA_VIETQR_BANK_BIN must be six digits, not {MOTCUA_VIETQR_BANK_BIN!r}"
    )
MOTCUA_VIETQR_ACCOUNT = env_str("MOTCUA_VIETQR_ACCOUNT", "0123456789" if MOTCUA_DEMO else "")
MOTCUA_VIETQR_ACCOUNT_NAME = env_str(
    "MOTCUA_VIETQR_ACCOUNT_NAME",
    "TRUNG TAM PHUC VU HANH CHINH CONG (DEMO)" if MOTCUA_DEMO else "",
)
# Ways to pay offered to citizens, in this order (counter, vietqr, vnpay). The
# default offers the counter, VietQR when an account is set, VNPay with the simulator.
MOTCUA_PAYMENT_PROVIDERS = env_list(
    "MOTCUA_PAYMENT_PROVIDERS",
    ["counter"]
    + (["vietqr"] if MOTCUA_VIETQR_BANK_BIN and MOTCUA_VIETQR_ACCOUNT else [])
    + (["vnpay"] if MOTCUA_PAYMENT_SIMULATOR else []),
)

# --- Results by public post (gh-6 item 9; domain.md §11.7) --------------------
# Postal provider plugin: "local" (waybills numbered here) or "vnpost" (operator API).
MOTCUA_POSTAL_PROVIDER = env_str("MOTCUA_POSTAL_PROVIDER", "local")
MOTCUA_VNPOST_URL = env_url("MOTCUA_VNPOST_URL", None, schemes={"https", "http"}) or ""
MOTCUA_VNPOST_TOKEN = env_str("MOTCUA_VNPOST_TOKEN", "")
MOTCUA_VNPOST_CUSTOMER_CODE = env_str("MOTCUA_VNPOST_CUSTOMER_CODE", "")
MOTCUA_VNPOST_TIMEOUT = env_int("MOTCUA_VNPOST_TIMEOUT", 15, minimum=1)

# --- Logging -----------------------------------------------------------------
LOG_LEVEL = env_choice(
    "MOTCUA_LOG_LEVEL", "INFO", choices={"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
)
LOG_FORMAT = env_choice("MOTCUA_LOG_FORMAT", "console", choices={"console", "json"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": (
                structlog.processors.JSONRenderer()
                if LOG_FORMAT == "json"
                else structlog.dev.ConsoleRenderer(colors=False)
            ),
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        structlog.processors.TimeStamper(fmt="iso"),
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
# One line per request: "request_finished" carries the request, status, user, address
# and request id; "request_started" (logged at DEBUG) would double the log volume and
# cost every request the rendering of a second line (gh-4 item 13).
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
# The log's "ip" is the address the throttles trust (core.http.bind_client_address).
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
