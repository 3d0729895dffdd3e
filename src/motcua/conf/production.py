"""Production: HTTPS behind a reverse proxy, explicit secrets, no demo shortcuts.

Passes ``manage.py check --deploy`` with no warnings (tested).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    MOTCUA_DEMO,
    MOTCUA_PAYMENT_PROVIDERS,
    MOTCUA_PAYMENT_SIMULATOR,
    MOTCUA_VNPAY_HASH_SECRET,
    MOTCUA_VNPAY_TMN_CODE,
    MOTCUA_VNPAY_URL,
)
from .env import env_bool, env_int, env_str

if not env_str("MOTCUA_SECRET_KEY", ""):
    raise ImproperlyConfigured(
        "MOTCUA_SECRET_KEY must be set in production (50+ random characters)"
    )
if MOTCUA_DEMO:
    raise ImproperlyConfigured("MOTCUA_DEMO must not be true in production")
if MOTCUA_PAYMENT_SIMULATOR:
    raise ImproperlyConfigured("MOTCUA_PAYMENT_SIMULATOR must not be true in production")
if "vnpay" in MOTCUA_PAYMENT_PROVIDERS and not (
    MOTCUA_VNPAY_HASH_SECRET and MOTCUA_VNPAY_TMN_CODE and MOTCUA_VNPAY_URL
):
    raise ImproperlyConfigured(
        "MOTCUA_PAYMENT_PROVIDERS includes vnpay: set MOTCUA_VNPAY_TMN_CODE,"
        " MOTCUA_VNPAY_HASH_SECRET and MOTCUA_VNPAY_URL"
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("MOTCUA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("MOTCUA_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
if not env_str("MOTCUA_EMAIL_HOST", ""):
    raise ImproperlyConfigured("MOTCUA_EMAIL_HOST (an SMTP server) must be set in production")
