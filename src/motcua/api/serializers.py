from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from rest_framework import serializers


class ValidationErrorSerializer(serializers.Serializer[Any]):
    """Body of every 400: ``{"errors": {"<parameter>": ["<message>", …]}}``."""

    errors = serializers.DictField(  # type: ignore[assignment]  # a field named like the API
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Thông báo lỗi theo từng tham số, bằng ngôn ngữ của yêu cầu."),
    )
