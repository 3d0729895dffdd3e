"""``{% load numbers %}``: ``{{ fee.amount|dong }}`` → "8.000 đồng" in the active language."""

from __future__ import annotations

from django import template

from motcua.core.numbers import money

register = template.Library()


@register.filter
def dong(amount: int | None) -> str:
    return money(amount)
