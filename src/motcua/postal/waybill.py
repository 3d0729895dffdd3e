"""Waybill numbers of the local provider: "MC" + 9 digits + a Luhn check digit.

The check digit catches a mistyped digit or two swapped neighbours when an
officer types the number from the postal invoice.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "MC"
_WAYBILL = re.compile(r"^MC([0-9]{9})([0-9])$")


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of ``digits`` (e.g. "7992739871" → "3")."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 0:  # doubled: the rightmost digit before the check digit
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def waybill_new() -> str:
    body = f"{secrets.randbelow(10**9):09d}"
    return PREFIX + body + luhn_digit(body)


def waybill_valid(value: str) -> bool:
    match = _WAYBILL.match(value)
    return match is not None and luhn_digit(match.group(1)) == match.group(2)
