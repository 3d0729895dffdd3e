"""Time the staff workspace pages on a large PostgreSQL database (gh-6 item 13).

Run from the repository root, on a database seeded by ``bench/seed.py --keep``:

    .venv/bin/python bench/seed.py --dossiers 1000000 --keep \\
        --database-url postgres://postgres@127.0.0.1:5432/motcua_bench_ws
    .venv/bin/python bench/workspace.py [--database-url URL] [--repeat 20] [--explain]

Each page is requested in-process through Django's test ``Client`` (the whole
stack: middleware, session, templates; no network, no server), signed in as a
Huế demo official: the city centre's counter officer (``tinh.motcua``), its
specialist (``tinh.chuyenvien``) and its leader (``tinh.lanhdao``, for the
oversight pages). After ``--warmup`` requests, ``--repeat`` requests are timed;
the script prints p50 / p95 / max in milliseconds, the number of SQL queries
and the slowest query of one request. The goal of gh-6 item 13 is the dossier
list under 300 ms with 1,000,000 dossiers. ``--explain`` prints
``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest query of each page.

The database is only read (sessions are written, as for any sign-in); it is
not dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    # bench/calendar.py would shadow the stdlib module: put src/ first instead.
    sys.path[0] = str(ROOT / "src")

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_bench_ws"
GOAL_MS = 300.0


@dataclass
class Page:
    name: str
    user: str
    urls: list[str]  # rotated over the requests
    goal: bool = False  # the dossier-list goal applies


def setup_django(url: str) -> None:
    os.environ["MOTCUA_DATABASE_URL"] = url
    os.environ["MOTCUA_DEBUG"] = "false"
    os.environ["MOTCUA_DEMO"] = "true"  # demo officials sign in without a second factor
    os.environ.setdefault("MOTCUA_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua.conf.dev"
    import django

    django.setup()
    from django.conf import settings

    logging.disable(logging.INFO)  # one request line per request would drown the figures
    warnings.filterwarnings("ignore", message="No directory at")
    # No collectstatic here: plain static URLs instead of the hashed manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def pages() -> list[Page]:
    """The pages to time, with URLs picked from the data (codes, names, filters)."""
    from django.urls import reverse

    from motcua.accounts.models import User
    from motcua.dossiers.constants import Channel, DossierStatus
    from motcua.dossiers.models import Dossier, Party
    from motcua.dossiers.selectors import dossier_access_q
    from motcua.workspace.oversight import NONE_KEY, By, Lateness, oversight_table, watch_for
    from motcua.workspace.selectors import Queue

    counter = User.objects.get(username="tinh.motcua")
    visible = Dossier.objects.filter(dossier_access_q(user=counter))
    codes = list(
        visible.filter(status=DossierStatus.PROCESSING)
        .order_by("-id")
        .values_list("code", flat=True)[:10]
    ) + list(visible.order_by("id").values_list("code", flat=True)[:10])
    owner = (
        Party.objects.filter(dossier__received_by__code=codes[0].split("-")[0])
        .exclude(identity_number="")
        .values_list("full_name", "identity_number")
        .first()
    )
    name, identity = owner if owner else ("Nguyễn Văn", "")
    procedure = (
        visible.exclude(procedure_version__procedure__national_code="")
        .values_list("procedure_version__procedure__national_code", flat=True)
        .first()
    )

    def queue(which: Queue, /, **params: str) -> str:
        url = reverse("workspace:queue", args=[which.value])
        return url + ("?" + urlencode(params) if params else "")

    result = [
        Page("staff home (counter officer)", counter.username, [reverse("workspace:home")], True),
        Page("staff home (specialist)", "tinh.chuyenvien", [reverse("workspace:home")], True),
        Page(
            "list: to return, counter channel",
            counter.username,
            [queue(Queue.TO_RETURN, channel=str(int(Channel.COUNTER)))],
            True,
        ),
        Page(
            "list: overdue, by procedure",
            counter.username,
            [queue(Queue.OVERDUE, procedure=procedure or "")],
            True,
        ),
        Page(
            "list: to return, page 40", counter.username, [queue(Queue.TO_RETURN, trang="40")], True
        ),
        Page(
            "search: name without diacritics",
            counter.username,
            [queue(Queue.TO_RETURN, q=_fold(name))],
            True,
        ),
        Page(
            "search: identity number",
            counter.username,
            [queue(Queue.TO_RETURN, q=identity or "000000000000")],
            True,
        ),
        Page(
            "search: part of a code",
            counter.username,
            [queue(Queue.TO_RETURN, q=codes[-1].split("-", 1)[1])],
            True,
        ),
        Page(
            "dossier page",
            counter.username,
            [reverse("workspace:dossier", args=[c]) for c in codes],
        ),
    ]
    leader = User.objects.get(username="tinh.lanhdao")
    watch = watch_for(user=leader)
    if watch is not None:
        from motcua.workspace.oversight_views import cell_url

        table = oversight_table(watch=watch, by=By.OFFICER)
        key = table[0].key if table else NONE_KEY
        result += [
            Page(
                "oversight: by step and officer", leader.username, [reverse("workspace:oversight")]
            ),
            Page(
                "oversight: at-risk list",
                leader.username,
                [reverse("workspace:oversight-at-risk")],
                True,
            ),
            Page(
                "oversight: one cell",
                leader.username,
                [cell_url(By.OFFICER, key, Lateness.OVERDUE)],
                True,
            ),
        ]
    return result


def _fold(text: str) -> str:
    from motcua.core.text import fold

    return fold(text)


def measure(page: Page, *, warmup: int, repeat: int, explain: bool) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=page.user))
    for i in range(warmup):
        client.get(page.urls[i % len(page.urls)])
    timings: list[float] = []
    cpu: list[float] = []
    for i in range(repeat):
        url = page.urls[i % len(page.urls)]
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: {url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(page.urls[0])
    queries = captured.captured_queries
    slowest = max(queries, key=lambda q: float(q["time"])) if queries else {"sql": "", "time": "0"}
    result = {
        "p50": statistics.median(timings),
        "p95": _pct(timings, 0.95),
        "max": max(timings),
        "cpu": statistics.median(cpu),
        "sql": sum(float(q["time"]) for q in queries) * 1000,
        "queries": len(queries),
        "slowest_ms": float(slowest["time"]) * 1000,
        "slowest_sql": slowest["sql"],
    }
    if explain and slowest["sql"]:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            result["plan"] = "\n".join(row[0] for row in cursor.fetchall())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="", help="time only pages whose name contains this")
    args = parser.parse_args()
    setup_django(args.database_url)

    from motcua.dossiers.models import Dossier

    total = Dossier.objects.count()
    print(f"{total:,} dossiers in {args.database_url}")
    print("load average before: {:.2f} {:.2f} {:.2f} (2 cores)".format(*os.getloadavg()))
    print(
        f"{'page':40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu ms':>7} {'sql ms':>7}"
        f" {'queries':>8} {'slowest q ms':>13}"
    )
    over = []
    for page in pages():
        if args.only and args.only not in page.name:
            continue
        r = measure(page, warmup=args.warmup, repeat=args.repeat, explain=args.explain)
        flag = " *" if page.goal and r["p95"] > GOAL_MS else ""
        print(
            f"{page.name:40} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} {r['cpu']:7.1f}"
            f" {r['sql']:7.1f} {r['queries']:8d} {r['slowest_ms']:13.1f}{flag}",
            flush=True,
        )
        if flag:
            over.append(page.name)
        if args.explain:
            print("    slowest query:", r["slowest_sql"][:600])
            print("\n".join("    " + line for line in r.get("plan", "").splitlines()))
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(
        f"goal (gh-6 item 13): dossier lists p95 < {GOAL_MS:.0f} ms — "
        + ("met" if not over else "NOT met for: " + ", ".join(over))
    )


if __name__ == "__main__":
    main()
