"""Counter screen, one-tap rating and statistics (gh-7 items 3, 5, 6), through HTTP."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import connection
from django.http import HttpRequest
from django.test import RequestFactory, TestCase, override_settings, tag
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import time_machine

from motcua.accounts.models import User
from motcua.tickets import handoff, selectors, services, stats
from motcua.tickets.constants import TicketStatus
from motcua.tickets.models import CounterSession, Ticket, TicketRating

from .world import MORNING, make_queue_world

S = TicketStatus


@override_settings(MOTCUA_DEMO=True)  # demo staff accounts skip the second factor
class ScreenTestCase(TestCase):
    def setUp(self) -> None:
        self.clock = time_machine.travel(MORNING, tick=False)
        self.traveller = self.clock.start()
        self.addCleanup(self.clock.stop)
        self.w = make_queue_world()
        User.objects.update(is_demo=True)  # demo accounts skip the second factor
        self.officer = User.objects.get(pk=self.w.officers[1].pk)
        self.screen = reverse("tickets_staff:counter", args=[self.w.counters[1].pk])

    def act(self, action: str, **data: object) -> object:
        url = reverse("tickets_staff:action", args=[self.w.counters[1].pk, action])
        return self.client.post(url, data)

    def tick(self, minutes: float) -> None:
        self.traveller.shift(dt.timedelta(minutes=minutes))


@tag("gh-7")
class CounterScreenTests(ScreenTestCase):
    def test_open_call_recall_serve_finish_and_rate(self) -> None:
        self.client.force_login(self.officer)
        listing = self.client.get(reverse("tickets_staff:counters"))
        self.assertContains(listing, "Mở quầy số 1")
        self.assertNotContains(listing, "Thống kê xếp hàng")  # not a manager
        opened = self.client.post(reverse("tickets_staff:open", args=[self.w.counters[1].pk]))
        self.assertRedirects(opened, self.screen)
        self.assertRedirects(self.client.get(reverse("tickets_staff:counters")), self.screen)
        t = services.ticket_take(service=self.w.services["A"])
        services.ticket_take(service=self.w.services["B"])  # not served by counter 1
        page = self.client.get(self.screen)
        self.assertContains(page, "Gọi số tiếp theo")
        self.assertContains(page, "A – Hộ tịch</th><td>1</td>", html=False)
        self.assertRedirects(self.act("goi-tiep"), self.screen, fetch_redirect_response=False)
        page = self.client.get(self.screen)
        self.assertContains(page, "Đã gọi số A001.")
        self.assertContains(page, '<p class="tq-number">A001</p>', html=True)
        self.assertContains(page, f"?ve={t.pk}")  # "Tiếp nhận hồ sơ" pre-links the ticket
        self.act("goi-lai", ticket=t.pk)
        self.assertEqual(Ticket.objects.get(pk=t.pk).recalls, 1)
        self.act("bat-dau", ticket=t.pk)
        self.assertEqual(Ticket.objects.get(pk=t.pk).status, S.SERVING)
        self.tick(5)
        self.act("xong", ticket=t.pk)
        page = self.client.get(self.screen)
        rate_url = reverse("tickets_staff:rating", args=[t.pk])
        self.assertContains(page, rate_url)
        self.assertContains(self.client.get(rate_url), "Rất hài lòng")
        thanks = self.client.post(rate_url, {"level": "very_satisfied"})
        self.assertContains(thanks, "Cảm ơn bạn đã đánh giá")
        rating = TicketRating.objects.get(ticket=t)
        self.assertEqual(
            (rating.level, rating.counter, rating.officer, rating.dossier),
            ("very_satisfied", self.w.counters[1], self.officer, None),
        )
        again = self.client.post(rate_url, {"level": "satisfied"})
        self.assertContains(again, "đã được đánh giá", status_code=409)

    def test_no_show_and_transfer_and_errors_next_to_fields(self) -> None:
        self.client.force_login(self.officer)
        self.client.post(reverse("tickets_staff:open", args=[self.w.counters[1].pk]))
        t1 = services.ticket_take(service=self.w.services["A"])
        t2 = services.ticket_take(service=self.w.services["A"])
        self.act("goi-tiep")
        self.act("vang", ticket=t1.pk)
        self.assertEqual(Ticket.objects.get(pk=t1.pk).status, S.NO_SHOW)
        self.act("goi-tiep")
        missing = self.act("chuyen", ticket=t2.pk, to="")
        self.assertContains(missing, "Hãy chọn một dịch vụ hoặc một quầy", status_code=400)
        self.act("chuyen", ticket=t2.pk, to=f"service:{self.w.services['B'].pk}")
        moved = Ticket.objects.get(pk=t2.pk)
        self.assertEqual((moved.status, moved.service), (S.TRANSFERRED, self.w.services["B"]))
        blank = self.act("tam-dung", reason="   ")
        self.assertContains(blank, "Hãy nhập lý do tạm dừng", status_code=400)
        self.assertContains(blank, 'id="reason"', status_code=400)
        self.act("tam-dung", reason="Đi họp")
        page = self.client.get(self.screen)
        self.assertContains(page, "Quầy đang tạm dừng: Đi họp")
        self.assertNotContains(page, "Gọi số tiếp theo")
        self.act("tiep-tuc")
        self.assertRedirects(self.act("dong"), reverse("tickets_staff:counters"))
        self.assertFalse(CounterSession.objects.filter(closed_at__isnull=True).exists())

    def test_refusals_are_messages_and_others_are_kept_out(self) -> None:
        self.client.force_login(self.officer)
        self.client.post(reverse("tickets_staff:open", args=[self.w.counters[1].pk]))
        empty = self.client.post(
            reverse("tickets_staff:action", args=[self.w.counters[1].pk, "goi-tiep"]), follow=True
        )
        self.assertContains(empty, "Không còn số nào đang chờ")
        recall = self.client.post(
            reverse("tickets_staff:action", args=[self.w.counters[1].pk, "goi-lai"]),
            {"ticket": 999},
            follow=True,
        )
        self.assertContains(recall, "Số này không còn ở quầy của bạn.")
        # Another officer's counter, a leader, a citizen.
        other = reverse("tickets_staff:counter", args=[self.w.counters[2].pk])
        self.assertContains(self.client.get(other), "Mở quầy")  # may open it (same centre)…
        busy = self.client.post(
            reverse("tickets_staff:open", args=[self.w.counters[2].pk]), follow=True
        )
        self.assertContains(busy, "Bạn đang làm việc tại quầy số 1")  # …but holds counter 1
        self.client.force_login(User.objects.get(pk=self.w.leader.pk))
        self.assertEqual(self.client.get(self.screen).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(self.screen).status_code, 302)


@tag("gh-7")
class StatsTests(ScreenTestCase):
    def _day_of_work(self) -> None:
        self.w.open(1, 2)
        s1, s2 = self.w.sessions[1], self.w.sessions[2]
        a1 = services.ticket_take(service=self.w.services["A"])
        a2 = services.ticket_take(service=self.w.services["A"])
        b1 = services.ticket_take(service=self.w.services["B"])
        self.tick(10)
        services.call_next(session=s1)  # a1 waited 10
        services.call_next(session=s2)  # b1 waited 10
        self.tick(4)
        services.ticket_finish(session=s1, ticket_id=a1.pk)  # served 4
        services.call_next(session=s1)  # a2 waited 14
        self.tick(2)
        services.ticket_no_show(session=s1, ticket_id=a2.pk)
        self.tick(4)
        services.ticket_finish(session=s2, ticket_id=b1.pk)  # served 10

    def test_report_figures_per_dimension(self) -> None:
        self._day_of_work()
        report = stats.queue_stats(
            center_id=self.w.center.pk, start=MORNING.date(), end=MORNING.date()
        )
        total = report.total
        self.assertEqual((total.served, total.no_shows), (2, 1))
        self.assertEqual(sorted(total.wait.values), [600, 600, 840])
        self.assertEqual(sorted(total.serve.values), [240, 600])
        self.assertEqual(total.wait.median, 600)
        self.assertEqual(total.wait.p90, 840)
        by_counter = {r.label: r for r in report.groups["counter"]}
        c1 = by_counter["Quầy số 1 – Quầy Hộ tịch"]
        self.assertEqual((c1.served, c1.no_shows, c1.serve.average), (1, 1, 240))
        self.assertEqual([r.label for r in report.groups["hour"]], ["08:00–08:59"])
        self.assertEqual([r.label for r in report.groups["day"]], ["10/03/2026"])
        self.assertEqual(len(report.groups["officer"]), 2)

    def test_page_and_csv_for_managers_with_fixed_queries(self) -> None:
        self._day_of_work()
        leader = User.objects.get(pk=self.w.leader.pk)
        self.client.force_login(leader)
        url = reverse("tickets_staff:stats", args=[self.w.center.pk])
        page = self.client.get(url, {"tu": "2026-03-10", "den": "2026-03-10"})
        self.assertContains(page, "Theo quầy")
        self.assertContains(page, "Quầy số 1 – Quầy Hộ tịch")
        self.assertContains(page, "<td>14.0</td>", html=False)  # the longest wait, P90
        with CaptureQueriesContext(connection) as few:
            self.client.get(url, {"tu": "2026-03-10", "den": "2026-03-10"})
        for _ in range(10):  # many more tickets: the same number of queries
            t = services.ticket_take(service=self.w.services["B"])
            services.call_next(session=self.w.sessions[2])
            services.ticket_finish(session=self.w.sessions[2], ticket_id=t.pk)
        with self.assertNumQueries(len(few)):
            self.client.get(url, {"tu": "2026-03-10", "den": "2026-03-10"})
        response = self.client.get(
            reverse("tickets_staff:stats-csv", args=[self.w.center.pk]),
            {"tu": "2026-03-10", "den": "2026-03-10"},
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:4], ["Nhóm", "Giá trị", "Số đã phục vụ", "Số vắng mặt"])
        self.assertEqual(rows[1][:4], ["Tổng", "Toàn trung tâm", "12", "1"])
        # The same selector: the CSV's figures are the page's.
        report = stats.queue_stats(
            center_id=self.w.center.pk, start=MORNING.date(), end=MORNING.date()
        )
        self.assertEqual(rows[1][4], stats.minutes(report.total.wait.average))

    def test_bad_range_kept_and_explained_and_officers_refused(self) -> None:
        self.client.force_login(User.objects.get(pk=self.w.leader.pk))
        url = reverse("tickets_staff:stats", args=[self.w.center.pk])
        bad = self.client.get(url, {"tu": "2026-03-10", "den": "2026-03-01"})
        self.assertContains(bad, "phải sau hoặc bằng", status_code=400)
        self.assertContains(bad, 'value="2026-03-01"', status_code=400)
        self.client.force_login(self.officer)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertTrue(selectors.may_manage(user=self.w.leader, center_id=self.w.center.pk))


@tag("gh-7")
class ReceptionHandoffTests(ScreenTestCase):
    def _request(self, query: dict[str, str], session: dict[str, object]) -> HttpRequest:
        request = RequestFactory().get("/can-bo/tiep-nhan/", query)
        request.user = self.officer
        request.session = session  # type: ignore[assignment]
        return request

    def test_a_dossier_received_from_a_called_ticket_is_linked_and_rated_with_it(self) -> None:
        from motcua.dossiers.tests.test_receive import make_world

        dossier = make_world().receive()
        self.w.open(1, 2)
        t = services.ticket_take(service=self.w.services["A"])
        other = services.ticket_take(service=self.w.services["B"])
        services.call_next(session=self.w.sessions[1])
        services.call_next(session=self.w.sessions[2])
        session: dict[str, object] = {}
        # Another counter's ticket, or junk, links nothing.
        self.assertIsNone(handoff.reception_ticket(self._request({"ve": str(other.pk)}, session)))
        self.assertIsNone(handoff.reception_ticket(self._request({"ve": "x"}, session)))
        self.assertEqual(handoff.reception_ticket(self._request({"ve": str(t.pk)}, session)), t)
        # The reception's POST carries no ?ve=: the session remembers it.
        linked = handoff.reception_ticket_link(self._request({}, session), dossier=dossier)
        self.assertEqual(linked, t)
        t.refresh_from_db()
        self.assertEqual(list(t.dossiers.all()), [dossier])
        self.assertEqual(t.status, S.SERVING)
        services.ticket_finish(session=self.w.sessions[1], ticket_id=t.pk)
        self.assertIsNone(handoff.reception_ticket(self._request({}, session)))  # forgotten
        rating = services.ticket_rate(by=self.officer, ticket_id=t.pk, level="satisfied")
        self.assertEqual((rating.dossier, rating.counter), (dossier, self.w.counters[1]))
