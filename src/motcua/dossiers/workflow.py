"""The allowed transitions between the national statuses (domain.md §5.4–5.5).

One table; every edge names its legal basis so ``git blame`` explains why it
exists. Steps inside PROCESSING come from the variant's workflow template
(data); the status semantics stay here, in code. ``None`` stands for "no
dossier yet" (a draft or a paper application at the counter).
"""

from __future__ import annotations

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
