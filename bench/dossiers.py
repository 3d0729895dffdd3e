"""Benchmark the dossier API under a real WSGI server on PostgreSQL (gh-4 item 13).

Run from the repository root:

    .venv/bin/python bench/dossiers.py [--duration 10] [--clients 16] [--workers 2] [--threads 8]
        [--server wsgi|asgi]

``--server asgi`` serves ``motcua.asgi`` with uvicorn workers and
``CONN_MAX_AGE=0`` instead of gthread WSGI workers with persistent connections,
to compare the two deployments (README, "Running in production").

What it does:

1. creates the PostgreSQL database ``motcua_bench_dossiers`` (dropped at the end
   unless ``--keep``; server from ``MOTCUA_BENCH_POSTGRES_URL``, default
   postgres://postgres@127.0.0.1:5432/), migrates it, loads the Huế demo and
   issues a bearer token (``api_token_issue``) to every demo reception officer;
2. starts the deployed shape: a Celery worker (``celery -A motcua worker -c 1
   --pool solo``) and gunicorn (gthread, ``--workers`` × ``--threads``) on
   127.0.0.1, both with Redis (``MOTCUA_REDIS_URL``, database 12, which the
   bench owns: flushed at the start and the end; cache, throttles and Celery
   broker, so the after-commit statistics refreshes are coalesced in Redis and
   drained by the worker, gh-8) and JSON logs (``MOTCUA_LOG_FORMAT=json``, as in
   production). gunicorn serves this module as the WSGI application:
   ``motcua.wsgi``'s Django with settings ``motcua.conf.dev``,
   ``MOTCUA_DEBUG=false``, persistent connections, and a bench URLconf that
   adds one bare Django JSON view (``/bench/bare/``) in front of
   ``motcua.urls``. The anonymous throttle rate of the public lookup
   (120/minute per address in production) is raised so the bench measures the
   work, not the 429s; the throttle check itself still runs, for many citizens:
   each lookup request carries one of the warm-up dossiers' own
   ``X-Forwarded-For`` address (documentation range 192.0.2.0/24 and
   198.51.100.0/24, a header only: every request still goes to 127.0.0.1), so
   each address's throttle history stays as short as a real citizen's instead
   of one list of every request of the run;
3. warms up by receiving 200 dossiers through the API (their codes and keys
   feed the lookup), then measures, one after the other, for ``--duration``
   seconds each at ``--clients`` concurrent keep-alive connections:
   (a) ``GET /bench/bare/``; (b) ``GET /api/v1/lookup/?code=&key=`` rotating
   over the warm-up dossiers; (c) ``POST /api/v1/dossiers/`` receiving a counter
   dossier (no attachment) at one service centre, and (c') the same spread over
   the three demo centres that have a reception officer;
4. prints requests/s, p50/p95/p99 (ms) and failures for each, the ratios
   lookup / bare and receive / bare against the goals of gh-4 (≥ 40 %;
   ≥ 300 dossiers/s with p95 ≤ 50 ms), and checks that every agency/day's codes
   are numbered exactly 1..n, that the counters agree, and that every 201
   answer's code exists once;
5. waits until the worker has drained the statistics refreshes queued in Redis
   (the dirty set empty, at most ``DRAIN_TIMEOUT`` seconds), prints how long
   that took, stops the worker, and runs the supervision check (the
   ``supervision_check`` comparison of the counters with a recomputation from
   the dossiers' histories): any difference fails the run.

The load generator is ``wrk`` (Debian package) when installed, driven by a Lua
script this file writes; otherwise a Python one (threads, ``http.client``
keep-alive). Both run on the same 2 cores as the server, so the figures are a
lower bound of what the server does alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    # bench/calendar.py would shadow the stdlib module (http.client imports it through
    # email): replace the script's directory on the path with src/, as bench/calendar.py does.
    sys.path[0] = str(ROOT / "src")
    sys.path.insert(1, str(ROOT))  # for bench.serving

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

from bench.serving import (  # noqa: E402
    database_url,
    recreate_database,
    start_server,
    stop_server,
)

BENCH_DB = "motcua_bench_dossiers"
RECEIVE_GOAL_RPS = 300
RECEIVE_GOAL_P95_MS = 50.0
LOOKUP_GOAL_RATIO = 0.40
WARM_UP_DOSSIERS = 200
SERVER_LOG = Path(tempfile.gettempdir()) / "motcua-bench-dossiers-server.log"
WORKER_LOG = Path(tempfile.gettempdir()) / "motcua-bench-dossiers-worker.log"
# The bench's own Redis database (bench/queue.py uses 14, the tests 13 and 15).
BENCH_REDIS_URL = "redis://127.0.0.1:6379/12"
DRAIN_TIMEOUT = 120  # seconds the worker gets to drain the statistics refreshes


def _server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="motcua.conf.dev",
        MOTCUA_DEBUG="false",
        MOTCUA_DATABASE_URL=database_url(BENCH_DB),
        # Production: Redis cache and broker, coalesced statistics refreshes, JSON logs.
        MOTCUA_REDIS_URL=BENCH_REDIS_URL,
        MOTCUA_LOG_FORMAT="json",
        MOTCUA_BENCH_APP="1",
        # The load generator plays the proxy: each simulated client has its own address.
        MOTCUA_TRUSTED_PROXIES="1",
    )
    return env


# --- The application gunicorn serves (this module imported as ``bench.dossiers``) ------------


def _bench_settings() -> None:
    """The bench URLconf and a raised lookup throttle, before the application loads."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.dev")
    from django.conf import settings

    settings.ROOT_URLCONF = __name__
    rest: dict[str, Any] = dict(settings.REST_FRAMEWORK)
    rates: dict[str, str] = dict(rest.get("DEFAULT_THROTTLE_RATES", {}))
    rest["DEFAULT_THROTTLE_RATES"] = {**rates, "anon": "100000000/minute"}
    settings.REST_FRAMEWORK = rest  # before rest_framework.throttling reads it


def _bench_application() -> Any:
    """``motcua.wsgi``'s application (``--server wsgi``)."""
    _bench_settings()
    from motcua.wsgi import application as wsgi_application

    return wsgi_application


def _bench_asgi_application() -> Any:
    """``motcua.asgi``'s application (``--server asgi``)."""
    _bench_settings()
    from motcua.asgi import application as asgi_application

    return asgi_application


def _bench_urlpatterns() -> list[Any]:
    from django.http import HttpRequest, JsonResponse
    from django.urls import path

    from motcua import urls

    def bare(request: HttpRequest) -> JsonResponse:
        return JsonResponse({"ok": True, "bench": "bare"})

    # motcua.urls uses i18n_patterns, which cannot be include()d: extend its list.
    return [path("bench/bare/", bare), *urls.urlpatterns]


# --- Setup and checks (the parent process) --------------------------------------------------


def _setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="motcua.conf.dev",
        MOTCUA_DEBUG="false",
        MOTCUA_DATABASE_URL=database_url(BENCH_DB),
    )
    import django

    django.setup()


def _prepare() -> list[dict[str, str]]:
    """Migrate, load the demo, and describe one receivable dossier per reception agency."""
    from django.core.management import call_command
    from django.db import connections

    from motcua.apiclients.constants import Scope
    from motcua.apiclients.services import api_token_issue
    from motcua.demo.loader import load_hue_demo
    from motcua.organisations.models import StaffMembership
    from motcua.procedures.models import ProcedureOffering, ProcedureVariant
    from motcua.procedures.selectors import procedure_version_list_current

    call_command("migrate", verbosity=0)
    load_hue_demo()
    current = {v.procedure_id: v for v in procedure_version_list_current()}
    targets: list[dict[str, str]] = []
    officers = StaffMembership.objects.filter(role="reception_officer", valid_to__isnull=True)
    for membership in officers.select_related("user", "agency").order_by("agency__code"):
        agency = membership.agency
        procedure = None
        offerings = ProcedureOffering.objects.filter(agency=agency, is_active=True)
        for offering in offerings.select_related("procedure").order_by("procedure__national_code"):
            version = current.get(offering.procedure_id)
            if version is None:
                continue
            first = ProcedureVariant.objects.filter(version=version).order_by("order", "id").first()
            if first is not None and not first.eform and first.duration is not None:
                procedure = offering.procedure.national_code
                break
        if procedure is None or any(t["agency"] == agency.code for t in targets):
            continue
        _, secret = api_token_issue(user=membership.user, scopes=Scope.values, name="bench")
        targets.append(
            {
                "agency": agency.code,
                "procedure": procedure,
                "token": secret,
                "officer": membership.user.username,
            }
        )
    connections.close_all()
    if not targets:
        raise SystemExit("no demo reception officer with a receivable procedure")
    return targets


def _receive_body(target: dict[str, str], n: int) -> str:
    return json.dumps(
        {
            "procedure_code": target["procedure"],
            "agency_code": target["agency"],
            "channel": 1,
            "owner": {
                "kind": "citizen",
                "full_name": "Nguyễn Thị Hoa",
                "identity_number": f"046190{n % 1_000_000:06d}",
                "phone": "0905123456",
            },
            "return_mode": "counter",
        },
        ensure_ascii=False,
    )


def _check_codes() -> tuple[int, int, list[str]]:
    """(dossiers, agency/days, problems): per agency/day the numbers are exactly 1..n."""
    from django.db import connections

    from motcua.dossiers.models import Dossier, DossierCodeCounter

    numbers: dict[tuple[int, str], list[int]] = defaultdict(list)
    codes = list(Dossier.objects.values_list("received_by_id", "code"))
    for agency_id, code in codes:
        _agency, day, number = code.rsplit("-", 2)
        numbers[(agency_id, day)].append(int(number))
    counters = {
        (agency_id, f"{day:%y%m%d}"): last
        for agency_id, day, last in DossierCodeCounter.objects.values_list(
            "agency_id", "day", "last"
        )
    }
    problems = []
    for key, got in sorted(numbers.items()):
        if sorted(got) != list(range(1, len(got) + 1)):
            dupes = len(got) - len(set(got))
            missing = len(set(range(1, max(got) + 1)) - set(got))
            problems.append(f"agency {key[0]} day {key[1]}: {dupes} duplicate, {missing} missing")
        if counters.get(key) != len(got):
            problems.append(
                f"agency {key[0]} day {key[1]}: counter {counters.get(key)} ≠ {len(got)}"
            )
    if len({code for _a, code in codes}) != len(codes):
        problems.append("duplicate codes")
    connections.close_all()
    return len(codes), len(numbers), problems


# --- Load generation ---------------------------------------------------------------------------


def _start_server(port: int, workers: int, threads: int, server: str) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--chdir", str(ROOT), "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--keep-alive", "30", "--log-level", "warning"]
    env = _server_env()
    if server == "asgi":
        # The README's production command; Django's advice under ASGI: no persistent connections.
        command += ["bench.dossiers:asgi_application", "-k", "uvicorn_worker.UvicornWorker"]
        env["MOTCUA_DATABASE_CONN_MAX_AGE"] = "0"
    else:
        command += ["bench.dossiers:application", "--threads", str(threads), "-k", "gthread"]
    # The server logs every request (INFO, as in production) to a file, not to this terminal.
    return start_server(
        command,
        env=env,
        probe_url=f"http://127.0.0.1:{port}/bench/bare/",
        log_path=SERVER_LOG,
    )


def _start_worker() -> subprocess.Popen[bytes]:
    """Start the Celery worker (own session, same environment) and wait until it is ready."""
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery), "-A", "motcua", "worker", "-c", "1", "--pool", "solo", "-l", "info"]
    log = WORKER_LOG.open("w")
    process = subprocess.Popen(  # noqa: S603  # the benchmark's own fixed command
        command,
        cwd=ROOT,
        env=_server_env(),
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if " ready." in WORKER_LOG.read_text(errors="replace"):
            return process
        if process.poll() is not None:
            raise SystemExit(f"the Celery worker exited during start-up; see {WORKER_LOG}")
        time.sleep(0.3)
    stop_server(process)
    raise SystemExit(f"the Celery worker was not ready within 60 s; see {WORKER_LOG}")


def _redis() -> Any:
    import redis

    return redis.Redis.from_url(BENCH_REDIS_URL)


def _wait_for_drain() -> tuple[float, int]:
    """(seconds, ids left): wait until the worker has emptied the statistics' dirty set.

    The last batch may be popped but not committed yet: stopping the worker
    afterwards (a warm shutdown) lets it finish before the check.
    """
    from motcua.supervision.coalesce import DIRTY_KEY

    client = _redis()
    started = time.monotonic()
    left = int(client.scard(DIRTY_KEY))
    while left and time.monotonic() - started < DRAIN_TIMEOUT:
        time.sleep(0.2)
        left = int(client.scard(DIRTY_KEY))
    seconds = time.monotonic() - started
    client.close()
    return seconds, left


def _check_statistics() -> list[str]:
    """The supervision check (``supervision_check``): every counter that differs."""
    from django.db import connections

    from motcua.supervision.aggregates import stats_check

    diffs = [f"{d.table} {d.key}: stored={d.stored} expected={d.expected}" for d in stats_check()]
    connections.close_all()
    return diffs


Request = tuple[str, str, dict[str, str], str]  # method, path, headers, body


def _warm_up(port: int, targets: list[dict[str, str]]) -> list[tuple[str, str]]:
    """Receive WARM_UP_DOSSIERS dossiers through the API; their (code, key) pairs."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    pairs = []
    for n in range(WARM_UP_DOSSIERS):
        target = targets[n % len(targets)]
        body = _receive_body(target, n).encode()
        conn.request("POST", "/api/v1/dossiers/", body=body, headers=_post_headers(target))
        response = conn.getresponse()
        payload = response.read()
        if response.status != 201:
            raise SystemExit(f"warm-up reception failed: {response.status} {payload[:500]!r}")
        answer = json.loads(payload)
        pairs.append((answer["code"], answer["lookup_key"]))
    conn.close()
    return pairs


def _citizen_address(n: int) -> str:
    """A distinct documentation-range address (RFC 5737) naming the n-th citizen."""
    return f"192.0.2.{n + 1}" if n < 254 else f"198.51.100.{n - 253}"


def _post_headers(target: dict[str, str]) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {target['token']}",
        "Content-Type": "application/json; charset=utf-8",
    }


def _lua_string(value: str) -> str:
    # A JSON string literal is a valid Lua 5.1 string literal as long as no \u escape is
    # emitted: keep non-ASCII characters as UTF-8.
    return json.dumps(value, ensure_ascii=False)


def _wrk(port: int, requests: list[Request], clients: int, duration: int) -> dict[str, Any]:
    lines = ["local requests = {"]
    for method, path, headers, body in requests:
        header_table = ", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()
        )
        lines.append(
            f"  {{{_lua_string(method)}, {_lua_string(path)}, {{{header_table}}}, "
            f"{_lua_string(body) if body else 'nil'}}},"
        )
    lines += [
        "}",
        "local i = 0",
        "request = function()",
        "  i = i + 1",
        "  local r = requests[(i % #requests) + 1]",
        "  return wrk.format(r[1], r[2], r[3], r[4])",
        "end",
        "done = function(summary, latency, requests)",
        "  local e = summary.errors",
        '  io.write(string.format("WRKRESULT %d %d %d %d %d %d %d\\n", summary.requests,',
        "    summary.duration, e.status, e.connect + e.read + e.write + e.timeout,",
        "    latency:percentile(50), latency:percentile(95), latency:percentile(99)))",
        "end",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines))
    try:
        out = subprocess.run(  # noqa: S603  # fixed arguments, our own script
            [
                shutil.which("wrk") or "wrk",
                "-t",
                "2",
                "-c",
                str(clients),
                "-d",
                f"{duration}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    fields = next(line for line in out.splitlines() if line.startswith("WRKRESULT")).split()[1:]
    done, micros, bad_status, socket_errors, p50, p95, p99 = (int(x) for x in fields)
    return {
        "requests": done,
        "rps": done / (micros / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "failed": bad_status + socket_errors,
    }


def _python_load(port: int, requests: list[Request], clients: int, duration: int) -> dict[str, Any]:
    """Threads with keep-alive connections; each records its latencies until the deadline."""
    latencies: list[float] = []
    failed = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def client(offset: int) -> None:
        nonlocal failed
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        bad = 0
        i = offset
        while time.perf_counter() < deadline:
            method, path, headers, body = requests[i % len(requests)]
            i += clients
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body.encode() if body else None, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status >= 300:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(mine)
            failed += bad

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
        "failed": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (gthread)")
    parser.add_argument(
        "--server",
        choices=["wsgi", "asgi"],
        default="wsgi",
        help="gthread WSGI workers, or uvicorn ASGI workers with CONN_MAX_AGE=0 (the README's)",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    use_wrk = args.loadgen == "wrk" or (args.loadgen == "auto" and shutil.which("wrk"))
    load = _wrk if use_wrk else _python_load

    recreate_database(BENCH_DB)
    _setup_django()
    targets = _prepare()
    _redis().flushdb()
    worker = _start_worker()
    server = None
    results: list[tuple[str, dict[str, Any]]] = []
    try:
        server = _start_server(args.port, args.workers, args.threads, args.server)
        pairs = _warm_up(args.port, targets)
        lookups: list[Request] = [
            (
                "GET",
                "/api/v1/lookup/?" + urlencode({"code": c, "key": k}),
                {"X-Forwarded-For": _citizen_address(n)},
                "",
            )
            for n, (c, k) in enumerate(pairs)
        ]
        one = targets[0]
        receive_one: list[Request] = [
            ("POST", "/api/v1/dossiers/", _post_headers(one), _receive_body(one, n))
            for n in range(50)
        ]
        receive_all: list[Request] = [
            ("POST", "/api/v1/dossiers/", _post_headers(t), _receive_body(t, n))
            for n in range(50)
            for t in targets
        ]
        phases: list[tuple[str, list[Request]]] = [
            ("(a) bare JSON view", [("GET", "/bench/bare/", {}, "")]),
            ("(b) public lookup", lookups),
            (f"(c) receive, 1 centre ({one['agency']})", receive_one),
            (f"(c') receive, {len(targets)} centres", receive_all),
        ]
        for name, requests in phases:
            results.append((name, load(args.port, requests, args.clients, args.duration)))
            print(f"  measured {name}", flush=True)
        stop_server(server)
        drain_seconds, left = _wait_for_drain()
        # The worker finishes the batch it popped last before it stops (warm shutdown).
        stop_server(worker)
    finally:
        if server is not None:
            stop_server(server)
        stop_server(worker)
        _redis().flushdb()

    print()
    shape = (
        f"gunicorn uvicorn (ASGI) {args.workers} workers, CONN_MAX_AGE=0"
        if args.server == "asgi"
        else f"gunicorn gthread {args.workers} workers × {args.threads} threads"
    )
    print(
        f"{shape}, PostgreSQL, {args.clients} clients × {args.duration} s each,"
        f" load: {'wrk' if use_wrk else 'Python'}"
    )
    print(f"{'':<38} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'failed':>7}")
    for name, r in results:
        print(
            f"{name:<38} {r['rps']:>8,.0f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f}"
            f" {r['failed']:>7,}"
        )
    bare = results[0][1]["rps"]
    lookup = results[1][1]
    print()
    print(f"lookup / bare:  {lookup['rps'] / bare:6.1%}   (goal ≥ {LOOKUP_GOAL_RATIO:.0%})")
    for name, r in results[2:]:
        print(
            f"receive / bare: {r['rps'] / bare:6.1%}   {name}: {r['rps']:,.0f} dossiers/s "
            f"(goal ≥ {RECEIVE_GOAL_RPS}), p95 {r['p95']:.1f} ms (goal ≤ {RECEIVE_GOAL_P95_MS:.0f})"
        )

    dossiers, days, problems = _check_codes()
    received = sum(r["requests"] - r["failed"] for _n, r in results[2:]) + WARM_UP_DOSSIERS
    print()
    print(
        f"codes: {dossiers:,} dossiers over {days} agency/days "
        f"({received:,} answered 201; a request still in flight when a run stops may add one)"
    )
    if problems or dossiers < received:
        for problem in problems[:20]:
            print(f"  PROBLEM {problem}")
        if dossiers < received:
            print(f"  PROBLEM {received - dossiers} answered dossiers are missing")
    else:
        print("  no duplicate or missing codes: every agency/day is numbered 1..n, counters agree")
    statistics_diffs = _check_statistics()
    print()
    print(
        f"statistics: the worker drained the coalesced refreshes {drain_seconds:.1f} s after "
        f"the load ({left} dossier ids left); supervision check: "
        f"{len(statistics_diffs)} difference(s)"
    )
    for diff in statistics_diffs[:20]:
        print(f"  PROBLEM {diff}")
    if not statistics_diffs and not left:
        print("  OK: the daily and monthly counters equal the recomputation from the histories")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        recreate_database(BENCH_DB, drop_only=True)
    if problems or dossiers < received or statistics_diffs or left:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
elif os.environ.get("MOTCUA_BENCH_APP") == "1":
    # Imported by gunicorn as ``bench.dossiers``: serve the bench application.
    application = _bench_application()
    asgi_application = _bench_asgi_application()
    urlpatterns = _bench_urlpatterns()
