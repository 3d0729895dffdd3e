from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict[str, Any]:
    return {"MOTCUA_DEMO": settings.MOTCUA_DEMO, "language_links": language_links(request)}


_LABELS = {"vi": "Tiếng Việt", "en": "English"}  # each language named in itself


def language_links(request: HttpRequest) -> list[dict[str, str]]:
    """Plain links to this page in the other languages.

    The URL decides the language (``/`` Vietnamese, ``/en/`` English), so a
    link is enough: no POST form, hence no CSRF cookie on anonymous pages that
    a proxy should cache (gh-3 item 9), and it works without JavaScript.
    """
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    if current != settings.LANGUAGE_CODE and path.startswith(f"/{current}/"):
        path = path[len(current) + 1 :]
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        url = path if code == settings.LANGUAGE_CODE else f"/{code}{path}"
        links.append({"code": code, "label": _LABELS.get(code, code), "url": url})
    return links
