"""Counters calling and finishing while kiosks issue numbers, in real threads (gh-7).

bench/queue.py (10 counters, a call every 100 ms) met PostgreSQL "deadlock
detected" in ``call_next`` / ``ticket_finish``. Here several counters call,
finish, transfer and mark no-shows at once, each thread on its own database
connection, while kiosks take tickets (with phone numbers, so "your turn is
near" notices are written too): no action may fail, no ticket may be called
by two counters, and every ticket's intervals must still tile its life.

On SQLite the in-memory shared-cache test database refuses a second writer at
once ("database table is locked") instead of waiting; those refusals are
retried here, as in ``test_queue.ConcurrentNumberingTests``. Any other error
(a PostgreSQL deadlock above all) fails the test.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter as Tally
from collections.abc import Callable
from unittest import mock

from django.db import OperationalError, connection, connections, transaction
from django.test import TransactionTestCase, tag

from motcua.organisations.constants import Role
from motcua.organisations.models import Counter
from motcua.organisations.tests.factories import MembershipFactory
from motcua.tickets import selectors, services
from motcua.tickets.constants import CallPolicy, IntervalKind, TicketStatus
from motcua.tickets.models import Ticket, TicketInterval, TicketNotice

from .world import QueueWorld, make_queue_world

S = TicketStatus


def _patiently[T](action: Callable[[], T]) -> T:
    """Run ``action``; on SQLite, retry while the shared-cache database is locked."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return action()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.002)


@tag("gh-7")
class ConcurrentCountersTests(TransactionTestCase):
    """Six counters and two kiosks at once: no deadlock, no ticket called twice."""

    COUNTERS = 6

    def _world(self, policy: CallPolicy) -> QueueWorld:
        world = make_queue_world(policy)
        world.policy(policy, every=1)
        # Counters 4… like bench/queue.py: odd numbers serve A, even ones B (3 serves both).
        for n in range(4, self.COUNTERS + 1):
            counter = Counter.objects.create(agency=world.center, number=n, name=f"Quầy {n}")
            world.services["A" if n % 2 else "B"].counters.add(counter)
            world.counters[n] = counter
            world.officers[n] = MembershipFactory.create(
                agency=world.center, role=Role.RECEPTION_OFFICER
            ).user
        world.open(*world.counters)
        return world

    def test_priority_first(self) -> None:
        self._run(CallPolicy.PRIORITY_FIRST)

    def test_interleaved(self) -> None:
        # Counters due a priority ticket and counters due a normal one take different
        # tickets of one queue at once, and each writes notices for the other's ticket.
        self._run(CallPolicy.INTERLEAVE)

    def _run(self, policy: CallPolicy) -> None:
        world = self._world(policy)
        postgres = connection.vendor == "postgresql"
        rounds, kiosk_takes = (12, 15) if postgres else (6, 6)
        for i in range(self.COUNTERS * rounds):
            prefix = "AB"[i % 2]
            services.ticket_take(
                service=world.services[prefix],
                priority="elderly" if i % 3 == 0 else "",
                phone="" if i % 5 == 0 else f"0905{i:06d}",
            )
        barrier = threading.Barrier(self.COUNTERS + 2)
        errors: list[str] = []
        calls: list[tuple[int, int]] = []
        transfers: list[int] = []
        lock = threading.Lock()

        def counter_worker(n: int) -> None:
            session = world.sessions[n]
            try:
                barrier.wait(timeout=30)
                for r in range(rounds):
                    current = _patiently(
                        lambda: selectors.ticket_at_counter(counter=world.counters[n])
                    )
                    if current is not None:
                        if n == 3 and r % 3 == 1:
                            other = world.services["B" if current.service.prefix == "A" else "A"]
                            _patiently(
                                lambda t=current, o=other: services.ticket_transfer(
                                    session=session, ticket_id=t.pk, to_service=o
                                )
                            )
                            with lock:
                                transfers.append(current.pk)
                        elif n == 4 and r % 4 == 2 and current.status == S.CALLED:
                            _patiently(
                                lambda t=current: services.ticket_no_show(
                                    session=session, ticket_id=t.pk
                                )
                            )
                        else:
                            _patiently(
                                lambda t=current: services.ticket_finish(
                                    session=session, ticket_id=t.pk
                                )
                            )
                    ticket = _patiently(lambda: services.call_next(session=session))
                    if ticket is not None:
                        with lock:
                            calls.append((n, ticket.pk))
            except Exception as error:
                errors.append(f"counter {n}: {type(error).__name__}: {error}")
            finally:
                connections.close_all()

        def kiosk_worker(k: int) -> None:
            try:
                barrier.wait(timeout=30)
                for i in range(kiosk_takes):
                    prefix = "AB"[(i + k) % 2]
                    _patiently(
                        lambda p=prefix, i=i: services.ticket_take(
                            service=world.services[p],
                            priority="pregnant" if i % 3 == 0 else "",
                            phone=f"0914{k}{i:05d}",
                        )
                    )
            except Exception as error:
                errors.append(f"kiosk {k}: {type(error).__name__}: {error}")
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=counter_worker, args=(n,)) for n in sorted(world.counters)
        ] + [threading.Thread(target=kiosk_worker, args=(k,)) for k in range(2)]
        with (
            mock.patch("motcua.tickets.broadcast.publish"),
            mock.patch("motcua.tickets.services._enqueue_notice"),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
        self.assertFalse([t for t in threads if t.is_alive()], "a worker hung")
        self.assertEqual(errors, [])

        # Every counter called at every round (enough tickets wait).
        self.assertEqual(len(calls), self.COUNTERS * rounds)
        # A ticket is called once, or once more after each transfer: never by two counters.
        called = Tally(pk for _n, pk in calls)
        transferred = Tally(transfers)
        for pk, times in called.items():
            self.assertEqual(times, 1 + transferred[pk], f"ticket {pk} called {times} times")
        # Each counter holds at most one ticket, and it is the last one it called.
        for n, counter in world.counters.items():
            at = list(Ticket.objects.filter(counter=counter, status__in=(S.CALLED, S.SERVING)))
            self.assertLessEqual(len(at), 1, f"counter {n}")
        # Intervals tile every ticket's life: one open interval unless the ticket ended.
        for ticket in Ticket.objects.prefetch_related("intervals"):
            intervals = sorted(ticket.intervals.all(), key=lambda i: (i.start, i.pk))
            self.assertEqual(intervals[0].start, ticket.created_at)
            for before, after in itertools.pairwise(intervals):
                self.assertEqual(before.end, after.start, ticket.display)
            ended = ticket.status in (S.DONE, S.NO_SHOW)
            self.assertEqual(intervals[-1].end is None, not ended, ticket.display)
            if ended:
                self.assertEqual(intervals[-1].end, ticket.finished_at)
        serving = TicketInterval.objects.filter(kind=IntervalKind.SERVING).count()
        self.assertEqual(serving, len(calls))
        # "Turn is near" notices were written despite the races (one per ticket: unique),
        # only for tickets with a phone.
        self.assertTrue(TicketNotice.objects.exists())
        self.assertFalse(TicketNotice.objects.filter(ticket__phone="").exists())


@tag("gh-7")
class CallSkipsLockedTicketTests(TransactionTestCase):
    """A counter does not wait for another counter's call in flight: it takes the next ticket."""

    def test_call_next_passes_over_a_ticket_being_called(self) -> None:
        if not connection.features.has_select_for_update_skip_locked:
            self.skipTest("row locks (SKIP LOCKED) are PostgreSQL's; SQLite serialises writers")
        world = make_queue_world()
        world.open(1)
        first = services.ticket_take(service=world.services["A"], phone="0905000001")
        second = services.ticket_take(service=world.services["A"], phone="0905000002")
        locked, release = threading.Event(), threading.Event()

        def other_counter() -> None:
            # Another counter's call holds the first ticket's row, as call_next does.
            try:
                with transaction.atomic():
                    Ticket.objects.select_for_update(of=("self",), no_key=True).get(pk=first.pk)
                    locked.set()
                    release.wait(timeout=30)
            finally:
                connections.close_all()

        thread = threading.Thread(target=other_counter)
        thread.start()
        try:
            self.assertTrue(locked.wait(timeout=30))
            started = time.monotonic()
            with (
                mock.patch("motcua.tickets.broadcast.publish"),
                mock.patch("motcua.tickets.services._enqueue_notice"),
            ):
                called = services.call_next(session=world.sessions[1])
            self.assertLess(time.monotonic() - started, 5)
        finally:
            release.set()
            thread.join(timeout=30)
        assert called is not None
        self.assertEqual(called.pk, second.pk)
        first.refresh_from_db()
        self.assertEqual(first.status, S.WAITING)
        # The notice for the locked (still waiting) ticket was written without waiting either.
        self.assertTrue(TicketNotice.objects.filter(ticket=first).exists())
