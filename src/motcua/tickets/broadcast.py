"""Live events for the waiting-room displays of a service center (gh-7 item 4).

Writers call :func:`publish` after changing the queue (a call, a recall, a
finished ticket, a counter opened or paused…). After the transaction commits,
the event is stored with the center's fresh display state
(:func:`motcua.tickets.selectors.display_state`) and fanned out to every
display connected to that center, through one of two backends:

* **Redis** (``MOTCUA_REDIS_URL`` set, production): a capped Redis stream per
  center. Any app process may publish; every process runs one listener thread
  per center that has displays connected, so 200 displays cost one Redis
  connection per process, not 200. The stream keeps the last
  :data:`REPLAY_WINDOW` events for reconnecting displays (``Last-Event-ID``).
* **Local** (embedded mode, no broker): an in-process buffer per center.
  ``make demo`` serves from one process, so every request sees it. Several
  processes without Redis only see their own events live; the displays'
  periodic state poll still brings them up to date.

Nothing here is the source of truth: the queue lives in the database, and a
display that cannot replay what it missed (an unknown or too old event id, a
restarted server) receives a full snapshot of the state instead.

Event ids are ``"<int>-<int>"`` strings ordered as integer pairs (Redis stream
ids; in the local backend the process start in ms and a sequence number).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass
from functools import cache, cached_property, partial
from typing import Any, Protocol

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

import redis
import structlog

from . import selectors

log = structlog.stdlib.get_logger(__name__)

# Events kept per center for reconnecting displays (a few minutes of calls).
REPLAY_WINDOW = 500
# A display whose queue holds this many undelivered events is cut off; its
# browser reconnects and replays (so one stuck client cannot grow memory).
SUBSCRIBER_QUEUE_LIMIT = 200
# Redis connections per process for publishing and reading (listeners have their own).
REDIS_POOL_SIZE = 16
# How long the Redis listener blocks in one XREAD (ms).
REDIS_BLOCK_MS = 2000
# Redis stream of a center: this prefix and the center's id.
STREAM_PREFIX = "motcua:tickets:display:"


# --- Events -------------------------------------------------------------------------------------
def _parse_id(event_id: str) -> tuple[int, int] | None:
    head, sep, tail = event_id.partition("-")
    if not sep or not head.isdigit() or not tail.isdigit():
        return None
    return int(head), int(tail)


def id_key(event_id: str) -> tuple[int, int]:
    """Sort key of an event id; malformed ids sort first."""
    return _parse_id(event_id) or (-1, -1)


@dataclass(frozen=True)
class DisplayEvent:
    """One message for the displays: ``data`` is ``{"event": {...}, "state": {...} | None}``."""

    id: str
    data: dict[str, Any]

    @property
    def kind(self) -> str:
        event = self.data.get("event") or {}
        return str(event.get("type") or "update")

    @cached_property
    def _message(self) -> bytes:
        return f"id: {self.id}\ndata: {encode(self.data)}\n\n".encode()

    def sse(self) -> bytes:
        """The event as one Server-Sent Events message (the default ``message`` type).

        Encoded once, however many displays it goes to.
        """
        return self._message


def encode(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


# --- Publishing ---------------------------------------------------------------------------------
def publish(*, center_id: int, event: dict[str, Any]) -> None:
    """Send ``event`` to the center's displays once the current transaction commits.

    ``event`` is JSON-serialisable and has a ``"type"``; the displays announce
    ``"call"`` and ``"recall"`` events by voice and need ``"number"`` (e.g.
    ``"A023"``) and ``"counter"`` (the counter's number or name as said aloud,
    e.g. ``"5"``) in them. Any event makes the displays redraw from the state
    sent with it. Never raises: a display that misses an event catches up by
    its state poll.
    """
    try:
        transaction.on_commit(partial(_publish_now, center_id, dict(event)))
    except Exception:
        log.exception("tickets.broadcast.publish_failed", center_id=center_id)


def _publish_now(center_id: int, event: dict[str, Any]) -> None:
    try:
        data = {
            "event": event,
            "state": current_state(center_id),
            "published_at": timezone.now().isoformat(),
        }
        get_backend().append(center_id, data)
    except Exception:
        log.exception("tickets.broadcast.publish_failed", center_id=center_id)


def current_state(center_id: int) -> dict[str, Any]:
    """The center's display state (JSON-ready)."""
    state = selectors.display_state(center_id=center_id)
    # Round-trip through JSON so dates and decimals become what the browser sees.
    result: dict[str, Any] = json.loads(encode(state))
    return result


# A new display's snapshot is reused this long when no event came in between: when
# all the displays reconnect at once (a restart), the state is read once, not 200 times.
SNAPSHOT_SECONDS = 2.0
_snapshots: dict[int, tuple[str, float, dict[str, Any]]] = {}
_snapshot_lock = threading.Lock()


def snapshot(center_id: int) -> tuple[str, dict[str, Any]]:
    """The newest event id of the center and its current state (read after the id, so
    every event after the id is replayable on top of it)."""
    backend = get_backend()
    newest = backend.last_id(center_id)
    cached = _snapshots.get(center_id)
    if cached and cached[0] == newest and time.monotonic() - cached[1] < SNAPSHOT_SECONDS:
        return newest, cached[2]
    with _snapshot_lock:  # one reader per process; the others wait and take its result
        cached = _snapshots.get(center_id)
        if cached and cached[0] == newest and time.monotonic() - cached[1] < SNAPSHOT_SECONDS:
            return newest, cached[2]
        state = current_state(center_id)
        _snapshots[center_id] = (newest, time.monotonic(), state)
    return newest, state


# --- Subscribers (per process) ------------------------------------------------------------------
class Subscriber(Protocol):
    def deliver(self, event: DisplayEvent) -> None: ...

    def cut_off(self) -> None: ...


class _Hub:
    """The displays connected to this process, per center."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.subscribers: dict[int, set[Subscriber]] = {}

    def add(self, center_id: int, subscriber: Subscriber) -> None:
        with self.lock:
            self.subscribers.setdefault(center_id, set()).add(subscriber)

    def remove(self, center_id: int, subscriber: Subscriber) -> None:
        with self.lock:
            subs = self.subscribers.get(center_id)
            if subs is not None:
                subs.discard(subscriber)
                if not subs:
                    del self.subscribers[center_id]

    def count(self, center_id: int | None = None) -> int:
        with self.lock:
            if center_id is None:
                return sum(len(s) for s in self.subscribers.values())
            return len(self.subscribers.get(center_id, ()))

    def dispatch(self, center_id: int, event: DisplayEvent) -> None:
        with self.lock:
            subs = list(self.subscribers.get(center_id, ()))
        for sub in subs:
            try:
                sub.deliver(event)
            except Exception:
                log.exception("tickets.broadcast.deliver_failed", center_id=center_id)


hub = _Hub()


class AsyncSubscriber:
    """A display served by an async view: events arrive on its event loop."""

    def __init__(self, center_id: int) -> None:
        self.center_id = center_id
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[DisplayEvent | None] = asyncio.Queue()
        self.closed = False

    def _put(self, item: DisplayEvent | None) -> None:
        if self.closed:
            return
        if item is not None and self.queue.qsize() >= SUBSCRIBER_QUEUE_LIMIT:
            self.cut_off()
            return
        self.queue.put_nowait(item)

    def deliver(self, event: DisplayEvent) -> None:
        try:
            self.loop.call_soon_threadsafe(self._put, event)
        except RuntimeError:  # the loop is closed: the display is gone
            self.closed = True

    def cut_off(self) -> None:
        # Drop what is queued and end the stream: the browser reconnects and replays.
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)
        self.closed = True

    async def get(self, timeout: float) -> DisplayEvent | None:
        """The next event; None when cut off; raises TimeoutError after ``timeout`` s."""
        return await asyncio.wait_for(self.queue.get(), timeout)


class SyncSubscriber:
    """A display served by a thread (WSGI, e.g. ``runserver`` in the demo)."""

    def __init__(self, center_id: int) -> None:
        self.center_id = center_id
        self.queue: queue.SimpleQueue[DisplayEvent | None] = queue.SimpleQueue()
        self.closed = False

    def deliver(self, event: DisplayEvent) -> None:
        if self.closed:
            return
        if self.queue.qsize() >= SUBSCRIBER_QUEUE_LIMIT:
            self.cut_off()
            return
        self.queue.put(event)

    def cut_off(self) -> None:
        self.closed = True
        self.queue.put(None)

    def get(self, timeout: float) -> DisplayEvent | None:
        """The next event; None when cut off; raises queue.Empty after ``timeout`` s."""
        return self.queue.get(timeout=timeout)


# --- Backends -----------------------------------------------------------------------------------
class Backend(Protocol):
    def append(self, center_id: int, data: dict[str, Any]) -> DisplayEvent: ...

    def last_id(self, center_id: int) -> str:
        """The newest event's id (or the floor id when there is none yet)."""
        ...

    def since(self, center_id: int, last_id: str) -> list[DisplayEvent] | None:
        """Events after ``last_id``, or None when they cannot all be replayed."""
        ...

    def subscribe(self, center_id: int, subscriber: Subscriber) -> None:
        """Start delivering the center's new events to ``subscriber`` (blocks briefly)."""
        ...

    def unsubscribe(self, center_id: int, subscriber: Subscriber) -> None: ...


class LocalBackend:
    """Events kept in this process (embedded mode)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.epoch = time.time_ns() // 1_000_000
        self.seq = itertools.count(1)
        self.buffers: dict[int, deque[DisplayEvent]] = {}
        # The newest id each center's buffer has dropped (replay is exact above it).
        self.floors: dict[int, str] = {}

    def _floor(self, center_id: int) -> str:
        return self.floors.get(center_id, f"{self.epoch}-0")

    def append(self, center_id: int, data: dict[str, Any]) -> DisplayEvent:
        with self.lock:
            event = DisplayEvent(id=f"{self.epoch}-{next(self.seq)}", data=data)
            buffer = self.buffers.setdefault(center_id, deque())
            buffer.append(event)
            if len(buffer) > REPLAY_WINDOW:
                self.floors[center_id] = buffer.popleft().id
            # Under the lock: displays get the events in id order (one that got a later
            # event first would skip the earlier one as already seen).
            hub.dispatch(center_id, event)
        return event

    def last_id(self, center_id: int) -> str:
        with self.lock:
            buffer = self.buffers.get(center_id)
            return buffer[-1].id if buffer else self._floor(center_id)

    def since(self, center_id: int, last_id: str) -> list[DisplayEvent] | None:
        cursor = _parse_id(last_id)
        with self.lock:
            floor = id_key(self._floor(center_id))
            buffer = list(self.buffers.get(center_id, ()))
        newest = id_key(buffer[-1].id) if buffer else floor
        if cursor is None or not floor <= cursor <= newest:
            return None
        return [e for e in buffer if id_key(e.id) > cursor]

    def subscribe(self, center_id: int, subscriber: Subscriber) -> None:
        hub.add(center_id, subscriber)

    def unsubscribe(self, center_id: int, subscriber: Subscriber) -> None:
        hub.remove(center_id, subscriber)


class RedisBackend:
    """Events in a capped Redis stream per center; one listener thread per center and process."""

    def __init__(self, url: str, *, prefix: str = STREAM_PREFIX) -> None:
        self.url = url
        self.prefix = prefix
        # Many displays connect at once (a restart): they wait for one of a few connections
        # instead of opening one each.
        pool = redis.BlockingConnectionPool.from_url(
            url,
            max_connections=REDIS_POOL_SIZE,
            timeout=10,
            socket_timeout=5,
            socket_connect_timeout=2,
        )
        self.client = redis.Redis(connection_pool=pool)
        self.lock = threading.Lock()
        self.listeners: dict[int, _RedisListener] = {}

    def key(self, center_id: int) -> str:
        return f"{self.prefix}{center_id}"

    @staticmethod
    def _event(entry: tuple[Any, dict[Any, Any]]) -> DisplayEvent:
        raw_id, fields = entry
        event_id = raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id)
        body = fields.get(b"d") or fields.get("d") or b"{}"
        return DisplayEvent(id=event_id, data=json.loads(body))

    def append(self, center_id: int, data: dict[str, Any]) -> DisplayEvent:
        raw_id = self.client.xadd(
            self.key(center_id), {"d": encode(data)}, maxlen=REPLAY_WINDOW, approximate=True
        )
        event_id = raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id)
        # The listener threads (this process's and others') deliver it to the displays.
        return DisplayEvent(id=event_id, data=data)

    def last_id(self, center_id: int) -> str:
        entries: Any = self.client.xrevrange(self.key(center_id), count=1)
        return self._event(entries[0]).id if entries else "0-0"

    def since(self, center_id: int, last_id: str) -> list[DisplayEvent] | None:
        if _parse_id(last_id) is None:
            return None
        key = self.key(center_id)
        raw: Any = self.client.xrange(key, min=last_id, count=REPLAY_WINDOW + 1)
        entries = [self._event(e) for e in raw]
        if entries and entries[0].id == last_id:
            return entries[1:]
        if last_id == "0-0" and not self._ever_trimmed(key):
            return entries
        return None

    def _ever_trimmed(self, key: str) -> bool:
        try:
            info: Any = self.client.xinfo_stream(key)
        except Exception:  # no stream yet
            return False
        deleted = info.get("max-deleted-entry-id") or info.get(b"max-deleted-entry-id") or "0-0"
        if isinstance(deleted, bytes):
            deleted = deleted.decode()
        return str(deleted) != "0-0"

    def subscribe(self, center_id: int, subscriber: Subscriber) -> None:
        with self.lock:
            hub.add(center_id, subscriber)
            listener = self.listeners.get(center_id)
            if listener is None or listener.stopping:
                listener = _RedisListener(self, center_id)
                self.listeners[center_id] = listener
                listener.start()
        listener.ready.wait(timeout=5)

    def unsubscribe(self, center_id: int, subscriber: Subscriber) -> None:
        hub.remove(center_id, subscriber)

    def listener_done(self, listener: _RedisListener) -> bool:
        """Called by a listener between reads: True (and forgotten) when nobody listens."""
        with self.lock:
            if hub.count(listener.center_id):
                return False
            listener.stopping = True
            if self.listeners.get(listener.center_id) is listener:
                del self.listeners[listener.center_id]
            return True


class _RedisListener(threading.Thread):
    def __init__(self, backend: RedisBackend, center_id: int) -> None:
        super().__init__(name=f"tickets-display-{center_id}", daemon=True)
        self.backend = backend
        self.center_id = center_id
        self.ready = threading.Event()
        self.stopping = False

    def run(self) -> None:
        client = redis.Redis.from_url(
            self.backend.url, socket_timeout=REDIS_BLOCK_MS / 1000 + 5, socket_connect_timeout=2
        )
        key = self.backend.key(self.center_id)
        cursor: str | None = None
        try:
            while True:
                try:
                    if cursor is None:
                        # Start at the newest id *before* saying ready: a display that
                        # subscribed reads its own cursor afterwards, so nothing falls between.
                        cursor = self.backend.last_id(self.center_id)
                        self.ready.set()
                    response: Any = client.xread({key: cursor}, block=REDIS_BLOCK_MS, count=100)
                except Exception:
                    log.exception("tickets.broadcast.redis_listen_failed", center_id=self.center_id)
                    self.ready.set()
                    time.sleep(1)
                    if self.backend.listener_done(self):
                        return
                    continue
                for _key, entries in response or ():
                    for entry in entries:
                        event = RedisBackend._event(entry)
                        cursor = event.id
                        hub.dispatch(self.center_id, event)
                if not response and self.backend.listener_done(self):
                    return
        finally:
            client.close()


@cache
def get_backend() -> Backend:
    """The backend for this process (Redis when configured)."""
    url = getattr(settings, "REDIS_URL", None)
    if url:
        return RedisBackend(url)
    return LocalBackend()


def reset_backend() -> None:
    """Forget the backend and the snapshots (tests)."""
    get_backend.cache_clear()
    _snapshots.clear()
