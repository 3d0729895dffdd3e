"""Deadlines of a dossier: pauses, restart or extend, apology, late class, steps (gh-4 item 5).

Frozen clock on real 2026 dates; default office hours 07:00–11:30, 13:30–17:00.
The reference dossier is received Tue 10/03/2026 09:00 with 5 working days,
so it is due Tue 17/03/2026 09:00 (an ordinary fortnight, no holiday).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase, override_settings

import time_machine

from motcua.calendars.constants import DurationUnit, Timeliness
from motcua.dossiers.constants import Channel, DossierStatus, EventAction, PauseReason
from motcua.dossiers.deadlines import duration_for
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import TransitionRefused, dossier_act
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.organisations.constants import Role

A = EventAction
R = Role
RECEIVED = vn(2026, 3, 10, 9)  # Tue 10/03/2026 09:00
DUE = vn(2026, 3, 17, 9)  # + 5 working days


class DeadlineTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()

    def act(
        self, dossier: Dossier, action: EventAction, role: Role, at: dt.datetime, **fields: Any
    ) -> DossierEvent:
        with time_machine.travel(at, tick=False):
            event = dossier_act(
                code=dossier.code, action=action, by=self.world.staff[role], **fields
            )
        dossier.refresh_from_db()
        return event

    def at_step2(self, at: dt.datetime = RECEIVED) -> Dossier:
        """Received, transferred and forwarded to the appraisal step, all at ``at``."""
        with time_machine.travel(RECEIVED, tick=False):
            dossier = self.world.receive()
        self.act(dossier, A.TRANSFER, R.RECEPTION_OFFICER, at)
        self.act(dossier, A.FORWARD, R.DIVISION_HEAD, at)
        return dossier

    def supplement(self, dossier: Dossier) -> None:
        # Requested Wed 11/03/2026 09:00, complete supplement Mon 16/03/2026 10:00.
        self.act(
            dossier,
            A.REQUEST_SUPPLEMENT,
            R.SPECIALIST,
            vn(2026, 3, 11, 9),
            items=["Giấy xác nhận cư trú"],
            reason="Thiếu giấy xác nhận cư trú",
        )
        self.assertEqual(dossier.status, DossierStatus.AWAITING_SUPPLEMENT)
        self.act(dossier, A.SUBMIT_SUPPLEMENT, R.RECEPTION_OFFICER, vn(2026, 3, 16, 10))

    def test_it_restarts_the_deadline_after_a_complete_supplement_by_default(self) -> None:
        dossier = self.at_step2()
        self.assertEqual(dossier.due_at, DUE)
        # Step 2 (16 working hours) from Tue 10/03 09:00: Tue 6 h, Wed 8 h, Thu 07:00 + 2 h.
        self.assertEqual(dossier.step_due_at, vn(2026, 3, 12, 9))
        self.supplement(dossier)
        # D6 restart (NĐ 61 Art 19(4)): 5 working days from Mon 16/03 10:00 = Mon 23/03 10:00.
        self.assertEqual(dossier.status, DossierStatus.PROCESSING)
        self.assertEqual(dossier.due_at, vn(2026, 3, 23, 10))
        # The step deadline moves by the 25 working hours paused (Wed 6 h, Thu 8 h,
        # Fri 8 h, Mon 3 h): Thu 12/03 09:00 + 25 h = Tue 17/03/2026 10:00.
        self.assertEqual(dossier.step_due_at, vn(2026, 3, 17, 10))
        pause = dossier.pauses.get()
        self.assertEqual(
            (pause.reason, pause.started_at, pause.ended_at),
            (PauseReason.SUPPLEMENT, vn(2026, 3, 11, 9), vn(2026, 3, 16, 10)),
        )
        last = dossier.events.last()
        assert last is not None
        self.assertEqual(last.data, {"rule": "restart", "paused_seconds": 25 * 3600})

    @override_settings(MOTCUA_SUPPLEMENT_RULE="extend")
    def test_it_extends_the_deadline_by_the_paused_time_when_configured(self) -> None:
        dossier = self.at_step2()
        self.supplement(dossier)
        # Tue 17/03 09:00 + 25 working hours paused: Tue 6 h, Wed 8 h, Thu 8 h,
        # Fri 07:00 + 3 h → Fri 20/03/2026 10:00.
        self.assertEqual(dossier.due_at, vn(2026, 3, 20, 10))

    def test_it_extends_the_deadline_by_a_financial_pause(self) -> None:
        dossier = self.at_step2()
        # Paused Wed 11/03 13:30 → Thu 12/03 13:30: 3.5 h + 4.5 h = one working day.
        self.act(dossier, A.PAUSE_FINANCIAL, R.SPECIALIST, vn(2026, 3, 11, 13, 30))
        self.assertEqual(dossier.status, DossierStatus.AWAITING_PAYMENT)
        self.assertEqual(dossier.due_at, DUE)  # unchanged while paused
        self.act(dossier, A.RESUME, R.SPECIALIST, vn(2026, 3, 12, 13, 30))
        self.assertEqual(dossier.due_at, vn(2026, 3, 18, 9))  # Tue 17/03 09:00 + 8 h
        pause = dossier.pauses.get()
        self.assertEqual(pause.reason, PauseReason.FINANCIAL)
        self.assertEqual(pause.started_at, vn(2026, 3, 11, 13, 30))

    def test_it_ignores_a_pause_without_working_time(self) -> None:
        dossier = self.at_step2()
        # Paused Fri 13/03 17:00, resumed Mon 16/03 07:00: no working time in between.
        self.act(dossier, A.PAUSE_FINANCIAL, R.SPECIALIST, vn(2026, 3, 13, 17))
        self.act(dossier, A.RESUME, R.SPECIALIST, vn(2026, 3, 16, 7))
        self.assertEqual(dossier.due_at, DUE)

    def test_it_allows_an_apology_only_once_and_a_working_day_before_due(self) -> None:
        dossier = self.at_step2()
        new = {"reason": "Cần xác minh thực địa", "new_due_at": vn(2026, 3, 20, 17)}
        # Mon 16/03 10:00 leaves 7 working hours before Tue 17/03 09:00: too late (D7).
        with self.assertRaises(TransitionRefused) as caught:
            self.act(dossier, A.APOLOGIZE, R.AGENCY_LEADER, vn(2026, 3, 16, 10), **new)
        self.assertNotIn(A.APOLOGIZE, caught.exception.allowed)
        # Mon 16/03 09:00 leaves exactly one working day: allowed.
        self.act(dossier, A.APOLOGIZE, R.AGENCY_LEADER, vn(2026, 3, 16, 9), **new)
        self.assertEqual(dossier.due_at, vn(2026, 3, 20, 17))
        self.assertEqual(dossier.original_due_at, DUE)
        self.assertEqual(dossier.extension.old_due_at, DUE)
        # Only one re-appointment (NĐ 61 Art 19(9)), even well before the new date.
        with self.assertRaises(TransitionRefused):
            self.act(dossier, A.APOLOGIZE, R.AGENCY_LEADER, vn(2026, 3, 16, 9), **new)

    def test_it_refuses_an_apology_after_the_due_instant(self) -> None:
        dossier = self.at_step2()
        with self.assertRaises(TransitionRefused):
            self.act(
                dossier,
                A.APOLOGIZE,
                R.AGENCY_LEADER,
                vn(2026, 3, 17, 10),  # an hour after Tue 17/03 09:00
                reason="Quá hạn",
                new_due_at=vn(2026, 3, 20, 17),
            )

    @override_settings(MOTCUA_APOLOGY_MIN_NOTICE_HOURS=2)
    def test_it_takes_the_apology_notice_from_the_settings(self) -> None:
        dossier = self.at_step2()
        # Mon 16/03 10:00 leaves 7 working hours ≥ 2: allowed with a 2-hour notice.
        self.act(
            dossier,
            A.APOLOGIZE,
            R.AGENCY_LEADER,
            vn(2026, 3, 16, 10),
            reason="Cần xác minh",
            new_due_at=vn(2026, 3, 20, 17),
        )
        self.assertEqual(dossier.due_at, vn(2026, 3, 20, 17))

    def test_it_refuses_a_new_date_not_after_due_or_outside_office_hours(self) -> None:
        dossier = self.at_step2()
        cases = [
            vn(2026, 3, 16, 17),  # before the current due instant
            vn(2026, 3, 21, 9),  # Saturday 21/03/2026: not an office instant
            vn(2026, 3, 20, 12),  # Friday lunch break
        ]
        for new_due_at in cases:
            with self.subTest(new_due_at=new_due_at):
                with self.assertRaises(ValidationError) as caught:
                    self.act(
                        dossier,
                        A.APOLOGIZE,
                        R.AGENCY_LEADER,
                        vn(2026, 3, 12, 9),
                        reason="Cần xác minh",
                        new_due_at=new_due_at,
                    )
                self.assertIn("new_due_at", caught.exception.message_dict)

    def finish_at(self, at: dt.datetime, *, apologize: bool) -> Dossier:
        dossier = self.at_step2()
        if apologize:
            self.act(
                dossier,
                A.APOLOGIZE,
                R.AGENCY_LEADER,
                vn(2026, 3, 12, 9),
                reason="Cần xác minh",
                new_due_at=vn(2026, 3, 20, 17),
            )
        self.act(dossier, A.FORWARD, R.SPECIALIST, at)
        self.act(dossier, A.FORWARD, R.AGENCY_LEADER, at)
        self.act(dossier, A.ISSUE_RESULT, R.CLERK, at)
        self.assertEqual(dossier.status, DossierStatus.RESOLVED)
        self.assertEqual(dossier.finished_at, at)
        return dossier

    def test_it_classifies_the_finish_against_the_original_due_instant(self) -> None:
        rows = [
            # (finished, apology?, class, why)
            (vn(2026, 3, 16, 16), False, Timeliness.EARLY, "Mon 16/03, a day before due"),
            (vn(2026, 3, 17, 8), False, Timeliness.ON_TIME, "Tue 17/03 08:00, due day"),
            (vn(2026, 3, 17, 10), False, Timeliness.LATE, "an hour after due"),
            # D7: the apology moved due to Fri 20/03 17:00, yet Wed 18/03 is late
            # against the original Tue 17/03 09:00.
            (vn(2026, 3, 18, 10), True, Timeliness.LATE, "late despite the apology"),
            (vn(2026, 3, 16, 16), True, Timeliness.EARLY, "early against the original"),
        ]
        for at, apologize, expected, why in rows:
            with self.subTest(why):
                dossier = self.finish_at(at, apologize=apologize)
                self.assertEqual(dossier.timeliness, expected)

    def test_it_sets_step_deadlines_from_budgets_and_classifies_steps(self) -> None:
        with time_machine.travel(RECEIVED, tick=False):
            dossier = self.world.receive()
        # Transferred Tue 10/03 16:00: step 1 has 2 h → 1 h Tue, Wed 07:00 + 1 h = 08:00.
        self.act(dossier, A.TRANSFER, R.RECEPTION_OFFICER, vn(2026, 3, 10, 16))
        self.assertEqual(dossier.step_due_at, vn(2026, 3, 11, 8))
        # Forwarded Wed 11/03 10:00 (late for step 1): step 2 has 16 h → Wed 1.5 h +
        # 3.5 h, Thu 8 h, Fri 07:00 + 3 h = Fri 13/03/2026 10:00.
        event = self.act(dossier, A.FORWARD, R.DIVISION_HEAD, vn(2026, 3, 11, 10))
        self.assertEqual(event.data, {"step_timeliness": Timeliness.LATE.value})
        self.assertEqual(event.step_due_at, vn(2026, 3, 13, 10))
        self.assertEqual(dossier.step_due_at, vn(2026, 3, 13, 10))
        # Forwarded Thu 12/03 09:00, a day before its step deadline: early.
        event = self.act(dossier, A.FORWARD, R.SPECIALIST, vn(2026, 3, 12, 9))
        self.assertEqual(event.data, {"step_timeliness": Timeliness.EARLY.value})
        # Step 3 (4 h) from Thu 09:00: 2.5 h in the morning, then 1.5 h after
        # lunch → Thu 12/03/2026 15:00.
        self.assertEqual(dossier.step_due_at, vn(2026, 3, 12, 15))

    def test_it_closes_the_pause_when_a_paused_dossier_is_withdrawn(self) -> None:
        dossier = self.at_step2()
        self.act(dossier, A.PAUSE_FINANCIAL, R.SPECIALIST, vn(2026, 3, 11, 9))
        self.act(dossier, A.WITHDRAW, R.RECEPTION_OFFICER, vn(2026, 3, 12, 9), reason="Xin rút")
        self.assertEqual(dossier.status, DossierStatus.WITHDRAWN)
        pause = dossier.pauses.get()
        self.assertEqual(
            (pause.started_at, pause.ended_at), (vn(2026, 3, 11, 9), vn(2026, 3, 12, 9))
        )


class SameDayWithoutAmountTests(SimpleTestCase):
    def test_a_same_day_variant_without_an_amount_still_has_a_due_instant(self):
        # The demo's civil-status variants say "trong ngày" with no number (D4);
        # they must not be treated as "no appointment".
        _amount, unit = duration_for(
            channel=Channel.COUNTER,
            duration=None,
            duration_unit=DurationUnit.SAME_DAY,
            online_duration=None,
            online_duration_unit="",
        )
        self.assertEqual(unit, DurationUnit.SAME_DAY)
