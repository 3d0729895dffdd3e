"""Vietnamese text helpers shared by search features."""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    """Vietnamese input normalised to NFC (conventions §5): one code point per letter."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, diacritic-free form for diacritic-insensitive search.

    "Phường Thuận Hóa" and "phuong thuan hoa" fold to the same string; "đ" is
    a letter of its own in Unicode, not "d" plus a mark, so it is mapped by hand.
    """
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("đ", "d").split())
