"""What the server benchmarks share: their PostgreSQL database and the server process.

``bench/dossiers.py`` and ``bench/queue.py`` use it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit


def postgres_server_url() -> str:
    """The PostgreSQL server the benchmarks create their databases on."""
    return os.environ.get("MOTCUA_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")


def database_url(name: str) -> str:
    return postgres_server_url().rstrip("/") + "/" + name


def recreate_database(name: str, *, drop_only: bool = False) -> None:
    """Drop the database ``name`` (closing its sessions) and, unless ``drop_only``, create it."""
    import psycopg

    admin = urlsplit(postgres_server_url())._replace(scheme="postgresql", path="/postgres")
    with psycopg.connect(admin.geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def start_server(
    command: list[str], *, env: dict[str, str], probe_url: str, log_path: Path
) -> subprocess.Popen[bytes]:
    """Start ``command`` (a server, in its own session) and wait until ``probe_url`` answers."""
    log = log_path.open("w")
    process = subprocess.Popen(  # noqa: S603  # the benchmark's own fixed command
        command, env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(probe_url, timeout=2) as r:  # noqa: S310  # local
                if r.status == 200:
                    return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"the server exited during start-up; see {log_path}") from None
            time.sleep(0.3)
    stop_server(process)
    raise SystemExit(f"the server did not answer within 60 s; see {log_path}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop the server started by :func:`start_server` and its workers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
