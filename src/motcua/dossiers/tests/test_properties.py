"""Invariants under random sequences of actions, and the jurisdiction-scoped reads (gh-4 item 12).

Hypothesis drives random actions by random actors at random later instants,
valid or not. Whatever happens, after every step:

- the history is a walk along ``workflow.ALLOWED_TRANSITIONS`` from "no
  dossier", each event starting where the previous one ended, and the hash
  chain verifies;
- the due instant, when set, is an office instant of the calendar;
- the counts per status equal the lengths of the list per status.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from motcua.calendars.selectors import work_calendar_for
from motcua.calendars.workingtime import add_working_time, is_office_instant
from motcua.dossiers.constants import DossierStatus, EventAction
from motcua.dossiers.history import event_chain_problems
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import (
    dossier_counts_by_status,
    dossier_get_for_action,
    dossier_list,
)
from motcua.dossiers.services import (
    HANDLERS,
    IdempotencyConflict,
    TransitionRefused,
    dossier_act,
    dossier_allowed_actions,
)
from motcua.dossiers.tests.test_receive import ROLES, World, make_world, vn
from motcua.dossiers.workflow import ALLOWED_TRANSITIONS
from motcua.organisations.constants import Role
from motcua.organisations.tests.factories import MembershipFactory

A = EventAction
START = vn(2026, 3, 10, 9)  # Tue 10/03/2026 09:00
ACTIONS = sorted(HANDLERS)
ENDINGS = frozenset({A.WITHDRAW, A.STOP, A.REFUSE})
# Actions that take the dossier further towards its result.
PROGRESS = frozenset(
    {
        A.ACCEPT,
        A.TRANSFER,
        A.FORWARD,
        A.SUBMIT_SUPPLEMENT,
        A.RESUME,
        A.ISSUE_RESULT,
        A.RETURN_RESULT,
    }
)


def fields_for(
    action: EventAction, world: World, dossier: Dossier, now: dt.datetime
) -> dict[str, Any]:
    """Plausible fields for ``action`` (the dossier's state decides whether it is allowed)."""
    reason = {"reason": "Lý do thử nghiệm"}
    if action == A.REQUEST_SUPPLEMENT:
        return {**reason, "items": ["Tờ khai"], "respond_by": now + dt.timedelta(days=2)}
    if action in (A.REFUSE, A.WITHDRAW, A.STOP, A.SEND_BACK, A.REFUSE_RESULT):
        return reason
    if action == A.ASSIGN:
        step = dossier.current_step
        return {"handler": world.staff[Role(step.role) if step else Role.SPECIALIST]}
    if action == A.SWITCH_VARIANT:
        other = world.same_day if dossier.variant_id == world.variant.pk else world.variant
        return {**reason, "variant_code": other.code}
    if action == A.COORDINATE:
        return {
            "agency": world.department,
            "question": "Xin ý kiến",
            "due_at": now + dt.timedelta(days=3),
        }
    if action == A.APOLOGIZE:
        cal = work_calendar_for(agency=dossier.competent_agency)
        base = dossier.due_at or now
        return {**reason, "new_due_at": add_working_time(base, dt.timedelta(hours=16), cal)}
    return {}


step_strategy = st.tuples(
    # 0: any action by any actor; 1–5: an allowed action moving on if any; 6–9: any allowed
    st.integers(min_value=0, max_value=9),
    st.integers(min_value=0, max_value=1000),  # which allowed (role, action) pair
    st.sampled_from(ACTIONS),
    st.sampled_from(ROLES),
    st.booleans(),  # act from the other agency
    st.integers(min_value=0, max_value=30),  # hours later (wall clock)
)


class RandomSequenceTests(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.cal = work_calendar_for(agency=cls.world.center)

    def check_invariants(self, dossier: Dossier) -> None:
        dossier.refresh_from_db()
        events = list(dossier.events.order_by("seq"))
        previous: DossierStatus | None = None
        for event in events:
            self.assertEqual(event.from_status, previous)
            self.assertIn(event.to_status, ALLOWED_TRANSITIONS[previous])
            previous = DossierStatus(event.to_status)
        self.assertEqual(previous, dossier.status)
        self.assertEqual(event_chain_problems(dossier_id=dossier.pk), [])
        if dossier.due_at is not None:
            self.assertTrue(is_office_instant(dossier.due_at, self.cal), dossier.due_at)
        if dossier.step_due_at is not None:
            self.assertTrue(is_office_instant(dossier.step_due_at, self.cal), dossier.step_due_at)
        officer = self.world.staff[Role.RECEPTION_OFFICER]
        counts = dossier_counts_by_status(user=officer)
        for status in DossierStatus:
            self.assertEqual(counts[status], len(dossier_list(user=officer, status=status)))

    @settings(
        max_examples=50,
        derandomize=True,  # the same 50 sequences on every run: no flaky CI
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(online=st.booleans(), steps=st.lists(step_strategy, min_size=1, max_size=16))
    def test_it_keeps_the_invariants_under_random_actions(
        self, online: bool, steps: list[tuple[int, int, EventAction, Role, bool, int]]
    ) -> None:
        w = self.world
        now = START
        with time_machine.travel(now, tick=False):
            dossier = w.submit_online() if online else w.receive()
        self.check_invariants(dossier)
        for mode, choice, action, role, elsewhere, hours in steps:
            now += dt.timedelta(hours=hours)
            actor = (w.other_staff if elsewhere else w.staff)[role]
            with time_machine.travel(now, tick=False):
                if mode:
                    pairs = [
                        (allowed, user)
                        for user in w.staff.values()
                        for allowed in dossier_allowed_actions(dossier=dossier, user=user)
                    ]
                    # Mostly move on; end the dossier early only now and then.
                    onward = [p for p in pairs if p[0] not in ENDINGS]
                    if onward and choice % 8:
                        pairs = onward
                    ahead = [p for p in pairs if p[0] in PROGRESS]
                    if ahead and mode <= 5:
                        pairs = ahead
                    if pairs:
                        action, actor = pairs[choice % len(pairs)]
                # Refusals are expected; the invariants must hold either way.
                with contextlib.suppress(TransitionRefused, PermissionDenied, ValidationError):
                    dossier_act(
                        code=dossier.code,
                        action=action,
                        by=actor,
                        **fields_for(action, w, dossier, now),
                    )
            self.check_invariants(dossier)
            hypothesis_event(f"reached {DossierStatus(dossier.status).name}")


class SelectorTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        w = cls.world
        with time_machine.travel(START, tick=False):
            cls.received = [w.receive() for _ in range(3)]
            cls.submitted = w.submit_online()
            cls.elsewhere = w.receive(by=w.other_staff[Role.RECEPTION_OFFICER], agency=w.other)

    def test_it_lists_only_dossiers_in_jurisdiction(self) -> None:
        w = self.world
        with time_machine.travel(START, tick=False):
            mine = set(dossier_list(user=w.staff[Role.SPECIALIST]))
            theirs = set(dossier_list(user=w.other_staff[Role.CLERK]))
            outsider = MembershipFactory(agency=w.department, role=Role.SPECIALIST).user
            nothing = list(dossier_list(user=outsider))
        self.assertEqual(mine, {*self.received, self.submitted})
        self.assertEqual(theirs, {self.elsewhere})
        self.assertEqual(nothing, [])

    def test_it_lists_with_a_fixed_number_of_queries(self) -> None:
        w = self.world
        officer = w.staff[Role.RECEPTION_OFFICER]
        with time_machine.travel(START, tick=False):
            # 1 for the memberships (jurisdiction), 1 for the dossiers with their
            # version, variant, agencies, step and handler joined in. More means
            # an N+1: check select_related in dossier_list.
            with self.assertNumQueries(2):
                rows = list(dossier_list(user=officer))
                for row in rows:
                    _ = (row.variant.code, row.received_by.code, row.competent_agency.code)
                    _ = (row.procedure_version.name, row.current_step, row.handler)
            self.assertEqual(len(rows), 4)
            w.receive()
            w.receive()
            with self.assertNumQueries(2):
                rows = list(dossier_list(user=officer))
                for row in rows:
                    _ = (row.variant.code, row.received_by.code, row.competent_agency.code)
            self.assertEqual(len(rows), 6)

    def test_it_filters_the_list(self) -> None:
        w = self.world
        officer = w.staff[Role.RECEPTION_OFFICER]
        with time_machine.travel(START, tick=False):
            by_status = list(dossier_list(user=officer, status=DossierStatus.SUBMITTED))
            by_agency = list(dossier_list(user=officer, agency_code=w.other.code))
            # Received Tue 10/03 09:00 + 5 days: due Tue 17/03 09:00.
            due_soon = set(dossier_list(user=officer, due_before=vn(2026, 3, 17, 10)))
            not_due = list(dossier_list(user=officer, due_before=vn(2026, 3, 17, 9)))
            by_code = list(dossier_list(user=officer, q=self.received[1].code[-6:]))
            by_name = set(dossier_list(user=officer, q="thị hoa"))
            by_id = set(dossier_list(user=officer, q="046190000123"))
        self.assertEqual(by_status, [self.submitted])
        self.assertEqual(by_agency, [])
        self.assertEqual(due_soon, set(self.received))
        self.assertEqual(not_due, [])
        self.assertEqual(by_code, [self.received[1]])
        self.assertEqual(by_name, {*self.received, self.submitted})
        self.assertEqual(by_id, by_name)

    def test_it_counts_as_the_list_does(self) -> None:
        w = self.world
        with time_machine.travel(START, tick=False):
            counts = dossier_counts_by_status(user=w.staff[Role.CLERK])
        self.assertEqual(counts[DossierStatus.RECEIVED], 3)
        self.assertEqual(counts[DossierStatus.SUBMITTED], 1)
        self.assertEqual(sum(counts.values()), 4)
        self.assertEqual(set(counts), set(DossierStatus))

    def test_it_gives_access_for_action_only_within_jurisdiction(self) -> None:
        w = self.world
        with time_machine.travel(START, tick=False):
            got = dossier_get_for_action(
                user=w.staff[Role.SPECIALIST], code=self.received[0].code, action=A.TRANSFER
            )
            with self.assertRaises(PermissionDenied):
                dossier_get_for_action(
                    user=w.other_staff[Role.SPECIALIST], code=self.received[0].code
                )
            with self.assertRaises(Dossier.DoesNotExist):
                dossier_get_for_action(user=w.staff[Role.SPECIALIST], code="khong-co")
        self.assertEqual(got, self.received[0])

    def test_it_does_not_treat_idempotency_conflicts_as_new_dossiers(self) -> None:
        w = self.world
        with time_machine.travel(START, tick=False):
            w.submit_online(idempotency_key="x", client="portal")
            with self.assertRaises(IdempotencyConflict):
                w.submit_online(idempotency_key="x", client="portal", form_data={"a": 1})
        self.assertEqual(Dossier.objects.count(), 6)
