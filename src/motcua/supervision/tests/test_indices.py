"""QĐ 766 and TT 01/2018 figures against hand computation (gh-8 items 4, 5, 9).

The world and every expected number are in ``small_world.py``'s table.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from unittest import mock

from django.test import TestCase, override_settings, tag
from django.urls import reverse

from motcua.dossiers.tests.factories import CodedAgencyFactory
from motcua.organisations.tests.factories import AdminUnitFactory
from motcua.supervision.indices import (
    OFFICER_BANDS,
    UNIT_BANDS,
    State,
    band,
    c2_points,
    c9_points,
    circular_01,
    index_766,
    index_766_by_agency,
    metric_dossiers,
)
from motcua.supervision.periods import Period
from motcua.supervision.scope import Scope, scope_of

from .small_world import (
    MARCH,
    ONLINE_PROVIDERS,
    SmallWorld,
    _Provider,
    build,
    demo_supervisor,
    freeze_world,
)

D = Decimal


@tag("gh-8")
class Index766Tests(TestCase):
    w: SmallWorld

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = build()

    def scope(self, *, commune: bool = False) -> Scope:
        return Scope(frozenset({self.w.commune.pk}), "xã A", commune=commune)

    def index(self, period: Period = MARCH, *, commune: bool = False, providers=ONLINE_PROVIDERS):  # type: ignore[no-untyped-def]
        with mock.patch("motcua.payments.registry.provider_list", return_value=providers):
            return index_766(scope=self.scope(commune=commune), period=period)

    def test_metrics_match_the_hand_computation(self) -> None:
        index = self.index()
        expected = {
            # code: (numerator, denominator, points)
            "PROGRESS": (3, 4, D("15.00")),  # d1 d2 d5 on time of d1 d2 d3 d5
            "FULL_ONLINE": (1, 2, D("6.00")),  # d1 online of d1 d2 (FULL, received)
            "PAYMENT_OFFERED": (1, 1, D("2.00")),
            "PAYMENT_USED": (1, 1, D("2.00")),
            "PAYMENT_DOSSIERS": (1, 3, D("2.00")),  # d1 of d1 d2 d3
            "DOSSIER_RECEIVING_SATISFACTION": (2, 3, D("4.00")),
            "ORIGINAL_RESULT_AVAILABLE": (2, 4, D("3.00")),  # d1 d3 of d1 d2 d3 d5
            "SO_HOA_GIAY_TO_GIAI_QUYET": (2, 4, D("2.00")),  # d1 d3 of d1..d4
            "REUSED_DIGITIZED_DATA": (1, 4, D("0.50")),  # d2
            "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": (1, 2, D("2.00")),  # d1 of d1 d3
        }
        for code, (num, den, points) in expected.items():
            with self.subTest(code=code):
                m = index.metric(code)
                self.assertEqual(m.state, State.COMPUTED)
                self.assertEqual((m.numerator, m.denominator, m.points), (num, den, points))
        group_points = {g.number: g.points for g in index.groups}
        self.assertEqual(
            group_points,
            {1: D(0), 2: D(15), 3: D(6), 4: D(6), 5: D(4), 6: D("7.5")},
        )
        self.assertEqual(index.points, D("38.5"))
        self.assertEqual(index.maximum, D(100))

    def test_not_computable_is_not_zero(self) -> None:
        index = self.index()
        sync = index.metric("DOSSIER_SYNC")
        self.assertEqual(sync.state, State.NOT_COMPUTABLE)
        self.assertIsNone(sync.points)
        self.assertIsNone(sync.numerator)
        self.assertIsNone(sync.ratio)
        petitions = index.metric("PETITION_PROCESSING_ON_TIME")
        self.assertEqual(petitions.state, State.NOT_COMPUTABLE)
        # Group 1 is entirely out of reach; groups 5 and 6 partly.
        computable = {g.number: g.computable_maximum for g in index.groups}
        self.assertEqual(computable, {1: D(0), 2: D(20), 3: D(12), 4: D(10), 5: D(6), 6: D(16)})

    def test_without_an_online_payment_provider_no_procedure_is_offered_for_it(self) -> None:
        index = self.index(providers=[_Provider("counter")])
        m = index.metric("PAYMENT_OFFERED")
        self.assertEqual((m.numerator, m.denominator, m.points), (0, 1, D("0.00")))

    def test_commune_not_applicable_counts_as_maximum(self) -> None:
        april = Period.month(2026, 4)
        elsewhere = self.index(april)
        commune = self.index(april, commune=True)
        for code in ("PAYMENT_DOSSIERS", "FULL_ONLINE"):
            with self.subTest(code=code):
                self.assertEqual(elsewhere.metric(code).state, State.NOT_APPLICABLE)
                self.assertIsNone(elsewhere.metric(code).points)
                self.assertEqual(commune.metric(code).points, commune.metric(code).spec.maximum)
        # Progress always applies: nothing finished is not "maximum".
        self.assertIsNone(commune.metric("PROGRESS").points)

    def test_scope_of_a_commune_agency_is_commune_level(self) -> None:
        self.assertTrue(scope_of([self.w.commune]).commune)
        self.assertFalse(scope_of([self.w.commune, self.w.department]).commune)

    def test_every_dossier_metric_lists_exactly_what_it_counts(self) -> None:
        index = self.index()
        for code in (
            "PROGRESS",
            "FULL_ONLINE",
            "PAYMENT_DOSSIERS",
            "ORIGINAL_RESULT_AVAILABLE",
            "SO_HOA_GIAY_TO_GIAI_QUYET",
            "REUSED_DIGITIZED_DATA",
            "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        ):
            m = index.metric(code)
            for numerator, expected in ((True, m.numerator), (False, m.denominator)):
                with self.subTest(code=code, numerator=numerator):
                    listed = metric_dossiers(
                        code, scope=self.scope(), period=MARCH, numerator=numerator
                    )
                    self.assertEqual(listed.count(), expected)

    def test_per_agency_in_one_go_equals_one_by_one(self) -> None:
        agencies = [self.w.commune, self.w.department]
        scopes = {a.pk: scope_of([a]) for a in agencies}
        with mock.patch("motcua.payments.registry.provider_list", return_value=ONLINE_PROVIDERS):
            with self.assertNumQueries(6):
                together = index_766_by_agency(scopes=scopes, period=MARCH)
            for pk, scope in scopes.items():
                alone = index_766(scope=scope, period=MARCH)
                for group, other in zip(alone.groups, together[pk].groups, strict=True):
                    for m, n in zip(group.metrics, other.metrics, strict=True):
                        with self.subTest(agency=pk, code=m.spec.code):
                            self.assertEqual(
                                (m.state, m.numerator, m.denominator, m.points),
                                (n.state, n.numerator, n.denominator, n.points),
                            )
        # Sở P: d6 finished on time, online; no rating.
        self.assertEqual(together[self.w.department.pk].metric("PROGRESS").points, D(20))

    def test_six_queries_whatever_the_data(self) -> None:
        with self.assertNumQueries(6):
            self.index()


@tag("gh-8")
class Circular01Tests(TestCase):
    w: SmallWorld

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = build()

    def result(self):  # type: ignore[no-untyped-def]
        return circular_01(scope=scope_of([self.w.commune]), period=MARCH)

    def test_per_dossier(self) -> None:
        rows = {r.code: r.scores for r in self.result().dossiers}
        d = self.w.d
        self.assertEqual(set(rows), {d[k].code for k in ("d1", "d2", "d3", "d5")})
        self.assertEqual(rows[d["d1"].code], {"C1": 2, "C2": 2, "C3": 2, "C4": 2, "C6": 2, "C7": 2})
        self.assertEqual(rows[d["d2"].code], {"C1": 1, "C2": 1, "C3": 1, "C4": 1, "C6": 0, "C7": 0})
        self.assertEqual(rows[d["d3"].code], {"C1": 0, "C2": 0, "C3": 0, "C4": 0, "C6": 1, "C7": 0})
        # d5: no history steps, no rating: only C1 is known.
        self.assertEqual(
            rows[d["d5"].code],
            {"C1": 2, "C2": None, "C3": None, "C4": None, "C6": None, "C7": None},
        )

    def test_per_unit_with_official_rounding_and_band(self) -> None:
        (unit,) = self.result().units
        self.assertEqual(
            unit.scores,
            {
                "C1": D("1.3"),  # (2+1+0+2)/4 = 1.25
                "C2": D("1.0"),  # (2+1+0)/3
                "C3": D("1.0"),
                "C4": D("1.0"),
                "C5": None,
                "C6": D("1.0"),  # (2+0+1)/3
                "C7": D("0.7"),  # (2+0+0)/3
                "C8": None,
                "C9": D(2),  # 2/2 procedures online, 2/4 dossiers online, none late
            },
        )
        self.assertEqual(unit.total, D("8.0"))
        self.assertEqual(str(unit.rating), "Trung bình")
        self.assertEqual(unit.missing, ["C5", "C8"])

    def test_per_officer(self) -> None:
        officers = {o.label: o for o in self.result().officers}
        x, y = officers["Cán bộ X"], officers["Cán bộ Y"]
        # X acted on d1 and d3; Y on d2 and d3.
        self.assertEqual(x.count, 2)
        self.assertEqual(x.total, D("6.5"))
        self.assertEqual(str(x.rating), "Hoàn thành 100% nhiệm vụ")
        self.assertEqual(y.total, D("2.5"))
        self.assertEqual(str(y.rating), "Hoàn thành dưới 70% nhiệm vụ")

    def test_bands_edges(self) -> None:
        self.assertEqual(str(band(D(5), OFFICER_BANDS)), "Hoàn thành 100% nhiệm vụ")
        self.assertEqual(
            str(band(D("3.5"), OFFICER_BANDS)), "Hoàn thành từ 70% đến dưới 100% nhiệm vụ"
        )
        self.assertEqual(str(band(D("3.4"), OFFICER_BANDS)), "Hoàn thành dưới 70% nhiệm vụ")
        labels = [str(band(D(v), UNIT_BANDS)) for v in ("15", "14.9", "12", "9", "6", "5.9")]
        self.assertEqual(labels, ["Xuất sắc", "Tốt", "Tốt", "Khá", "Trung bình", "Yếu"])

    def test_c9_rule(self) -> None:
        def c9(**kw: int) -> int | None:
            counts = {"offered": 10, "online_procedures": 2, "received": 10, "online": 3}
            counts.update(kw)
            return c9_points(online_late=counts.pop("online_late", 0), **counts)

        self.assertEqual(c9(), 2)  # 20 % of procedures, 30 % of dossiers, none late
        self.assertEqual(c9(online_late=1), 1)
        self.assertEqual(c9(online_procedures=1), 1)
        self.assertEqual(c9(online=2), 1)  # 20 %: within 15–30 %
        self.assertEqual(c9(online=1), 0)
        self.assertIsNone(c9(received=0))
        self.assertIsNone(c9(offered=0))

    def test_fixed_number_of_queries(self) -> None:
        with self.assertNumQueries(7):
            self.result()

    def test_c2_rule(self) -> None:
        from motcua.calendars.constants import Timeliness as T

        self.assertEqual(c2_points([T.EARLY, T.EARLY]), 2)
        self.assertEqual(c2_points([T.EARLY, T.ON_TIME]), 1)
        self.assertEqual(c2_points([T.EARLY, T.LATE, None]), 0)
        self.assertIsNone(c2_points([None]))


@tag("gh-8")
@override_settings(MOTCUA_DEMO=True)
class IndexPagesTests(TestCase):
    w: SmallWorld

    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = build()
        cls.supervisor = demo_supervisor(cls.w.commune)
        elsewhere = CodedAgencyFactory(name="Trung tâm tỉnh khác", unit=AdminUnitFactory())
        cls.outsider = demo_supervisor(elsewhere)

    def setUp(self) -> None:
        freeze_world(self)

    def test_766_page_shows_figures_and_not_computable(self) -> None:
        self.client.force_login(self.supervisor)
        url = reverse("supervision:index-766")
        response = self.client.get(url, {"ky": "thang", "nam": "2026", "thang": "3"})
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("Chưa tính được", html)
        self.assertIn("38,5", html)
        self.assertIn("Tiến độ giải quyết", html)

    def test_every_drill_down_link_lists_as_many_dossiers_as_its_number(self) -> None:
        self.client.force_login(self.supervisor)
        html = self.client.get(
            reverse("supervision:index-766"), {"ky": "thang", "nam": "2026", "thang": "3"}
        ).content.decode()
        links = re.findall(r'href="([^"]*/chi-so-766/ho-so/[^"]*)" data-count="(\d+)"', html)
        self.assertEqual(len(links), 2 * 7)  # numerator and denominator of 7 dossier metrics
        for href, count in links:
            with self.subTest(href=href):
                page = self.client.get(unescape(href))
                self.assertEqual(page.status_code, 200)
                body = page.content.decode()
                self.assertIn(f"{count} hồ sơ.", body)
                self.assertEqual(body.count('<th scope="row"><a href="/can-bo/ho-so/'), int(count))

    def test_circular_page_shows_units_and_officers(self) -> None:
        self.client.force_login(self.supervisor)
        response = self.client.get(
            reverse("supervision:index-circular"), {"ky": "quy", "nam": "2026", "quy": "1"}
        )
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("Trung bình", html)
        self.assertIn("Cán bộ X", html)

    def test_it_resolves_the_jurisdiction_once_per_report_page(self) -> None:
        # The agency picker and the scope both need the visible agencies: one lookup
        # serves both (it used to run twice on every report page and download).
        from motcua.supervision import scope

        self.client.force_login(self.supervisor)
        with mock.patch.object(scope, "jurisdiction_for", wraps=scope.jurisdiction_for) as lookup:
            response = self.client.get(
                reverse("supervision:index-766"), {"don-vi": str(self.w.commune.pk)}
            )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(lookup.call_count, 1)

    def test_outside_jurisdiction_is_refused(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(
            reverse("supervision:index-766"), {"don-vi": str(self.w.commune.pk)}
        )
        self.assertEqual(response.status_code, 403)

    def test_anonymous_is_sent_to_sign_in(self) -> None:
        response = self.client.get(reverse("supervision:index-766"))
        self.assertEqual(response.status_code, 302)
