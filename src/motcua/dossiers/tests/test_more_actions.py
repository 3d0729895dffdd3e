"""The remaining actions of gh-4 items 4–5: recall, coordination answers, liên thông legs,
cross-boundary acceptance, immediate results, the owner's own actions, and the
supplement rules (per procedure; the Mẫu 02 three-working-day limit; repeats).

Each action: the right actor, a wrong actor, a wrong status; deadlines on real
2026 dates with a frozen clock; the history chain verified after each scenario.
The default clock is Tue 10/03/2026 09:00 in Huế, an ordinary working week.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.test import override_settings

import pytest
import time_machine

from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
from motcua.calendars.constants import Timeliness
from motcua.dossiers.constants import DossierStatus, EventAction
from motcua.dossiers.forms_official import control_sheet_rows
from motcua.dossiers.history import event_chain_problems
from motcua.dossiers.models import CoordinationRequest, Dossier, LinkedLeg, SupplementRequest
from motcua.dossiers.services import (
    LegData,
    PartyData,
    TransitionRefused,
    dossier_act,
    dossier_allowed_actions,
    dossier_receive_immediate,
    dossier_supplement_send,
)
from motcua.dossiers.tests.test_receive import OWNER, World, make_world, vn
from motcua.dossiers.tests.test_transitions import bring
from motcua.dossiers.workflow import ACTION_EDGES, ALLOWED_TRANSITIONS, Guard
from motcua.organisations.constants import Role
from motcua.organisations.tests.factories import MembershipFactory
from motcua.procedures.tests.factories import (
    OfferingFactory,
    ProcedureVersionFactory,
    VariantFactory,
)

A = EventAction
S = DossierStatus
R = Role
NOW = vn(2026, 3, 10, 9)


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def chain_ok(dossier: Dossier) -> None:
    assert event_chain_problems(dossier_id=dossier.pk) == []


def actions_of(dossier: Dossier) -> list[str]:
    return [e.action for e in dossier.events.order_by("seq")]


def test_it_declares_only_allowed_edges_for_the_added_actions() -> None:
    for action in (A.RECALL, A.COORDINATION_ANSWER, A.LINK, A.LINK_DONE, A.ACCEPT_TRANSFER):
        (edge,) = ACTION_EDGES[action]
        assert (edge.source, edge.target) == (S.PROCESSING, S.PROCESSING), action
    for action in (A.RESUBMIT, A.SEND_SUPPLEMENT):
        for edge in ACTION_EDGES[action]:
            assert edge.source == edge.target, action
            assert edge.target in ALLOWED_TRANSITIONS[edge.source], action
    # TX: until the competent agency accepts, nothing but the acceptance (and a
    # withdrawal or stop) moves a cross-boundary dossier.
    for action, edges in ACTION_EDGES.items():
        for edge in edges:
            if edge.source == S.PROCESSING and action not in (
                A.ACCEPT_TRANSFER,
                A.WITHDRAW,
                A.STOP,
            ):
                assert Guard.TRANSFER_ACCEPTED in edge.guards, action


@pytest.mark.django_db
class TestRecall:
    def test_it_lets_the_sender_take_back_a_just_forwarded_dossier(
        self, world: World, frozen: Any
    ) -> None:
        head = world.staff[R.DIVISION_HEAD]
        dossier = bring(world, "step1")  # step 1 due Tue 10/03 11:00 (2 h budget)
        frozen.shift(dt.timedelta(minutes=30))
        dossier_act(code=dossier.code, action=A.FORWARD, by=head)
        dossier.refresh_from_db()
        assert A.RECALL in dossier_allowed_actions(dossier=dossier, user=head)
        event = dossier_act(code=dossier.code, action=A.RECALL, by=head, reason="Chuyển nhầm")
        dossier.refresh_from_db()
        assert dossier.status == S.PROCESSING
        assert dossier.current_step == world.steps[0]
        assert dossier.handler == head
        # The step deadline it had, not a fresh budget.
        assert dossier.step_due_at == vn(2026, 3, 10, 11)
        assert (event.from_step, event.to_step) == (world.steps[1], world.steps[0])
        assert event.actor_role == R.DIVISION_HEAD
        chain_ok(dossier)

    def test_it_refuses_anyone_but_the_sender(self, world: World, frozen: Any) -> None:
        dossier = bring(world, "step2")
        second_head = MembershipFactory(agency=world.center, role=R.DIVISION_HEAD).user
        for user in (world.staff[R.SPECIALIST], second_head, world.other_staff[R.DIVISION_HEAD]):
            with pytest.raises(PermissionDenied):
                dossier_act(code=dossier.code, action=A.RECALL, by=user)
        assert actions_of(dossier)[-1] == A.FORWARD
        chain_ok(dossier)

    def test_it_refuses_once_the_next_handler_acted_or_without_a_forward(
        self, world: World, frozen: Any
    ) -> None:
        head = world.staff[R.DIVISION_HEAD]
        dossier = bring(world, "step2")
        dossier_act(
            code=dossier.code,
            action=A.COORDINATE,
            by=world.staff[R.SPECIALIST],
            agency=world.department,
            question="Xin ý kiến",
            due_at=NOW + dt.timedelta(days=2),
        )
        with pytest.raises(TransitionRefused) as caught:
            dossier_act(code=dossier.code, action=A.RECALL, by=head)
        assert A.RECALL not in caught.value.allowed
        received = bring(world, "received")
        with pytest.raises(TransitionRefused):
            dossier_act(code=received.code, action=A.RECALL, by=head)
        chain_ok(dossier)


def coordinate(world: World, dossier: Dossier, due_at: dt.datetime) -> None:
    dossier_act(
        code=dossier.code,
        action=A.COORDINATE,
        by=world.staff[R.SPECIALIST],
        agency=world.department,
        question="Đề nghị Sở Tư pháp cho ý kiến",
        due_at=due_at,
    )


@pytest.mark.django_db
class TestCoordinationAnswer:
    def test_it_records_an_answer_on_time(self, world: World, frozen: Any) -> None:
        dossier = bring(world, "step2")
        coordinate(world, dossier, vn(2026, 3, 12, 17))
        officer = MembershipFactory(agency=world.department, role=R.SPECIALIST).user
        frozen.move_to(vn(2026, 3, 11, 10))
        assert dossier_allowed_actions(dossier=dossier, user=officer) == [A.COORDINATION_ANSWER]
        event = dossier_act(
            code=dossier.code, action=A.COORDINATION_ANSWER, by=officer, answer="Đồng ý"
        )
        request = CoordinationRequest.objects.get(dossier=dossier)
        assert request.answered_at == vn(2026, 3, 11, 10)
        assert (request.answer, request.answered_by) == ("Đồng ý", officer)
        assert event.actor_agency == world.department
        assert event.data["late"] is False
        assert event.data["timeliness"] == Timeliness.EARLY
        dossier.refresh_from_db()
        assert dossier.status == S.PROCESSING
        chain_ok(dossier)

    def test_it_keeps_a_late_answer_visible(self, world: World, frozen: Any) -> None:
        dossier = bring(world, "step2")
        coordinate(world, dossier, vn(2026, 3, 11, 17))
        officer = MembershipFactory(agency=world.department, role=R.DIVISION_HEAD).user
        frozen.move_to(vn(2026, 3, 13, 8))  # Fri 13/03, two days after the deadline
        event = dossier_act(
            code=dossier.code, action=A.COORDINATION_ANSWER, by=officer, answer="Chậm trả lời"
        )
        assert event.data["late"] is True
        assert event.data["timeliness"] == Timeliness.LATE
        late = CoordinationRequest.objects.filter(answered_at__gt=vn(2026, 3, 11, 17))
        assert list(late.values_list("dossier_id", flat=True)) == [dossier.pk]
        chain_ok(dossier)

    def test_it_refuses_officers_of_other_agencies(self, world: World, frozen: Any) -> None:
        dossier = bring(world, "step2")
        coordinate(world, dossier, vn(2026, 3, 12, 17))
        for user in (world.staff[R.SPECIALIST], world.other_staff[R.SPECIALIST]):
            with pytest.raises(PermissionDenied):
                dossier_act(code=dossier.code, action=A.COORDINATION_ANSWER, by=user, answer="x")
        assert CoordinationRequest.objects.get(dossier=dossier).answered_at is None

    def test_it_refuses_an_answer_outside_processing(self, world: World, frozen: Any) -> None:
        dossier = bring(world, "step2")
        coordinate(world, dossier, vn(2026, 3, 12, 17))
        dossier_act(code=dossier.code, action=A.PAUSE_FINANCIAL, by=world.staff[R.SPECIALIST])
        officer = MembershipFactory(agency=world.department, role=R.SPECIALIST).user
        with pytest.raises(TransitionRefused) as caught:
            dossier_act(code=dossier.code, action=A.COORDINATION_ANSWER, by=officer, answer="x")
        assert caught.value.current == S.AWAITING_PAYMENT


def link(world: World, dossier: Dossier, legs: list[LegData]) -> Any:
    return dossier_act(code=dossier.code, action=A.LINK, by=world.staff[R.DIVISION_HEAD], legs=legs)


@pytest.mark.django_db
class TestLink:
    def test_it_sends_parallel_legs_each_with_its_own_deadline(
        self, world: World, frozen: Any
    ) -> None:
        dossier = bring(world, "step2")
        event = link(
            world,
            dossier,
            [
                LegData(agency=world.other, budget_hours=Decimal(8)),
                LegData(agency=world.department, budget_hours=Decimal(16), external_code="X-1"),
            ],
        )
        legs = list(LinkedLeg.objects.filter(dossier=dossier).order_by("id"))
        # Tue 10/03/2026 09:00 + 8 working hours = Wed 11/03 09:00; + 16 = Thu 12/03 09:00.
        assert [(leg.agency, leg.order, leg.due_at) for leg in legs] == [
            (world.other, 1, vn(2026, 3, 11, 9)),
            (world.department, 1, vn(2026, 3, 12, 9)),
        ]
        assert legs[1].external_code == "X-1"
        assert len(event.data["legs"]) == 2
        assert event.actor_role == R.DIVISION_HEAD
        chain_ok(dossier)

    def test_it_chains_sequential_legs_across_the_2026_holidays(self, world: World) -> None:
        # Fri 24/04/2026 09:00; Mon 27/04 (Hùng Kings, compensatory), Thu 30/04 and
        # Fri 01/05 are holidays.
        with time_machine.travel(vn(2026, 4, 24, 9), tick=False):
            dossier = bring(world, "step2")
            link(
                world,
                dossier,
                [
                    LegData(agency=world.other, budget_hours=Decimal(8), order=1),
                    LegData(agency=world.department, budget_hours=Decimal(16), order=2),
                ],
            )
        first, second = LinkedLeg.objects.filter(dossier=dossier).order_by("order")
        # 8 h: 6 h on Fri, 2 h on Tue 28/04 → 09:00. Then 16 h: Tue 09:00 → Wed 29/04
        # 17:00 is 14 h, the last 2 h on Mon 04/05 → 09:00.
        assert first.due_at == vn(2026, 4, 28, 9)
        assert second.due_at == vn(2026, 5, 4, 9)
        chain_ok(dossier)

    def test_it_refuses_wrong_actors_and_bad_legs(self, world: World, frozen: Any) -> None:
        dossier = bring(world, "step2")
        legs = [LegData(agency=world.department, budget_hours=Decimal(8))]
        for user in (world.staff[R.SPECIALIST], world.other_staff[R.DIVISION_HEAD]):
            with pytest.raises(PermissionDenied):
                dossier_act(code=dossier.code, action=A.LINK, by=user, legs=legs)
        with pytest.raises(ValidationError) as own:
            link(world, dossier, [LegData(agency=world.center, budget_hours=Decimal(8))])
        assert "legs.0.agency" in own.value.message_dict
        with pytest.raises(ValidationError) as empty:
            link(world, dossier, [])
        assert "legs" in empty.value.message_dict
        assert not LinkedLeg.objects.exists()

    def test_it_refuses_to_link_before_processing(self, world: World, frozen: Any) -> None:
        dossier = bring(world, "received")
        with pytest.raises(TransitionRefused):
            link(world, dossier, [LegData(agency=world.department, budget_hours=Decimal(8))])


@pytest.mark.django_db
class TestLinkDone:
    def test_it_ends_legs_in_order_and_only_then_issues_the_result(
        self, world: World, frozen: Any
    ) -> None:
        dossier = bring(world, "step2")
        link(
            world,
            dossier,
            [
                LegData(agency=world.department, budget_hours=Decimal(8), order=1),
                LegData(agency=world.other, budget_hours=Decimal(8), order=2),
            ],
        )
        department = MembershipFactory(agency=world.department, role=R.SPECIALIST).user
        ward = world.other_staff[R.SPECIALIST]
        # The second leg cannot end before the first.
        with pytest.raises(ValidationError) as early:
            dossier_act(code=dossier.code, action=A.LINK_DONE, by=ward)
        assert "leg_id" in early.value.message_dict
        frozen.move_to(vn(2026, 3, 10, 16))
        first = dossier_act(
            code=dossier.code, action=A.LINK_DONE, by=department, result_note="Đã xác nhận"
        )
        assert first.data["timeliness"] == Timeliness.EARLY  # due Wed 11/03 09:00
        assert first.actor_agency == world.department
        dossier_act(code=dossier.code, action=A.FORWARD, by=world.staff[R.SPECIALIST])
        dossier_act(code=dossier.code, action=A.FORWARD, by=world.staff[R.AGENCY_LEADER])
        clerk = world.staff[R.CLERK]
        # One leg open: no result yet.
        assert A.ISSUE_RESULT not in dossier_allowed_actions(dossier=dossier, user=clerk)
        with pytest.raises(TransitionRefused):
            dossier_act(code=dossier.code, action=A.ISSUE_RESULT, by=clerk)
        # Second leg: due Wed 11/03 09:00 + 8 h = Thu 12/03 09:00; done Fri 13/03 → late.
        frozen.move_to(vn(2026, 3, 13, 10))
        second = dossier_act(code=dossier.code, action=A.LINK_DONE, by=ward)
        assert second.data["timeliness"] == Timeliness.LATE
        legs = LinkedLeg.objects.filter(dossier=dossier).order_by("order")
        assert [(leg.done_at, leg.timeliness) for leg in legs] == [
            (vn(2026, 3, 10, 16), Timeliness.EARLY),
            (vn(2026, 3, 13, 10), Timeliness.LATE),
        ]
        dossier_act(code=dossier.code, action=A.ISSUE_RESULT, by=clerk)
        dossier.refresh_from_db()
        assert dossier.status == S.RESOLVED
        chain_ok(dossier)

    def test_it_lets_the_competent_agency_record_an_external_leg(
        self, world: World, frozen: Any
    ) -> None:
        dossier = bring(world, "step2")
        link(world, dossier, [LegData(agency=world.department, budget_hours=Decimal(8))])
        leg = LinkedLeg.objects.get(dossier=dossier)
        event = dossier_act(
            code=dossier.code,
            action=A.LINK_DONE,
            by=world.staff[R.SPECIALIST],
            leg_id=leg.pk,
            external_code="LLTP-2026-0001",
        )
        leg.refresh_from_db()
        assert (leg.done_at, leg.external_code) == (NOW, "LLTP-2026-0001")
        assert event.actor_agency == world.center
        chain_ok(dossier)

    def test_it_refuses_wrong_actors_and_wrong_status(self, world: World, frozen: Any) -> None:
        dossier = bring(world, "step2")
        link(world, dossier, [LegData(agency=world.department, budget_hours=Decimal(8))])
        for user in (world.staff[R.CLERK], world.other_staff[R.SPECIALIST]):
            with pytest.raises(PermissionDenied):
                dossier_act(code=dossier.code, action=A.LINK_DONE, by=user)
        dossier_act(code=dossier.code, action=A.PAUSE_FINANCIAL, by=world.staff[R.SPECIALIST])
        officer = MembershipFactory(agency=world.department, role=R.SPECIALIST).user
        with pytest.raises(TransitionRefused):
            dossier_act(code=dossier.code, action=A.LINK_DONE, by=officer)
        assert LinkedLeg.objects.get(dossier=dossier).done_at is None


def cross_boundary(world: World) -> Dossier:
    """Received at the centre (A) for the ward's agency (B), which alone offers it."""
    version = ProcedureVersionFactory(cross_boundary=True)
    VariantFactory(version=version, code="mot", workflow=world.variant.workflow)
    OfferingFactory(agency=world.other, procedure=version.procedure)
    return world.receive(procedure_code=version.procedure.national_code, variant_code=None)


@pytest.mark.django_db
class TestAcceptTransfer:
    def test_it_waits_for_b_then_returns_the_result_where_received(
        self, world: World, frozen: Any
    ) -> None:
        dossier = cross_boundary(world)
        assert (dossier.received_by, dossier.competent_agency) == (world.center, world.other)
        dossier_act(code=dossier.code, action=A.TRANSFER, by=world.staff[R.RECEPTION_OFFICER])
        dossier.refresh_from_db()
        assert dossier.current_step is None  # waiting for B to accept
        b_officer = world.other_staff[R.RECEPTION_OFFICER]
        assert dossier_allowed_actions(dossier=dossier, user=b_officer) == [A.ACCEPT_TRANSFER]
        with pytest.raises(TransitionRefused):
            dossier_act(code=dossier.code, action=A.FORWARD, by=world.other_staff[R.DIVISION_HEAD])
        frozen.shift(dt.timedelta(hours=1))
        event = dossier_act(code=dossier.code, action=A.ACCEPT_TRANSFER, by=b_officer)
        dossier.refresh_from_db()
        assert event.actor_agency == world.other
        assert dossier.current_step == world.steps[0]
        # 10:00 + 2 working hours, with the 11:30–13:30 lunch break → 14:00.
        assert dossier.step_due_at == vn(2026, 3, 10, 14)
        for role in (R.DIVISION_HEAD, R.SPECIALIST, R.AGENCY_LEADER):
            dossier_act(code=dossier.code, action=A.FORWARD, by=world.other_staff[role])
        dossier_act(code=dossier.code, action=A.ISSUE_RESULT, by=world.other_staff[R.CLERK])
        with pytest.raises(PermissionDenied):
            dossier_act(code=dossier.code, action=A.RETURN_RESULT, by=b_officer)
        dossier_act(code=dossier.code, action=A.RETURN_RESULT, by=world.staff[R.RECEPTION_OFFICER])
        dossier.refresh_from_db()
        assert dossier.status == S.RETURNED
        assert actions_of(dossier)[:3] == [A.RECEIVE, A.TRANSFER, A.ACCEPT_TRANSFER]
        chain_ok(dossier)

    def test_it_refuses_a_wrong_actor(self, world: World, frozen: Any) -> None:
        dossier = cross_boundary(world)
        dossier_act(code=dossier.code, action=A.TRANSFER, by=world.staff[R.RECEPTION_OFFICER])
        for user in (world.staff[R.RECEPTION_OFFICER], world.other_staff[R.SPECIALIST]):
            with pytest.raises(PermissionDenied):
                dossier_act(code=dossier.code, action=A.ACCEPT_TRANSFER, by=user)

    def test_it_refuses_when_nothing_waits_for_acceptance(self, world: World, frozen: Any) -> None:
        own = bring(world, "step1")
        with pytest.raises(TransitionRefused):
            dossier_act(
                code=own.code, action=A.ACCEPT_TRANSFER, by=world.staff[R.RECEPTION_OFFICER]
            )
        received = cross_boundary(world)
        with pytest.raises(TransitionRefused):
            dossier_act(
                code=received.code,
                action=A.ACCEPT_TRANSFER,
                by=world.other_staff[R.RECEPTION_OFFICER],
            )


@pytest.mark.django_db
class TestImmediateResult:
    def test_it_receives_issues_and_returns_in_one_sitting(self, world: World, frozen: Any) -> None:
        officer = world.staff[R.RECEPTION_OFFICER]
        dossier = dossier_receive_immediate(
            by=officer,
            agency=world.center,
            procedure_code=world.code,
            variant_code=world.same_day.code,
            owner=OWNER,
            result={"number": "12/CT"},
        )
        dossier.refresh_from_db()
        assert dossier.status == S.RETURNED
        assert dossier.received_at == dossier.finished_at == dossier.returned_at == NOW
        assert dossier.due_at == vn(2026, 3, 10, 17)
        assert dossier.timeliness == Timeliness.ON_TIME
        events = list(dossier.events.order_by("seq"))
        assert [(e.action, e.from_status, e.to_status) for e in events] == [
            (A.RECEIVE, None, S.RECEIVED),
            (A.TRANSFER, S.RECEIVED, S.PROCESSING),
            (A.ISSUE_RESULT, S.PROCESSING, S.RESOLVED),
            (A.RETURN_RESULT, S.RESOLVED, S.RETURNED),
        ]
        assert {e.actor for e in events} == {officer}
        assert events[2].data["result"] == {"number": "12/CT"}
        chain_ok(dossier)

    def test_it_refuses_a_wrong_actor_or_an_ordinary_variant(
        self, world: World, frozen: Any
    ) -> None:
        values: dict[str, Any] = {
            "agency": world.center,
            "procedure_code": world.code,
            "owner": OWNER,
        }
        with pytest.raises(PermissionDenied):
            dossier_receive_immediate(
                by=world.staff[R.SPECIALIST], variant_code=world.same_day.code, **values
            )
        with pytest.raises(ValidationError) as caught:
            dossier_receive_immediate(
                by=world.staff[R.RECEPTION_OFFICER], variant_code=world.variant.code, **values
            )
        assert "variant_code" in caught.value.message_dict
        assert not Dossier.objects.exists()


def owned(world: World, *, online: bool = False) -> tuple[Dossier, User]:
    citizen = UserFactory()
    owner = PartyData(full_name="Trần Văn Bình", identity_number="046090000456", user=citizen)
    dossier = world.submit_online(owner=owner) if online else world.receive(owner=owner)
    return dossier, citizen


@pytest.mark.django_db
class TestOwnerWithdraws:
    def test_it_lets_the_owner_withdraw_online(self, world: World, frozen: Any) -> None:
        dossier, citizen = owned(world)
        dossier_act(code=dossier.code, action=A.TRANSFER, by=world.staff[R.RECEPTION_OFFICER])
        assert dossier_allowed_actions(dossier=dossier, user=citizen) == [A.WITHDRAW]
        event = dossier_act(
            code=dossier.code, action=A.WITHDRAW, by=citizen, reason="Không còn nhu cầu"
        )
        dossier.refresh_from_db()
        assert dossier.status == S.WITHDRAWN
        assert (event.actor, event.actor_role, event.actor_agency) == (citizen, "", None)
        chain_ok(dossier)

    def test_it_refuses_another_citizen_and_staff_only_actions(
        self, world: World, frozen: Any
    ) -> None:
        dossier, citizen = owned(world)
        with pytest.raises(PermissionDenied):
            dossier_act(code=dossier.code, action=A.WITHDRAW, by=UserFactory(), reason="x")
        with pytest.raises(PermissionDenied):
            dossier_act(code=dossier.code, action=A.TRANSFER, by=citizen)

    def test_it_refuses_a_withdrawal_after_the_result(self, world: World, frozen: Any) -> None:
        dossier, citizen = owned(world)
        for action, role in [
            (A.TRANSFER, R.RECEPTION_OFFICER),
            (A.FORWARD, R.DIVISION_HEAD),
            (A.FORWARD, R.SPECIALIST),
            (A.FORWARD, R.AGENCY_LEADER),
            (A.ISSUE_RESULT, R.CLERK),
        ]:
            dossier_act(code=dossier.code, action=action, by=world.staff[role])
        with pytest.raises(TransitionRefused) as caught:
            dossier_act(code=dossier.code, action=A.WITHDRAW, by=citizen, reason="x")
        assert caught.value.allowed == []


def ask_before_reception(world: World, dossier: Dossier) -> None:
    dossier_act(
        code=dossier.code,
        action=A.REQUEST_SUPPLEMENT,
        by=world.staff[R.RECEPTION_OFFICER],
        items=["Tờ khai có chữ ký"],
        reason="Tờ khai chưa ký",
    )


@pytest.mark.django_db
class TestResubmit:
    def test_it_lets_the_owner_resubmit_once_per_request(self, world: World, frozen: Any) -> None:
        dossier, citizen = owned(world, online=True)
        ask_before_reception(world, dossier)
        frozen.shift(dt.timedelta(hours=3))
        event = dossier_act(code=dossier.code, action=A.RESUBMIT, by=citizen, note="Đã ký")
        assert (event.from_status, event.to_status) == (S.SUBMITTED, S.SUBMITTED)
        request = SupplementRequest.objects.get(dossier=dossier)
        assert (request.sent_at, request.sent_note) == (NOW + dt.timedelta(hours=3), "Đã ký")
        with pytest.raises(TransitionRefused):
            dossier_act(code=dossier.code, action=A.RESUBMIT, by=citizen)
        dossier_act(code=dossier.code, action=A.ACCEPT, by=world.staff[R.RECEPTION_OFFICER])
        dossier.refresh_from_db()
        assert dossier.status == S.RECEIVED
        chain_ok(dossier)

    def test_it_refuses_others_and_a_dossier_nobody_asked_to_complete(
        self, world: World, frozen: Any
    ) -> None:
        dossier, citizen = owned(world, online=True)
        with pytest.raises(TransitionRefused):
            dossier_act(code=dossier.code, action=A.RESUBMIT, by=citizen)
        ask_before_reception(world, dossier)
        for user in (UserFactory(), world.staff[R.RECEPTION_OFFICER]):
            with pytest.raises(PermissionDenied):
                dossier_act(code=dossier.code, action=A.RESUBMIT, by=user)


def to_supplement(world: World, dossier: Dossier) -> None:
    for action, role in [(A.TRANSFER, R.RECEPTION_OFFICER), (A.FORWARD, R.DIVISION_HEAD)]:
        dossier_act(code=dossier.code, action=action, by=world.staff[role])
    dossier_act(
        code=dossier.code,
        action=A.REQUEST_SUPPLEMENT,
        by=world.staff[R.SPECIALIST],
        items=["Bản sao CCCD"],
        reason="Thiếu giấy tờ",
    )


@pytest.mark.django_db
class TestOnlineSupplement:
    def test_it_records_the_owner_sending_and_the_one_stop_confirming(
        self, world: World, frozen: Any
    ) -> None:
        dossier, citizen = owned(world)
        to_supplement(world, dossier)
        dossier.refresh_from_db()
        paused_due = dossier.due_at
        assert A.SEND_SUPPLEMENT in dossier_allowed_actions(dossier=dossier, user=citizen)
        frozen.move_to(vn(2026, 3, 11, 8))
        request = dossier_supplement_send(by=citizen, code=dossier.code, note="Đã tải lên CCCD")
        assert request.sent_at == vn(2026, 3, 11, 8)
        dossier.refresh_from_db()
        assert dossier.status == S.AWAITING_SUPPLEMENT  # the one-stop still confirms
        assert dossier.due_at == paused_due  # the clock stays paused
        assert not dossier.sync.synced
        # The sending is in the history, by the owner, on the AWAITING_SUPPLEMENT loop.
        sent_event = dossier.events.order_by("-seq").first()
        assert sent_event is not None
        assert (sent_event.action, sent_event.from_status, sent_event.to_status) == (
            A.SEND_SUPPLEMENT,
            S.AWAITING_SUPPLEMENT,
            S.AWAITING_SUPPLEMENT,
        )
        assert (sent_event.actor, sent_event.actor_role, sent_event.actor_agency) == (
            citizen,
            "",
            None,
        )
        assert sent_event.at == vn(2026, 3, 11, 8)
        assert sent_event.note == "Đã tải lên CCCD"
        chain_ok(dossier)
        # Sending twice is not possible: the request no longer waits for the owner.
        with pytest.raises(TransitionRefused) as caught:
            dossier_supplement_send(by=citizen, code=dossier.code)
        assert caught.value.allowed == [A.WITHDRAW]
        frozen.move_to(vn(2026, 3, 11, 9))
        event = dossier_act(
            code=dossier.code, action=A.SUBMIT_SUPPLEMENT, by=world.staff[R.RECEPTION_OFFICER]
        )
        sent = dt.datetime.fromisoformat(event.data["sent_online_at"])
        assert sent == vn(2026, 3, 11, 8)
        chain_ok(dossier)
        # The control sheet (Mẫu 06) shows the hand-over from the citizen to the one-stop.
        rows = control_sheet_rows(dossier=dossier)
        actions = [row.action for row in rows]
        assert actions[-3:] == [A.REQUEST_SUPPLEMENT, A.SEND_SUPPLEMENT, A.SUBMIT_SUPPLEMENT]
        row = rows[-2]
        assert (row.at, row.giver, row.receiver_agency) == (
            vn(2026, 3, 11, 8),
            "Trần Văn Bình",
            world.center.name,
        )
        assert row.note == "Đã tải lên CCCD"

    def test_it_refuses_others_and_a_dossier_not_awaiting_supplement(
        self, world: World, frozen: Any
    ) -> None:
        dossier, citizen = owned(world)
        with pytest.raises(TransitionRefused):
            dossier_supplement_send(by=citizen, code=dossier.code)
        to_supplement(world, dossier)
        for user in (UserFactory(), world.staff[R.RECEPTION_OFFICER]):
            with pytest.raises(PermissionDenied):
                dossier_supplement_send(by=user, code=dossier.code)


@pytest.mark.django_db
class TestSupplementRules:
    # Received and transferred Tue 10/03/2026 09:00 (due Tue 17/03 09:00);
    # supplement asked Wed 11/03 09:00, complete Thu 12/03 09:00: 8 working hours paused.
    def supplement(self, world: World, frozen: Any) -> Dossier:
        dossier = bring(world, "step2")
        frozen.move_to(vn(2026, 3, 11, 9))
        dossier_act(
            code=dossier.code,
            action=A.REQUEST_SUPPLEMENT,
            by=world.staff[R.SPECIALIST],
            items=["Bản sao CCCD"],
            reason="Thiếu giấy tờ",
        )
        frozen.move_to(vn(2026, 3, 12, 9))
        dossier_act(
            code=dossier.code, action=A.SUBMIT_SUPPLEMENT, by=world.staff[R.RECEPTION_OFFICER]
        )
        dossier.refresh_from_db()
        chain_ok(dossier)
        return dossier

    def test_it_restarts_by_default(self, world: World, frozen: Any) -> None:
        # Thu 12/03 09:00 + 5 working days = Thu 19/03 09:00.
        assert self.supplement(world, frozen).due_at == vn(2026, 3, 19, 9)

    def test_it_follows_the_procedures_extend_rule(self, world: World, frozen: Any) -> None:
        world.variant.version.supplement_rule = "extend"
        world.variant.version.save(update_fields=["supplement_rule"])
        # Tue 17/03 09:00 + 8 h paused = Wed 18/03 09:00.
        assert self.supplement(world, frozen).due_at == vn(2026, 3, 18, 9)

    @override_settings(MOTCUA_SUPPLEMENT_RULE="extend")
    def test_it_lets_the_procedure_override_the_installation(
        self, world: World, frozen: Any
    ) -> None:
        world.variant.version.supplement_rule = "restart"
        world.variant.version.save(update_fields=["supplement_rule"])
        assert self.supplement(world, frozen).due_at == vn(2026, 3, 19, 9)

    @override_settings(MOTCUA_SUPPLEMENT_RULE="extend")
    def test_it_uses_the_installation_rule_when_the_procedure_is_blank(
        self, world: World, frozen: Any
    ) -> None:
        assert world.variant.version.supplement_rule == ""
        assert self.supplement(world, frozen).due_at == vn(2026, 3, 18, 9)

    def test_it_flags_a_second_request_as_repeat(self, world: World, frozen: Any) -> None:
        dossier = self.supplement(world, frozen)
        first = dossier.events.get(action=A.REQUEST_SUPPLEMENT)
        assert "repeat" not in first.data
        second = dossier_act(
            code=dossier.code,
            action=A.REQUEST_SUPPLEMENT,
            by=world.staff[R.SPECIALIST],
            items=["Bản chính giấy khai sinh"],
            reason="Bản sao không rõ",
        )
        assert second.data["repeat"] is True
        chain_ok(dossier)


@pytest.mark.django_db
class TestSupplementRequestWindow:
    # Transferred Fri 24/04/2026 09:00: 3 working days = 24 h → Fri 6 h, (Mon 27/04
    # holiday) Tue 8 h, Wed 8 h, (Thu 30/04, Fri 01/05 holidays) Mon 04/05 2 h → 09:00.
    def dossier(self, world: World) -> Dossier:
        with time_machine.travel(vn(2026, 4, 24, 9), tick=False):
            return bring(world, "step2")

    def ask(self, world: World, dossier: Dossier, at: dt.datetime) -> Any:
        with time_machine.travel(at, tick=False):
            return dossier_act(
                code=dossier.code,
                action=A.REQUEST_SUPPLEMENT,
                by=world.staff[R.SPECIALIST],
                items=["Bản sao CCCD"],
                reason="Thiếu giấy tờ",
            )

    def test_it_accepts_a_request_up_to_the_third_working_day(self, world: World) -> None:
        dossier = self.dossier(world)
        event = self.ask(world, dossier, vn(2026, 5, 4, 9))
        assert event.to_status == S.AWAITING_SUPPLEMENT
        chain_ok(dossier)

    def test_it_refuses_a_later_request_naming_the_deadline(self, world: World) -> None:
        dossier = self.dossier(world)
        with pytest.raises(ValidationError) as caught:
            self.ask(world, dossier, vn(2026, 5, 4, 9, 1))
        message = caught.value.message_dict[NON_FIELD_ERRORS][0]
        assert "09:00 ngày 04/05/2026" in message
        assert "3 ngày làm việc" in message
        dossier.refresh_from_db()
        assert dossier.status == S.PROCESSING
        chain_ok(dossier)

    @override_settings(MOTCUA_SUPPLEMENT_REQUEST_WORKING_DAYS=4)
    def test_it_reads_the_number_of_days_from_the_settings(self, world: World) -> None:
        dossier = self.dossier(world)
        event = self.ask(world, dossier, vn(2026, 5, 5, 9))  # 4th working day
        assert event.to_status == S.AWAITING_SUPPLEMENT


@pytest.mark.django_db
class TestSupplementRuleTransfer:
    """The catalogue JSON carries ``supplement_rule`` as an optional version key."""

    def test_it_exports_and_imports_the_rule_and_stays_idempotent(self) -> None:
        from motcua.procedures.models import ProcedureVersion
        from motcua.procedures.tests.test_transfer import small_document
        from motcua.procedures.transfer import catalogue_export, catalogue_import

        document = small_document()
        # Without the demo organisations: no department on the step, no offering.
        del document["workflows"][0]["steps"][1]["department"]
        document["offerings"] = []
        versions = document["procedures"][0]["versions"]
        versions[0]["supplement_rule"] = "extend"
        catalogue_import(document)
        number = versions[0]["number"]
        version = ProcedureVersion.objects.get(procedure__national_code="9.900001", number=number)
        assert version.supplement_rule == "extend"
        exported = next(
            p for p in catalogue_export()["procedures"] if p["national_code"] == "9.900001"
        )
        rules = {v["number"]: v.get("supplement_rule") for v in exported["versions"]}
        assert rules[number] == "extend"
        assert all(rule is None for n, rule in rules.items() if n != number)  # blank: omitted
        assert not catalogue_import(document).changed

    def test_it_refuses_an_unknown_rule(self) -> None:
        from motcua.procedures.tests.test_transfer import small_document
        from motcua.procedures.transfer import catalogue_import

        document = small_document()
        document["procedures"][0]["versions"][0]["supplement_rule"] = "pause"
        with pytest.raises(ValidationError) as caught:
            catalogue_import(document)
        assert "supplement_rule" in str(caught.value)


@pytest.mark.django_db
class TestDispatchByPost:
    """T20a: the issued result is handed to the post; returned when delivered."""

    def issued(self, world: World, *, postal: bool) -> Dossier:
        from motcua.dossiers.constants import ReturnMode

        extra: dict[str, Any] = (
            {"return_mode": ReturnMode.POSTAL, "delivery_address": "12 Lê Lợi, Thuận Hóa"}
            if postal
            else {}
        )
        dossier = world.receive(**extra)
        dossier_act(code=dossier.code, action=A.TRANSFER, by=world.staff[R.RECEPTION_OFFICER])
        for role in (R.DIVISION_HEAD, R.SPECIALIST, R.AGENCY_LEADER):
            dossier_act(code=dossier.code, action=A.FORWARD, by=world.staff[role])
        dossier_act(code=dossier.code, action=A.ISSUE_RESULT, by=world.staff[R.CLERK])
        return dossier

    def test_the_one_stop_dispatches_and_the_status_waits_for_delivery(
        self, world: World, frozen: Any
    ) -> None:
        dossier = self.issued(world, postal=True)
        with pytest.raises(PermissionDenied):
            dossier_act(
                code=dossier.code, action=A.DISPATCH, by=world.staff[R.SPECIALIST], waybill="MC1"
            )
        dossier_act(
            code=dossier.code,
            action=A.DISPATCH,
            by=world.staff[R.RECEPTION_OFFICER],
            waybill="MC1234567897",
        )
        dossier.refresh_from_db()
        event = dossier.events.order_by("-seq").first()
        assert event is not None
        assert (event.action, event.from_status, event.to_status) == (
            A.DISPATCH,
            S.RESOLVED,
            S.RESOLVED,
        )
        assert event.data["waybill"] == "MC1234567897"
        assert dossier.returned_at is None  # processed is not delivered
        chain_ok(dossier)

    def test_a_result_collected_at_the_counter_is_not_dispatched(
        self, world: World, frozen: Any
    ) -> None:
        dossier = self.issued(world, postal=False)
        with pytest.raises(ValidationError):
            dossier_act(
                code=dossier.code,
                action=A.DISPATCH,
                by=world.staff[R.RECEPTION_OFFICER],
                waybill="MC1234567897",
            )
        processing = bring(world, "step2")
        with pytest.raises(TransitionRefused):
            dossier_act(
                code=processing.code,
                action=A.DISPATCH,
                by=world.staff[R.RECEPTION_OFFICER],
                waybill="MC1234567897",
            )
