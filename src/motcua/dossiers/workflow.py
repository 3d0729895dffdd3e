"""The allowed transitions between the national statuses (domain.md §5.4–5.5), and every
action's edges.

Two tables, both data:

- :data:`ALLOWED_TRANSITIONS`: status → statuses, the law's summary (domain.md
  §5.5). Every history event is a step along it.
- :data:`ACTION_EDGES`: for each action of the transition service, the statuses
  it may start in, the status it leads to from each, and the names of the
  conditions on the dossier's state (:class:`Guard`) that edge needs besides its
  status. Every edge names its legal basis so ``git blame`` explains why it
  exists; each is checked at import to be an edge of ``ALLOWED_TRANSITIONS``.

Who may perform an action (role, agency, owner) is a separate question, answered
in :mod:`motcua.dossiers.services` (``_required``) and
:mod:`motcua.dossiers.selectors` (who may reach the dossier at all). The guards'
implementations live in ``services.GUARDS`` (they read related rows). Steps
inside PROCESSING come from the variant's workflow template (data); the status
semantics stay here, in code. ``None`` stands for "no dossier yet" (a draft or
a paper application at the counter).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .constants import DossierStatus, EventAction

S = DossierStatus
A = EventAction

ALLOWED_TRANSITIONS: dict[DossierStatus | None, frozenset[DossierStatus]] = {
    None: frozenset(
        {
            S.SUBMITTED,  # T1 online submission (NĐ 45/2020; NĐ 224/2026 Art 15)
            S.RECEIVED,  # T5 counter, T6 postal (NĐ 61 Art 17(1); QĐ 45/2016)
            S.REFUSED,  # T5c refusal at the counter with Mẫu 03 (NĐ 61 Art 17(1)(b))
        }
    ),
    S.SUBMITTED: frozenset(
        {
            S.RECEIVED,  # T2 accepted after the online check (NĐ 61 Art 17(2)(b), (3))
            S.REFUSED,  # T4 refused with reasons, Mẫu 03 (NĐ 61 Art 17(2)(a))
            S.SUBMITTED,  # T3 supplement before reception, Mẫu 02 (NĐ 61 Art 17(2)(a))
        }
    ),
    S.RECEIVED: frozenset(
        {
            S.PROCESSING,  # T7 transferred to the competent unit (NĐ 61 Art 18)
            S.STOPPED,  # T18 stop at the citizen's request (NĐ 118 Art 21; TT 03/2025 Art 7)
            S.WITHDRAWN,  # T17 withdrawal before processing starts (production practice)
        }
    ),
    S.PROCESSING: frozenset(
        {
            S.PROCESSING,  # T8–T11, T16: steps, coordination, linked legs, apology, variant switch
            S.AWAITING_SUPPLEMENT,  # T12 deficiency found, via the one-stop (NĐ 61 Art 19(4))
            S.AWAITING_PAYMENT,  # T14 financial obligation notice (production practice)
            S.RESOLVED,  # T15 refusal after appraisal (NĐ 61 Art 19(8)); T19 result issued
            S.WITHDRAWN,  # T17 (production practice)
            S.STOPPED,  # T18 (NĐ 118 Art 21)
        }
    ),
    S.AWAITING_SUPPLEMENT: frozenset(
        {
            # T13, first half: the owner sends the supplement online and it waits
            # for the one-stop to confirm it complete — the "citizen sent"
            # sub-state (domain.md §5.3). The clock stays paused; the supplement
            # still reaches the unit only via the one-stop (NĐ 61 Art 19(4),
            # Art 5(1)(e); online dossiers NĐ 45/2020).
            S.AWAITING_SUPPLEMENT,
            S.PROCESSING,  # T13 complete supplement received (NĐ 61 Art 19(4))
            S.REFUSED,  # T13b supplement deadline missed (production practice)
            S.WITHDRAWN,  # T17
            S.STOPPED,  # T18
        }
    ),
    S.AWAITING_PAYMENT: frozenset(
        {
            S.PROCESSING,  # T14 paid (production practice)
            S.WITHDRAWN,  # T17
            S.STOPPED,  # T18
        }
    ),
    S.RESOLVED: frozenset(
        {
            S.RETURNED,  # T20 result returned (NĐ 61 Art 20(2)–(4); QĐ 45/2016)
            # T20a: the result handed to the public postal service; it is returned when
            # delivered. "Processed" is not "delivered" (domain.md §5.3, §12.1 #10;
            # QĐ 45/2016 on results sent by post).
            S.RESOLVED,
        }
    ),
    # Final: correction and recall of a returned result (T22) are audited
    # admin actions that do not re-enter the flow.
    S.RETURNED: frozenset(),
    S.REFUSED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.STOPPED: frozenset(),
}

# Statuses in which the clock runs, is paused, or has stopped (domain.md §6.1 "Pauses").
CLOCK_RUNNING = frozenset({S.RECEIVED, S.PROCESSING})
CLOCK_PAUSED = frozenset({S.AWAITING_SUPPLEMENT, S.AWAITING_PAYMENT})
FINAL = frozenset({S.REFUSED, S.WITHDRAWN, S.STOPPED, S.RETURNED})


def is_allowed(current: DossierStatus | None, target: DossierStatus) -> bool:
    return target in ALLOWED_TRANSITIONS[current]


# --- every action's edges --------------------------------------------------------------------


class Guard(StrEnum):
    """A condition on the dossier's state, beyond its status, that an edge needs.

    Whoever asks: the actor's role and agency are checked separately. Each
    name is implemented once in ``services.GUARDS``.
    """

    # TX: a cross-boundary dossier received at A and sent to the competent B,
    # which has not accepted it yet.
    AWAITING_TRANSFER = "awaiting_transfer"
    # The opposite: the competent agency holds the dossier (or it never crossed).
    TRANSFER_ACCEPTED = "transfer_accepted"
    # The current workflow step lists the action (``WorkflowStep.actions``), or
    # the variant has no workflow and the action has a default role.
    STEP_ALLOWS = "step_allows"
    NEXT_STEP = "next_step"  # a step after the current one exists (the last one issues)
    PREVIOUS_STEP = "previous_step"  # a step before the current one exists
    OTHER_VARIANT = "other_variant"  # the pinned version has another variant
    # D7: no apology yet, before the due instant, at least the minimum notice before it.
    APOLOGY_POSSIBLE = "apology_possible"
    SUPPLEMENT_OVERDUE = "supplement_overdue"  # the open request's respond_by has passed
    SUPPLEMENT_NOT_SENT = "supplement_not_sent"  # an open request the owner has not sent yet
    # The last event forwarded the dossier from a step and nobody acted since.
    JUST_FORWARDED = "just_forwarded"
    OPEN_COORDINATION = "open_coordination"  # a coordination request awaits its answer
    OPEN_LEGS = "open_legs"  # a liên thông leg is not done
    NO_OPEN_LEGS = "no_open_legs"  # every liên thông leg is done
    OPEN_BEFORE_RECEPTION = "open_before_reception"  # T3 request not yet answered


G = Guard


@dataclass(frozen=True)
class Edge:
    """From ``source`` an action leads to ``target`` when every guard holds."""

    source: DossierStatus
    target: DossierStatus
    guards: tuple[Guard, ...] = ()


def _processing(*guards: Guard, target: DossierStatus = S.PROCESSING) -> Edge:
    """An edge from PROCESSING, once the competent agency holds the dossier (TX)."""
    return Edge(S.PROCESSING, target, (G.TRANSFER_ACCEPTED, *guards))


# The actions of the transition service, in the order ``allowed_actions`` lists them.
ACTION_EDGES: dict[EventAction, tuple[Edge, ...]] = {
    # T2: the one-stop accepts an online submission (NĐ 61 Art 17(2)(b), (3)).
    A.ACCEPT: (Edge(S.SUBMITTED, S.RECEIVED),),
    A.REQUEST_SUPPLEMENT: (
        # T3: before reception, Mẫu 02, no clock yet (NĐ 61 Art 17(2)(a)).
        Edge(S.SUBMITTED, S.SUBMITTED),
        # T12: during processing, via the one-stop; the clock pauses (NĐ 61 Art 19(4)).
        _processing(G.STEP_ALLOWS, target=S.AWAITING_SUPPLEMENT),
    ),
    # T13: the one-stop confirms the supplement complete; the clock runs again
    # (NĐ 61 Art 19(4): restart by default, D6).
    A.SUBMIT_SUPPLEMENT: (Edge(S.AWAITING_SUPPLEMENT, S.PROCESSING),),
    A.REFUSE: (
        Edge(S.SUBMITTED, S.REFUSED),  # T4: refused with reasons, Mẫu 03 (NĐ 61 Art 17(2)(a))
        # T13b: closed, supplement deadline missed (production practice).
        Edge(S.AWAITING_SUPPLEMENT, S.REFUSED, (G.SUPPLEMENT_OVERDUE,)),
    ),
    # T7: transferred to the competent unit (NĐ 61 Art 18).
    A.TRANSFER: (Edge(S.RECEIVED, S.PROCESSING),),
    # T8: a leader assigns the step to an officer (NĐ 61 Art 19(1)–(3)).
    A.ASSIGN: (_processing(),),
    # T8: to the next step of the workflow template (NĐ 61 Art 19(1)–(3)).
    A.FORWARD: (_processing(G.STEP_ALLOWS, G.NEXT_STEP),),
    # T8b: back to the previous step (production practice).
    A.SEND_BACK: (_processing(G.STEP_ALLOWS, G.PREVIOUS_STEP),),
    # T8b: switch variant, due instant recomputed (production practice).
    A.SWITCH_VARIANT: (_processing(G.OTHER_VARIANT),),
    # T9: ask other agencies' opinion, with deadlines (NĐ 61 Art 19(5)).
    A.COORDINATE: (_processing(G.STEP_ALLOWS),),
    # T8: approve, sign digitally (NĐ 61 Art 19(3)).
    A.APPROVE: (_processing(G.STEP_ALLOWS),),
    A.SIGN: (_processing(G.STEP_ALLOWS),),
    # T16: apology and new appointment, Mẫu 04, at most once (NĐ 61 Art 19(9)).
    A.APOLOGIZE: (_processing(G.APOLOGY_POSSIBLE),),
    # T19: result signed and issued once every liên thông leg is done (NĐ 61 Art 20(5)).
    A.ISSUE_RESULT: (_processing(G.STEP_ALLOWS, G.NO_OPEN_LEGS, target=S.RESOLVED),),
    # T15: refusal after appraisal is the result (NĐ 61 Art 19(8)).
    A.REFUSE_RESULT: (_processing(G.STEP_ALLOWS, target=S.RESOLVED),),
    # T14: waiting for a financial obligation, and paid (production practice).
    A.PAUSE_FINANCIAL: (_processing(target=S.AWAITING_PAYMENT),),
    A.RESUME: (Edge(S.AWAITING_PAYMENT, S.PROCESSING),),
    # T17: the citizen withdraws (production practice); also while B has not
    # accepted a cross-boundary dossier.
    A.WITHDRAW: (
        Edge(S.RECEIVED, S.WITHDRAWN),
        Edge(S.PROCESSING, S.WITHDRAWN),
        Edge(S.AWAITING_SUPPLEMENT, S.WITHDRAWN),
        Edge(S.AWAITING_PAYMENT, S.WITHDRAWN),
    ),
    # T18: stop, only while no result has been issued (NĐ 118 Art 21; TT 03/2025 Art 7).
    A.STOP: (
        Edge(S.RECEIVED, S.STOPPED),
        Edge(S.PROCESSING, S.STOPPED),
        Edge(S.AWAITING_SUPPLEMENT, S.STOPPED),
        Edge(S.AWAITING_PAYMENT, S.STOPPED),
    ),
    # T20: the result handed over (NĐ 61 Art 20(2)–(4); QĐ 45/2016).
    A.RETURN_RESULT: (Edge(S.RESOLVED, S.RETURNED),),
    # T20a: the result leaves by post (QĐ 45/2016); returned once delivered.
    A.DISPATCH: (Edge(S.RESOLVED, S.RESOLVED),),
    # T8b: the sender takes back a just-forwarded dossier (production practice).
    A.RECALL: (_processing(G.JUST_FORWARDED),),
    # T9: the coordinating agency answers (NĐ 61 Art 19(5)).
    A.COORDINATION_ANSWER: (_processing(G.OPEN_COORDINATION),),
    # T10/T11: liên thông legs, sequential or parallel, each with its own
    # deadline (NĐ 61 Art 19(6), (7); NĐ 224 Art 15(1)(h), (i)).
    A.LINK: (_processing(),),
    A.LINK_DONE: (_processing(G.OPEN_LEGS),),
    # TX: the competent agency B accepts what A received (NĐ 118).
    A.ACCEPT_TRANSFER: (Edge(S.PROCESSING, S.PROCESSING, (G.AWAITING_TRANSFER,)),),
    # T3: the owner re-submits before reception (NĐ 61 Art 17(2)(a)).
    A.RESUBMIT: (Edge(S.SUBMITTED, S.SUBMITTED, (G.OPEN_BEFORE_RECEPTION,)),),
    # T13, first half: the owner sends the supplement online; the one-stop
    # confirms it later with submit_supplement (NĐ 61 Art 19(4); NĐ 45/2020).
    A.SEND_SUPPLEMENT: (
        Edge(S.AWAITING_SUPPLEMENT, S.AWAITING_SUPPLEMENT, (G.SUPPLEMENT_NOT_SENT,)),
    ),
}

# The same table without guards: action → {from status: to status}.
EDGES: Mapping[EventAction, Mapping[DossierStatus, DossierStatus]] = {
    action: {edge.source: edge.target for edge in edges} for action, edges in ACTION_EDGES.items()
}


def action_edge(action: EventAction, source: DossierStatus) -> Edge | None:
    """The edge ``action`` takes from ``source``, or ``None`` when it has none."""
    return next((edge for edge in ACTION_EDGES[action] if edge.source == source), None)


def _check() -> None:
    for action, edges in ACTION_EDGES.items():
        sources = [edge.source for edge in edges]
        assert len(sources) == len(set(sources)), f"{action}: two edges from one status"
        for edge in edges:
            assert edge.target in ALLOWED_TRANSITIONS[edge.source], (action, edge)
    assert set(ACTION_EDGES) | {A.SUBMIT, A.RECEIVE} == set(EventAction), (
        "every action of the transition service has its edges here"
    )


_check()
