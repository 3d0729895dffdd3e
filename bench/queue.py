"""Benchmark the waiting-room display's fan-out under a real ASGI server (gh-7 item 8).

Run from the repository root:

    .venv/bin/python bench/queue.py [--clients 200] [--calls 200] [--interval 0.1] [--workers 1]

What it does:

1. creates the PostgreSQL database ``motcua_bench_queue`` (dropped at the end
   unless ``--keep``; server from ``MOTCUA_BENCH_POSTGRES_URL``, default
   postgres://postgres@127.0.0.1:5432/), migrates it and builds one service
   center (the queue tests' world, services A and B, grown to ``--counters``
   counters with an officer each), opens them and takes enough tickets;
2. starts gunicorn with uvicorn workers (``motcua.asgi``'s Django, settings
   ``motcua.conf.dev``, ``MOTCUA_DEBUG=false``) on 127.0.0.1 with a bench
   URLconf that adds ``POST /bench/call/?counter=N`` (finish the ticket at the
   counter, then ``call_next``: the real services, whose events are published
   after commit) and ``GET /bench/stats/`` (displays connected to the process).
   With Redis answering on 127.0.0.1:6379 (``--redis auto``) the displays'
   events go through Redis (database 14); otherwise through the in-process
   backend, which needs ``--workers 1``;
3. connects ``--clients`` display clients to the center's event stream
   (``/xep-hang/<id>/man-hinh/su-kien/``, plain asyncio sockets, like
   EventSource), then makes a call every ``--interval`` seconds over HTTP,
   rotating over the counters, ``--calls`` times (each call in its own thread,
   so a slow one does not hold the next back);
4. prints the time from each call (the ``at`` instant the service stamped on
   the event, before its commit) to its arrival at every display: p50, p95,
   p99 and max, the slowest display per call, and calls some display missed;
   and the server's memory (RSS of its worker processes) at rest, with the
   clients connected, after the calls, after they disconnect, and after each
   further round (``--rounds``) of connect / calls / disconnect: a per-client
   leak shows as growth from round to round. In the first rounds the replay
   window (the last 500 events, in Redis or, without it, in the process) fills
   up; after that the figure should be flat.

The clients run on the same 2 cores as the server, so the figures are an
upper bound of the latency the server alone causes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    # This file is named like the stdlib module ``queue`` (which asyncio and logging
    # import): replace the script's directory on the path with src/, as bench/dossiers.py does.
    sys.path[0] = str(ROOT / "src")
    sys.path.insert(1, str(ROOT))  # for bench.serving

import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from typing import Any  # noqa: E402

from bench.serving import (  # noqa: E402
    database_url,
    recreate_database,
    start_server,
    stop_server,
)

BENCH_DB = "motcua_bench_queue"
REDIS_URL = "redis://127.0.0.1:6379/14"
GOAL_P95_S = 1.0
RETRIES = 3
SERVER_LOG = Path(tempfile.gettempdir()) / "motcua-bench-queue-server.log"


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _server_env(center_id: int, redis_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MOTCUA_REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="motcua.conf.dev",
        MOTCUA_DEBUG="false",
        MOTCUA_DATABASE_URL=database_url(BENCH_DB),
        MOTCUA_BENCH_APP="1",
        MOTCUA_BENCH_CENTER=str(center_id),
        # Django's advice under ASGI: no persistent connections (each request has its thread).
        MOTCUA_DATABASE_CONN_MAX_AGE="0",
    )
    if redis_url:
        env["MOTCUA_REDIS_URL"] = redis_url
    return env


# --- The application gunicorn serves (this module imported as ``bench.queue``) --------------


def _bench_application() -> Any:
    """``motcua.asgi``'s application with the bench URLconf."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.dev")
    from django.conf import settings

    settings.ROOT_URLCONF = __name__
    from motcua.asgi import application as asgi_application

    return asgi_application


def _bench_urlpatterns() -> list[Any]:
    from django.http import HttpRequest, JsonResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt
    from django.views.decorators.http import require_POST

    from motcua import urls
    from motcua.tickets import selectors, services
    from motcua.tickets.broadcast import hub
    from motcua.tickets.models import CounterSession

    center_id = int(os.environ["MOTCUA_BENCH_CENTER"])

    @csrf_exempt
    @require_POST
    def call(request: HttpRequest) -> JsonResponse:
        session = CounterSession.objects.select_related("counter", "officer").get(
            counter__agency_id=center_id,
            counter__number=int(request.GET["counter"]),
            closed_at__isnull=True,
        )
        current = selectors.ticket_at_counter(counter=session.counter)
        if current is not None:
            services.ticket_finish(session=session, ticket_id=current.pk)
        ticket = services.call_next(session=session)
        return JsonResponse({"number": ticket.display if ticket else None})

    def stats(request: HttpRequest) -> JsonResponse:
        return JsonResponse({"pid": os.getpid(), "subscribers": hub.count()})

    return [path("bench/call/", call), path("bench/stats/", stats), *urls.urlpatterns]


# --- Setup (the parent process) -------------------------------------------------------------


def _setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="motcua.conf.dev",
        MOTCUA_DEBUG="false",
        MOTCUA_DATABASE_URL=database_url(BENCH_DB),
    )
    os.environ.pop("MOTCUA_REDIS_URL", None)  # tickets are taken before the server starts
    import django

    django.setup()


def _prepare(counters: int, tickets_per_service: int) -> int:
    """Migrate, build the center, open ``counters`` counters, take tickets; the center's id.

    The queue tests' world (counter 1 serves A, 2 serves B, 3 both) with more
    counters, odd ones serving A and even ones B, each with its own officer.
    """
    from django.core.management import call_command
    from django.db import connections, transaction

    from motcua.organisations.constants import Role
    from motcua.organisations.models import Counter
    from motcua.organisations.tests.factories import MembershipFactory
    from motcua.tickets import services
    from motcua.tickets.tests.world import make_queue_world

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        world = make_queue_world()
        for n in range(4, counters + 1):
            counter = Counter.objects.create(agency=world.center, number=n, name=f"Quầy {n}")
            world.services["A" if n % 2 else "B"].counters.add(counter)
            world.counters[n] = counter
            membership = MembershipFactory.create(agency=world.center, role=Role.RECEPTION_OFFICER)
            world.officers[n] = membership.user
        world.open(*world.counters)
        for _n in range(tickets_per_service):
            services.ticket_take(service=world.services["A"])
            services.ticket_take(service=world.services["B"])
    connections.close_all()
    return world.center.pk


def _start_server(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "bench.queue:application",
        "--chdir",
        str(ROOT),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "uvicorn_worker.UvicornWorker",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
    ]
    probe = f"http://127.0.0.1:{port}/bench/stats/"
    return start_server(command, env=env, probe_url=probe, log_path=SERVER_LOG)


def _worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return pids


def _rss_mb(master: int) -> float:
    """Resident memory of the server's worker processes (MB)."""
    total_kb = 0
    for pid in _worker_pids(master):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def _subscribers(port: int, workers: int) -> int:
    """Displays the server still holds (asked of each worker, with retries to reach them all)."""
    seen: dict[int, int] = {}
    for _attempt in range(workers * 8):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/stats/", timeout=5) as r:
            body = json.loads(r.read())
        seen[body["pid"]] = body["subscribers"]
        if len(seen) >= workers:
            break
    return sum(seen.values())


# --- Display clients and calls -------------------------------------------------------------


class Displays:
    """``count`` SSE clients on one event stream; the arrival delay of every call."""

    def __init__(self, port: int, path: str, count: int) -> None:
        self.port, self.path, self.count = port, path, count
        self.delays: dict[str, list[float]] = {}
        self.connected = 0
        self.failed = 0
        self.tasks: list[asyncio.Task[None]] = []
        self.writers: list[asyncio.StreamWriter] = []

    async def _client(self, ready: asyncio.Event) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port, limit=2**20)
        except OSError:
            self.failed += 1
            return
        self.writers.append(writer)
        # HTTP/1.0: the body is the raw stream (no chunked framing), ended by closing.
        request = (
            f"GET {self.path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        writer.write(request.encode())
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            self.failed += 1
            return
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass
        counted = False
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                if not line.startswith(b"data: "):
                    continue
                arrived = time.time()
                if not counted:  # the first message: the state (or replay) at connection
                    counted = True
                    self.connected += 1
                    if self.connected == self.count:
                        ready.set()
                    continue
                if b'"type":"call"' not in line:
                    continue
                event = json.loads(line[6:])["event"]
                at = dt.datetime.fromisoformat(event["at"]).timestamp()
                self.delays.setdefault(event["number"], []).append(arrived - at)
        except (ConnectionError, asyncio.CancelledError):
            return

    async def connect(self, timeout: float = 120) -> None:
        ready = asyncio.Event()
        self.tasks = [asyncio.create_task(self._client(ready)) for _n in range(self.count)]
        try:
            await asyncio.wait_for(ready.wait(), timeout)
        except TimeoutError:
            raise SystemExit(
                f"only {self.connected}/{self.count} displays connected ({self.failed} failed)"
            ) from None

    async def close(self) -> None:
        for writer in self.writers:
            writer.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def _make_calls(
    port: int, calls: int, interval: float, counters: int
) -> tuple[list[tuple[str, float]], float, list[str]]:
    """A call every ``interval`` s at counters 1, 2, … ``counters``, 1…, each in its own thread
    (a slow call does not delay the next one); (number, request seconds) per call and the
    calls' duration (s), and the failed attempts that were retried."""
    local = threading.local()

    retried: list[str] = []

    def call(n: int) -> tuple[str, float]:
        sent = time.monotonic()
        for attempt in range(RETRIES + 1):
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("POST", f"/bench/call/?counter={n % counters + 1}", body=b"")
            response = conn.getresponse()
            payload = response.read()
            if response.status == 200:
                number = json.loads(payload)["number"]
                if not number:
                    raise SystemExit(f"call {n}: nobody waits (too few tickets taken)")
                return number, time.monotonic() - sent
            # A failed call (e.g. a database deadlock between two counters) is retried.
            retried.append(f"call {n} attempt {attempt + 1}: HTTP {response.status}")
            local.conn = None
            conn.close()
        raise SystemExit(f"call {n} failed {RETRIES + 1} times; see {SERVER_LOG}")

    start = time.monotonic()
    futures = []
    with ThreadPoolExecutor(max_workers=counters) as pool:
        for n in range(calls):
            pause = start + n * interval - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            futures.append(pool.submit(call, n))
        made = [future.result() for future in futures]
    return made, time.monotonic() - start, retried


async def _round(
    port: int, path: str, clients: int, calls: int, interval: float, counters: int, master: int
) -> dict[str, Any]:
    displays = Displays(port, path, clients)
    started = time.monotonic()
    await displays.connect()
    connect_s = time.monotonic() - started
    rss_connected = _rss_mb(master)
    made, calls_s, retried = await asyncio.to_thread(_make_calls, port, calls, interval, counters)
    await asyncio.sleep(2)  # the last calls' events are still on their way
    rss_after_calls = _rss_mb(master)
    await displays.close()
    return {
        "displays": displays,
        "made": made,
        "calls_s": calls_s,
        "retried": retried,
        "connect_s": connect_s,
        "rss_connected": rss_connected,
        "rss_after_calls": rss_after_calls,
    }


def _quantiles(values: list[float]) -> tuple[float, float, float, float]:
    if len(values) < 2:
        v = values[0] if values else 0.0
        return v, v, v, v
    cuts = statistics.quantiles(values, n=100)
    return cuts[49], cuts[94], cuts[98], max(values)


def _settle(port: int, workers: int, master: int) -> tuple[float, int]:
    """RSS once the server has dropped the displays (waits for their streams to end)."""
    deadline = time.monotonic() + 20
    subscribers = _subscribers(port, workers)
    while subscribers and time.monotonic() < deadline:
        time.sleep(0.5)
        subscribers = _subscribers(port, workers)
    time.sleep(1)
    return _rss_mb(master), subscribers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="display clients")
    parser.add_argument("--calls", type=int, default=200, help="calls in the measured round")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between calls")
    parser.add_argument("--counters", type=int, default=10, help="counters calling in turn")
    parser.add_argument(
        "--rounds", type=int, default=3, help="connect/calls/disconnect rounds (leak check)"
    )
    parser.add_argument("--workers", type=int, default=1, help="gunicorn (uvicorn) workers")
    parser.add_argument("--redis", choices=["auto", "yes", "no"], default="auto")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    use_redis = args.redis == "yes" or (args.redis == "auto" and _redis_answers())
    if not use_redis and args.workers > 1:
        raise SystemExit("without Redis the display events stay in one process: --workers 1")
    if use_redis:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()  # the bench's own database (14)

    recreate_database(BENCH_DB)
    _setup_django()
    later_calls = max(args.calls // 4, 10)
    center_id = _prepare(
        counters=args.counters,
        tickets_per_service=args.calls + later_calls * (args.rounds - 1) + 20,
    )
    env = _server_env(center_id, REDIS_URL if use_redis else None)
    server = _start_server(args.port, args.workers, env)
    path = f"/xep-hang/{center_id}/man-hinh/su-kien/"
    try:
        # Warm up: the state poll (imports, connections, first queries). The HTML page
        # is left out: without DEBUG it needs collectstatic's manifest.
        state_url = f"http://127.0.0.1:{args.port}/xep-hang/{center_id}/man-hinh/trang-thai.json"
        for _n in range(3):
            with urllib.request.urlopen(state_url, timeout=30) as r:
                r.read()
        time.sleep(1)
        rss_rest = _rss_mb(server.pid)
        first = asyncio.run(
            _round(
                args.port, path, args.clients, args.calls, args.interval, args.counters, server.pid
            )
        )
        gone = [_settle(args.port, args.workers, server.pid)]
        again = []
        for _n in range(args.rounds - 1):
            again.append(
                asyncio.run(
                    _round(
                        args.port,
                        path,
                        args.clients,
                        later_calls,
                        args.interval,
                        args.counters,
                        server.pid,
                    )
                )
            )
            gone.append(_settle(args.port, args.workers, server.pid))
    finally:
        stop_server(server)

    displays: Displays = first["displays"]
    delays = [d for per_call in displays.delays.values() for d in per_call]
    slowest = [max(per_call) for per_call in displays.delays.values()]
    missed = sum(
        1 for number, _s in first["made"] if len(displays.delays.get(number, [])) < args.clients
    )
    requests = [s for _n, s in first["made"]]
    p50, p95, p99, worst = _quantiles(delays)
    s50, s95, _s99, _sw = _quantiles(slowest)
    r50, r95, _r99, _rw = _quantiles(requests)
    print()
    print(
        f"gunicorn + uvicorn, {args.workers} worker(s), PostgreSQL, events through "
        f"{'Redis' if use_redis else 'the in-process backend'}; {args.clients} displays, "
        f"{len(first['made'])} calls every {args.interval * 1000:.0f} ms over {args.counters} "
        f"counters (done in {first['calls_s']:.1f} s: {len(first['made']) / first['calls_s']:.1f}"
        " calls/s)"
    )
    print(f"displays connected in {first['connect_s']:.1f} s ({displays.failed} failed)")
    retried = first["retried"] + [r for round_ in again for r in round_["retried"]]
    if retried:
        print(f"call attempts that failed and were retried: {len(retried)} (see {SERVER_LOG})")
    print(
        f"call request (finish + call next, HTTP): p50 {r50 * 1000:.1f} ms, p95 {r95 * 1000:.1f} ms"
    )
    print()
    print(f"{'call → display':<34} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    print(
        f"{'every display, every call':<34} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} "
        f"{p99 * 1000:>8.1f} {worst * 1000:>8.1f}"
    )
    print(f"{'slowest display of each call':<34} {s50 * 1000:>8.1f} {s95 * 1000:>8.1f}")
    print(
        f"deliveries: {len(delays):,} of {len(first['made']) * args.clients:,}; "
        f"calls some display missed: {missed}"
    )
    verdict = "met" if p95 <= GOAL_P95_S and not missed else "NOT met"
    print(f"goal p95 ≤ {GOAL_P95_S * 1000:.0f} ms, nothing missed: {verdict}")
    print()
    print("server memory (RSS of the workers)")
    rows = [
        ("at rest, warmed up", rss_rest),
        (f"{args.clients} displays connected", first["rss_connected"]),
        (f"after {len(first['made'])} calls", first["rss_after_calls"]),
        (f"displays gone (still held: {gone[0][1]})", gone[0][0]),
    ]
    for n, (round_, (rss_gone, held)) in enumerate(zip(again, gone[1:], strict=True), start=2):
        rows.append((f"round {n}: connected, {later_calls} calls", round_["rss_after_calls"]))
        rows.append((f"round {n}: displays gone (still held: {held})", rss_gone))
    for label, value in rows:
        print(f"  {label:<44} {value:8.1f} MB")
    print(
        f"  per display while connected: "
        f"{(first['rss_connected'] - rss_rest) * 1024 / args.clients:.1f} KB"
    )
    if len(gone) > 1:
        steps = ", ".join(
            f"{(b[0] - a[0]) * 1024 / args.clients:+.1f}" for a, b in itertools.pairwise(gone)
        )
        print(f"  growth after the displays left, round to round: {steps} KB/display")
    if not args.keep:
        from django.db import connections

        connections.close_all()
        recreate_database(BENCH_DB, drop_only=True)
    if missed or any(held for _rss, held in gone):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
elif os.environ.get("MOTCUA_BENCH_APP") == "1":
    # Imported by gunicorn as ``bench.queue``: serve the bench application.
    application = _bench_application()
    urlpatterns = _bench_urlpatterns()
