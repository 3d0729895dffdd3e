"""Late work explained (gh-8 item 3): attribution on a hand-built history.

d3 of ``small_world`` left step S1 (Văn phòng xã) 6.0 working hours after its
deadline (Mon 02/03 11:00 → Tue 03/03 09:00: 0.5 + 3.5 + 2 hours), step S2
early, and step S3 (no department: the commune itself) 93.5 working hours
late (Wed 04/03 13:30 → Fri 20/03 09:00). Its apology was sent on Sun 08/03
08:00 for a due date of Mon 09/03 09:00 (in time), and the new date (16/03)
was missed. d4 is still processing, due 27/03 09:00: overdue on 31/03.
"""

from __future__ import annotations

from decimal import Decimal

from django.test import TestCase, override_settings, tag
from django.urls import reverse

import time_machine

from motcua.calendars.constants import Timeliness
from motcua.dossiers.models import DossierEvent
from motcua.supervision.lateness import late_dossiers, lateness_report, step_visits
from motcua.supervision.scope import scope_of

from .small_world import MARCH, NOW, SmallWorld, build, demo_supervisor, vn

D = Decimal


@tag("gh-8")
@override_settings(MOTCUA_DEMO=True)
class LatenessTests(TestCase):
    w: SmallWorld

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = build()
        cls.supervisor = demo_supervisor(cls.w.commune)

    def report(self):  # type: ignore[no-untyped-def]
        return lateness_report(scope=scope_of([self.w.commune]), period=MARCH, now=NOW)

    def test_step_visits_from_history(self) -> None:
        events = list(DossierEvent.objects.filter(dossier=self.w.d["d3"]).order_by("seq"))
        visits = step_visits(events)
        s1, s2, s3 = self.w.steps
        self.assertEqual([v.step_id for v in visits], [s1.pk, s2.pk, s3.pk])
        self.assertEqual(
            [v.timeliness for v in visits], [Timeliness.LATE, Timeliness.EARLY, Timeliness.LATE]
        )
        # The apology event stays inside the S3 visit; S3 closes on issuing the result.
        self.assertEqual(visits[2].entered_at, vn(2026, 3, 4, 9))
        self.assertEqual(visits[2].left_at, vn(2026, 3, 20, 9))
        self.assertEqual(visits[1].handler_id, self.w.officer_y.pk)

    def test_late_dossiers_are_the_late_finished_and_the_overdue_running(self) -> None:
        codes = set(
            late_dossiers(scope=scope_of([self.w.commune]), period=MARCH, now=NOW).values_list(
                "code", flat=True
            )
        )
        self.assertEqual(codes, {self.w.d["d3"].code, self.w.d["d4"].code})

    def test_which_step_and_unit_used_the_time(self) -> None:
        report = self.report()
        d3 = next(d for d in report.dossiers if d.code == self.w.d["d3"].code)
        self.assertEqual(
            [(s.step, s.unit, s.officer, s.overrun_hours) for s in d3.steps],
            [
                (
                    "Tiếp nhận, phân công",
                    "Văn phòng xã – Ủy ban nhân dân xã A",
                    "Cán bộ X",
                    D("6.0"),
                ),
                ("Ký duyệt", "Ủy ban nhân dân xã A", "Cán bộ X", D("93.5")),
            ],
        )
        assert d3.apology is not None
        self.assertTrue(d3.apology.in_time)
        self.assertFalse(d3.apology.kept)

    def test_summary_and_tops(self) -> None:
        report = self.report()
        self.assertEqual((report.finished_late, report.running_overdue), (1, 1))
        self.assertEqual(report.apologies_sent, 1)
        self.assertEqual(report.apologies_in_time, 1)
        self.assertEqual(report.late_without_apology, 1)  # d4
        self.assertEqual(report.appointments_kept, 0)
        units = {t.label: (t.dossiers, t.late_steps, t.overrun_hours) for t in report.by_unit}
        self.assertEqual(
            units,
            {
                # d3's S3 and d4 (no late step: the whole dossier is the commune's).
                "Ủy ban nhân dân xã A": (2, 1, D("93.5")),
                "Văn phòng xã – Ủy ban nhân dân xã A": (1, 1, D("6.0")),
            },
        )
        self.assertEqual(report.by_unit[0].label, "Ủy ban nhân dân xã A")
        self.assertEqual([(t.label, t.late_steps) for t in report.by_officer], [("Cán bộ X", 2)])
        procedures = {t.label: t.dossiers for t in report.by_procedure}
        self.assertEqual(sum(procedures.values()), 2)  # d3 and d4 share the PARTIAL procedure
        self.assertEqual(len(procedures), 1)

    def test_queries_do_not_grow_with_the_dossiers(self) -> None:
        scope = scope_of([self.w.commune])
        with self.assertNumQueries(4):
            list(late_dossiers(scope=scope, period=MARCH, now=NOW))

    def test_page(self) -> None:
        self.client.force_login(self.supervisor)
        with time_machine.travel(NOW, tick=False):
            response = self.client.get(
                reverse("supervision:lateness"), {"ky": "thang", "nam": "2026", "thang": "3"}
            )
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn(self.w.d["d3"].code, html)
        self.assertIn("Văn phòng xã – Ủy ban nhân dân xã A", html)
        self.assertIn("93,5", html)
        self.assertIn("<svg", html)
