"""The waiting-room display (gh-7 item 4): broadcast backends, the page, its state poll and
its event stream (WSGI and ASGI), replay on reconnection (Last-Event-ID).

The queue is driven through the real services (``counter_open``, ``ticket_take``,
``call_next``…), whose events reach the displays after commit.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any, cast
from unittest import mock

from django.db import connection
from django.test import TestCase, override_settings, tag
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import redis
import time_machine
from asgiref.sync import sync_to_async

from motcua.organisations.constants import AgencyKind
from motcua.organisations.tests.factories import AgencyFactory
from motcua.tickets import broadcast, services
from motcua.tickets.broadcast import (
    DisplayEvent,
    LocalBackend,
    RedisBackend,
    SyncSubscriber,
    get_backend,
    hub,
    id_key,
)
from motcua.tickets.models import Ticket

from .world import MORNING, QueueWorld, make_queue_world

REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def parse(chunk: bytes) -> dict[str, Any]:
    """One SSE message as {"id": …, "event": …, "data": {...}} (comments and retry dropped)."""
    message: dict[str, Any] = {}
    for line in chunk.decode().splitlines():
        field, _sep, value = line.partition(": ")
        if field == "data":
            message["data"] = json.loads(value)
        elif field in {"id", "event", "retry"}:
            message[field] = value
    return message


def end_streams(center_id: int, *streams: Iterator[bytes]) -> None:
    """End the center's streams as the server does when it cuts a display off, and read
    them to their end (the test client then finishes the request cleanly; closing the
    response instead would close the test's transaction's connection on PostgreSQL)."""
    with hub.lock:
        subscribers = list(hub.subscribers.get(center_id, ()))
    for subscriber in subscribers:
        subscriber.cut_off()
    for stream in streams:
        for _chunk in stream:
            pass


class DisplayTestCase(TestCase):
    def setUp(self) -> None:
        self.clock = time_machine.travel(MORNING, tick=True)
        self.clock.start()
        self.addCleanup(self.clock.stop)
        broadcast.reset_backend()
        self.addCleanup(broadcast.reset_backend)
        self.w: QueueWorld = make_queue_world()
        self.center_id = self.w.center.pk

    def committed(self) -> Any:
        """Run the on-commit callbacks (the broadcast) at the end of the block, as a commit does."""
        return self.captureOnCommitCallbacks(execute=True)

    def take(self, prefix: str = "A") -> Ticket:
        with self.committed():
            return services.ticket_take(service=self.w.services[prefix])

    def open(self, *numbers: int) -> None:
        with self.committed():
            self.w.open(*numbers)

    def call(self, counter: int) -> Ticket:
        with self.committed():
            ticket = services.call_next(session=self.w.sessions[counter])
        assert ticket is not None
        return ticket

    def url(self, name: str, center_id: int | None = None) -> str:
        return reverse(f"tickets:{name}", args=[center_id or self.center_id])


# --- Broadcast ----------------------------------------------------------------------------------
@tag("gh-7")
class LocalBroadcastTests(DisplayTestCase):
    def test_a_call_is_published_after_commit_with_the_fresh_state(self) -> None:
        self.open(1)
        self.take("A")
        backend = get_backend()
        self.assertIsInstance(backend, LocalBackend)
        before = backend.last_id(self.center_id)
        ticket = self.call(1)
        events = backend.since(self.center_id, before)
        assert events is not None
        self.assertEqual(len(events), 1)
        data = events[0].data
        self.assertEqual(data["event"]["type"], "call")
        self.assertEqual((data["event"]["number"], data["event"]["counter"]), (ticket.display, 1))
        self.assertEqual(data["state"]["last_calls"][0]["ticket"], "A001")
        counter_1 = next(c for c in data["state"]["counters"] if c["number"] == 1)
        self.assertEqual(counter_1["ticket"], "A001")
        self.assertIn("published_at", data)

    def test_nothing_is_published_when_the_transaction_rolls_back(self) -> None:
        self.open(1)
        backend = get_backend()
        before = backend.last_id(self.center_id)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            services.ticket_take(service=self.w.services["A"])
        # The callbacks are dropped, as a rollback drops them.
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(backend.since(self.center_id, before), [])

    def test_publish_never_raises_and_logs_the_failure(self) -> None:
        with (
            mock.patch.object(LocalBackend, "append", side_effect=OSError("disk full")),
            mock.patch.object(broadcast.log, "exception") as logged,
            self.committed(),
        ):
            broadcast.publish(center_id=self.center_id, event={"type": "call"})
        logged.assert_called_once()
        with mock.patch.object(broadcast.transaction, "on_commit", side_effect=RuntimeError):
            broadcast.publish(center_id=self.center_id, event={"type": "call"})

    def test_replay_after_an_id_and_unknown_ids(self) -> None:
        backend = LocalBackend()
        first = backend.append(7, {"event": {"type": "ticket"}})
        second = backend.append(7, {"event": {"type": "call"}})
        third = backend.append(7, {"event": {"type": "finish"}})
        self.assertEqual(backend.since(7, first.id), [second, third])
        self.assertEqual(backend.since(7, third.id), [])
        # An id from before this process started (a restarted server), or garbage: no replay.
        self.assertIsNone(backend.since(7, "1-1"))
        self.assertIsNone(backend.since(7, "garbage"))
        self.assertIsNone(backend.since(7, f"{backend.epoch}-999"))  # from the future
        # No event yet: the floor id replays everything that comes later.
        floor = backend.last_id(8)
        later = backend.append(8, {"event": {"type": "call"}})
        self.assertEqual(backend.since(8, floor), [later])

    def test_the_replay_window_is_bounded(self) -> None:
        backend = LocalBackend()
        with mock.patch.object(broadcast, "REPLAY_WINDOW", 3):
            events = [backend.append(7, {"event": {"type": "call", "n": n}}) for n in range(5)]
        self.assertEqual(len(backend.buffers[7]), 3)
        self.assertIsNone(backend.since(7, events[0].id))  # dropped: a snapshot instead
        self.assertEqual(backend.since(7, events[1].id), events[2:])

    def test_subscribers_get_events_and_a_stuck_one_is_cut_off(self) -> None:
        backend = LocalBackend()
        subscriber = SyncSubscriber(7)
        backend.subscribe(7, subscriber)
        self.addCleanup(backend.unsubscribe, 7, subscriber)
        event = backend.append(7, {"event": {"type": "call"}})
        self.assertEqual(subscriber.get(timeout=1), event)
        with mock.patch.object(broadcast, "SUBSCRIBER_QUEUE_LIMIT", 2):
            for _n in range(3):
                backend.append(7, {"event": {"type": "call"}})
        self.assertTrue(subscriber.closed)
        self.assertIsNotNone(subscriber.get(timeout=1))
        self.assertIsNotNone(subscriber.get(timeout=1))
        self.assertIsNone(subscriber.get(timeout=1))  # the end: the display reconnects
        backend.unsubscribe(7, subscriber)
        self.assertEqual(hub.count(7), 0)

    def test_concurrent_publishers_deliver_every_event_in_id_order(self) -> None:
        backend = LocalBackend()
        subscriber = SyncSubscriber(7)
        backend.subscribe(7, subscriber)
        self.addCleanup(backend.unsubscribe, 7, subscriber)

        def publish_many() -> None:
            for _n in range(40):
                backend.append(7, {"event": {"type": "call"}})

        # 160 events: under the queue limit of a display that reads nothing meanwhile.
        # Threads switch as often as possible, so a publisher is often interrupted.
        self.addCleanup(sys.setswitchinterval, sys.getswitchinterval())
        sys.setswitchinterval(1e-6)
        threads = [threading.Thread(target=publish_many) for _t in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        received = [subscriber.get(timeout=1) for _n in range(160)]
        keys = [id_key(e.id) for e in received if e is not None]
        self.assertEqual(len(keys), 160)
        self.assertEqual(keys, sorted(keys))

    def test_event_ids_order_as_integer_pairs(self) -> None:
        self.assertLess(id_key("9-1"), id_key("10-0"))
        self.assertLess(id_key("10-2"), id_key("10-10"))
        self.assertEqual(id_key("x"), (-1, -1))
        message = parse(DisplayEvent(id="5-1", data={"event": {"type": "call"}}).sse())
        self.assertEqual(message, {"id": "5-1", "data": {"event": {"type": "call"}}})


@tag("gh-7")
class RedisBroadcastTests(DisplayTestCase):
    def setUp(self) -> None:
        if not redis_available():
            self.skipTest(f"Redis is not reachable at {REDIS_URL} (MOTCUA_TEST_REDIS_URL)")
        super().setUp()
        self.backend = RedisBackend(REDIS_URL, prefix=f"test:display:{uuid.uuid4().hex}:")
        self.addCleanup(self._drop_keys)
        patcher = mock.patch.object(broadcast, "get_backend", return_value=self.backend)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _drop_keys(self) -> None:
        for key in self.backend.client.scan_iter(f"{self.backend.prefix}*"):
            self.backend.client.delete(key)

    def test_publish_subscribe_and_replay_through_redis(self) -> None:
        subscriber = SyncSubscriber(self.center_id)
        self.backend.subscribe(self.center_id, subscriber)
        self.addCleanup(self.backend.unsubscribe, self.center_id, subscriber)
        start = self.backend.last_id(self.center_id)
        self.assertEqual(start, "0-0")
        self.open(1)
        self.take("A")
        ticket = self.call(1)
        received = [subscriber.get(timeout=5) for _n in range(3)]
        kinds = [e.kind for e in received if e is not None]
        self.assertEqual(kinds, ["counter", "ticket", "call"])
        call = received[-1]
        assert call is not None
        self.assertEqual(call.data["event"]["number"], ticket.display)
        self.assertEqual(call.data["state"]["last_calls"][0]["ticket"], ticket.display)
        # Replay: after the first event, the two others; from the empty stream, all three.
        first = received[0]
        assert first is not None
        replay = self.backend.since(self.center_id, first.id)
        assert replay is not None
        self.assertEqual([e.kind for e in replay], ["ticket", "call"])
        replay = self.backend.since(self.center_id, start)
        assert replay is not None
        self.assertEqual(len(replay), 3)
        self.assertIsNone(self.backend.since(self.center_id, "1-0"))  # not in the stream

    def test_another_process_publishing_reaches_this_process_listener(self) -> None:
        subscriber = SyncSubscriber(self.center_id)
        self.backend.subscribe(self.center_id, subscriber)
        self.addCleanup(self.backend.unsubscribe, self.center_id, subscriber)
        # Another app server: its own backend object and Redis connection.
        other = RedisBackend(REDIS_URL, prefix=self.backend.prefix)
        sent = other.append(self.center_id, {"event": {"type": "call", "number": "B001"}})
        received = subscriber.get(timeout=5)
        assert received is not None
        self.assertEqual((received.id, received.data["event"]["number"]), (sent.id, "B001"))

    def test_the_listener_stops_when_the_last_display_leaves(self) -> None:
        subscriber = SyncSubscriber(self.center_id)
        self.backend.subscribe(self.center_id, subscriber)
        listener = self.backend.listeners[self.center_id]
        self.backend.unsubscribe(self.center_id, subscriber)
        listener.join(timeout=broadcast.REDIS_BLOCK_MS / 1000 + 3)
        self.assertFalse(listener.is_alive())
        self.assertNotIn(self.center_id, self.backend.listeners)


# --- Page and state poll ------------------------------------------------------------------------
@tag("gh-7")
class DisplayPageTests(DisplayTestCase):
    def test_the_page_shows_counters_last_calls_and_next_numbers(self) -> None:
        self.open(1, 2)
        self.take("A")
        self.take("A")
        self.take("B")
        self.call(1)
        with CaptureQueriesContext(connection) as few:
            response = self.client.get(self.url("display"))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn(self.w.center.name, page)
        self.assertIn('<html lang="vi">', page)
        self.assertInHTML('<p class="qd-latest-number">A001</p>', page)
        self.assertIn("Mời số A001 đến quầy số 1", page)
        self.assertInHTML('<td class="qd-ticket">A001</td>', page)
        self.assertInHTML('<ol class="qd-next"><li>A002</li></ol>', page)
        self.assertInHTML('<ol class="qd-next"><li>B001</li></ol>', page)
        self.assertIn("Đóng", page)  # counter 3 is not open
        self.assertIn(f'data-stream-url="{self.url("display-events")}"', page)
        texts = json.loads(page.split('id="qd-texts" type="application/json">')[1].split("<")[0])
        self.assertEqual(texts["call"], "Mời số %(number)s đến quầy số %(counter)s")
        self.assertEqual(texts["reconnecting"], "Đang kết nối lại…")
        # Strict CSP: scripts and styles are files, none inline.
        self.assertNotIn("<script>", page)
        self.assertNotIn("style=", page)
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        # The number of queries does not grow with the queue.
        for _n in range(5):
            self.take("A")
            self.take("B")
        self.open(3)
        self.call(2)
        self.call(3)
        with self.assertNumQueries(len(few)):
            self.client.get(self.url("display"))

    def test_english_page_and_unknown_or_non_center_agencies(self) -> None:
        response = self.client.get("/en" + self.url("display"))
        self.assertContains(response, '<html lang="en">')
        self.assertEqual(self.client.get(self.url("display", 999_999)).status_code, 404)
        ministry = AgencyFactory(kind=AgencyKind.PEOPLES_COMMITTEE)
        self.assertEqual(self.client.get(self.url("display", ministry.pk)).status_code, 404)
        self.assertEqual(self.client.get(self.url("display-events", ministry.pk)).status_code, 404)

    def test_state_endpoint_json_shape(self) -> None:
        self.open(1)
        self.take("A")
        self.take("B")
        self.call(1)
        response = self.client.get(self.url("display-state"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-cache", response["Cache-Control"])
        body = response.json()
        self.assertEqual(set(body), {"id", "state"})
        self.assertEqual(body["id"], get_backend().last_id(self.center_id))
        state = body["state"]
        self.assertEqual(set(state), {"center", "counters", "last_calls", "waiting", "at"})
        self.assertEqual(state["center"], {"id": self.center_id, "name": self.w.center.name})
        self.assertEqual(
            [(c["number"], c["state"], c["ticket"]) for c in state["counters"]],
            [(1, "open", "A001"), (2, "closed", None), (3, "closed", None)],
        )
        self.assertEqual(
            {k: state["last_calls"][0][k] for k in ("ticket", "counter")},
            {"ticket": "A001", "counter": 1},
        )
        self.assertEqual(
            [(w["prefix"], w["count"], w["next"]) for w in state["waiting"]],
            [("A", 0, []), ("B", 1, ["B001"])],
        )


# --- The event stream ---------------------------------------------------------------------------
@tag("gh-7")
class StreamTests(DisplayTestCase):
    def stream(self, **headers: str) -> Iterator[bytes]:
        response = self.client.get(self.url("display-events"), headers=headers)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/event-stream; charset=utf-8")
        self.assertEqual(response["X-Accel-Buffering"], "no")
        chunks = iter(cast(Iterator[bytes], response.streaming_content))
        self.addCleanup(end_streams, self.center_id, chunks)
        self.assertEqual(next(chunks), b"retry: 2000\n\n")
        return chunks

    def test_a_new_display_gets_the_state_then_each_call_as_it_happens(self) -> None:
        self.open(1)
        self.take("A")
        chunks = self.stream()
        snapshot = parse(next(chunks))
        self.assertEqual(snapshot["data"]["event"], {"type": "state"})
        self.assertEqual(snapshot["data"]["state"]["waiting"][0]["next"], ["A001"])
        self.assertEqual(snapshot["id"], get_backend().last_id(self.center_id))
        ticket = self.call(1)
        message = parse(next(chunks))
        self.assertEqual(message["data"]["event"]["type"], "call")
        self.assertEqual(message["data"]["event"]["number"], ticket.display)
        self.assertEqual(message["data"]["state"]["last_calls"][0]["ticket"], ticket.display)
        self.assertGreater(id_key(message["id"]), id_key(snapshot["id"]))

    def test_reconnection_replays_what_was_missed(self) -> None:
        self.open(1, 2)
        self.take("A")
        self.take("B")
        backend = get_backend()
        seen = backend.last_id(self.center_id)  # the display saw everything up to here
        a = self.call(1)
        b = self.call(2)
        chunks = self.stream(last_event_id=seen)
        replayed = [parse(next(chunks)), parse(next(chunks))]
        self.assertEqual(
            [(m["data"]["event"]["type"], m["data"]["event"]["number"]) for m in replayed],
            [("call", a.display), ("call", b.display)],
        )
        # Then live events, with no duplicate of the replayed ones.
        with self.committed():
            services.ticket_finish(session=self.w.sessions[1], ticket_id=a.pk)
        live = parse(next(chunks))
        self.assertEqual(live["data"]["event"]["type"], "finish")
        self.assertGreater(id_key(live["id"]), id_key(replayed[-1]["id"]))

    def test_the_page_cursor_works_as_since_and_unknown_ids_get_a_snapshot(self) -> None:
        self.open(1)
        self.take("A")
        cursor = get_backend().last_id(self.center_id)
        self.call(1)
        response = self.client.get(self.url("display-events"), {"since": cursor})
        chunks = iter(cast(Iterator[bytes], response.streaming_content))
        self.addCleanup(end_streams, self.center_id, chunks)
        next(chunks)
        self.assertEqual(parse(next(chunks))["data"]["event"]["type"], "call")
        chunks = self.stream(last_event_id="1-1")  # from a server that has restarted
        snapshot = parse(next(chunks))
        self.assertEqual(snapshot["data"]["event"]["type"], "state")
        self.assertEqual(snapshot["data"]["state"]["last_calls"][0]["ticket"], "A001")

    def test_calls_missed_long_ago_are_replayed_as_replay_events_not_announced(self) -> None:
        from motcua.tickets import display_views

        self.open(1)
        self.take("A")
        seen = get_backend().last_id(self.center_id)
        self.call(1)
        with mock.patch.object(display_views, "ANNOUNCE_SECONDS", -1):
            chunks = self.stream(last_event_id=seen)
            message = parse(next(chunks))
        self.assertEqual(message["event"], "replay")
        self.assertEqual(message["data"]["event"]["number"], "A001")

    def test_with_the_broker_down_the_poll_still_answers_and_the_stream_says_retry(self) -> None:
        self.open(1)
        with (
            mock.patch.object(LocalBackend, "last_id", side_effect=ConnectionError("down")),
            mock.patch("motcua.tickets.display_views.log.exception") as logged,
        ):
            state = self.client.get(self.url("display-state"))
            stream = self.client.get(self.url("display-events"))
        self.assertEqual(state.status_code, 200)
        self.assertEqual(state.json()["id"], "")
        self.assertEqual(state.json()["state"]["counters"][0]["state"], "open")
        self.assertEqual((stream.status_code, stream["Retry-After"]), (503, "5"))
        self.assertEqual(logged.call_count, 2)

    def test_a_quiet_stream_sends_pings_and_ends_after_its_lifetime(self) -> None:
        from motcua.tickets import display_views

        with (
            mock.patch.object(display_views, "PING_SECONDS", 0.05),
            mock.patch.object(display_views, "STREAM_SECONDS", 0.3),
        ):
            chunks = self.stream()
            next(chunks)  # the snapshot
            rest = list(chunks)
        self.assertTrue(rest)
        self.assertTrue(all(chunk == display_views.PING for chunk in rest))
        self.assertEqual(hub.count(self.center_id), 0)  # unsubscribed at the end

    async def test_under_asgi_the_stream_is_async_and_yields_a_call(self) -> None:
        await sync_to_async(self.open)(1)
        await sync_to_async(self.take)("A")
        response = await self.async_client.get(self.url("display-events"))
        self.assertTrue(response.is_async)
        chunks = cast(AsyncIterator[bytes], response.streaming_content).__aiter__()
        self.assertEqual(await anext(chunks), b"retry: 2000\n\n")
        snapshot = parse(await anext(chunks))
        self.assertEqual(snapshot["data"]["event"]["type"], "state")
        started = time.monotonic()
        ticket = await sync_to_async(self.call)(1)
        message = parse(await asyncio.wait_for(anext(chunks), timeout=5))
        self.assertEqual(message["data"]["event"]["number"], ticket.display)
        self.assertLess(time.monotonic() - started, 5)
        # The display goes away: the ASGI handler cancels the task that is reading the stream.
        reading = asyncio.ensure_future(anext(chunks))
        await asyncio.sleep(0.05)
        reading.cancel()
        with self.assertRaises(asyncio.CancelledError):
            await reading
        self.assertEqual(hub.count(self.center_id), 0)


@tag("gh-7")
@override_settings(LANGUAGE_CODE="vi")
class PublishContractTests(DisplayTestCase):
    """What the queue services publish, as the display reads it."""

    def test_every_queue_change_reaches_the_display(self) -> None:
        backend = get_backend()
        start = backend.last_id(self.center_id)
        self.open(1)
        a = self.take("A")
        self.call(1)
        with self.committed():
            services.ticket_recall(session=self.w.sessions[1], ticket_id=a.pk)
        with self.committed():
            services.ticket_finish(session=self.w.sessions[1], ticket_id=a.pk)
        events = backend.since(self.center_id, start)
        assert events is not None
        kinds = [e.kind for e in events]
        self.assertEqual(kinds, ["counter", "ticket", "call", "recall", "finish"])
        recall = events[3].data["event"]
        self.assertEqual((recall["number"], recall["counter"]), ("A001", 1))
        self.assertTrue(all(e.data["state"]["center"]["id"] == self.center_id for e in events))
