"""Template filters of the queue pages."""

from __future__ import annotations

from django import template

from motcua.tickets.stats import minutes as _minutes

register = template.Library()


@register.filter
def minutes(seconds: float | None) -> str:
    """Seconds as minutes with one decimal; "–" when there is no figure."""
    return _minutes(seconds) or "–"
