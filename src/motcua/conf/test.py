"""Test runs (pytest-django). Same settings as the embedded default, made fast."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, LOGGING, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    **STORAGES,
    # The manifest storage needs collectstatic first; tests render templates
    # without it, browser tests serve files through the finders.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS = {}  # no rate limits in tests
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
# Tests and browser tests serve static files through the finders (no collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploaded and demo files of a test run never land in the developer's var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="motcua-test-media-"))
