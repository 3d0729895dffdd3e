"""Kiosk, phone flow, ticket and follow pages (gh-7 item 1), through HTTP."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.test import TestCase, override_settings, tag
from django.urls import reverse

import time_machine

from motcua.procedures.search import procedure_search_reindex
from motcua.procedures.tests.factories import ProcedureVersionFactory
from motcua.tickets import services
from motcua.tickets.models import Ticket

from .world import MORNING, make_queue_world


@tag("gh-7")
class KioskTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.clock = time_machine.travel(MORNING, tick=False)
        self.clock.start()
        self.addCleanup(self.clock.stop)
        self.w = make_queue_world()
        self.kiosk = reverse("tickets:kiosk", args=[self.w.center.pk])
        self.take_url = reverse("tickets:take", args=[self.w.center.pk])

    def test_tiles_then_form_then_ticket_page_with_qr_and_estimate(self) -> None:
        page = self.client.get(self.kiosk)
        self.assertContains(page, "Chọn lĩnh vực bạn cần")
        self.assertContains(page, f'href="{self.kiosk}?dich-vu={self.w.services["A"].pk}"')
        self.assertContains(page, 'hreflang="en"')  # the English switch
        form = self.client.get(self.kiosk, {"dich-vu": self.w.services["A"].pk})
        self.assertContains(form, "Người cao tuổi")
        self.assertContains(form, 'name="phone"')
        services.ticket_take(service=self.w.services["A"])  # one ahead
        response = self.client.post(
            self.take_url, {"service": self.w.services["A"].pk, "priority": "", "phone": ""}
        )
        ticket = Ticket.objects.latest("id")
        self.assertRedirects(response, reverse("tickets:ticket", args=[ticket.follow_key]))
        page = self.client.get(response["Location"])
        self.assertContains(page, "A002")
        self.assertContains(page, "Quầy số 1")
        self.assertContains(page, "Quầy số 3")
        self.assertContains(page, 'src="data:image/svg+xml')  # the QR code
        # 1 ahead × 8 min (default, no history) ÷ 2 counters assigned to A (none open yet).
        self.assertContains(page, "khoảng 4 phút")
        self.assertContains(page, "tickets/kiosk.css")  # the 80 mm print stylesheet

    def test_centers_list_links_kiosk_phone_poster_and_display(self) -> None:
        page = self.client.get(reverse("tickets:centers"))
        self.assertContains(page, self.w.center.name)
        for name in ("tickets:kiosk", "tickets:phone", "tickets:entrance-qr", "tickets:display"):
            self.assertContains(page, reverse(name, args=[self.w.center.pk]))

    def test_entrance_poster_has_the_qr_of_the_phone_page(self) -> None:
        page = self.client.get(reverse("tickets:entrance-qr", args=[self.w.center.pk]))
        phone = reverse("tickets:phone", args=[self.w.center.pk])
        self.assertContains(page, f"http://testserver{phone}")
        self.assertContains(page, 'src="data:image/svg+xml')

    def test_english_kiosk(self) -> None:
        page = self.client.get("/en" + self.kiosk)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'lang="en"')

    def test_search_is_diacritic_insensitive_and_maps_to_a_service(self) -> None:
        ProcedureVersionFactory(name="Đăng ký khai sinh", field=self.w.fields["A"])
        ProcedureVersionFactory(name="Đăng ký đất đai lần đầu", field=self.w.fields["B"])
        procedure_search_reindex()
        page = self.client.get(self.kiosk, {"q": "dang ky khai sinh"})
        self.assertContains(page, "Đăng ký khai sinh")
        self.assertContains(page, f"?dich-vu={self.w.services['A'].pk}")
        self.assertNotContains(page, "Đăng ký đất đai lần đầu")
        empty = self.client.get(self.kiosk, {"q": "xyz không có"})
        self.assertContains(empty, "Không tìm thấy thủ tục")

    def test_bad_phone_shown_next_to_field_and_kept(self) -> None:
        response = self.client.post(
            self.take_url,
            {"service": self.w.services["A"].pk, "priority": "elderly", "phone": "12ab"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Số điện thoại không hợp lệ", status_code=400)
        self.assertContains(response, 'value="12ab"', status_code=400)
        self.assertContains(response, 'value="elderly" checked', status_code=400)
        self.assertContains(response, 'aria-invalid="true"', status_code=400)
        self.assertFalse(Ticket.objects.exists())

    def test_no_service_chosen(self) -> None:
        response = self.client.post(self.take_url, {"service": "999"})
        self.assertContains(response, "Hãy chọn dịch vụ", status_code=400)

    def test_phone_flow_goes_to_follow_page_and_is_throttled(self) -> None:
        phone_url = reverse("tickets:phone", args=[self.w.center.pk])
        self.assertContains(self.client.get(phone_url), "Lấy số thứ tự")
        data = {"service": self.w.services["B"].pk, "mode": "phone"}
        first = self.client.post(self.take_url, data)
        ticket = Ticket.objects.get()
        self.assertRedirects(first, reverse("tickets:follow", args=[ticket.follow_key]))
        self.client.post(self.take_url, data)
        self.client.post(self.take_url, data)
        refused = self.client.post(self.take_url, data)
        self.assertEqual(refused.status_code, 429)
        self.assertContains(refused, "Mỗi điện thoại chỉ lấy được 3 số", status_code=429)
        self.assertEqual(Ticket.objects.count(), 3)

    @override_settings(MOTCUA_QUEUE_TAKE_PER_ADDRESS=2)
    def test_address_limit_across_sessions_but_not_for_kiosks(self) -> None:
        data = {"service": self.w.services["A"].pk}
        for _ in range(2):
            self.client.cookies.clear()
            self.assertEqual(self.client.post(self.take_url, data).status_code, 302)
        self.client.cookies.clear()
        self.assertContains(self.client.post(self.take_url, data), "quá nhiều số", status_code=429)
        with override_settings(MOTCUA_QUEUE_KIOSK_ADDRESSES=["127.0.0.1"]):
            self.assertEqual(self.client.post(self.take_url, data).status_code, 302)

    def test_one_phone_number_holds_at_most_two_waiting_tickets(self) -> None:
        data = {"service": self.w.services["A"].pk, "phone": "0905123456"}
        self.client.post(self.take_url, data)
        self.client.post(self.take_url, data)
        self.client.cookies.clear()
        refused = self.client.post(self.take_url, data)
        self.assertContains(refused, "đã có 2 số đang chờ", status_code=429)

    def test_follow_page_and_json_show_live_position(self) -> None:
        self.w.open(1)
        first = services.ticket_take(service=self.w.services["A"])
        mine = services.ticket_take(service=self.w.services["A"])
        page = self.client.get(reverse("tickets:follow", args=[mine.follow_key]))
        self.assertContains(page, "Còn 1 người trước bạn.")
        self.assertContains(page, "tickets/follow.js")
        url = reverse("tickets:follow-json", args=[mine.follow_key])
        self.assertEqual(self.client.get(url).json()["ahead"], 1)
        services.call_next(session=self.w.sessions[1])
        services.ticket_finish(session=self.w.sessions[1], ticket_id=first.pk)
        services.call_next(session=self.w.sessions[1])
        data = self.client.get(url).json()
        self.assertEqual((data["status"], data["counter"], data["ahead"]), ("called", 1, 0))
        self.assertEqual(data["message"], "Mời số A002 đến quầy số 1.")
        self.assertEqual(
            self.client.get(reverse("tickets:follow-json", args=["nope"])).status_code, 404
        )

    def test_unknown_center_or_center_without_services_is_404(self) -> None:
        self.assertEqual(self.client.get(reverse("tickets:kiosk", args=[99999])).status_code, 404)
        self.w.services["A"].is_active = self.w.services["B"].is_active = False
        self.w.services["A"].save()
        self.w.services["B"].save()
        self.assertEqual(self.client.get(self.kiosk).status_code, 404)

    def test_numbers_reset_next_day_through_http(self) -> None:
        self.client.post(self.take_url, {"service": self.w.services["A"].pk})
        with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
            self.client.cookies.clear()
            self.client.post(self.take_url, {"service": self.w.services["A"].pk})
        self.assertEqual(
            list(Ticket.objects.order_by("id").values_list("display", flat=True)), ["A001", "A001"]
        )
