"""API error format: every 400 names the offending field with a translated message."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with validation errors wrapped as ``{"errors": {field: [msg]}}``.

    Messages are rendered in the request's language (Vietnamese by default,
    English with ``Accept-Language: en``), so clients can show them as-is.
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == 400 and isinstance(response.data, dict):
        response.data = {"errors": response.data}
    return response
