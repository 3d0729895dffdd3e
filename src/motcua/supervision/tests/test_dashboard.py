"""The supervision dashboard through HTTP (gh-8 items 1, 2, 9).

The clock is frozen on Thu 15/01/2026 10:00 in Huế. The histories (see
``histories.make_org``) lie on both sides of 01/07/2025: in the first half of
2025 at the old district and communes, afterwards at the new communes; the
provincial centre and department have dossiers in both halves.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import deque
from typing import Any
from urllib.parse import urlencode

from django.db import connection
from django.test import TestCase, override_settings, tag
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import time_machine

from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
from motcua.calendars.constants import Timeliness
from motcua.dossiers.constants import Channel
from motcua.dossiers.models import Dossier
from motcua.ratings.constants import Satisfaction
from motcua.supervision.aggregates import stats_rebuild
from motcua.supervision.constants import Metric
from motcua.supervision.models import StatFact

from .histories import PATHS, Org, add_history, make_org, vn_time

NOW = vn_time(2026, 1, 15, 10)
URL = reverse("supervision:dashboard")
H1_2025 = {"ky": "tuy-chon", "tu": "2025-01-01", "den": "2025-06-30"}
H2_2025 = {"ky": "tuy-chon", "tu": "2025-07-01", "den": "2025-12-31"}
YEAR_2025 = {"ky": "nam", "nam": "2025"}


def _generate(org: Org) -> list[Dossier]:
    """A varied set of histories: every path, channel and timeliness, both sides of the date."""
    out = []
    old = [org.c1_pc, org.c2_pc, org.district_pc, org.centre, org.department]
    new = [org.n_centre, org.m_centre, org.centre, org.department]
    paths = sorted(PATHS)
    channels = list(Channel)
    timeliness = list(Timeliness)
    ratings = [None, *Satisfaction]
    halves = ((old, dt.date(2025, 2, 3), 140), (new, dt.date(2025, 7, 1), 190))
    for i, (agencies, first_day, days) in enumerate(halves):
        for k in range(22):
            agency = agencies[k % len(agencies)]
            day = first_day + dt.timedelta(days=(k * 37) % days)
            out.append(
                add_history(
                    org,
                    agency=agency,
                    version=k % 2,
                    channel=channels[k % len(channels)],
                    path=paths[(k + i) % len(paths)],
                    start=vn_time(day.year, day.month, day.day, 8 + k % 8),
                    gaps_hours=[3 + k % 40, 20],
                    actors=[k % 3, None, (k + 1) % 3],
                    timeliness=timeliness[k % 3],
                    rating=ratings[k % 4],
                )
            )
    # Open dossiers now: one overdue, one in time (the snapshot cells).
    out.append(
        add_history(
            org,
            agency=org.n_centre,
            version=0,
            channel=Channel.COUNTER,
            path="processing",
            start=vn_time(2026, 1, 5, 9),
            due_in_hours=24,
        )
    )
    out.append(
        add_history(
            org,
            agency=org.n_centre,
            version=1,
            channel=Channel.ONLINE,
            path="processing",
            start=vn_time(2026, 1, 14, 9),
            due_in_hours=240,
        )
    )
    return out


@override_settings(MOTCUA_DEMO=True)
class DashboardCase(TestCase):
    """The generated histories of :func:`_generate`, aggregated, on a frozen clock."""

    org: Org

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = make_org()
        _generate(cls.org)
        stats_rebuild()

    def setUp(self) -> None:
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def get(self, user: User, params: dict[str, str], url: str = URL) -> Any:
        self.client.force_login(user)
        return self.client.get(url + "?" + urlencode(params))


@tag("gh-8")
class DashboardTests(DashboardCase):
    def labels(self, response: Any) -> list[str]:
        return [row["label"] for row in response.context["sections"][0]["rows"]]

    def row(self, response: Any, label: str, section: int = 0) -> dict[str, Any]:
        for row in response.context["sections"][section]["rows"]:
            if row["label"] == label:
                return row  # type: ignore[no-any-return]
        raise AssertionError(f"no row {label!r} in {self.labels(response)}")

    # --- every number opens exactly its dossiers ---------------------------------------------

    def test_every_cell_of_every_level_equals_the_length_of_its_list(self) -> None:
        """Walk the whole drill-down of four periods and open every linked number."""
        self.client.force_login(self.org.supervisor)
        checked = 0
        for params in (H1_2025, H2_2025, YEAR_2025, {"ky": "nam", "nam": "2026", "so_sanh": "on"}):
            queue = deque([URL + "?" + urlencode(params)])
            seen: set[str] = set()
            while queue:
                url = queue.popleft()
                if url in seen:
                    continue
                seen.add(url)
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200, url)
                for section in response.context["sections"]:
                    lines = [*section["rows"], section["total"]]
                    for line in lines:
                        for cell in [*line["cells"], *(line.get("compare") or [])]:
                            if cell.url is None:
                                continue
                            listed = self.client.get(cell.url)
                            self.assertEqual(listed.status_code, 200, cell.url)
                            self.assertEqual(
                                listed.context["count"], cell.number, f"{cell.label} {url}"
                            )
                            self.assertEqual(
                                len(listed.context["page"].object_list), min(cell.number, 50)
                            )
                            checked += 1
                    for row in section["rows"]:
                        if row["url"]:
                            queue.append(row["url"])
        self.assertGreater(checked, 300)

    def test_the_totals_equal_the_sum_of_the_facts(self) -> None:
        response = self.get(self.org.supervisor, YEAR_2025)
        total = response.context["table"].total
        facts = StatFact.objects.filter(day__year=2025)
        self.assertEqual(total.received, facts.filter(metric=Metric.RECEIVED).count())
        self.assertEqual(
            total.finished,
            facts.filter(
                metric__in=[Metric.FINISHED_EARLY, Metric.FINISHED_ON_TIME, Metric.FINISHED_LATE]
            ).count(),
        )
        self.assertGreater(total.received, 20)

    # --- the structure of the time (item 2) -----------------------------------------------------

    def test_a_period_before_july_2025_is_shown_province_district_commune(self) -> None:
        response = self.get(self.org.supervisor, H1_2025)
        self.assertEqual(response.status_code, 200)
        labels = self.labels(response)
        self.assertIn("Huyện Hòa Bình", labels)
        self.assertIn("Trung tâm PVHCC tỉnh", labels)
        self.assertNotIn("Xã Lộc An", labels)
        self.assertContains(response, "theo đơn vị hành chính thời đó")
        district = self.get(self.org.supervisor, {**H1_2025, "don-vi": str(self.org.district.pk)})
        self.assertEqual(
            sorted(self.labels(district)),
            ["UBND huyện Hòa Bình", "Xã Hạ Lộc", "Xã Thượng Lộc"],
        )
        commune = self.get(self.org.supervisor, {**H1_2025, "don-vi": str(self.org.c1.pk)})
        self.assertEqual(self.labels(commune), ["UBND xã Thượng Lộc"])

    def test_a_period_after_july_2025_is_shown_province_commune(self) -> None:
        response = self.get(self.org.supervisor, H2_2025)
        labels = self.labels(response)
        self.assertIn("Xã Lộc An", labels)
        self.assertIn("Xã Sơn Thủy", labels)
        self.assertFalse([label for label in labels if label.startswith("Huyện")])
        self.assertFalse([label for label in labels if "Thượng Lộc" in label])

    def test_a_year_across_the_reorganisation_maps_old_units_to_their_successors(self) -> None:
        response = self.get(self.org.supervisor, YEAR_2025)
        received = {
            a: StatFact.objects.filter(metric=Metric.RECEIVED, agency=a, day__year=2025).count()
            for a in self.org.agencies
        }
        n_row = self.row(response, "Xã Lộc An")
        expected = received[self.org.c1_pc] + received[self.org.c2_pc] + received[self.org.n_centre]
        self.assertEqual(n_row["cells"][0].number, expected)
        self.assertGreater(received[self.org.c1_pc] + received[self.org.c2_pc], 0)
        # The abolished district's own committee is shown under the province, marked.
        district_row = self.row(response, "UBND huyện Hòa Bình")
        self.assertIn("30/06/2025", district_row["note"])

    def test_the_comparison_with_the_year_before_uses_todays_units(self) -> None:
        params = {"ky": "tuy-chon", "tu": "2026-01-01", "den": "2026-01-15", "so_sanh": "on"}
        self.client.force_login(self.org.supervisor)
        response = self.client.get(URL + "?" + urlencode(params))
        self.assertEqual(response.status_code, 200)
        n_row = self.row(response, "Xã Lộc An")
        old = StatFact.objects.filter(
            metric=Metric.RECEIVED,
            agency__in=[self.org.c1_pc, self.org.c2_pc, self.org.n_centre],
            day__range=(dt.date(2025, 1, 1), dt.date(2025, 1, 15)),
        ).count()
        self.assertEqual(n_row["compare"][0].number, old)
        self.assertContains(response, "cùng kỳ năm trước")

    # --- jurisdiction -------------------------------------------------------------------------

    def test_a_commune_leader_sees_only_their_commune(self) -> None:
        response = self.get(self.org.n_leader, H2_2025)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.labels(response), ["Trung tâm PVHCC xã Lộc An"])
        # Before the reorganisation, their commune was two communes.
        before = self.get(self.org.n_leader, H1_2025)
        self.assertEqual(sorted(self.labels(before)), ["Xã Hạ Lộc", "Xã Thượng Lộc"])

    def test_a_commune_leader_cannot_open_another_commune(self) -> None:
        m = self.org.m_leader
        for params in (
            {**H2_2025, "don-vi": str(self.org.n.pk)},
            {**H2_2025, "co-quan": str(self.org.n_centre.pk)},
            {**H2_2025, "don-vi": str(self.org.province.pk)},
            {**H1_2025, "co-quan": str(self.org.c1_pc.pk)},
        ):
            with self.subTest(params=params):
                self.assertEqual(self.get(m, params).status_code, 404)
                listed = self.get(
                    m, {**params, "chi-tieu": "tiep-nhan"}, reverse("supervision:dossier_list")
                )
                self.assertEqual(listed.status_code, 404)

    def test_a_drill_down_path_with_a_missing_step_is_not_found(self) -> None:
        field = str(self.org.versions[0].field_id)
        for params in ({"linh-vuc": field}, {"co-quan": str(self.org.centre.pk), "can-bo": "1"}):
            with self.subTest(params=params):
                self.assertEqual(
                    self.get(self.org.supervisor, {**H2_2025, **params}).status_code, 404
                )
        self.assertEqual(self.get(self.org.supervisor, {"don-vi": "abc"}).status_code, 404)

    def test_staff_who_do_not_supervise_and_citizens_are_refused(self) -> None:
        self.assertEqual(self.get(self.org.specialist, H2_2025).status_code, 403)
        citizen = UserFactory()
        self.assertEqual(self.get(citizen, H2_2025).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(URL).status_code, 302)

    # --- figures ------------------------------------------------------------------------------

    def test_median_and_average_processing_time_per_procedure(self) -> None:
        org = self.org
        finished = StatFact.objects.filter(
            day__year=2025,
            metric__in=[Metric.FINISHED_EARLY, Metric.FINISHED_ON_TIME, Metric.FINISHED_LATE],
        )
        # An agency and field with several finished dossiers in 2025.
        agency, field = next(
            (a.pk, v.field_id)
            for a in org.agencies
            for v in org.versions
            if finished.filter(agency=a, field_id=v.field_id).count() >= 2
        )
        seconds = list(
            finished.filter(agency=agency, field_id=field).values_list("seconds", flat=True)
        )
        response = self.get(
            org.supervisor, {**YEAR_2025, "co-quan": str(agency), "linh-vuc": str(field)}
        )
        figures = response.context["table"].rows[0].figures
        self.assertAlmostEqual(figures.median_days, statistics.median(seconds) / 86400)
        self.assertAlmostEqual(figures.average_days, sum(seconds) / len(seconds) / 86400)

    def test_the_snapshot_counts_open_dossiers_on_time_and_late(self) -> None:
        response = self.get(self.org.supervisor, {"ky": "nam", "nam": "2026"})
        total = response.context["table"].total
        open_now = Dossier.objects.filter(status__in=[2, 4])
        late = open_now.filter(due_at__lt=NOW).count()
        self.assertEqual((total.open_on_time, total.open_late), (open_now.count() - late, late))
        self.assertGreaterEqual(open_now.count() - late, 1)  # the one received yesterday
        # A period that ended before today has no snapshot (it would describe today).
        past = self.get(self.org.supervisor, YEAR_2025).context["table"].total
        self.assertEqual((past.open_on_time, past.open_late), (0, 0))

    def test_each_level_runs_a_fixed_number_of_queries(self) -> None:
        org = self.org
        levels = [
            {},
            {"don-vi": str(org.n.pk)},
            {"co-quan": str(org.centre.pk)},
            {"co-quan": str(org.centre.pk), "linh-vuc": str(org.versions[0].field_id)},
            {
                "co-quan": str(org.centre.pk),
                "linh-vuc": str(org.versions[0].field_id),
                "thu-tuc": str(org.versions[0].procedure_id),
            },
        ]
        self.client.force_login(org.supervisor)

        def count(params: dict[str, str]) -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(URL + "?" + urlencode(params)).status_code, 200)
            return len(queries)

        before = [count({**YEAR_2025, **p}) for p in levels]
        _generate(org)  # twice the dossiers, more rows everywhere
        stats_rebuild()
        after = [count({**YEAR_2025, **p}) for p in levels]
        # Fixed: must not grow with the number of dossiers or rows (check for N+1 queries).
        self.assertEqual(before, after)
        self.assertLessEqual(max(after), 25)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(
                reverse("supervision:dossier_list")
                + "?"
                + urlencode({**YEAR_2025, "chi-tieu": "tiep-nhan"})
            )
        self.assertLessEqual(len(queries), 20)  # paginated, select_related: no N+1

    # --- the period form ----------------------------------------------------------------------

    def test_a_custom_period_without_an_end_is_refused_next_to_the_field(self) -> None:
        response = self.get(self.org.supervisor, {"ky": "tuy-chon", "tu": "2025-05-01"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Hãy chọn ngày kết thúc của kỳ tùy chọn.", status_code=400)
        self.assertContains(response, 'value="2025-05-01"', status_code=400)
        response = self.get(
            self.org.supervisor, {"ky": "tuy-chon", "tu": "2025-05-01", "den": "2025-04-01"}
        )
        self.assertContains(
            response, "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.", status_code=400
        )

    def test_month_quarter_and_day_periods(self) -> None:
        for params, start, end in (
            ({"ky": "thang", "nam": "2025", "thang": "2"}, "2025-02-01", "2025-02-28"),
            ({"ky": "quy", "nam": "2025", "quy": "3"}, "2025-07-01", "2025-09-30"),
            ({"ky": "ngay", "ngay": "2025-07-01"}, "2025-07-01", "2025-07-01"),
        ):
            with self.subTest(params=params):
                response = self.get(self.org.supervisor, params)
                period = response.context["period"]
                self.assertEqual((period.start.isoformat(), period.end.isoformat()), (start, end))
