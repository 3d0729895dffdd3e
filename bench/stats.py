"""Time the supervision dashboard on 1,000,000 dossiers in PostgreSQL (gh-8 item 8).

Run from the repository root, on a copy of a database seeded by ``bench/seed.py --keep``
(the script migrates the ``supervision`` app and writes its tables):

    .venv/bin/python bench/seed.py --dossiers 1000000 --keep \\
        --database-url postgres://postgres@127.0.0.1:5432/motcua_bench_stats
    .venv/bin/python bench/stats.py [--database-url URL] [--rebuild] [--repeat 20] [--year 2026]

``--rebuild`` runs ``supervision_rebuild`` first and prints its time (goal:
under 2 minutes) and then ``supervision_check``'s verdict. Then, signed in as
the Huế city centre's leader (``tinh.lanhdao``, who oversees the whole
province), each drill-down level of the dashboard for the year is requested
in-process through Django's test ``Client`` (the whole stack) — province →
commune → agency → field → procedure → officer → the dossier list of one
number — and the script prints p50 / p95 / max in milliseconds and the number
of SQL queries (goal: under 200 ms per level). For comparison, the same
received / finished / on-time / late figures of each level are computed
naively from the raw dossier table (one GROUP BY per level) and timed the
same way. Figures only: no assertion (conventions.md §10).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    # bench/calendar.py would shadow the stdlib module: put src/ first instead.
    sys.path[0] = str(ROOT / "src")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_bench_stats"
GOAL_MS = 200.0


def setup_django(url: str) -> None:
    os.environ["MOTCUA_DATABASE_URL"] = url
    os.environ["MOTCUA_DEBUG"] = "false"
    os.environ["MOTCUA_DEMO"] = "true"  # demo officials sign in without a second factor
    os.environ.setdefault("MOTCUA_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.conf.dev"
    import django

    django.setup()
    from django.conf import settings

    logging.disable(logging.INFO)
    warnings.filterwarnings("ignore", message="No directory at")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn: Callable[[], Any], *, repeat: int, warmup: int) -> tuple[list[float], Any]:
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--check", action="store_true", help="run supervision_check (slow)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from motcua.accounts.models import User
    from motcua.supervision.aggregates import stats_check, stats_rebuild
    from motcua.supervision.models import DailyStat, MonthlyStat
    from motcua.supervision.selectors import structure_for

    call_command("migrate", "supervision", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        dossiers = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM dossiers_dossierevent")
        events = cursor.fetchone()[0]
    print(f"database: {dossiers:,} dossiers, {events:,} events")
    if args.rebuild:
        result = stats_rebuild()
        print(
            f"supervision_rebuild: {result.seconds:.1f} s "
            f"({result.facts:,} facts, {result.daily_rows:,} daily rows, "
            f"{result.monthly_rows:,} monthly rows; goal < 120 s)"
        )
        print("  steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.steps.items()))
    if args.check:
        started = time.perf_counter()
        diffs = stats_check()
        print(
            f"supervision_check: {len(diffs)} difference(s) in "
            f"{time.perf_counter() - started:.1f} s"
        )

    year = args.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    leader = User.objects.get(username="tinh.lanhdao")
    structure = structure_for(user=leader, day=min(end, dt.date.today()))
    root = structure.roots[0]
    months = MonthlyStat.objects.filter(month__range=(start, end))

    def top(qs: Any, column: str) -> int:
        row = qs.values(column).annotate(n=Sum("received")).order_by("-n").first()
        return int(row[column])

    # The busiest commune (a unit below the root with agencies), agency, field, procedure, officer.
    communes = {
        structure.child_toward(root, a)[1]: a  # type: ignore[index]
        for a in structure.agency_unit
        if structure.child_toward(root, a) and structure.child_toward(root, a)[0] == "unit"  # type: ignore[index]
    }
    commune_agencies = [a for a in structure.agency_unit if structure.agency_unit[a] in communes]
    commune = (
        structure.agency_unit[top(months.filter(agency_id__in=commune_agencies), "agency_id")]
        if commune_agencies
        else None
    )
    agency = top(months, "agency_id")
    field = top(months.filter(agency_id=agency), "field_id")
    procedure = top(months.filter(agency_id=agency, field_id=field), "procedure_id")
    officer = top(
        DailyStat.objects.filter(
            day__range=(start, end), agency_id=agency, procedure_id=procedure
        ).exclude(officer_id=0),
        "officer_id",
    )
    period = {"ky": "nam", "nam": str(year)}
    levels: list[tuple[str, dict[str, str], str]] = [
        ("province", period, "dashboard"),
        ("commune", {**period, "don-vi": str(commune)} if commune else period, "dashboard"),
        ("agency", {**period, "co-quan": str(agency)}, "dashboard"),
        ("field", {**period, "co-quan": str(agency), "linh-vuc": str(field)}, "dashboard"),
        (
            "procedure",
            {**period, "co-quan": str(agency), "linh-vuc": str(field), "thu-tuc": str(procedure)},
            "dashboard",
        ),
        (
            "officer list",
            {
                "ky": "tuy-chon",
                "tu": start.isoformat(),
                "den": end.isoformat(),
                "co-quan": str(agency),
                "linh-vuc": str(field),
                "thu-tuc": str(procedure),
                "can-bo": str(officer),
                "chi-tieu": "tiep-nhan",
            },
            "dossier_list",
        ),
    ]
    client = Client()
    client.force_login(leader)
    print(f"\ndashboard for {year} ({args.repeat} requests after {args.warmup} warm-up), ms:")
    print(f"{'level':<14}{'p50':>8}{'p95':>8}{'max':>8}{'queries':>9}  goal < {GOAL_MS:.0f}")
    for name, params, view in levels:
        url = reverse(f"supervision:{view}") + "?" + urlencode(params)

        def get(url: str = url) -> int:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return len(response.content)

        times, _ = timed(get, repeat=args.repeat, warmup=args.warmup)
        with CaptureQueriesContext(connection) as queries:
            get()
        print(
            f"{name:<14}{_pct(times, 0.5):>8.1f}{_pct(times, 0.95):>8.1f}"
            f"{max(times):>8.1f}{len(queries):>9}"
        )

    # The same figures naively from the raw tables: one GROUP BY over the dossiers per level.
    lo = dt.datetime(year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=7)
    hi = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=7)
    agencies = sorted(structure.agency_unit)
    naive: list[tuple[str, str, list[Any]]] = [
        ("province", "d.competent_agency_id", [agencies]),
        (
            "commune",
            "d.competent_agency_id",
            [[a for a in agencies if structure.agency_unit[a] == commune] or agencies],
        ),
        ("agency", "v.field_id", [[agency]]),
        ("field", "v.procedure_id", [[agency]]),
        ("procedure", "d.handler_id", [[agency]]),
    ]
    extra = {
        "field": " AND v.field_id = %s",
        "procedure": " AND v.field_id = %s AND v.procedure_id = %s",
    }
    extra_params: dict[str, list[Any]] = {"field": [field], "procedure": [field, procedure]}
    print("\nnaive, from the raw dossier table (same figures, no aggregates), ms:")
    print(f"{'level':<14}{'p50':>8}{'p95':>8}{'max':>8}")
    for name, group, group_params in naive:
        sql = (
            f"SELECT {group},"  # noqa: S608 - fixed column names
            " count(*) FILTER (WHERE d.received_at >= %s AND d.received_at < %s),"
            " count(*) FILTER (WHERE d.finished_at >= %s AND d.finished_at < %s),"
            " count(*) FILTER (WHERE d.finished_at >= %s AND d.finished_at < %s"
            "   AND d.timeliness IN ('early', 'on_time')),"
            " count(*) FILTER (WHERE d.finished_at >= %s AND d.finished_at < %s"
            "   AND d.timeliness = 'late'),"
            " avg(EXTRACT(EPOCH FROM d.finished_at - d.received_at))"
            "   FILTER (WHERE d.finished_at >= %s AND d.finished_at < %s)"
            " FROM dossiers_dossier d JOIN procedures_procedureversion v"
            "   ON v.id = d.procedure_version_id"
            " WHERE d.competent_agency_id = ANY(%s)"
            " AND (d.received_at < %s AND (d.finished_at IS NULL OR d.finished_at >= %s))"
            f"{extra.get(name, '')} GROUP BY 1"
        )
        values = [lo, hi] * 5 + group_params + [hi, lo] + extra_params.get(name, [])

        def run(sql: str = sql, values: list[Any] = values) -> int:
            with connection.cursor() as cursor:
                cursor.execute(sql, values)
                return len(cursor.fetchall())

        times, _ = timed(run, repeat=max(3, args.repeat // 4), warmup=1)
        print(f"{name:<14}{_pct(times, 0.5):>8.1f}{_pct(times, 0.95):>8.1f}{max(times):>8.1f}")


if __name__ == "__main__":
    main()
