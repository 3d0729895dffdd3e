"""Invariants under random sequences of actions, and the jurisdiction-scoped reads (gh-4 item 12).

Hypothesis drives random actions by random actors at random later instants,
valid or not, on a counter, an online or a cross-boundary dossier owned by a
citizen account. The actors are every role of the receiving centre and of
the ward's centre, an officer of the department the dossier may be sent to
for coordination or a liên thông leg, and the owner — so every action of the
transition service can happen: liên thông legs and their end, coordination
answers, cross-boundary acceptance, re-submission and the online supplement,
recall, variant switch, apology, financial pause and resumption, withdrawal,
stop. Whatever happens, after every step:

- the history is a walk along ``workflow.ALLOWED_TRANSITIONS`` from "no
  dossier", each event starting where the previous one ended and following
  its action's edge in ``workflow.EDGES``; the hash chain verifies;
- the due instant, the step deadline and every leg's deadline, when set, are
  office instants of the calendar that counts them;
- the counts per status equal the lengths of the list per status, for the
  officers of both centres and for the owner;
- at most one apology; a finished dossier is late exactly when it finished
  after its ORIGINAL due instant (the one before any apology).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
from motcua.calendars.constants import Timeliness
from motcua.calendars.selectors import work_calendar_for
from motcua.calendars.workingtime import WorkCalendar, add_working_time, is_office_instant
from motcua.dossiers.constants import DossierStatus, EventAction, ReturnMode
from motcua.dossiers.history import event_chain_problems
from motcua.dossiers.models import Dossier, Extension, LinkedLeg
from motcua.dossiers.selectors import (
    dossier_counts_by_status,
    dossier_get_for_action,
    dossier_list,
)
from motcua.dossiers.services import (
    HANDLERS,
    IdempotencyConflict,
    LegData,
    PartyData,
    TransitionRefused,
    dossier_act,
    dossier_allowed_actions,
)
from motcua.dossiers.tests.test_receive import ROLES, World, make_world, vn
from motcua.dossiers.workflow import ALLOWED_TRANSITIONS, EDGES
from motcua.organisations.constants import Role
from motcua.organisations.models import Agency
from motcua.organisations.tests.factories import MembershipFactory
from motcua.procedures.tests.factories import (
    OfferingFactory,
    ProcedureVersionFactory,
    VariantFactory,
)

A = EventAction
S = DossierStatus
START = vn(2026, 3, 10, 9)  # Tue 10/03/2026 09:00
ACTIONS = sorted(HANDLERS)
KINDS = ("counter", "online", "cross")
ENDINGS = frozenset({A.WITHDRAW, A.STOP, A.REFUSE})
# Actions that take the dossier further towards its result.
PROGRESS = frozenset(
    {
        A.ACCEPT,
        A.TRANSFER,
        A.ACCEPT_TRANSFER,
        A.FORWARD,
        A.SUBMIT_SUPPLEMENT,
        A.RESUBMIT,
        A.SEND_SUPPLEMENT,
        A.RESUME,
        A.LINK_DONE,
        A.COORDINATION_ANSWER,
        A.ISSUE_RESULT,
        A.RETURN_RESULT,
    }
)


class Cast:
    """Everyone who may act on the dossiers of the random sequences."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.citizen = UserFactory()
        self.owner = PartyData(
            full_name="Trần Văn Bình", identity_number="046090000456", user=self.citizen
        )
        # An officer of the department: coordination answers, liên thông legs.
        self.department = MembershipFactory(agency=world.department, role=Role.SPECIALIST).user
        # A cross-boundary procedure offered only by the ward (B): received at the centre (A).
        version = ProcedureVersionFactory(cross_boundary=True)
        VariantFactory(version=version, code="mot", workflow=world.variant.workflow)
        OfferingFactory(agency=world.other, procedure=version.procedure)
        self.cross_code = version.procedure.national_code
        self.users: list[User] = [
            *world.staff.values(),
            *world.other_staff.values(),
            self.department,
            self.citizen,
        ]

    def candidates(self, dossier: Dossier) -> list[User]:
        """Who could act on ``dossier`` now: the staff of its two agencies, the department, the
        owner, and the ward's staff when a leg was sent there (asking everyone costs time)."""
        w = self.world
        agencies = {dossier.received_by_id, dossier.competent_agency_id}
        if LinkedLeg.objects.filter(dossier=dossier, agency=w.other).exists():
            agencies.add(w.other.pk)
        users = [*w.staff.values()] if w.center.pk in agencies else []
        if w.other.pk in agencies:
            users += w.other_staff.values()
        return [*users, self.department, self.citizen]

    def new_dossier(self, kind: str) -> Dossier:
        w = self.world
        if kind == "online":
            return w.submit_online(owner=self.owner)
        if kind == "cross":
            return w.receive(owner=self.owner, procedure_code=self.cross_code, variant_code=None)
        # Counter dossiers have their result sent by post, so dispatch (T20a) can run.
        return w.receive(
            owner=self.owner,
            return_mode=ReturnMode.POSTAL,
            delivery_address="12 Lê Lợi, phường Thuận Hóa",
        )


def fields_for(
    action: EventAction, cast: Cast, dossier: Dossier, now: dt.datetime, choice: int
) -> dict[str, Any]:
    """Plausible fields for ``action`` (the dossier's state decides whether it is allowed)."""
    world = cast.world
    reason = {"reason": "Lý do thử nghiệm"}
    if action == A.REQUEST_SUPPLEMENT:
        return {**reason, "items": ["Tờ khai"], "respond_by": now + dt.timedelta(days=2)}
    if action in (A.REFUSE, A.WITHDRAW, A.STOP, A.SEND_BACK, A.REFUSE_RESULT, A.RECALL):
        return reason
    if action == A.ASSIGN:
        step = dossier.current_step
        staff = world.staff if dossier.competent_agency_id == world.center.pk else world.other_staff
        return {"handler": staff[Role(step.role) if step else Role.SPECIALIST]}
    if action == A.SWITCH_VARIANT:
        other = world.same_day if dossier.variant_id == world.variant.pk else world.variant
        return {**reason, "variant_code": other.code}
    if action == A.COORDINATE:
        return {
            "agency": world.department,
            "question": "Xin ý kiến",
            "due_at": now + dt.timedelta(hours=1 + choice % 72),
        }
    if action == A.COORDINATION_ANSWER:
        return {"answer": "Thống nhất"}
    if action == A.DISPATCH:
        return {"waybill": f"MC{choice:09d}0"}
    if action == A.LINK:
        hours = Decimal(1 + choice % 24)
        legs = [LegData(agency=world.department, budget_hours=hours)]
        if choice % 3 == 1:  # parallel with the ward's centre
            legs.append(LegData(agency=world.other, budget_hours=hours * 2))
        elif choice % 3 == 2:  # then the ward's centre, in sequence
            legs.append(LegData(agency=world.other, budget_hours=hours, order=2))
        return {"legs": legs, "note": "Liên thông"}
    if action == A.LINK_DONE:
        return {"result_note": "Đã xử lý xong"}
    if action == A.APOLOGIZE:
        cal = work_calendar_for(agency=dossier.competent_agency)
        base = dossier.due_at or now
        return {**reason, "new_due_at": add_working_time(base, dt.timedelta(hours=16), cal)}
    if action in (A.RESUBMIT, A.SEND_SUPPLEMENT):
        return {"note": "Đã bổ sung"}
    return {}


step_strategy = st.tuples(
    # 0: any action by any actor; 1–4: an allowed action moving on if any; 5–7: an allowed
    # action the dossier has not seen yet, if any; 8–9: any allowed action
    st.integers(min_value=0, max_value=9),
    st.integers(min_value=0, max_value=1000),  # which allowed (action, actor) pair; field choices
    st.sampled_from(ACTIONS),
    st.integers(min_value=0, max_value=2 * len(ROLES) + 1),  # which actor, for mode 0
    st.integers(min_value=0, max_value=30),  # hours later (wall clock)
)


class RandomSequenceTests(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.cast = Cast(cls.world)
        cls.calendars: dict[int, WorkCalendar] = {}

    def calendar(self, agency: Agency) -> WorkCalendar:
        """The agency's calendar (the tests never change one: read it once per agency)."""
        if agency.pk not in self.calendars:
            self.calendars[agency.pk] = work_calendar_for(agency=agency)
        return self.calendars[agency.pk]

    def check_invariants(self, dossier: Dossier, *, counts: bool = False) -> None:
        dossier.refresh_from_db()
        events = list(dossier.events.order_by("seq"))
        previous: DossierStatus | None = None
        for event in events:
            self.assertEqual(event.from_status, previous)
            self.assertIn(event.to_status, ALLOWED_TRANSITIONS[previous])
            if previous is not None:
                # Every later event follows its own action's edge.
                self.assertEqual(EDGES[A(event.action)][previous], event.to_status, event.action)
            previous = DossierStatus(event.to_status)
        self.assertEqual(previous, dossier.status)
        self.assertEqual(event_chain_problems(dossier_id=dossier.pk), [])

        cal = self.calendar(dossier.competent_agency)
        if dossier.due_at is not None:
            self.assertTrue(is_office_instant(dossier.due_at, cal), dossier.due_at)
        if dossier.step_due_at is not None:
            self.assertTrue(is_office_instant(dossier.step_due_at, cal), dossier.step_due_at)
        for leg in LinkedLeg.objects.filter(dossier=dossier).select_related("agency"):
            leg_cal = self.calendar(leg.agency)
            self.assertTrue(is_office_instant(leg.due_at, leg_cal), leg.due_at)

        # D7: at most one apology, and lateness counts against the original due instant.
        apologies = [e for e in events if e.action == A.APOLOGIZE]
        self.assertLessEqual(len(apologies), 1)
        self.assertEqual(Extension.objects.filter(dossier=dossier).count(), len(apologies))
        if dossier.finished_at is not None:
            finish = next(e for e in events if e.action in (A.ISSUE_RESULT, A.REFUSE_RESULT))
            self.assertEqual(finish.at, dossier.finished_at)
            original = (
                dt.datetime.fromisoformat(apologies[0].data["old_due_at"])
                if apologies
                else finish.due_at
            )
            assert original is not None
            late = dossier.timeliness == Timeliness.LATE
            self.assertEqual(late, dossier.finished_at > original, (dossier.timeliness, original))
        else:
            self.assertEqual(dossier.timeliness, "")

        if not counts:
            return
        w = self.world
        for user in (
            w.staff[Role.RECEPTION_OFFICER],
            w.other_staff[Role.RECEPTION_OFFICER],
            self.cast.citizen,
        ):
            counts = dossier_counts_by_status(user=user)
            for status in DossierStatus:
                self.assertEqual(counts[status], len(dossier_list(user=user, status=status)))

    def run_sequence(
        self,
        kind: str,
        steps: list[tuple[int, int, EventAction, int, int]],
        *,
        recording: bool = True,
    ) -> set[EventAction]:
        """Apply ``steps`` to a new dossier of ``kind``, checking the invariants after each.

        Returns the actions that were carried out (not refused); ``recording``
        reports them to Hypothesis's statistics (only inside a Hypothesis test).
        """
        cast = self.cast
        now = START
        done: set[EventAction] = set()
        with time_machine.travel(now, tick=False):
            dossier = cast.new_dossier(kind)
        self.check_invariants(dossier)
        for mode, choice, action, who, hours in steps:
            now += dt.timedelta(hours=hours)
            actor = cast.users[who % len(cast.users)]
            with time_machine.travel(now, tick=False):
                if mode:
                    pairs = [
                        (allowed, user)
                        for user in cast.candidates(dossier)
                        for allowed in dossier_allowed_actions(dossier=dossier, user=user)
                    ]
                    # Mostly move on; end the dossier early only now and then.
                    onward = [p for p in pairs if p[0] not in ENDINGS]
                    if onward and choice % 8:
                        pairs = onward
                    ahead = [p for p in pairs if p[0] in PROGRESS]
                    novel = [p for p in pairs if p[0] not in done]
                    if ahead and mode <= 4:
                        pairs = ahead
                    elif novel and mode <= 7:
                        # Something this dossier has not seen yet: reach the rarer actions.
                        pairs = novel
                    if pairs:
                        action, actor = pairs[choice % len(pairs)]
                # Refusals are expected; the invariants must hold either way.
                with contextlib.suppress(TransitionRefused, PermissionDenied, ValidationError):
                    dossier_act(
                        code=dossier.code,
                        action=action,
                        by=actor,
                        **fields_for(action, cast, dossier, now, choice),
                    )
                    done.add(action)
                    if recording:
                        hypothesis_event(f"did {action.value}")
            self.check_invariants(dossier)
        # The counts and lists are checked once per sequence (they read every dossier).
        self.check_invariants(dossier, counts=True)
        if recording:
            hypothesis_event(f"ended {DossierStatus(dossier.status).name}")
        return done

    @settings(
        max_examples=30,
        derandomize=True,  # the same sequences on every run: no flaky CI
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        kind=st.sampled_from(KINDS),
        steps=st.lists(step_strategy, min_size=1, max_size=16),
    )
    def test_it_keeps_the_invariants_under_random_actions(
        self, kind: str, steps: list[tuple[int, int, EventAction, int, int]]
    ) -> None:
        self.run_sequence(kind, steps)

    def test_the_scripted_sequences_carry_out_every_action(self) -> None:
        """The rarer paths, scripted in the random test's terms, so each action surely runs.

        Actors by index in ``Cast.users``: the centre's reception officer 0,
        division head 1, specialist 2, leader 3, clerk 4; the ward's 5–9 in the
        same order; the department's specialist 10; the owner 11.
        """
        done: set[EventAction] = set()
        for kind, script in SCRIPTS:
            steps = [(0, choice, action, who, hours) for action, who, hours, choice in script]
            done |= self.run_sequence(kind, steps, recording=False)
        self.assertEqual(done, set(HANDLERS))


# (action, actor index, hours later, choice) per step.
SCRIPTS: list[tuple[str, list[tuple[EventAction, int, int, int]]]] = [
    (  # recall, the online supplement, an apology, then a late result
        "counter",
        [
            (A.TRANSFER, 0, 0, 0),
            (A.ASSIGN, 1, 0, 0),
            (A.FORWARD, 1, 1, 0),
            (A.RECALL, 1, 0, 0),
            (A.FORWARD, 1, 0, 0),
            (A.REQUEST_SUPPLEMENT, 2, 1, 0),
            (A.SEND_SUPPLEMENT, 11, 2, 0),
            (A.SUBMIT_SUPPLEMENT, 0, 1, 0),
            (A.APOLOGIZE, 3, 1, 0),
            (A.FORWARD, 2, 30, 0),
            (A.APPROVE, 3, 30, 0),
            (A.SIGN, 3, 30, 0),
            (A.FORWARD, 3, 30, 0),
            (A.ISSUE_RESULT, 4, 30, 0),
            (A.DISPATCH, 0, 1, 0),  # counter dossiers' results go by post
            (A.RETURN_RESULT, 0, 1, 0),
        ],
    ),
    (  # cross-boundary: B accepts; coordination answered; one liên thông leg
        "cross",
        [
            (A.TRANSFER, 0, 0, 0),
            (A.FORWARD, 6, 1, 0),  # refused: B has not accepted yet
            (A.ACCEPT_TRANSFER, 5, 1, 0),
            (A.FORWARD, 6, 1, 0),
            (A.COORDINATE, 7, 1, 5),
            (A.COORDINATION_ANSWER, 10, 2, 0),
            (A.LINK, 6, 1, 3),
            (A.LINK_DONE, 10, 4, 0),
            (A.FORWARD, 7, 1, 0),
            (A.REFUSE_RESULT, 8, 1, 0),
            (A.RETURN_RESULT, 0, 1, 0),
        ],
    ),
    (  # sequential legs, a financial pause, a variant switch, the owner withdraws
        "counter",
        [
            (A.TRANSFER, 0, 0, 0),
            (A.LINK, 1, 1, 2),
            (A.LINK_DONE, 5, 1, 0),  # refused: the department's leg comes first
            (A.LINK_DONE, 10, 1, 0),
            (A.LINK_DONE, 5, 1, 0),
            (A.PAUSE_FINANCIAL, 2, 1, 0),
            (A.RESUME, 2, 20, 0),
            (A.SWITCH_VARIANT, 1, 1, 0),
            (A.FORWARD, 1, 1, 0),
            (A.SEND_BACK, 2, 1, 0),
            (A.WITHDRAW, 11, 1, 0),
        ],
    ),
    (  # before reception: a supplement, the owner re-submits, the one-stop refuses
        "online",
        [
            (A.REQUEST_SUPPLEMENT, 0, 1, 0),
            (A.RESUBMIT, 11, 2, 0),
            (A.REFUSE, 0, 1, 0),
        ],
    ),
    (  # an online dossier accepted, then stopped
        "online",
        [(A.ACCEPT, 0, 1, 0), (A.STOP, 0, 1, 0)],
    ),
]


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
