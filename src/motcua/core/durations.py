"""A legal processing time as text, in the active language (one place for the catalogue and forms).

The catalogue and the official forms both print "how long the procedure
takes". In Vietnamese the official forms spell the number out in words after
the digits, as administrative documents write amounts ("05 (năm) ngày làm
việc"); the citizen pages use digits only ("5 ngày làm việc"). Number words
are Vietnamese grammar, so any other language gets digits and its own plural
forms through ``ngettext`` ("1 working day", "5 working days").

Pure: no ORM import, only the active translation.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from motcua.calendars.constants import DurationUnit
from motcua.core.numbers import number_text

__all__ = ["duration_text", "number_words"]

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def number_words(n: int) -> str:
    """Vietnamese words for 0 ≤ n ≤ 999 (enough for legal durations): 15 → "mười lăm".

    Outside that range the digits are returned unchanged.
    """
    if not 0 <= n <= 999:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds:
        words += [_DIGITS[hundreds], "trăm"]
        if rest and tens == 0:
            words.append("linh")
    if tens == 1:
        words.append("mười")
    elif tens > 1:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 5 and tens:
            words.append("lăm")  # mười lăm, hai mươi lăm; but "một trăm linh năm"
        elif units == 1 and tens > 1:
            words.append("mốt")
        elif units == 4 and tens > 1:
            words.append("tư")
        else:
            words.append(_DIGITS[units])
    return " ".join(words)


def _digits(value: Decimal) -> str:
    return number_text(value)


def _speaks_vietnamese() -> bool:
    return (get_language() or "vi").split("-")[0] == "vi"


def duration_text(
    amount: Decimal | int | None, unit: DurationUnit | str, *, in_words: bool = False
) -> str:
    """``amount`` of ``unit`` as text in the active language.

    - same day → "Trong ngày"; no appointment (or no amount) → "Không hẹn ngày
      trả kết quả";
    - otherwise digits and the unit with the right plural: "5 ngày làm việc",
      "1 working day", "0.5 working days";
    - ``in_words`` (the official forms, TT 01/2018 Annex): in Vietnamese a whole
      number is written "05 (năm) ngày làm việc" (two digits, then the words);
      other languages, and fractions, keep plain digits.
    """
    unit = DurationUnit(unit)
    if unit == DurationUnit.SAME_DAY:
        return _("Trong ngày")
    if unit == DurationUnit.NO_APPOINTMENT or amount is None:
        return _("Không hẹn ngày trả kết quả")
    value = Decimal(amount)
    whole = value == value.to_integral_value()
    # English needs the plural for anything but exactly one ("0.5 working days").
    count = int(value) if whole else 2
    n = _digits(value)
    if in_words and whole and _speaks_vietnamese() and 0 <= count <= 999:
        n = f"{count:02d} ({number_words(count)})"
    if unit == DurationUnit.WORKING_HOURS:
        return ngettext("%(n)s giờ làm việc", "%(n)s giờ làm việc", count) % {"n": n}
    if unit == DurationUnit.CALENDAR_DAYS:
        return ngettext("%(n)s ngày", "%(n)s ngày", count) % {"n": n}
    return ngettext("%(n)s ngày làm việc", "%(n)s ngày làm việc", count) % {"n": n}
