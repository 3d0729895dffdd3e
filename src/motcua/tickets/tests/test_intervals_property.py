"""Property: a ticket's intervals tile its life exactly (gh-7 item 7).

For random sequences of queue operations (take, call, recall, serve,
no-show, transfer to a service or a counter, finish, pause, resume) at
random moments, every ticket's intervals follow one another without gap or
overlap, at most the last one is open, and for every finished ticket
waiting + serving + hold time equals its lifetime (finished − taken).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools

from django.core.exceptions import ValidationError
from django.test import tag

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from motcua.tickets import services
from motcua.tickets.constants import FINAL, IntervalKind
from motcua.tickets.models import CounterSession, Ticket, TicketInterval

from .world import MORNING, QueueWorld, make_queue_world

OPS = ("take", "call", "recall", "serve", "no_show", "transfer", "finish", "pause", "resume")
Step = tuple[str, int, int, int]  # operation, counter 1–3, an argument, minutes to wait after

steps = st.lists(
    st.tuples(
        st.sampled_from(OPS),
        st.integers(1, 3),
        st.integers(0, 5),
        st.integers(0, 7),
    ),
    min_size=1,
    max_size=40,
)


@tag("gh-7")
class IntervalPropertyTests(TestCase):
    world: QueueWorld

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_queue_world()

    def _run(self, step: Step, sessions: dict[int, CounterSession]) -> None:
        op, n, arg, _wait = step
        w = self.world
        session = sessions[n]
        at = Ticket.objects.filter(
            counter=w.counters[n], status__in=("called", "serving", "on_hold")
        )
        current = at.first()
        if op == "take":
            prefix = "AB"[arg % 2]
            priority = ("", "elderly", "", "pregnant", "", "disabled")[arg]
            services.ticket_take(service=w.services[prefix], priority=priority)
        elif op == "call":
            services.call_next(session=session)
        elif op == "pause":
            services.counter_pause(session=session, reason="Đi họp")
        elif op == "resume":
            services.counter_resume(session=session)
        elif current is None:
            return
        elif op == "recall":
            services.ticket_recall(session=session, ticket_id=current.pk)
        elif op == "serve":
            services.ticket_serve(session=session, ticket_id=current.pk)
        elif op == "no_show":
            services.ticket_no_show(session=session, ticket_id=current.pk)
        elif op == "finish":
            services.ticket_finish(session=session, ticket_id=current.pk)
        elif op == "transfer":
            if arg % 2:
                target = w.counters[(n % 3) + 1]
                services.ticket_transfer(session=session, ticket_id=current.pk, to_counter=target)
            else:
                other = w.services["B" if current.service_id == w.services["A"].pk else "A"]
                services.ticket_transfer(session=session, ticket_id=current.pk, to_service=other)

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(steps=steps)
    def test_intervals_tile_each_ticket_life(self, steps: list[Step]) -> None:
        with time_machine.travel(MORNING, tick=False) as traveller:
            w = self.world
            sessions = {
                n: services.counter_open(officer=w.officers[n], counter=w.counters[n])
                for n in (1, 2, 3)
            }
            for step in steps:
                # A refusal (QueueRefused) or a bad target changes nothing.
                with contextlib.suppress(ValidationError):
                    self._run(step, sessions)
                traveller.shift(dt.timedelta(minutes=step[3], seconds=step[2]))
            now = MORNING + sum(
                (dt.timedelta(minutes=s[3], seconds=s[2]) for s in steps), dt.timedelta()
            )
            self._check(now)

    def _check(self, now: dt.datetime) -> None:
        intervals: dict[int, list[TicketInterval]] = {}
        for interval in TicketInterval.objects.order_by("start", "id"):
            intervals.setdefault(interval.ticket_id, []).append(interval)
        for ticket in Ticket.objects.all():
            rows = intervals.get(ticket.pk, [])
            self.assertTrue(rows, ticket)
            self.assertEqual(rows[0].start, ticket.created_at)
            self.assertEqual(rows[0].kind, IntervalKind.WAITING)
            for before, after in itertools.pairwise(rows):
                # Contiguous: no gap, no overlap.
                self.assertEqual(before.end, after.start, (ticket, before, after))
            open_rows = [r for r in rows if r.end is None]
            total = sum((r.end - r.start for r in rows if r.end is not None), dt.timedelta())
            if ticket.status in FINAL:
                self.assertEqual(open_rows, [])
                assert ticket.finished_at is not None
                by_kind = {
                    kind: sum(
                        (r.end - r.start for r in rows if r.kind == kind and r.end), dt.timedelta()
                    )
                    for kind in IntervalKind
                }
                waiting = by_kind[IntervalKind.WAITING] + by_kind[IntervalKind.TRANSFERRED]
                self.assertEqual(
                    waiting + by_kind[IntervalKind.SERVING] + by_kind[IntervalKind.ON_HOLD],
                    ticket.finished_at - ticket.created_at,
                )
                self.assertEqual(rows[-1].end, ticket.finished_at)
            else:
                self.assertEqual(len(open_rows), 1)
                self.assertIs(open_rows[0], rows[-1])
                self.assertEqual(total + (now - rows[-1].start), now - ticket.created_at)
