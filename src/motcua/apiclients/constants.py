"""Scopes of API tokens (gh-4 item 10)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Secrets look like ``mc_`` + 40 random characters; the first 8 after the
# prefix are kept in clear to recognise a token in the admin and in logs.
TOKEN_PREFIX = "mc_"  # noqa: S105  # a public prefix, not a secret
TOKEN_RANDOM_LENGTH = 40
TOKEN_LOOKUP_LENGTH = 8
# last_used_at is written at most once per this many seconds per token.
LAST_USED_RESOLUTION_SECONDS = 60


class Scope(models.TextChoices):
    DOSSIERS_READ = "dossiers:read", _("Đọc hồ sơ")
    DOSSIERS_WRITE = "dossiers:write", _("Tiếp nhận, xử lý hồ sơ")
    UPLOADS_WRITE = "uploads:write", _("Tải tệp lên")
