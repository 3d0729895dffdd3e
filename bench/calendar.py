"""Benchmark the pure working-time calendar (conventions.md §2, architecture.md: hot paths).

Run from the repository root:

    .venv/bin/python bench/calendar.py

Builds the Vietnamese calendar for 2000–2040 from the ``holidays`` package and prints how
many ``due_at`` computations per second run for 1, 10 and 250 working days, received at
varied instants, and how many one-year ``working_time_between`` measurements. Week
skipping should keep the 250-day rate within a small factor of the 1-day rate.
"""

from __future__ import annotations

import random
import sys
import timeit
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

# This file is named calendar.py: as the script's own directory it would shadow the stdlib
# ``calendar`` module that ``holidays`` imports. Replace that entry with ``src``.
SRC = Path(__file__).resolve().parent.parent / "src"
sys.path[0] = str(SRC)

import holidays  # noqa: E402

from motcua.calendars.constants import DurationUnit  # noqa: E402
from motcua.calendars.workingtime import (  # noqa: E402
    VN_TZ,
    WorkCalendar,
    due_at,
    working_time_between,
)

YEARS = range(2000, 2041)
CALLS = 3000  # computations per timing run
REPEAT = 5  # best of


def build_calendar() -> WorkCalendar:
    table = holidays.country_holidays("VN", years=YEARS)
    return WorkCalendar.standard(
        non_working_days=frozenset(table),
        extra_working_days=frozenset(d for d in table.weekend_workdays if d.year in YEARS),
    )


def received_instants(count: int) -> list[datetime]:
    """Varied reception instants in 2026–2035, office hours or not (fixed seed)."""
    rng = random.Random(20260420)
    start = datetime(2026, 1, 1, tzinfo=VN_TZ)
    return [start + timedelta(minutes=rng.randrange(10 * 365 * 24 * 60)) for _ in range(count)]


def rate(work: Callable[[], object]) -> float:
    """Computations per second: CALLS calls, best of REPEAT runs."""
    best = min(timeit.repeat(work, repeat=REPEAT, number=1))
    return CALLS / best


def main() -> None:
    cal = build_calendar()
    instants = received_instants(CALLS)
    wd = DurationUnit.WORKING_DAYS
    year = timedelta(days=365)

    def due_rate(days: int) -> float:
        return rate(lambda: [due_at(t, days, wd, cal) for t in instants])

    rows = [(f"due_at {days} working day(s)", due_rate(days)) for days in (1, 10, 250)]
    rows.append(
        (
            "working_time_between over 1 year",
            rate(lambda: [working_time_between(t, t + year, cal) for t in instants]),
        )
    )

    print(f"calendar {YEARS.start}–{YEARS.stop - 1}: {len(cal.non_working_days)} non-working days,")
    print(
        f"{len(cal.extra_working_days)} extra working days; {CALLS} calls per run, best of {REPEAT}"
    )
    print()
    print(f"{'computation':<36} {'per second':>12} {'µs per call':>12}")
    for name, per_second in rows:
        print(f"{name:<36} {per_second:>12,.0f} {1e6 / per_second:>12.1f}")
    print()
    print(f"1-day rate / 250-day rate: {rows[0][1] / rows[2][1]:.1f}×")


if __name__ == "__main__":
    main()
