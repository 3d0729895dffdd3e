"""The officer who handled a dossier never sees who rated it (NĐ 224/2026 Art 10(3)(b)).

See the rule in ``motcua.ratings.selectors``' docstring.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.test import TestCase, tag

import time_machine

from motcua.accounts.tests.factories import UserFactory
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.organisations.constants import Role as R
from motcua.organisations.tests.factories import MembershipFactory
from motcua.ratings.constants import Satisfaction
from motcua.ratings.selectors import rating_summary, ratings_for_staff
from motcua.ratings.services import rating_submit

from .helpers import dossier_for

NOW = vn(2026, 3, 10, 9)


@tag("gh-5")
class RaterConfidentialityTests(TestCase):
    def setUp(self) -> None:
        self.clock = self.enterContext(time_machine.travel(NOW, tick=False))
        self.world = make_world()
        self.agency = self.world.center
        self.rater = UserFactory(full_name="Trần Văn Cường")
        self.dossier = dossier_for(self.world, self.rater)
        rating_submit(
            user=self.rater,
            code=self.dossier.code,
            level="not_satisfied",
            reason="Phải đi lại ba lần",
            criteria={"c3_contacts": 0, "c7_attitude": 1},
        )
        self.supervisor = MembershipFactory(agency=self.agency, role=R.SUPERVISOR).user

    def test_the_officers_who_handled_it_see_neither_rater_nor_dossier(self) -> None:
        # Everyone who acted on the dossier, including the officer being rated.
        for role in (R.RECEPTION_OFFICER, R.SPECIALIST, R.AGENCY_LEADER, R.CLERK):
            officer = self.world.staff[role]
            [row] = ratings_for_staff(reader=officer, agency=self.agency)
            self.assertIsNone(row.dossier_code, role)
            self.assertIsNone(row.rater_name, role)
            self.assertTrue(row.withheld)
            self.assertNotIn("Trần Văn Cường", repr(row))
            self.assertNotIn(self.dossier.code, repr(row))
            # The feedback itself still reaches them, dated to the day only.
            self.assertEqual(row.level, Satisfaction.NOT_SATISFIED)
            self.assertEqual(row.reason, "Phải đi lại ba lần")
            self.assertEqual(row.rated_on, dt.date(2026, 3, 10))

    def test_a_supervisor_who_did_not_handle_it_can_follow_up(self) -> None:
        [row] = ratings_for_staff(reader=self.supervisor, agency=self.agency)
        self.assertEqual(row.dossier_code, self.dossier.code)
        self.assertEqual(row.rater_name, "Trần Văn Cường")
        self.assertEqual(row.officer_name, self.world.staff[R.RECEPTION_OFFICER].full_name)

    def test_withheld_rows_are_not_ordered_by_when_they_were_given(self) -> None:
        # Two ratings the same day: the order must not tell the officer which
        # dossier (returned at a known time) each one belongs to.
        self.clock.shift(dt.timedelta(minutes=30))
        later = dossier_for(self.world, UserFactory())
        rating_submit(user=later.parties.get().user, code=later.code, level="very_satisfied")
        officer = self.world.staff[R.RECEPTION_OFFICER]
        rows = ratings_for_staff(reader=officer, agency=self.agency)
        # The first given (not satisfied) comes after the later one (very satisfied).
        self.assertEqual(
            [r.level for r in rows], [Satisfaction.VERY_SATISFIED, Satisfaction.NOT_SATISFIED]
        )
        self.assertTrue(all(r.withheld for r in rows))

    def test_staff_of_another_agency_read_nothing(self) -> None:
        outsider = MembershipFactory(agency=self.world.other, role=R.SUPERVISOR).user
        with self.assertRaisesMessage(PermissionDenied, "không xem được đánh giá"):
            ratings_for_staff(reader=outsider, agency=self.agency)
        with self.assertRaises(PermissionDenied):
            rating_summary(reader=outsider, agency=self.agency)
        with self.assertRaises(PermissionDenied):
            ratings_for_staff(reader=self.rater, agency=self.agency)  # a citizen

    def test_aggregates_are_open_to_the_rated_officer(self) -> None:
        second = dossier_for(self.world, UserFactory())
        rating_submit(
            user=second.parties.get().user,
            code=second.code,
            level="very_satisfied",
            criteria={"c3_contacts": 2},
        )
        officer = self.world.staff[R.RECEPTION_OFFICER]
        summary = rating_summary(reader=officer, agency=self.agency, officer=officer)
        self.assertEqual(summary.total, 2)
        self.assertEqual(summary.counts[Satisfaction.NOT_SATISFIED], 1)
        self.assertEqual(summary.counts[Satisfaction.VERY_SATISFIED], 1)
        self.assertEqual(summary.averages["C3"], 1.0)  # (0 + 2) / 2
        self.assertEqual(summary.averages["C7"], 1.0)  # only one answered
        self.assertIsNone(summary.averages["C1"])
        self.assertEqual(summary.satisfied_share, 0.5)
        self.assertEqual(
            rating_summary(reader=officer, agency=self.agency, officer=self.supervisor).total, 0
        )

    def test_the_staff_list_runs_a_fixed_number_of_queries(self) -> None:
        with self.assertNumQueries(2):  # scope check + rows
            ratings_for_staff(reader=self.supervisor, agency=self.agency)
        for _ in range(3):
            extra = dossier_for(self.world, UserFactory())
            rating_submit(user=extra.parties.get().user, code=extra.code, level="satisfied")
        with self.assertNumQueries(2):  # must not grow with the rows: no per-row lookups
            rows = ratings_for_staff(reader=self.supervisor, agency=self.agency)
        self.assertEqual(len(rows), 4)
