"""Numbers and money as people read them, in the active language (one place for every page).

Vietnamese groups thousands with "." and uses "," for decimals ("8.000 đồng",
"0,5 ngày"); English the other way round. Amounts are integer đồng
(conventions §5). Grouped by thousands whatever ``NUMBER_GROUPING`` says:
Django's Vietnamese formats leave it at 0, but money is written "200.000 đồng".
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import gettext as _

__all__ = ["money", "number_text"]


def number_text(value: Decimal | int) -> str:
    """5 → "5", 0.50 → "0,5", 8000 → "8.000" in Vietnamese ("0.5", "8,000" in English)."""
    number: Decimal | int = value
    if isinstance(value, Decimal):
        normal = value.normalize()
        number = int(normal) if normal == normal.to_integral_value() else normal
    return numberformat.format(
        number,
        str(get_format("DECIMAL_SEPARATOR")),
        grouping=3,
        thousand_sep=str(get_format("THOUSAND_SEPARATOR")),
        force_grouping=True,
    )


def money(amount: int | None) -> str:
    """8000 → "8.000 đồng"; ``None`` (a fee computed by a rule) → "Theo quy định"."""
    if amount is None:
        return _("Theo quy định")
    return _("%(amount)s đồng") % {"amount": number_text(amount)}
