"""The waiting-room display (gh-7 item 4): the TV page, its event stream and its state poll.

The page is public (a TV in the waiting room shows only ticket and counter
numbers) and renders the current state on the server, so it shows the queue
even before its script runs. The script then follows the center's events
(``display_events``, Server-Sent Events) and polls ``display_state_json``
now and then, and more often while the stream is down.

The stream view is a plain (sync) view that picks its iterator by server: an
async generator under ASGI (``gunicorn -k uvicorn_worker.UvicornWorker
motcua.asgi``: a coroutine per display) and a sync generator under WSGI
(``runserver`` in ``make demo`` and the live server of the browser tests: a
thread per display). Both follow the same steps (:func:`opening`, then the
subscriber's events) and end after :data:`STREAM_SECONDS`; the browser then
reconnects with ``Last-Event-ID`` and loses nothing.
"""

from __future__ import annotations

import datetime as dt
import queue
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import structlog
from asgiref.sync import sync_to_async

from motcua.organisations.models import COUNTER_AGENCY_KINDS, Agency

from . import broadcast
from .broadcast import AsyncSubscriber, DisplayEvent, SyncSubscriber, get_backend, id_key
from .constants import CounterState

# A stream ends after this long; the browser reconnects at once and replays what it missed.
STREAM_SECONDS = 600
# A "ping" event this often: keeps proxies from closing an idle stream, and tells the
# page that the connection is alive (EventSource does not show comments to scripts).
PING_SECONDS = 15
# How long the browser waits before reconnecting after the stream ends or fails (ms).
RETRY_MS = 2000
PING = b"event: ping\ndata: {}\n\n"
# A missed call replayed later than this is shown but not announced.
ANNOUNCE_SECONDS = 120

log = structlog.stdlib.get_logger(__name__)


def _center(center_id: int) -> Agency:
    return get_object_or_404(
        Agency.objects.only("id", "name", "name_en"), pk=center_id, kind__in=COUNTER_AGENCY_KINDS
    )


# Centers known to exist, and since when (monotonic s): the stream and the poll, which
# every display opens often, then need no query to check the center.
CENTER_CHECK_SECONDS = 60.0
_checked_centers: dict[int, float] = {}


def _check_center(center_id: int) -> None:
    """404 unless ``center_id`` is a service center or one-stop desk (remembered a minute)."""
    checked = _checked_centers.get(center_id)
    if checked is not None and time.monotonic() - checked < CENTER_CHECK_SECONDS:
        return
    _center(center_id)
    release_database()
    _checked_centers[center_id] = time.monotonic()


def counter_state_labels() -> dict[str, str]:
    return {str(value): str(label) for value, label in CounterState.choices}


def display_texts() -> dict[str, Any]:
    """What the page's script writes and says, in the page's language."""
    return {
        "call": gettext("Mời số %(number)s đến quầy số %(counter)s"),
        "counter": gettext("Quầy %(number)s"),
        "waiting": gettext("Đang chờ: %(count)s"),
        "no_calls": gettext("Chưa có số nào được gọi."),
        "online": gettext("Đã kết nối"),
        "reconnecting": gettext("Đang kết nối lại…"),
        "states": counter_state_labels(),
    }


def with_labels(state: dict[str, Any] | None) -> dict[str, Any] | None:
    """The state with each counter's state label (for the server-rendered page)."""
    if state is None:
        return None
    labels = counter_state_labels()
    counters = [
        {**c, "state_label": labels.get(str(c.get("state")), "")} for c in state.get("counters", [])
    ]
    return {**state, "counters": counters}


# --- The page -----------------------------------------------------------------------------------
@require_GET
def display(request: HttpRequest, center_id: int) -> HttpResponse:
    """The TV page of a center: counters serving, last calls, next numbers per service."""
    center = _center(center_id)
    # The cursor first: every event after it is replayed when the stream connects.
    cursor, state = broadcast.snapshot(center.pk)
    return render(
        request,
        "tickets/display.html",
        {
            "center": center,
            "state": with_labels(state),
            "cursor": cursor,
            "stream_url": reverse("tickets:display-events", args=[center.pk]),
            "state_url": reverse("tickets:display-state", args=[center.pk]),
            "texts": display_texts(),
        },
    )


@require_GET
@never_cache
def display_state_json(request: HttpRequest, center_id: int) -> JsonResponse:
    """``{"id": <newest event id>, "state": {...}}``: the poll of the display."""
    _check_center(center_id)
    try:
        cursor, state = broadcast.snapshot(center_id)
    except Exception:  # the broker is down: the state still comes from the database
        log.exception("tickets.display.backend_unavailable", center_id=center_id)
        cursor, state = "", broadcast.current_state(center_id)
    return JsonResponse({"id": cursor, "state": state}, json_dumps_params={"ensure_ascii": False})


# --- The event stream ---------------------------------------------------------------------------
def opening(center_id: int, cursor: str) -> tuple[list[bytes], str]:
    """The first messages of a stream and the id they bring the display to.

    The events after ``cursor`` when they can all be replayed; otherwise one
    ``state`` message with the whole current state.
    """
    backend = get_backend()
    try:
        if cursor:
            replay = backend.since(center_id, cursor)
            if replay is not None:
                return [_replayed(e) for e in replay], (replay[-1].id if replay else cursor)
        newest, state = broadcast.snapshot(center_id)
        message = DisplayEvent(id=newest, data={"event": {"type": "state"}, "state": state})
        return [message.sse()], newest
    finally:
        release_database()


def _replayed(event: DisplayEvent) -> bytes:
    """A missed event; one older than :data:`ANNOUNCE_SECONDS` as a ``replay`` event, which
    the page shows but does not announce (decided here: the TV's clock may be wrong)."""
    try:
        published = dt.datetime.fromisoformat(str(event.data.get("published_at")))
    except ValueError:
        return event.sse()
    if timezone.now() - published > dt.timedelta(seconds=ANNOUNCE_SECONDS):
        return b"event: replay\n" + event.sse()
    return event.sse()


def release_database() -> None:
    """Give this thread's database connections back now: a stream lasts minutes and
    needs none after its first message (200 displays must not hold 200 connections)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:  # a test's transaction stays open
            conn.close()


def _cursor(request: HttpRequest) -> str:
    # EventSource sends Last-Event-ID when it reconnects by itself; the page passes
    # ?since= on its first connection (the id it was rendered at) and when it reconnects.
    return (request.headers.get("Last-Event-ID") or request.GET.get("since") or "").strip()[:64]


@require_GET
def display_events(request: HttpRequest, center_id: int) -> HttpResponse | StreamingHttpResponse:
    """The center's display events as Server-Sent Events."""
    _check_center(center_id)
    cursor = _cursor(request)
    try:
        get_backend().last_id(center_id)
    except Exception:  # the broker is down: the page polls the state until it is back
        log.exception("tickets.display.backend_unavailable", center_id=center_id)
        return HttpResponse(status=503, headers={"Retry-After": "5"})
    content: Iterator[bytes] | AsyncIterator[bytes]
    if isinstance(request, ASGIRequest):
        content = _async_stream(center_id, cursor)
    else:
        content = _sync_stream(center_id, cursor)
    response = StreamingHttpResponse(content, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _sync_stream(center_id: int, cursor: str) -> Iterator[bytes]:
    backend = get_backend()
    subscriber = SyncSubscriber(center_id)
    backend.subscribe(center_id, subscriber)
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        messages, last = opening(center_id, cursor)
        yield from messages
        deadline = time.monotonic() + STREAM_SECONDS
        while time.monotonic() < deadline:
            try:
                event = subscriber.get(timeout=PING_SECONDS)
            except queue.Empty:
                yield PING
                continue
            if event is None:  # cut off (too slow): the browser reconnects and replays
                return
            if id_key(event.id) <= id_key(last):
                continue
            last = event.id
            yield event.sse()
    finally:
        backend.unsubscribe(center_id, subscriber)


async def _async_stream(center_id: int, cursor: str) -> AsyncIterator[bytes]:
    backend = get_backend()
    subscriber = AsyncSubscriber(center_id)
    # Redis: may wait (briefly) for this process's listener of the center to start.
    await sync_to_async(backend.subscribe, thread_sensitive=False)(center_id, subscriber)
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        messages, last = await sync_to_async(opening)(center_id, cursor)
        for message in messages:
            yield message
        deadline = time.monotonic() + STREAM_SECONDS
        while time.monotonic() < deadline:
            try:
                event = await subscriber.get(timeout=PING_SECONDS)
            except TimeoutError:
                yield PING
                continue
            if event is None:
                return
            if id_key(event.id) <= id_key(last):
                continue
            last = event.id
            yield event.sse()
    finally:  # also when the display goes away (the task is cancelled)
        subscriber.closed = True
        backend.unsubscribe(center_id, subscriber)
