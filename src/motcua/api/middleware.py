"""Language of API responses."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ApiLanguageMiddleware:
    """API responses speak the client's Accept-Language (Vietnamese by default).

    Pages are served with ``i18n_patterns(prefix_default_language=False)``, so
    Django's LocaleMiddleware forces Vietnamese on every path without a
    language prefix — including ``/api/``. API clients have no prefix to add;
    they say what they want in ``Accept-Language`` (conventions §8: errors
    carry a Vietnamese message with an English translation).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language",))
        return response
