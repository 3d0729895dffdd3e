"""Public pages: the home page with the agency directory and the due-date preview."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from motcua.calendars.selectors import due_date_preview
from motcua.core.text import fold
from motcua.organisations.constants import UnitLevel
from motcua.organisations.models import Agency
from motcua.organisations.selectors import agency_directory, service_center_get_for_unit_level

from .forms import DuePreviewForm


def _preview_context(request: HttpRequest) -> dict[str, object]:
    if "received_at" in request.GET:
        form = DuePreviewForm(request.GET)
        preview = due_date_preview(**form.cleaned_data) if form.is_valid() else None
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = DuePreviewForm(initial={"received_at": now})
        preview = None
    return {"preview_form": form, "preview": preview}


def directory_matches(query: str) -> list[tuple[UnitLevel, list[Agency]]]:
    """The public agency directory by level, narrowed to ``query`` (diacritic-insensitive).

    Shared by the home page's directory and the catalogue search, which lists
    the agencies matching what was typed ("kim long") beside the procedures.
    """
    directory = agency_directory()
    if query:
        needle = fold(query)
        directory = {
            level: [a for a in agencies if needle in fold(f"{a.name} {a.name_en} {a.unit.name}")]
            for level, agencies in directory.items()
        }
    return [
        (UnitLevel(level), agencies) for level, agencies in sorted(directory.items()) if agencies
    ]


def home(request: HttpRequest) -> HttpResponse:
    # The search box submits to the catalogue (portal:catalogue); ``q`` here
    # still narrows the directory for addresses bookmarked before it did.
    query = request.GET.get("q", "").strip()
    levels = directory_matches(query)
    context = {
        "center": service_center_get_for_unit_level(level=UnitLevel.PROVINCE),
        "query": query,
        "levels": levels,
        "match_count": sum(len(agencies) for _, agencies in levels),
        **_preview_context(request),
    }
    return render(request, "portal/home.html", context)


def due_preview(request: HttpRequest) -> HttpResponse:
    """The preview result alone, for htmx to swap in without reloading the page."""
    return render(request, "portal/home.html#due-preview", _preview_context(request))
