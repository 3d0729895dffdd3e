"""Pure working-time arithmetic: due dates, elapsed working time, on-time classes.

This module never touches the database (conventions.md §6). Selectors build a
:class:`WorkCalendar` value (office hours, non-working days, extra working days) and
the functions here only compute with it.

All functions take and return timezone-aware datetimes; a naive datetime raises
``ValueError``. Results are expressed in ``cal.tz``. Internally an instant is split
into a local date ordinal and microseconds since local midnight, so the arithmetic
is done in the calendar's wall-clock time (Asia/Ho_Chi_Minh has no daylight saving
time, so wall-clock and elapsed time agree).

Rules implemented (domain.md §6.1):

- D1: durations in working days, working hours, calendar days, "same day" or none;
  1 working day = ``cal.hours_per_working_day`` (8) working hours.
- D2: default office hours 07:00–11:30 and 13:30–17:00, Monday to Friday. Reception
  before opening, during lunch or after closing counts from the next period start.
- D3: Saturdays, Sundays and the holiday table are non-working (BLLĐ 2019 Art 111–112);
  swapped Saturdays are extra working days. A calendar-day deadline that lands on a
  non-working day moves to the next working day.
- D4: 15:00 cut-off for same-day procedures (NĐ 61 Art 18(2)–(3); Luật Hộ tịch Art 5(3)).
- D8: early / on time / late (TT 01/2018 index C1).

Long durations do not walk day by day: on reaching a Monday the arithmetic skips whole
weeks, a run of ordinary weeks (no holiday or extra working day) in one step, found by
bisecting the sorted override dates, and a week holding overrides by its precomputed
total. Only the last, partial week is walked day by day, so a 250-working-day deadline
costs a small multiple of a 1-day one (see ``bench/calendar.py``).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from zoneinfo import ZoneInfo

from motcua.calendars.constants import DurationUnit, Timeliness

__all__ = [
    "DEFAULT_DAY",
    "VN_TZ",
    "Period",
    "WorkCalendar",
    "add_working_time",
    "classify",
    "due_at",
    "is_office_instant",
    "is_working_day",
    "next_working_instant",
    "starts_at",
    "working_periods",
    "working_time_between",
]

Period = tuple[time, time]

# D2: default office hours, morning and afternoon, with the lunch break between.
DEFAULT_DAY: tuple[Period, ...] = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_US_PER_HOUR = 3_600_000_000
_US_PER_DAY = 24 * _US_PER_HOUR
_ONE_US = timedelta(microseconds=1)
_MAX_ORDINAL = date.max.toordinal()

# A period as microseconds since local midnight: (start, end).
_UsPeriod = tuple[int, int]


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _check_periods(periods: Iterable[Period], what: str) -> tuple[_UsPeriod, ...]:
    """Validate office periods and convert them to microseconds since midnight."""
    result: list[_UsPeriod] = []
    for period in periods:
        if not isinstance(period, tuple) or len(period) != 2:
            raise ValueError(f"{what}: each period must be a (start, end) pair, not {period!r}")
        start, end = period
        if not isinstance(start, time) or not isinstance(end, time):
            raise ValueError(f"{what}: period bounds must be datetime.time, not {period!r}")
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError(f"{what}: period bounds must be naive local times, not {period!r}")
        s, e = _time_us(start), _time_us(end)
        if s >= e:
            raise ValueError(f"{what}: period {start}–{end} must start before it ends")
        if result and s < result[-1][0]:
            raise ValueError(f"{what}: periods must be sorted by start time")
        if result and s < result[-1][1]:
            raise ValueError(f"{what}: periods {result[-1]} and {start}–{end} overlap")
        result.append((s, e))
    return tuple(result)


def _check_dates(days: Iterable[date], what: str) -> frozenset[date]:
    result = frozenset(days)
    for day in result:
        # datetime is a subclass of date but never equal to one: it would silently not match.
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValueError(f"{what} must hold datetime.date values, not {day!r}")
    return result


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Office hours and day overrides of one installation or agency (D2, D3, D9).

    - ``weekly_hours``: weekday (0 = Monday … 6 = Sunday) → sorted, non-overlapping
      periods. A missing weekday, or one mapped to ``()``, is a day off.
    - ``non_working_days``: holidays, compensatory days, local closures.
    - ``extra_working_days``: days worked although normally off (a swapped Saturday);
      they use ``extra_day_hours``.
    - ``same_day_cutoff``: D4 cut-off for same-day procedures (NĐ 61 Art 18(2)).
    - ``hours_per_working_day``: D1, 1 working day = 8 working hours.
    - ``tz``: the zone in which office hours are read and results expressed.

    A day is a working day when it is an extra working day, or it has weekly hours and
    is not a non-working day. Invalid values raise ``ValueError`` at construction.
    The value is immutable and hashable; derived tables are computed once here.
    """

    weekly_hours: Mapping[int, tuple[Period, ...]]
    non_working_days: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    extra_day_hours: tuple[Period, ...] = DEFAULT_DAY
    same_day_cutoff: time = time(15, 0)
    hours_per_working_day: Decimal = Decimal(8)
    tz: ZoneInfo = VN_TZ

    # Derived, computed once in __post_init__ (local ordinals and microseconds).
    _week: tuple[tuple[_UsPeriod, ...], ...] = field(init=False, repr=False, compare=False)
    _extra: tuple[_UsPeriod, ...] = field(init=False, repr=False, compare=False)
    _week_us: int = field(init=False, repr=False, compare=False)
    _off: frozenset[int] = field(init=False, repr=False, compare=False)
    _on: frozenset[int] = field(init=False, repr=False, compare=False)
    _overrides: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _override_weeks: Mapping[int, int] = field(init=False, repr=False, compare=False)
    _cutoff_us: int = field(init=False, repr=False, compare=False)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        week: list[tuple[_UsPeriod, ...]] = [() for _ in range(7)]
        hours: dict[int, tuple[Period, ...]] = {}
        for weekday, periods in self.weekly_hours.items():
            if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(f"weekly_hours keys must be weekdays 0..6, not {weekday!r}")
            hours[weekday] = tuple(periods)
            week[weekday] = _check_periods(hours[weekday], f"weekly_hours[{weekday}]")
        week_us = sum(e - s for day in week for s, e in day)
        if week_us == 0:
            # Without any office hours nothing would ever be due: the loops would not end.
            raise ValueError("weekly_hours must give office hours to at least one weekday")
        extra = _check_periods(tuple(self.extra_day_hours), "extra_day_hours")
        if not extra:
            raise ValueError("extra_day_hours must hold at least one period")
        off = _check_dates(self.non_working_days, "non_working_days")
        on = _check_dates(self.extra_working_days, "extra_working_days")
        both = off & on
        if both:
            shown = ", ".join(d.isoformat() for d in sorted(both)[:5])
            raise ValueError(
                f"non_working_days and extra_working_days must be disjoint; both hold {shown}"
            )
        if not isinstance(self.same_day_cutoff, time) or self.same_day_cutoff.tzinfo is not None:
            raise ValueError("same_day_cutoff must be a naive datetime.time")
        per_day = Decimal(self.hours_per_working_day)
        if not per_day.is_finite() or per_day <= 0:
            raise ValueError("hours_per_working_day must be a positive number")
        if not isinstance(self.tz, tzinfo):
            raise ValueError(f"tz must be a time zone, not {self.tz!r}")

        setattr_ = object.__setattr__
        setattr_(self, "weekly_hours", MappingProxyType(hours))
        setattr_(self, "non_working_days", off)
        setattr_(self, "extra_working_days", on)
        setattr_(self, "extra_day_hours", tuple(self.extra_day_hours))
        setattr_(self, "hours_per_working_day", per_day)
        setattr_(self, "_week", tuple(week))
        setattr_(self, "_extra", extra)
        setattr_(self, "_week_us", week_us)
        setattr_(self, "_off", frozenset(d.toordinal() for d in off))
        setattr_(self, "_on", frozenset(d.toordinal() for d in on))
        setattr_(self, "_overrides", tuple(sorted(d.toordinal() for d in off | on)))
        # Working microseconds of every week (keyed by its Monday) holding an override, so
        # that holiday weeks can be skipped whole as well as ordinary ones.
        mondays = {o - (o - 1) % 7 for o in self._overrides}
        weeks = {
            monday: sum(e - s for d in range(7) for s, e in _periods(self, monday + d))
            for monday in mondays
        }
        setattr_(self, "_override_weeks", MappingProxyType(weeks))
        setattr_(self, "_cutoff_us", _time_us(self.same_day_cutoff))
        setattr_(
            self,
            "_hash",
            hash((self._week, extra, off, on, self.same_day_cutoff, per_day, self.tz)),
        )

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[WorkCalendar], tuple[object, ...]]:
        # MappingProxyType does not pickle (the Django cache pickles): rebuild from the
        # public fields, which also revalidates them.
        return type(self), (
            dict(self.weekly_hours),
            self.non_working_days,
            self.extra_working_days,
            self.extra_day_hours,
            self.same_day_cutoff,
            self.hours_per_working_day,
            self.tz,
        )

    @classmethod
    def standard(
        cls,
        *,
        non_working_days: Iterable[date] = frozenset(),
        extra_working_days: Iterable[date] = frozenset(),
        extra_day_hours: tuple[Period, ...] = DEFAULT_DAY,
        same_day_cutoff: time = time(15, 0),
        hours_per_working_day: Decimal = Decimal(8),
        tz: ZoneInfo = VN_TZ,
    ) -> WorkCalendar:
        """The D2 default: Monday to Friday, 07:00–11:30 and 13:30–17:00."""
        return cls(
            weekly_hours=dict.fromkeys(range(5), DEFAULT_DAY),
            non_working_days=frozenset(non_working_days),
            extra_working_days=frozenset(extra_working_days),
            extra_day_hours=extra_day_hours,
            same_day_cutoff=same_day_cutoff,
            hours_per_working_day=hours_per_working_day,
            tz=tz,
        )


# --- internal helpers on (local date ordinal, microseconds since local midnight) ---------


def _periods(cal: WorkCalendar, ordinal: int) -> tuple[_UsPeriod, ...]:
    """Office periods of the local day ``ordinal`` (empty on a non-working day)."""
    if ordinal in cal._on:
        return cal._extra
    if ordinal in cal._off:
        return ()
    return cal._week[(ordinal - 1) % 7]  # date.fromordinal(1) is a Monday


def _clean_weeks(cal: WorkCalendar, monday: int) -> int:
    """How many whole weeks from ``monday`` on contain no override date."""
    overrides = cal._overrides
    i = bisect_left(overrides, monday)
    if i == len(overrides):
        return _MAX_ORDINAL  # no override ahead: effectively unbounded
    return (overrides[i] - monday) // 7


def _skip_weeks(cal: WorkCalendar, monday: int, remaining: int) -> tuple[int, int]:
    """Skip whole weeks from ``monday`` while more than the week's working time remains.

    Keeps ``remaining > 0``, so a deadline that ends exactly at a week's last period end
    is found by the day walk (which returns that end, not the next period start).
    """
    week_us = cal._week_us
    override_weeks = cal._override_weeks
    while True:
        special = override_weeks.get(monday)
        if special is None:
            if remaining <= week_us:
                return monday, remaining
            # A run of ordinary weeks, up to the next week holding an override.
            weeks = min(_clean_weeks(cal, monday), (remaining - 1) // week_us)
            monday += 7 * weeks
            remaining -= weeks * week_us
        elif remaining > special:
            monday += 7
            remaining -= special
        else:
            return monday, remaining


def _skip_weeks_before(cal: WorkCalendar, monday: int, b_ordinal: int) -> tuple[int, int]:
    """Skip whole weeks from ``monday`` lying entirely before day ``b_ordinal``.

    Returns the new Monday and the working microseconds skipped.
    """
    week_us = cal._week_us
    override_weeks = cal._override_weeks
    total = 0
    while monday + 7 <= b_ordinal:
        special = override_weeks.get(monday)
        if special is None:
            weeks = min(_clean_weeks(cal, monday), (b_ordinal - monday) // 7)
            monday += 7 * weeks
            total += weeks * week_us
        else:
            monday += 7
            total += special
    return monday, total


def _split(t: datetime, cal: WorkCalendar) -> tuple[int, int]:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {t!r}")
    local = t.astimezone(cal.tz)
    return local.toordinal(), _time_us(local.time())


def _join(ordinal: int, us: int, cal: WorkCalendar) -> datetime:
    if ordinal > _MAX_ORDINAL:
        raise OverflowError("the computed instant falls after 9999-12-31")
    midnight = datetime.combine(date.fromordinal(ordinal), time.min, cal.tz)
    return midnight + timedelta(microseconds=us)


def _next_instant(cal: WorkCalendar, ordinal: int, pos: int) -> tuple[int, int]:
    while True:
        for s, e in _periods(cal, ordinal):
            if pos < e:
                return ordinal, s if pos < s else pos
        ordinal += 1
        pos = 0
        if ordinal > _MAX_ORDINAL:
            raise OverflowError("no working instant before 9999-12-31")


def _add(cal: WorkCalendar, ordinal: int, pos: int, remaining: int) -> tuple[int, int]:
    """Walk ``remaining`` (> 0) working microseconds forward from (ordinal, pos)."""
    while True:
        for s, e in _periods(cal, ordinal):
            if pos >= e:
                continue
            start = s if pos < s else pos
            avail = e - start
            if remaining <= avail:
                # Used up exactly at a period end: that end (11:30, 17:00), not the next start.
                return ordinal, start + remaining
            remaining -= avail
        ordinal += 1
        pos = 0
        if ordinal > _MAX_ORDINAL:
            raise OverflowError("the deadline falls after 9999-12-31")
        if (ordinal - 1) % 7 == 0:
            # Fast path: whole weeks at once rather than day by day.
            ordinal, remaining = _skip_weeks(cal, ordinal, remaining)


def _between(cal: WorkCalendar, a: tuple[int, int], b: tuple[int, int]) -> int:
    """Working microseconds in [a, b] for local positions a <= b."""
    ordinal, pos = a
    b_ordinal, b_pos = b
    total = 0
    while ordinal <= b_ordinal:
        end = b_pos if ordinal == b_ordinal else _US_PER_DAY
        for s, e in _periods(cal, ordinal):
            lo = s if pos < s else pos
            hi = e if e < end else end
            if hi > lo:
                total += hi - lo
        ordinal += 1
        pos = 0
        if (ordinal - 1) % 7 == 0:
            # Fast path: whole weeks lying entirely before b's day.
            ordinal, skipped = _skip_weeks_before(cal, ordinal, b_ordinal)
            total += skipped
    return total


def _last_end(cal: WorkCalendar, ordinal: int) -> tuple[int, int]:
    """End of the last period of the first working day on or after ``ordinal``."""
    while True:
        periods = _periods(cal, ordinal)
        if periods:
            return ordinal, periods[-1][1]
        ordinal += 1
        if ordinal > _MAX_ORDINAL:
            raise OverflowError("no working day before 9999-12-31")


def _check_day(day: date) -> int:
    if isinstance(day, datetime):
        raise TypeError(f"expected a date, not the datetime {day!r}")
    return day.toordinal()


def _hours_us(amount: Decimal, hours: Decimal) -> int:
    us = (amount * hours * _US_PER_HOUR).to_integral_value(ROUND_HALF_UP)
    return int(us)


# --- public API ---------------------------------------------------------------------------


def is_working_day(day: date, cal: WorkCalendar) -> bool:
    """Whether ``day`` is a working day of ``cal`` (D3).

    True for an extra working day (swapped Saturday); otherwise True when the weekday
    has office hours and ``day`` is not a holiday, compensatory day or local closure.
    """
    return bool(_periods(cal, _check_day(day)))


def working_periods(day: date, cal: WorkCalendar) -> tuple[tuple[datetime, datetime], ...]:
    """The office periods of the local day ``day`` as aware (start, end) pairs in ``cal.tz``.

    Empty on a non-working day (D3). Extra working days use ``cal.extra_day_hours``.
    """
    ordinal = _check_day(day)
    return tuple(
        (_join(ordinal, s, cal), _join(ordinal, e, cal)) for s, e in _periods(cal, ordinal)
    )


def is_office_instant(t: datetime, cal: WorkCalendar) -> bool:
    """Whether ``t`` lies within [start, end] (both inclusive) of a working day's period.

    Both ends count, so a deadline at 17:00 or 11:30 is an office instant.
    """
    ordinal, pos = _split(t, cal)
    return any(s <= pos <= e for s, e in _periods(cal, ordinal))


def next_working_instant(t: datetime, cal: WorkCalendar) -> datetime:
    """The first instant at or after ``t`` at which the office is working (D2).

    ``t`` itself when it lies in a period (start inclusive, end exclusive); otherwise the
    start of the next period: before opening → 07:00, lunch → 13:30, after closing → the
    next working morning, weekend or holiday → the next working day's first period.
    """
    return _join(*_next_instant(cal, *_split(t, cal)), cal)


def starts_at(received_at: datetime, cal: WorkCalendar) -> datetime:
    """When the legal clock starts for a dossier received at ``received_at`` (D2).

    A dossier received off-hours counts from the next working instant.
    """
    return next_working_instant(received_at, cal)


def add_working_time(t: datetime, amount: timedelta, cal: WorkCalendar) -> datetime:
    """The instant at which ``amount`` of working time has elapsed counting from ``t`` (D1–D3).

    Counting starts at ``next_working_instant(t)``. When the amount is used up exactly
    at the end of a period the result is that end (11:30 or 17:00), never the next
    period's start. ``amount == 0`` returns ``next_working_instant(t)``; a negative
    amount raises ``ValueError``.
    """
    if amount < timedelta(0):
        raise ValueError(f"amount of working time must not be negative, got {amount}")
    ordinal, pos = _split(t, cal)
    remaining = amount // _ONE_US
    if remaining == 0:
        return _join(*_next_instant(cal, ordinal, pos), cal)
    return _join(*_add(cal, ordinal, pos, remaining), cal)


def working_time_between(a: datetime, b: datetime, cal: WorkCalendar) -> timedelta:
    """Working time elapsed in [a, b]; ``timedelta(0)`` when ``b <= a``.

    Only office periods of working days count (D2, D3). This is the inverse of
    :func:`add_working_time`: ``working_time_between(t, add_working_time(t, d)) == d``.
    """
    a_pos = _split(a, cal)
    b_pos = _split(b, cal)
    if b <= a:
        return timedelta(0)
    return timedelta(microseconds=_between(cal, a_pos, b_pos))


def due_at(
    received_at: datetime, amount: int | Decimal, unit: DurationUnit, cal: WorkCalendar
) -> datetime | None:
    """The due instant of a dossier received at ``received_at`` (D1–D4).

    - ``WORKING_DAYS``: ``amount × cal.hours_per_working_day`` working hours from
      ``received_at`` (D1: 1 working day = 8 h), so Fri 09:00 + 1 day → next working
      day 09:00. Fractional amounts are allowed (0.5 day = 4 h).
    - ``WORKING_HOURS``: ``amount`` working hours from ``received_at``.
    - ``CALENDAR_DAYS``: the local date of ``received_at`` plus ``amount`` (a whole number
      ≥ 1) days, moved forward while it is not a working day (D3); due at the end of
      that day's last period.
    - ``SAME_DAY`` (``amount`` ignored): counting starts at ``starts_at(received_at)``; if
      that is at or before ``cal.same_day_cutoff`` the result is due at the end of that
      day, otherwise at the end of the next working day (D4: NĐ 61 Art 18(2)–(3),
      Luật Hộ tịch Art 5(3)).
    - ``NO_APPOINTMENT``: ``None``, the procedure has no due date (D1).

    Amounts are rounded to the microsecond. A negative amount raises ``ValueError``.
    Pauses (``ClockPause``) are applied by the caller, not here.
    """
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"amount must be a finite number, got {amount!r}")
    if value < 0:
        raise ValueError(f"amount must not be negative, got {amount!r}")
    if unit == DurationUnit.NO_APPOINTMENT:
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise ValueError(f"expected a timezone-aware datetime, got naive {received_at!r}")
        return None
    ordinal, pos = _split(received_at, cal)
    if unit == DurationUnit.WORKING_DAYS or unit == DurationUnit.WORKING_HOURS:
        hours = cal.hours_per_working_day if unit == DurationUnit.WORKING_DAYS else Decimal(1)
        remaining = _hours_us(value, hours)
        if remaining == 0:
            return _join(*_next_instant(cal, ordinal, pos), cal)
        return _join(*_add(cal, ordinal, pos, remaining), cal)
    if unit == DurationUnit.CALENDAR_DAYS:
        if value < 1 or value != value.to_integral_value():
            raise ValueError(f"calendar days must be a whole number >= 1, got {amount!r}")
        return _join(*_last_end(cal, ordinal + int(value)), cal)
    if unit == DurationUnit.SAME_DAY:
        start_ordinal, start_pos = _next_instant(cal, ordinal, pos)
        if start_pos <= cal._cutoff_us:
            return _join(*_last_end(cal, start_ordinal), cal)
        # D4: received after the cut-off → returned at the end of the next working day.
        return _join(*_last_end(cal, start_ordinal + 1), cal)
    raise ValueError(f"unknown duration unit {unit!r}")


def classify(
    finished_at: datetime,
    due_at: datetime,
    *,
    by_calendar_day: bool = True,
    tz: ZoneInfo = VN_TZ,
) -> Timeliness:
    """The on-time class of a dossier finished at ``finished_at`` (D8; TT 01/2018 index C1).

    Finished after the due instant → ``LATE``. Otherwise, with ``by_calendar_day``
    (the default) a finish on an earlier local calendar date (in ``tz``) than the due
    date is ``EARLY`` and one on the due date is ``ON_TIME``; without it, any instant
    before the due instant is ``EARLY`` and exactly the due instant is ``ON_TIME``.
    Whether "early" means an earlier day or instant is unverified, hence the switch.
    """
    for value in (finished_at, due_at):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"expected a timezone-aware datetime, got naive {value!r}")
    if finished_at > due_at:
        return Timeliness.LATE
    if by_calendar_day:
        earlier = finished_at.astimezone(tz).date() < due_at.astimezone(tz).date()
    else:
        earlier = finished_at < due_at
    return Timeliness.EARLY if earlier else Timeliness.ON_TIME
