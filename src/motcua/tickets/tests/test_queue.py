"""Queue core (gh-7 items 1–2, 5, 7): numbering, call policies, intervals, display state, SMS."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, connections
from django.test import TestCase, TransactionTestCase, override_settings, tag
from django.test.utils import CaptureQueriesContext

import time_machine

from motcua.tickets import selectors, services
from motcua.tickets.constants import CallPolicy, NoticeStatus, TicketStatus
from motcua.tickets.models import Ticket, TicketInterval, TicketNotice
from motcua.tickets.services import QueueRefused

from .world import MORNING, make_queue_world

S = TicketStatus


class QueueTestCase(TestCase):
    policy = CallPolicy.PRIORITY_FIRST

    def setUp(self) -> None:
        self.clock = time_machine.travel(MORNING, tick=False)
        self.traveller = self.clock.start()
        self.addCleanup(self.clock.stop)
        self.w = make_queue_world(self.policy)

    def tick(self, minutes: float = 1) -> None:
        self.traveller.shift(dt.timedelta(minutes=minutes))

    def take(self, prefix: str = "A", priority: str = "", phone: str = "") -> Ticket:
        return services.ticket_take(service=self.w.services[prefix], priority=priority, phone=phone)

    def call(self, counter: int) -> Ticket | None:
        return services.call_next(session=self.w.sessions[counter])

    def finish(self, counter: int, ticket: Ticket) -> Ticket:
        return services.ticket_finish(session=self.w.sessions[counter], ticket_id=ticket.pk)


@tag("gh-7")
class TakeTests(QueueTestCase):
    def test_numbers_run_per_service_and_day_with_prefix(self) -> None:
        a1, a2, b1 = self.take("A"), self.take("A"), self.take("B")
        self.assertEqual([a1.display, a2.display, b1.display], ["A001", "A002", "B001"])
        self.traveller.move_to(MORNING + dt.timedelta(days=1))
        self.assertEqual(self.take("A").display, "A001")
        interval = TicketInterval.objects.get(ticket=a1)
        self.assertEqual((interval.kind, interval.start, interval.end), ("waiting", MORNING, None))

    def test_phone_is_normalised_and_bad_input_refused_by_field(self) -> None:
        self.assertEqual(self.take(phone="0905 123 456").phone, "+84905123456")
        with self.assertRaises(ValidationError) as caught:
            self.take(phone="12345", priority="vip")
        self.assertEqual(set(caught.exception.message_dict), {"phone", "priority"})
        self.assertEqual(Ticket.objects.count(), 1)

    def test_inactive_service_refused(self) -> None:
        self.w.services["A"].is_active = False
        self.w.services["A"].save()
        with self.assertRaises(QueueRefused):
            self.take("A")


@tag("gh-7")
class PriorityFirstTests(QueueTestCase):
    def test_priority_first_then_fifo(self) -> None:
        self.w.open(1)
        n1 = self.take()
        self.tick()
        n2 = self.take()
        self.tick()
        p1 = self.take(priority="elderly")
        self.assertEqual(selectors.people_ahead(ticket=n1), 1)  # the priority ticket passes
        self.assertEqual(selectors.people_ahead(ticket=p1), 0)
        order = []
        for _ in range(3):
            ticket = self.call(1)
            assert ticket is not None
            order.append(ticket.display)
            self.finish(1, ticket)
        self.assertEqual(order, [p1.display, n1.display, n2.display])
        self.assertIsNone(self.call(1))

    def test_counter_calls_only_its_services(self) -> None:
        self.w.open(1, 2)
        b = self.take("B")
        self.assertIsNone(self.call(1))
        self.assertEqual(self.call(2), b)

    def test_cannot_call_with_a_ticket_at_the_counter_or_when_paused(self) -> None:
        self.w.open(1)
        self.take()
        self.take()
        self.call(1)
        with self.assertRaises(QueueRefused):
            self.call(1)
        services.counter_pause(session=self.w.sessions[1], reason="Đi họp")
        with self.assertRaises(QueueRefused):
            self.call(1)

    def test_two_counters_never_take_the_same_ticket(self) -> None:
        self.w.open(1, 3)
        t1, t2 = self.take(), self.take()
        self.assertEqual({self.call(1), self.call(3)}, {t1, t2})


@tag("gh-7")
class FifoTests(QueueTestCase):
    policy = CallPolicy.FIFO

    def test_fifo_ignores_priority(self) -> None:
        self.w.open(1)
        n1 = self.take()
        self.tick()
        p1 = self.take(priority="pregnant")
        self.assertEqual(selectors.people_ahead(ticket=p1), 1)
        self.assertEqual(self.call(1), n1)
        self.finish(1, n1)
        self.assertEqual(self.call(1), p1)


@tag("gh-7")
class InterleaveTests(QueueTestCase):
    policy = CallPolicy.INTERLEAVE

    def test_one_priority_after_every_two_normals(self) -> None:
        self.w.policy(CallPolicy.INTERLEAVE, every=2)
        self.w.open(1)
        normals = []
        for _ in range(5):
            normals.append(self.take())
            self.tick(0.1)
        prios = [self.take(priority="disabled"), self.take(priority="small_child")]
        order = []
        while (ticket := self.call(1)) is not None:
            order.append(ticket)
            self.tick()
            self.finish(1, ticket)
        n, p = normals, prios
        # First call of the day: a waiting priority ticket goes first; then every 2 normals.
        self.assertEqual(order, [p[0], n[0], n[1], p[1], n[2], n[3], n[4]])


@tag("gh-7")
class RecallNoShowTransferTests(QueueTestCase):
    def test_recall_then_no_show(self) -> None:
        self.w.open(1)
        t = self.take()
        self.call(1)
        self.tick(2)
        with (
            mock.patch("motcua.tickets.broadcast.publish") as publish,
            self.captureOnCommitCallbacks(execute=True),
        ):
            recalled = services.ticket_recall(session=self.w.sessions[1], ticket_id=t.pk)
        self.assertEqual(recalled.recalls, 1)
        self.assertEqual(recalled.called_at, MORNING + dt.timedelta(minutes=2))
        event = publish.call_args.kwargs["event"]
        self.assertEqual((event["type"], event["ticket"], event["counter"]), ("recall", "A001", 1))
        self.tick(1)
        gone = services.ticket_no_show(session=self.w.sessions[1], ticket_id=t.pk)
        self.assertEqual(gone.status, S.NO_SHOW)
        self.assertEqual(
            [(i.kind, i.start, i.end) for i in TicketInterval.objects.filter(ticket=t)],
            [
                ("waiting", MORNING, MORNING),
                ("serving", MORNING, MORNING + dt.timedelta(minutes=3)),
            ],
        )
        # A served ticket cannot be reported absent.
        t2 = self.take()
        self.call(1)
        services.ticket_serve(session=self.w.sessions[1], ticket_id=t2.pk)
        with self.assertRaises(QueueRefused):
            services.ticket_no_show(session=self.w.sessions[1], ticket_id=t2.pk)

    def test_transfer_to_service_keeps_place_then_finish(self) -> None:
        self.w.open(1, 2)
        a = self.take("A")
        self.tick()
        b_before = self.take("B")
        self.tick()
        b_after = self.take("B")
        self.assertEqual(self.call(1), a)
        self.tick(4)
        moved = services.ticket_transfer(
            session=self.w.sessions[1], ticket_id=a.pk, to_service=self.w.services["B"]
        )
        self.assertEqual((moved.status, moved.display), (S.TRANSFERRED, "A001"))
        # It was taken first, so it is called first in its new queue.
        self.assertEqual(self.call(2), a)
        self.finish(2, a)
        self.assertEqual(self.call(2), b_before)
        kinds = list(TicketInterval.objects.filter(ticket=a).values_list("kind", "service__prefix"))
        self.assertEqual(
            kinds,
            [("waiting", "A"), ("serving", "A"), ("transferred", "B"), ("serving", "B")],
        )
        del b_after

    def test_transfer_to_counter_only_that_counter_calls_it(self) -> None:
        self.w.open(1, 2, 3)
        a = self.take("A")
        self.call(1)
        services.ticket_transfer(
            session=self.w.sessions[1], ticket_id=a.pk, to_counter=self.w.counters[2]
        )
        a.refresh_from_db()
        self.assertEqual(a.service, self.w.services["B"])  # counter 2 serves only B
        self.assertIsNone(self.call(3))  # serves B too, but the ticket was sent to counter 2
        self.assertEqual(self.call(2), a)
        with self.assertRaises(ValidationError):
            services.ticket_transfer(
                session=self.w.sessions[2], ticket_id=a.pk, to_counter=self.w.counters[2]
            )

    def test_pause_puts_the_ticket_on_hold_and_resume_serves_it(self) -> None:
        self.w.open(1)
        t = self.take()
        self.call(1)
        self.tick(3)
        paused = services.counter_pause(session=self.w.sessions[1], reason="  Đi   họp ")
        t.refresh_from_db()
        self.assertEqual(t.status, S.ON_HOLD)
        self.assertEqual((paused.state, paused.pause_reason), ("paused", "Đi họp"))
        with self.assertRaises(QueueRefused):
            services.counter_close(session=self.w.sessions[1])
        self.tick(10)
        services.counter_resume(session=self.w.sessions[1])
        self.tick(2)
        self.finish(1, t)
        kinds = [
            (i.kind, i.duration) for i in TicketInterval.objects.filter(ticket=t).order_by("start")
        ]
        m = dt.timedelta(minutes=1)
        self.assertEqual(
            kinds,
            [("waiting", 0 * m), ("serving", 3 * m), ("on_hold", 10 * m), ("serving", 2 * m)],
        )
        services.counter_close(session=self.w.sessions[1])
        with self.assertRaises(ValidationError):
            services.counter_pause(session=self.w.sessions[1], reason=" ")

    def test_officer_holds_one_counter_and_counter_one_officer(self) -> None:
        self.w.open(1)
        with self.assertRaises(QueueRefused):
            services.counter_open(officer=self.w.officers[1], counter=self.w.counters[2])
        with self.assertRaises(QueueRefused):
            services.counter_open(officer=self.w.officers[2], counter=self.w.counters[1])
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            services.counter_open(officer=self.w.leader, counter=self.w.counters[2])


@tag("gh-7")
class EstimateTests(QueueTestCase):
    def test_wait_is_median_serving_times_people_ahead_over_open_counters(self) -> None:
        self.assertEqual(
            selectors.serving_time(service=self.w.services["A"]), dt.timedelta(minutes=8)
        )
        self.w.open(1)
        for minutes in (4, 6, 20):  # median 6
            t = self.take()
            self.call(1)
            self.tick(minutes)
            self.finish(1, t)
        waiting = [self.take() for _ in range(4)]
        position = selectors.ticket_position(ticket=waiting[3])
        self.assertEqual(position.ahead, 3)
        self.assertEqual(position.wait, dt.timedelta(minutes=18))  # 6 × 3 ÷ 1
        self.w.open(3)  # a second counter serving A halves it
        self.assertEqual(selectors.ticket_position(ticket=waiting[3]).wait_minutes, 9)
        # Service B has no history: the center's recent serving times are used.
        self.assertEqual(
            selectors.serving_time(service=self.w.services["B"]), dt.timedelta(minutes=6)
        )


@tag("gh-7")
class DisplayStateTests(QueueTestCase):
    def test_display_state_shape_and_fixed_queries(self) -> None:
        self.w.open(1, 2)
        services.counter_pause(session=self.w.sessions[2], reason="Đi họp")
        a1 = self.take("A")
        self.tick()
        self.take("A")
        self.take("A", priority="elderly")
        self.take("B")
        self.call(1)
        self.tick()
        with self.assertNumQueries(8):
            state = selectors.display_state(center_id=self.w.center.pk)
        json.dumps(state)  # JSON-serialisable
        self.assertEqual(state["center"]["id"], self.w.center.pk)
        counters = {c["number"]: c for c in state["counters"]}
        self.assertEqual(counters[1]["state"], "open")
        self.assertEqual(counters[1]["ticket"], "A003")  # the priority ticket was called
        self.assertEqual(counters[1]["service"], "Hộ tịch")
        self.assertEqual((counters[2]["state"], counters[2]["pause_reason"]), ("paused", "Đi họp"))
        self.assertEqual((counters[3]["state"], counters[3]["ticket"]), ("closed", None))
        self.assertEqual(state["last_calls"][0]["ticket"], "A003")
        self.assertEqual(state["last_calls"][0]["counter"], 1)
        self.assertTrue(state["last_calls"][0]["at"].startswith("2026-03-10T"))
        waiting = {w["prefix"]: w for w in state["waiting"]}
        self.assertEqual(waiting["A"]["next"], [a1.display, "A002"])
        self.assertEqual((waiting["B"]["count"], waiting["B"]["next"]), (1, ["B001"]))
        # More tickets: the same number of queries.
        for _ in range(5):
            self.take("B")
        with self.assertNumQueries(8):
            selectors.display_state(center_id=self.w.center.pk)

    def test_every_change_publishes_after_commit(self) -> None:
        with (
            mock.patch("motcua.tickets.broadcast.publish") as publish,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.w.open(1)
            t = self.take()
            self.call(1)
            self.finish(1, t)
        kinds = [c.kwargs["event"]["type"] for c in publish.call_args_list]
        self.assertEqual(kinds, ["counter", "ticket", "call", "finish"])
        call = publish.call_args_list[2].kwargs
        self.assertEqual(call["center_id"], self.w.center.pk)
        self.assertEqual(
            {k: call["event"][k] for k in ("ticket", "number", "counter")},
            {"ticket": "A001", "number": "A001", "counter": 1},
        )


@tag("gh-7")
class NearTurnSmsTests(QueueTestCase):
    @override_settings(MOTCUA_SMS_PROVIDER="log")
    def test_sms_when_three_or_fewer_ahead_through_the_provider(self) -> None:
        self.w.open(1)
        tickets = [self.take() for _ in range(4)]
        mine = self.take(phone="0905123456")  # 4 ahead
        self.assertFalse(TicketNotice.objects.exists())
        with (
            mock.patch(
                "motcua.notifications.contrib.local.LogSmsProvider.send", return_value="ref-1"
            ) as send,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.call(1)  # now 3 ahead
        notice = TicketNotice.objects.get(ticket=mine)
        self.assertEqual((notice.status, notice.provider_ref), (NoticeStatus.SENT, "ref-1"))
        message = send.call_args.args[0]
        self.assertEqual(message.to, "+84905123456")
        self.assertIn("So A005 sap den luot: con 3 nguoi truoc ban", message.text)
        self.assertIn(f"/xep-hang/theo-doi/{mine.follow_key}/", message.text)
        # Once only.
        self.finish(1, tickets[0])
        with self.captureOnCommitCallbacks(execute=True):
            self.call(1)
        self.assertEqual(TicketNotice.objects.count(), 1)
        self.assertFalse(services.ticket_notice_deliver(notice_id=notice.pk))

    def test_call_next_checks_the_phones_waiting_with_fixed_queries(self) -> None:
        # The "turn is near" check runs while the counter's row is locked: its queries
        # must not grow with the tickets it checks (N+1: one queue read per ticket).
        self.w.open(1)
        plain = [self.take() for _ in range(6)]
        for _ in range(2):
            self.take(phone="0905123456")  # 5 ahead after the call: no SMS yet
        with CaptureQueriesContext(connection) as few:
            self.call(1)
        self.finish(1, plain[0])
        for _ in range(10):
            self.take(phone="0905123456")
        with CaptureQueriesContext(connection) as many:
            self.call(1)
        self.assertFalse(TicketNotice.objects.exists())
        self.assertEqual(
            len(many),
            len(few),
            "call_next's queries grew with the phones waiting: check _notify_near for a"
            " query per ticket (use selectors.people_ahead_of)",
        )

    def test_without_provider_the_notice_is_failed_not_raised(self) -> None:
        self.w.open(1)
        t = self.take(phone="0905123456")
        with self.captureOnCommitCallbacks(execute=True):
            self.take()
            services.call_next(session=self.w.sessions[1])
        # t itself was called: no SMS for a ticket already called.
        self.assertFalse(TicketNotice.objects.filter(ticket=t).exists())
        self.w.open(3)
        mine = self.take(phone="0905123456")
        with self.captureOnCommitCallbacks(execute=True):
            services.call_next(session=self.w.sessions[3])
        notice = TicketNotice.objects.get(ticket=mine)
        self.assertEqual(notice.status, NoticeStatus.FAILED)


@tag("gh-7")
class ConcurrentNumberingTests(TransactionTestCase):
    """Two kiosks pressing at once never get the same number (PostgreSQL and SQLite)."""

    def test_threads_get_distinct_gapless_numbers(self) -> None:
        world = make_queue_world()
        service = world.services["A"]
        # PostgreSQL: 8 connections (the server is shared); SQLite serialises writers anyway.
        workers, per_worker = (8, 10) if connection.vendor == "postgresql" else (8, 4)
        barrier = threading.Barrier(workers)
        numbers: list[str] = []
        errors: list[BaseException] = []
        lock = threading.Lock()

        def take() -> Ticket:
            deadline = time.monotonic() + 30
            while True:
                try:
                    return services.ticket_take(service=service)
                except OperationalError as error:
                    # The in-memory shared-cache SQLite test database fails a
                    # second writer at once ("database table is locked") instead
                    # of waiting out the busy timeout (see dossiers' test_codes).
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.002)

        def kiosk() -> None:
            try:
                barrier.wait(timeout=30)
                for _ in range(per_worker):
                    ticket = take()
                    with lock:
                        numbers.append(ticket.display)
            except BaseException as error:
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=kiosk) for _ in range(workers)]
        with mock.patch("motcua.tickets.broadcast.publish"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertEqual(errors, [])
        total = workers * per_worker
        self.assertEqual(sorted(numbers), [f"A{n:03d}" for n in range(1, total + 1)])
        self.assertEqual(Ticket.objects.filter(service=service).count(), total)
