"""Small display filters shared by the citizen pages."""

from __future__ import annotations

from django import template

from motcua.dossiers.forms_official import money

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """Integer đồng with Vietnamese thousands separators: 100000 → "100.000 đồng"."""
    return money(amount)
