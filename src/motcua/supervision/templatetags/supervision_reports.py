"""Number display for the supervision report pages (gh-8): Vietnamese separators."""

from __future__ import annotations

from decimal import Decimal

from django import template

from motcua.supervision.exports import Format, display

register = template.Library()


@register.filter
def pct(value: Decimal | float | None) -> str:
    """A ratio 0..1 as ``75,0 %``; empty for ``None``."""
    return display(value, Format.PERCENT)


@register.filter
def num(value: Decimal | int | float | None) -> str:
    """``1.234`` or ``1.234,5``; empty for ``None``."""
    if value is None:
        return ""
    return display(value, Format.INTEGER if isinstance(value, int) else Format.DECIMAL)
