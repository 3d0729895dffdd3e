"""Every transition works for the right actor and is refused otherwise (gh-4 items 3, 4, 12).

Table-driven: for each action, a dossier is brought to a state where the action
is possible (through the services, so its history is real); then

- the right role in the right agency performs it;
- a wrong role in the right agency gets ``PermissionDenied``;
- the same right role in another agency gets ``PermissionDenied``;
- in a state where the edge does not exist, ``TransitionRefused`` carries the
  current status and the actions allowed now.

The clock is frozen on Tue 10/03/2026 09:00 in Huế, an ordinary working week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied

import pytest
import time_machine

from motcua.dossiers.constants import DossierStatus, EventAction
from motcua.dossiers.history import event_chain_problems
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    GUARDS,
    HANDLERS,
    TransitionRefused,
    dossier_act,
    dossier_allowed_actions,
)
from motcua.dossiers.tests.test_receive import World, make_world, vn
from motcua.dossiers.workflow import ACTION_EDGES, ALLOWED_TRANSITIONS, EDGES, Guard
from motcua.organisations.constants import Role
from motcua.organisations.tests.factories import MembershipFactory
from motcua.procedures.tests.factories import VariantFactory

A = EventAction
S = DossierStatus
R = Role
NOW = vn(2026, 3, 10, 9)  # Tue 10/03/2026 09:00: an ordinary working week

# How to bring a dossier to a state: (action, role acting, fields) after reception.
PATHS: dict[str, list[tuple[EventAction, Role, dict[str, Any]]]] = {
    "received": [],
    "step1": [(A.TRANSFER, R.RECEPTION_OFFICER, {})],
    "step2": [(A.TRANSFER, R.RECEPTION_OFFICER, {}), (A.FORWARD, R.DIVISION_HEAD, {})],
}
PATHS["step3"] = [*PATHS["step2"], (A.FORWARD, R.SPECIALIST, {})]
PATHS["step4"] = [*PATHS["step3"], (A.FORWARD, R.AGENCY_LEADER, {})]
PATHS["supplement"] = [
    *PATHS["step2"],
    (
        A.REQUEST_SUPPLEMENT,
        R.SPECIALIST,
        {
            "items": ["Bản sao CCCD"],
            "reason": "Thiếu giấy tờ",
            "respond_by": NOW + dt.timedelta(hours=1),
        },
    ),
]
PATHS["payment"] = [*PATHS["step2"], (A.PAUSE_FINANCIAL, R.SPECIALIST, {})]
PATHS["resolved"] = [*PATHS["step4"], (A.ISSUE_RESULT, R.CLERK, {})]


def bring(world: World, state: str) -> Dossier:
    """A dossier in ``state``, reached through the services (``submitted`` is online)."""
    if state == "submitted":
        return world.submit_online()
    dossier = world.receive()
    for action, role, fields in PATHS[state]:
        dossier_act(code=dossier.code, action=action, by=world.staff[role], **fields)
    dossier.refresh_from_db()
    return dossier


@dataclass(frozen=True)
class Row:
    action: EventAction
    state: str
    right: Role
    wrong: Role
    expected: DossierStatus
    fields: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    later: dt.timedelta = dt.timedelta(0)  # how long after NOW the action is taken

    def __str__(self) -> str:
        return f"{self.action.value}@{self.state}"


REASON: Callable[[World], dict[str, Any]] = lambda w: {"reason": "Theo đề nghị của công dân"}  # noqa: E731

ROWS = [
    Row(A.ACCEPT, "submitted", R.RECEPTION_OFFICER, R.SPECIALIST, S.RECEIVED),  # T2
    Row(  # T3: supplement before reception, stays submitted
        A.REQUEST_SUPPLEMENT,
        "submitted",
        R.RECEPTION_OFFICER,
        R.SPECIALIST,
        S.SUBMITTED,
        lambda w: {"items": ["Tờ khai"], "reason": "Tờ khai chưa ký"},
    ),
    Row(A.REFUSE, "submitted", R.RECEPTION_OFFICER, R.AGENCY_LEADER, S.REFUSED, REASON),  # T4
    Row(A.TRANSFER, "received", R.RECEPTION_OFFICER, R.SPECIALIST, S.PROCESSING),  # T7
    Row(A.WITHDRAW, "received", R.RECEPTION_OFFICER, R.SPECIALIST, S.WITHDRAWN, REASON),  # T17
    Row(A.STOP, "received", R.RECEPTION_OFFICER, R.CLERK, S.STOPPED, REASON),  # T18
    Row(  # T8: a division head assigns step 1 to himself
        A.ASSIGN,
        "step1",
        R.DIVISION_HEAD,
        R.SPECIALIST,
        S.PROCESSING,
        lambda w: {"handler": w.staff[R.DIVISION_HEAD]},
    ),
    Row(A.FORWARD, "step1", R.DIVISION_HEAD, R.SPECIALIST, S.PROCESSING),  # T8
    Row(  # T12
        A.REQUEST_SUPPLEMENT,
        "step2",
        R.SPECIALIST,
        R.CLERK,
        S.AWAITING_SUPPLEMENT,
        lambda w: {"items": ["Bản sao CCCD"], "reason": "Thiếu giấy tờ"},
    ),
    Row(  # T9
        A.COORDINATE,
        "step2",
        R.SPECIALIST,
        R.CLERK,
        S.PROCESSING,
        lambda w: {
            "agency": w.department,
            "question": "Đề nghị cho ý kiến",
            "due_at": NOW + dt.timedelta(days=3),
        },
    ),
    Row(A.SEND_BACK, "step2", R.SPECIALIST, R.DIVISION_HEAD, S.PROCESSING, REASON),  # T8b
    Row(A.PAUSE_FINANCIAL, "step2", R.SPECIALIST, R.CLERK, S.AWAITING_PAYMENT),  # T14
    Row(  # T8b
        A.SWITCH_VARIANT,
        "step2",
        R.DIVISION_HEAD,
        R.SPECIALIST,
        S.PROCESSING,
        lambda w: {"variant_code": w.same_day.code, "reason": "Chọn nhầm trường hợp"},
    ),
    Row(  # T16: due Tue 17/03 09:00, apology a week earlier, new date Fri 20/03 17:00
        A.APOLOGIZE,
        "step2",
        R.AGENCY_LEADER,
        R.SPECIALIST,
        S.PROCESSING,
        lambda w: {"reason": "Cần xác minh thêm", "new_due_at": vn(2026, 3, 20, 17)},
    ),
    Row(A.STOP, "step2", R.AGENCY_LEADER, R.CLERK, S.STOPPED, REASON),  # T18 by the agency
    Row(A.SUBMIT_SUPPLEMENT, "supplement", R.RECEPTION_OFFICER, R.SPECIALIST, S.PROCESSING),
    Row(  # T13b: after the supplement deadline (respond_by = NOW + 1 h)
        A.REFUSE,
        "supplement",
        R.RECEPTION_OFFICER,
        R.SPECIALIST,
        S.REFUSED,
        REASON,
        later=dt.timedelta(hours=2),
    ),
    Row(A.WITHDRAW, "supplement", R.RECEPTION_OFFICER, R.SPECIALIST, S.WITHDRAWN, REASON),
    Row(A.RESUME, "payment", R.SPECIALIST, R.CLERK, S.PROCESSING),  # T14
    Row(A.APPROVE, "step3", R.AGENCY_LEADER, R.SPECIALIST, S.PROCESSING),  # T8
    Row(A.SIGN, "step3", R.AGENCY_LEADER, R.SPECIALIST, S.PROCESSING),  # T8
    Row(A.REFUSE_RESULT, "step3", R.AGENCY_LEADER, R.CLERK, S.RESOLVED, REASON),  # T15
    Row(A.ISSUE_RESULT, "step4", R.CLERK, R.AGENCY_LEADER, S.RESOLVED),  # T19
    Row(A.RETURN_RESULT, "resolved", R.RECEPTION_OFFICER, R.CLERK, S.RETURNED),  # T20
]


@pytest.fixture
def world(db: None) -> World:
    return make_world()


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# The actions whose right / wrong actor and wrong status are tested in test_more_actions.py.
MORE_ACTIONS = frozenset(
    {
        A.RECALL,
        A.COORDINATION_ANSWER,
        A.LINK,
        A.LINK_DONE,
        A.ACCEPT_TRANSFER,
        A.RESUBMIT,
        A.SEND_SUPPLEMENT,
        A.DISPATCH,  # needs a dossier whose result goes by post (test_more_actions)
    }
)


class TestTransitionTable:
    def test_it_covers_every_action_and_every_edge_is_allowed(self) -> None:
        assert {row.action for row in ROWS} | MORE_ACTIONS == set(ACTION_EDGES)
        assert not {row.action for row in ROWS} & MORE_ACTIONS
        assert set(HANDLERS) == set(ACTION_EDGES)
        for edges in ACTION_EDGES.values():
            for edge in edges:
                assert edge.target in ALLOWED_TRANSITIONS[edge.source]
        covered = {(row.state, row.action) for row in ROWS}
        assert len(covered) == len(ROWS)

    def test_each_row_follows_its_edge_in_the_one_table(self) -> None:
        status_of = {
            "submitted": S.SUBMITTED,
            "received": S.RECEIVED,
            "supplement": S.AWAITING_SUPPLEMENT,
            "payment": S.AWAITING_PAYMENT,
            "resolved": S.RESOLVED,
        }
        for row in ROWS:
            source = status_of.get(row.state, S.PROCESSING)
            assert EDGES[row.action][source] == row.expected, row

    def test_every_guard_is_implemented_and_used(self) -> None:
        assert set(GUARDS) == set(Guard)
        used = {guard for edges in ACTION_EDGES.values() for e in edges for guard in e.guards}
        assert used == set(Guard)


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=str)
class TestTransitions:
    def test_it_works_for_the_right_role_in_the_right_agency(
        self, row: Row, world: World, frozen: Any
    ) -> None:
        dossier = bring(world, row.state)
        frozen.shift(row.later)
        actor = world.staff[row.right]
        assert row.action in dossier_allowed_actions(dossier=dossier, user=actor)
        before = DossierStatus(dossier.status)
        event = dossier_act(code=dossier.code, action=row.action, by=actor, **row.fields(world))
        dossier.refresh_from_db()
        assert dossier.status == row.expected
        assert (event.action, event.from_status, event.to_status) == (
            row.action,
            before,
            row.expected,
        )
        assert event.actor == actor
        assert event.actor_role == row.right
        assert not dossier.sync.synced
        assert event_chain_problems(dossier_id=dossier.pk) == []

    def test_it_refuses_a_wrong_role_in_the_right_agency(
        self, row: Row, world: World, frozen: Any
    ) -> None:
        dossier = bring(world, row.state)
        frozen.shift(row.later)
        actor = world.staff[row.wrong]
        assert row.action not in dossier_allowed_actions(dossier=dossier, user=actor)
        events = dossier.events.count()
        with pytest.raises(PermissionDenied):
            dossier_act(code=dossier.code, action=row.action, by=actor, **row.fields(world))
        dossier.refresh_from_db()
        assert dossier.events.count() == events

    def test_it_refuses_the_right_role_in_another_agency(
        self, row: Row, world: World, frozen: Any
    ) -> None:
        dossier = bring(world, row.state)
        frozen.shift(row.later)
        with pytest.raises(PermissionDenied):
            dossier_act(
                code=dossier.code,
                action=row.action,
                by=world.other_staff[row.right],
                **row.fields(world),
            )

    def test_it_refuses_the_action_in_a_status_without_the_edge(
        self, row: Row, world: World, frozen: Any
    ) -> None:
        # A RETURNED dossier allows nothing; for actions that start from RECEIVED
        # a SUBMITTED one is used, else a RECEIVED one (allowed: transfer, withdraw, stop).
        state = "submitted" if S.RECEIVED in EDGES[row.action] else "received"
        if S.SUBMITTED in EDGES[row.action] and state == "received":
            state = "resolved"
        dossier = bring(world, state)
        actor = world.staff[row.right]
        with pytest.raises(TransitionRefused) as caught:
            dossier_act(code=dossier.code, action=row.action, by=actor, **row.fields(world))
        assert caught.value.current == dossier.status
        assert caught.value.requested == row.action
        assert caught.value.allowed == dossier_allowed_actions(dossier=dossier, user=actor)
        assert row.action not in caught.value.allowed


@pytest.mark.django_db
class TestStepRules:
    def test_it_lists_the_actions_allowed_now(self, world: World, frozen: Any) -> None:
        received = bring(world, "received")
        officer = world.staff[R.RECEPTION_OFFICER]
        assert dossier_allowed_actions(dossier=received, user=officer) == [
            A.TRANSFER,
            A.WITHDRAW,
            A.STOP,
        ]
        assert dossier_allowed_actions(dossier=received, user=world.staff[R.CLERK]) == []

    def test_it_enters_step_one_on_transfer_with_its_budget(
        self, world: World, frozen: Any
    ) -> None:
        dossier = bring(world, "step1")
        # Step 1 budget 2 working hours from Tue 10/03/2026 09:00 → 11:00.
        assert dossier.current_step == world.steps[0]
        assert dossier.step_due_at == vn(2026, 3, 10, 11)

    def test_it_refuses_forward_at_the_last_step(self, world: World, frozen: Any) -> None:
        dossier = bring(world, "step4")
        clerk = world.staff[R.CLERK]
        with pytest.raises(TransitionRefused) as caught:
            dossier_act(code=dossier.code, action=A.FORWARD, by=clerk)
        assert caught.value.allowed == [A.SEND_BACK, A.ISSUE_RESULT]

    def test_it_refuses_send_back_at_the_first_step(self, world: World, frozen: Any) -> None:
        dossier = bring(world, "step1")
        with pytest.raises(TransitionRefused):
            dossier_act(
                code=dossier.code, action=A.SEND_BACK, by=world.staff[R.DIVISION_HEAD], reason="x"
            )

    def test_it_lets_only_the_assigned_handler_act_at_the_step(
        self, world: World, frozen: Any
    ) -> None:
        from motcua.organisations.tests.factories import MembershipFactory

        dossier = bring(world, "step2")
        second = MembershipFactory(agency=world.center, role=R.SPECIALIST).user
        dossier_act(
            code=dossier.code, action=A.ASSIGN, by=world.staff[R.DIVISION_HEAD], handler=second
        )
        with pytest.raises(PermissionDenied):
            dossier_act(code=dossier.code, action=A.FORWARD, by=world.staff[R.SPECIALIST])
        event = dossier_act(code=dossier.code, action=A.FORWARD, by=second)
        assert event.to_step == world.steps[2]

    def test_it_refuses_an_assignee_without_the_step_role(self, world: World, frozen: Any) -> None:
        from django.core.exceptions import ValidationError

        dossier = bring(world, "step2")
        head = world.staff[R.DIVISION_HEAD]
        with pytest.raises(ValidationError) as caught:
            dossier_act(code=dossier.code, action=A.ASSIGN, by=head, handler=world.staff[R.CLERK])
        assert "handler" in caught.value.message_dict
        with pytest.raises(ValidationError):
            dossier_act(
                code=dossier.code,
                action=A.ASSIGN,
                by=head,
                handler=world.other_staff[R.SPECIALIST],
            )

    def test_it_switches_variant_and_recomputes_due_from_reception(
        self, world: World, frozen: Any
    ) -> None:
        VariantFactory(version=world.variant.version, code="ba-ngay", order=3, duration=3)
        dossier = bring(world, "step2")
        dossier_act(
            code=dossier.code,
            action=A.SWITCH_VARIANT,
            by=world.staff[R.DIVISION_HEAD],
            variant_code="ba-ngay",
            reason="Đúng trường hợp 3 ngày",
        )
        dossier.refresh_from_db()
        # Received Tue 10/03/2026 09:00 + 3 working days = Fri 13/03/2026 09:00.
        assert dossier.variant.code == "ba-ngay"
        assert dossier.due_at == vn(2026, 3, 13, 9)
        # The new variant has no workflow: the dossier leaves the template's steps.
        assert dossier.current_step is None

    def test_it_keeps_the_result_returned_where_it_was_received(
        self, world: World, frozen: Any
    ) -> None:
        dossier = bring(world, "resolved")
        dossier_act(code=dossier.code, action=A.RETURN_RESULT, by=world.staff[R.RECEPTION_OFFICER])
        dossier.refresh_from_db()
        assert dossier.returned_at == NOW
        assert dossier.status == S.RETURNED
        assert [e.action for e in dossier.events.all()][-2:] == [A.ISSUE_RESULT, A.RETURN_RESULT]


@pytest.mark.django_db(transaction=True)
class TestConcurrency:
    def test_it_serialises_two_officers_pressing_transfer_at_once(self) -> None:
        import threading

        from django.db import connection, connections

        if connection.vendor != "postgresql":
            pytest.skip("row locks need PostgreSQL; SQLite serialises whole transactions")
        world = make_world()
        with time_machine.travel(NOW, tick=False):
            dossier = world.receive()
            second = MembershipFactory(agency=world.center, role=R.RECEPTION_OFFICER).user
            barrier = threading.Barrier(2)
            outcomes: list[str] = []

            def press(user: Any) -> None:
                try:
                    barrier.wait()
                    dossier_act(code=dossier.code, action=A.TRANSFER, by=user)
                    outcomes.append("done")
                except TransitionRefused:
                    outcomes.append("refused")
                finally:
                    connections.close_all()

            threads = [
                threading.Thread(target=press, args=(user,))
                for user in (world.staff[R.RECEPTION_OFFICER], second)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        # The second waits for the first's row lock, then sees PROCESSING: one
        # transfer event, one 409, and an intact chain.
        assert sorted(outcomes) == ["done", "refused"]
        assert [e.action for e in dossier.events.all()] == [A.RECEIVE, A.TRANSFER]
        assert event_chain_problems(dossier_id=dossier.pk) == []
