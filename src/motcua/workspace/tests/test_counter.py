"""Returning results and fees at the counter (gh-6 items 9–10), through HTTP and the services.

The clock is frozen on Tue 10/03/2026 09:05 in Huế; the one-stop officer of the
provincial centre (reception officer: returns results and collects fees) is
the persona, a specialist of the same centre the official without those roles.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from typing import Any

from django.db import connection
from django.test import TestCase, override_settings, tag
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import time_machine
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.apiclients.constants import Scope
from motcua.apiclients.services import api_token_issue
from motcua.dossiers.constants import DossierStatus, EventAction, ReturnMode
from motcua.dossiers.forms_official import OfficialForm
from motcua.dossiers.models import Dossier, DossierEvent, DossierFee
from motcua.dossiers.services import PartyData, dossier_act
from motcua.dossiers.tests.test_receive import World, make_world, vn
from motcua.dossiers.tests.test_transitions import PATHS
from motcua.organisations.constants import Role
from motcua.payments.constants import PaymentRecordKind, PaymentStatus
from motcua.payments.models import Payment, PaymentRecord
from motcua.payments.services import payment_record_counter, payment_start
from motcua.payments.tests.world import SETTINGS
from motcua.postal.constants import ShipmentStatus
from motcua.postal.models import Shipment
from motcua.ratings.constants import RatingChannel, Satisfaction
from motcua.ratings.models import Rating
from motcua.workspace.counter import counter_find

R = Role
A = EventAction
NOW = vn(2026, 3, 10, 9, 5)
OWNER = PartyData(full_name="Nguyễn Thị Hoa", identity_number="046190000123", phone="0905123456")
BINH = PartyData(full_name="Trần Văn Bình", identity_number="046090001111")


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def resolve(world: World, **receive: Any) -> Dossier:
    """A dossier received at the centre and taken through the workflow to "result issued"."""
    dossier = world.receive(**receive)
    for action, role, fields in PATHS["resolved"]:
        dossier_act(code=dossier.code, action=action, by=world.staff[role], **fields)
    dossier.refresh_from_db()
    return dossier


def pay(world: World, dossier: Dossier, number: str = "0001234") -> Payment:
    return payment_record_counter(
        dossier=dossier, by=world.staff[R.RECEPTION_OFFICER], receipt_number=number
    )


@override_settings(MOTCUA_DEMO=True, **SETTINGS)
class CounterTestCase(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        users = [*cls.world.staff.values(), *cls.world.other_staff.values()]
        User.objects.filter(pk__in=[u.pk for u in users]).update(is_demo=True)
        for user in users:
            user.is_demo = True

    def setUp(self) -> None:
        self.enterContext(time_machine.travel(NOW, tick=False))
        media = tempfile.mkdtemp(prefix="motcua-counter-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.officer = self.world.staff[R.RECEPTION_OFFICER]
        self.specialist = self.world.staff[R.SPECIALIST]

    def url(self, name: str, *args: str) -> str:
        return reverse(f"workspace:{name}", args=args)

    def as_officer(self) -> None:
        self.client.force_login(self.officer)


@tag("gh-6")
class CounterReturnTests(CounterTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dossier = resolve(self.world)
        self.as_officer()

    # --- finding the dossier -----------------------------------------------------------

    def test_it_finds_a_dossier_by_its_code(self) -> None:
        response = self.client.get(self.url("counter-find"), {"q": f" {self.dossier.code} "})
        self.assertRedirects(response, self.url("counter-return", self.dossier.code))

    def test_it_finds_a_dossier_by_the_scanned_qr_url_of_its_receipt(self) -> None:
        scanned = (
            f"https://dichvucong.hue.gov.vn/vi/tra-cuu/?code={self.dossier.code}"
            f"&key={self.dossier.lookup_key}"
        )
        response = self.client.get(self.url("counter-find"), {"q": scanned})
        self.assertRedirects(response, self.url("counter-return", self.dossier.code))

    def test_a_qr_url_with_a_wrong_key_finds_nothing(self) -> None:
        forged = f"/tra-cuu/?code={self.dossier.code}&key=WRONGKEY"
        response = self.client.get(self.url("counter-find"), {"q": forged})
        self.assertContains(response, "Mã QR không đúng", status_code=400)

    def test_an_unknown_code_says_so_and_keeps_what_was_typed(self) -> None:
        response = self.client.get(self.url("counter-find"), {"q": "000.00.99.H57-000000-0000"})
        self.assertContains(response, "Không tìm thấy hồ sơ", status_code=400)
        self.assertContains(response, 'value="000.00.99.H57-000000-0000"', status_code=400)

    def test_an_identity_number_lists_that_persons_dossiers_ready_to_return(self) -> None:
        still_processing = self.world.receive()
        binh = resolve(self.world, owner=BINH)
        response = self.client.get(self.url("counter-find"), {"q": OWNER.identity_number})
        self.assertEqual(response.status_code, 200)
        listed = [d.code for d in response.context["found"].dossiers]
        self.assertEqual(listed, [self.dossier.code])
        self.assertNotIn(still_processing.code, listed)  # not ready yet
        self.assertNotIn(binh.code, listed)  # someone else's
        self.assertContains(response, self.url("counter-return", self.dossier.code))

    def test_the_identity_list_runs_the_same_number_of_queries_for_1_and_4_dossiers(self) -> None:
        url = self.url("counter-find")
        with CaptureQueriesContext(connection) as one:
            self.client.get(url, {"q": OWNER.identity_number})
        for _ in range(3):
            resolve(self.world)
        with self.assertNumQueries(len(one.captured_queries)):  # else: N+1, see select_related
            response = self.client.get(url, {"q": OWNER.identity_number})
        self.assertEqual(len(response.context["found"].dossiers), 4)

    def test_another_agencys_dossier_is_not_found(self) -> None:
        self.client.force_login(self.world.other_staff[R.RECEPTION_OFFICER])
        found = counter_find(
            user=self.world.other_staff[R.RECEPTION_OFFICER], text=self.dossier.code
        )
        self.assertEqual(found.code, "")
        response = self.client.get(self.url("counter-return", self.dossier.code))
        self.assertEqual(response.status_code, 404)

    # --- handing over ------------------------------------------------------------------

    def test_unpaid_fees_block_the_hand_over_with_a_clear_message(self) -> None:
        response = self.client.post(
            self.url("counter-return", self.dossier.code),
            {"receiver_name": "Nguyễn Văn An", "receiver_identity": "046090001234"},
        )
        self.assertContains(response, "chưa thu", status_code=400)
        self.assertContains(response, 'value="Nguyễn Văn An"', status_code=400)  # kept
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RESOLVED)

    def test_the_receiver_and_the_originals_are_recorded_in_the_history(self) -> None:
        pay(self.world, self.dossier)
        page = self.client.get(self.url("counter-return", self.dossier.code))
        self.assertContains(page, 'value="Nguyễn Thị Hoa"')  # prefilled with the owner
        response = self.client.post(
            self.url("counter-return", self.dossier.code),
            {
                "receiver_name": "Nguyễn Văn An",
                "receiver_identity": "046090001234",
                "on_behalf_of": "Nguyễn Thị Hoa",
                "originals_returned": "on",
                "note": "",
            },
        )
        self.assertRedirects(response, self.url("counter-return", self.dossier.code))
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RETURNED)
        event = DossierEvent.objects.get(dossier=self.dossier, action=A.RETURN_RESULT)
        self.assertEqual(event.actor, self.officer)
        self.assertEqual(
            event.data["receiver"],
            {
                "name": "Nguyễn Văn An",
                "identity_number": "046090001234",
                "on_behalf_of": "Nguyễn Thị Hoa",
            },
        )
        self.assertTrue(event.data["originals_returned"])
        done = self.client.get(self.url("counter-return", self.dossier.code))
        self.assertContains(done, "Người nhận: Nguyễn Văn An")
        self.assertContains(done, self.url("counter-rating", self.dossier.code))
        # The result-return receipt prints who took it and for whom.
        receipt = self.client.get(
            self.url("official-form", self.dossier.code, OfficialForm.RESULT_RECEIPT.value)
        )
        self.assertEqual(receipt["Content-Type"], "application/pdf")
        text = pdf_text(receipt.content)
        for expected in ("Nguyễn Văn An", "046090001234", "Nguyễn Thị Hoa", "bản chính"):
            self.assertIn(expected, text)

    def test_the_dossier_page_offers_the_hand_over_and_the_receipt_waits_for_it(self) -> None:
        page = self.client.get(self.url("dossier", self.dossier.code))
        self.assertContains(page, 'id="counter-return"')
        self.assertContains(page, "Trả kết quả tại quầy")
        receipt = self.client.get(
            self.url("official-form", self.dossier.code, OfficialForm.RESULT_RECEIPT.value)
        )
        self.assertEqual(receipt.status_code, 404)  # not returned yet: no receipt

    def test_a_missing_receiver_is_named_next_to_its_field(self) -> None:
        pay(self.world, self.dossier)
        response = self.client.post(
            self.url("counter-return", self.dossier.code),
            {"receiver_name": " ", "receiver_identity": "04 6", "on_behalf_of": "Bà Hoa"},
        )
        self.assertContains(response, "Nhập họ tên người nhận kết quả.", status_code=400)
        self.assertContains(response, "Số giấy tờ gồm 6–20 chữ số", status_code=400)
        self.assertContains(response, 'value="Bà Hoa"', status_code=400)
        self.assertFalse(
            DossierEvent.objects.filter(dossier=self.dossier, action=A.RETURN_RESULT).exists()
        )

    def test_the_api_records_the_receiver_the_same_way(self) -> None:
        pay(self.world, self.dossier)
        event = dossier_act(
            code=self.dossier.code,
            action=A.RETURN_RESULT,
            by=self.officer,
            receiver_name="Nguyễn Thị Hoa",
            receiver_identity=OWNER.identity_number,
        )
        self.assertEqual(event.data["receiver"]["identity_number"], OWNER.identity_number)
        self.assertNotIn("originals_returned", event.data)

    def test_the_api_takes_the_same_fields_and_names_a_bad_one(self) -> None:
        pay(self.world, self.dossier)
        _, secret = api_token_issue(user=self.officer, scopes=Scope.values)
        url = f"/api/v1/dossiers/{self.dossier.code}/actions/return-result/"
        auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        bad = self.client.post(
            url, {"receiver_identity": "12 34"}, content_type="application/json", **auth
        )
        self.assertEqual(bad.status_code, 400)
        self.assertIn("receiver_identity", bad.json()["errors"])
        body = {
            "receiver_name": "Nguyễn Văn An",
            "receiver_identity": "046090001234",
            "on_behalf_of": "Nguyễn Thị Hoa",
            "originals_returned": True,
        }
        response = self.client.post(url, body, content_type="application/json", **auth)
        self.assertEqual(response.status_code, 200, response.content)
        event = DossierEvent.objects.get(dossier=self.dossier, action=A.RETURN_RESULT)
        self.assertEqual(event.data["receiver"]["on_behalf_of"], "Nguyễn Thị Hoa")
        self.assertTrue(event.data["originals_returned"])

    def test_an_official_without_the_returner_role_cannot_hand_over(self) -> None:
        pay(self.world, self.dossier)
        self.client.force_login(self.specialist)
        page = self.client.get(self.url("counter-return", self.dossier.code))
        self.assertContains(page, "Chỉ cán bộ tiếp nhận, trả kết quả")
        response = self.client.post(
            self.url("counter-return", self.dossier.code),
            {"receiver_name": "Nguyễn Văn An", "receiver_identity": "046090001234"},
        )
        self.assertContains(response, "Bạn không có quyền trả kết quả", status_code=403)
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RESOLVED)

    def test_citizens_get_403(self) -> None:
        from motcua.accounts.tests.factories import UserFactory

        self.client.force_login(UserFactory())
        for url in (
            self.url("counter-find"),
            self.url("counter-return", self.dossier.code),
            self.url("counter-rating", self.dossier.code),
            self.url("counter-reconcile"),
        ):
            self.assertEqual(self.client.get(url).status_code, 403, url)

    # --- the rating screen ---------------------------------------------------------------

    def returned(self) -> None:
        pay(self.world, self.dossier)
        dossier_act(
            code=self.dossier.code,
            action=A.RETURN_RESULT,
            by=self.officer,
            receiver_name="Nguyễn Thị Hoa",
            receiver_identity=OWNER.identity_number,
        )

    def test_the_citizen_rates_on_the_counter_screen_once(self) -> None:
        self.returned()
        url = self.url("counter-rating", self.dossier.code)
        page = self.client.get(url)
        self.assertContains(page, "Rất hài lòng")
        # The screen turned to the citizen shows nothing but the code: no name, no ID,
        # no staff navigation.
        for hidden in ("Nguyễn Thị Hoa", OWNER.identity_number, "Việc cần làm", "Đăng xuất"):
            self.assertNotContains(page, hidden)
        response = self.client.post(url, {"level": Satisfaction.VERY_SATISFIED})
        self.assertRedirects(response, self.url("counter-thanks", self.dossier.code))
        rating = Rating.objects.get(dossier=self.dossier)
        self.assertEqual(rating.channel, RatingChannel.COUNTER)
        self.assertEqual(rating.level, Satisfaction.VERY_SATISFIED)
        self.assertIsNone(rating.rater)
        self.assertEqual(rating.officer, self.officer)  # who returned the result
        thanks = self.client.get(self.url("counter-thanks", self.dossier.code))
        self.assertContains(thanks, "Cảm ơn bạn đã đánh giá")
        self.assertContains(
            thanks, f'data-return-url="{self.url("counter-return", self.dossier.code)}"'
        )
        again = self.client.post(url, {"level": Satisfaction.NOT_SATISFIED, "reason": "Chậm"})
        self.assertContains(again, "đã được đánh giá", status_code=409)
        self.assertNotContains(again, 'name="level"', status_code=409)  # no second tap
        self.assertEqual(Rating.objects.filter(dossier=self.dossier).count(), 1)

    def test_not_satisfied_asks_the_reason_before_saving(self) -> None:
        self.returned()
        url = self.url("counter-rating", self.dossier.code)
        asked = self.client.post(url, {"level": Satisfaction.NOT_SATISFIED})
        self.assertContains(asked, "Bạn chưa hài lòng điều gì?")
        self.assertFalse(Rating.objects.filter(dossier=self.dossier).exists())
        empty = self.client.post(url, {"level": Satisfaction.NOT_SATISFIED, "reason": "  "})
        self.assertContains(empty, "Hãy cho biết lý do", status_code=400)
        self.client.post(url, {"level": Satisfaction.NOT_SATISFIED, "reason": "Phải chờ lâu"})
        rating = Rating.objects.get(dossier=self.dossier)
        self.assertEqual(
            (rating.level, rating.reason), (Satisfaction.NOT_SATISFIED, "Phải chờ lâu")
        )

    def test_rating_is_refused_before_the_hand_over_and_on_another_officers_screen(self) -> None:
        url = self.url("counter-rating", self.dossier.code)
        early = self.client.post(url, {"level": Satisfaction.SATISFIED})
        self.assertContains(early, "sau khi đã nhận kết quả", status_code=409)
        self.returned()
        self.client.force_login(self.specialist)
        response = self.client.post(url, {"level": Satisfaction.SATISFIED})
        self.assertContains(response, "cán bộ trả kết quả", status_code=409)
        self.assertFalse(Rating.objects.filter(dossier=self.dossier).exists())

    def test_the_counter_screen_closes_two_hours_after_the_hand_over(self) -> None:
        self.returned()
        with time_machine.travel(NOW + dt.timedelta(hours=2, minutes=1), tick=False):
            response = self.client.post(
                self.url("counter-rating", self.dossier.code), {"level": Satisfaction.SATISFIED}
            )
        self.assertContains(response, "Đã quá thời gian đánh giá tại quầy", status_code=409)


@tag("gh-6")
class CounterPostTests(CounterTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dossier = resolve(
            self.world,
            return_mode=ReturnMode.POSTAL,
            delivery_address="12 Nguyễn Huệ, phường Vĩnh Ninh, Huế",
        )
        pay(self.world, self.dossier)
        self.as_officer()

    def test_shipment_label_pickup_and_delivery(self) -> None:
        page = self.client.get(self.url("counter-return", self.dossier.code))
        self.assertContains(page, "Tạo vận đơn và nhãn gửi")
        response = self.client.post(self.url("counter-shipment", self.dossier.code))
        self.assertRedirects(response, self.url("counter-return", self.dossier.code))
        shipment = Shipment.objects.get(dossier=self.dossier)
        label = self.client.get(self.url("counter-shipment-label", self.dossier.code))
        self.assertEqual(label["Content-Type"], "application/pdf")
        self.assertIn(shipment.waybill, pdf_text(label.content))
        self.assertIn("12 Nguyễn Huệ", pdf_text(label.content))
        event_url = self.url("counter-shipment-event", self.dossier.code)
        self.enterContext(time_machine.travel(NOW + dt.timedelta(hours=2), tick=False))
        picked = self.client.post(
            event_url, {"status": "picked_up", "at": "2026-03-10T09:30", "place": "Bưu cục Huế"}
        )
        self.assertRedirects(picked, self.url("counter-return", self.dossier.code))
        shipment.refresh_from_db()
        self.assertEqual(shipment.status, ShipmentStatus.PICKED_UP)
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RESOLVED)
        self.client.post(event_url, {"status": "delivered", "at": "2026-03-10T11:00"})
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RETURNED)  # delivery returns it
        page = self.client.get(self.url("counter-return", self.dossier.code))
        self.assertContains(page, "Bưu cục Huế")
        self.assertContains(page, shipment.waybill)
        dossier_page = self.client.get(self.url("dossier", self.dossier.code))
        self.assertContains(dossier_page, f"Vận đơn {shipment.waybill}: Đã giao.")
        self.assertContains(dossier_page, self.url("counter-shipment-label", self.dossier.code))

    def test_a_bad_event_is_explained_and_kept(self) -> None:
        self.client.post(self.url("counter-shipment", self.dossier.code))
        response = self.client.post(
            self.url("counter-shipment-event", self.dossier.code),
            {"status": "delivered", "at": "2026-03-11T09:00", "place": "Bưu cục Huế"},
        )
        self.assertContains(response, "không được ở tương lai", status_code=400)
        self.assertContains(response, 'value="Bưu cục Huế"', status_code=400)
        bad = self.client.post(
            self.url("counter-shipment-event", self.dossier.code), {"status": "lost", "at": ""}
        )
        self.assertContains(bad, "Chọn việc bưu điện đã báo.", status_code=400)
        self.assertContains(bad, "Nhập thời điểm", status_code=400)

    def test_a_second_shipment_is_refused_with_the_reason(self) -> None:
        self.client.post(self.url("counter-shipment", self.dossier.code))
        response = self.client.post(self.url("counter-shipment", self.dossier.code))
        self.assertContains(response, "đã được gửi qua bưu chính", status_code=400)

    def test_an_official_without_the_role_gets_403(self) -> None:
        self.client.force_login(self.specialist)
        response = self.client.post(self.url("counter-shipment", self.dossier.code))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Shipment.objects.filter(dossier=self.dossier).exists())


@tag("gh-6")
class CounterFeeTests(CounterTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dossier = self.world.receive()
        self.fee = DossierFee.objects.get(dossier=self.dossier, amount__gt=0)
        self.as_officer()

    def test_collect_then_print_the_receipt(self) -> None:
        url = self.url("counter-collect", self.dossier.code)
        missing = self.client.post(url, {"fee": [self.fee.pk], "receipt_number": " "})
        self.assertContains(missing, "Nhập số biên lai", status_code=400)
        response = self.client.post(url, {"fee": [self.fee.pk], "receipt_number": "BL-0001234"})
        payment = Payment.objects.get(dossier=self.dossier, status=PaymentStatus.PAID)
        self.assertRedirects(
            response, self.url("counter-fees", self.dossier.code) + f"?in={payment.reference}"
        )
        self.fee.refresh_from_db()
        self.assertIsNotNone(self.fee.paid_at)
        page = self.client.get(response["Location"])
        self.assertContains(page, "In biên lai thu tiền (PDF)")
        receipt = self.client.get(
            self.url("counter-fee-receipt", self.dossier.code, payment.reference)
        )
        self.assertEqual(receipt["Content-Type"], "application/pdf")
        text = pdf_text(receipt.content)
        for expected in ("BL-0001234", self.dossier.code, "8.000", "Nguyễn Thị Hoa"):
            self.assertIn(expected, text)

    def test_refund_needs_a_reason_and_an_account(self) -> None:
        payment = pay(self.world, self.dossier)
        url = self.url("counter-refund", self.dossier.code, payment.reference)
        bad = self.client.post(url, {"reason": "", "bank_account": "0123 Vietcombank"})
        self.assertContains(bad, "Nhập lý do hoàn tiền.", status_code=400)
        self.assertContains(bad, "0123 Vietcombank", status_code=400)  # kept
        response = self.client.post(
            url, {"reason": "Nộp trùng", "bank_account": "0123456789 Vietcombank"}
        )
        self.assertRedirects(response, self.url("counter-fees", self.dossier.code))
        payment.refresh_from_db()
        self.assertEqual(payment.status, PaymentStatus.REFUNDED)
        record = PaymentRecord.objects.get(payment=payment, kind=PaymentRecordKind.REFUNDED)
        self.assertEqual(
            (record.reason, record.bank_account, record.actor),
            ("Nộp trùng", "0123456789 Vietcombank", self.officer),
        )

    def test_cancel_a_pending_payment(self) -> None:
        pending = payment_start(
            subject=self.dossier, provider="counter", return_url="http://127.0.0.1/", by=None
        ).payment
        url = self.url("counter-cancel", self.dossier.code, pending.reference)
        self.assertContains(self.client.post(url, {"reason": ""}), "Nhập lý do", status_code=400)
        self.client.post(url, {"reason": "Người nộp chuyển khoản"})
        pending.refresh_from_db()
        self.assertEqual(pending.status, PaymentStatus.CANCELLED)

    def test_the_dossier_page_collects_and_links_the_receipts(self) -> None:
        page = self.client.get(self.url("dossier", self.dossier.code))
        self.assertContains(page, "Thu phí, lệ phí tại quầy")
        self.assertContains(page, f'action="{self.url("counter-collect", self.dossier.code)}"')
        self.assertNotContains(page, 'id="counter-return"')  # nothing to return yet
        self.client.post(
            self.url("counter-collect", self.dossier.code),
            {"fee": [self.fee.pk], "receipt_number": "BL-7"},
        )
        payment = Payment.objects.get(dossier=self.dossier)
        page = self.client.get(self.url("dossier", self.dossier.code))
        self.assertNotContains(page, "Thu phí, lệ phí tại quầy")  # nothing left to collect
        self.assertContains(
            page, self.url("counter-fee-receipt", self.dossier.code, payment.reference)
        )
        self.client.force_login(self.specialist)
        self.assertNotContains(
            self.client.get(self.url("dossier", self.dossier.code)), "Thu phí, lệ phí tại quầy"
        )

    def test_an_official_without_the_collector_role_gets_403(self) -> None:
        self.client.force_login(self.specialist)
        page = self.client.get(self.url("counter-fees", self.dossier.code))
        self.assertContains(page, "Chỉ cán bộ thu phí")
        response = self.client.post(
            self.url("counter-collect", self.dossier.code),
            {"fee": [self.fee.pk], "receipt_number": "BL-1"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Payment.objects.filter(dossier=self.dossier).exists())
        self.assertEqual(self.client.get(self.url("counter-reconcile")).status_code, 403)

    def test_the_fees_page_runs_the_same_number_of_queries_for_1_and_4_payments(self) -> None:
        url = self.url("counter-fees", self.dossier.code)
        start = {"subject": self.dossier, "return_url": "http://127.0.0.1/", "by": None}
        payment_start(provider="counter", **start)
        with CaptureQueriesContext(connection) as one:
            self.client.get(url)
        for _ in range(3):
            payment_start(provider="vietqr", replace_pending=True, **start)
        with self.assertNumQueries(len(one.captured_queries)):  # else: N+1 on payments
            response = self.client.get(url)
        self.assertEqual(len(response.context["payments"]), 4)

    # --- reconciliation ----------------------------------------------------------------

    def statement(self, amount: str) -> bytes:
        spaced = self.dossier.code.replace(".", " ").replace("-", " ")
        return (
            "\ufeffSTT;Ngày giao dịch;Số tham chiếu;Số tiền;Nội dung\n"
            f"1;10/03/2026 09:01:00;FT26069000001;{amount};NGUYEN THI HOA {spaced}\n"
            "2;10/03/2026 09:02:00;FT26069000002;120.000;000.00.99.H57-260310-9999\n"
            "3;10/03/2026 09:03:00;FT26069000003;-20.000;Phi SMS\n"
        ).encode()

    def upload(self, content: bytes, name: str = "saoke.csv") -> Any:
        file = io.BytesIO(content)
        file.name = name
        return self.client.post(
            self.url("counter-reconcile"), {"agency": self.world.center.pk, "statement": file}
        )

    def test_reconciling_a_statement_shows_matched_and_unmatched_lines(self) -> None:
        transfer = payment_start(
            subject=self.dossier, provider="vietqr", return_url="http://127.0.0.1/", by=None
        ).payment
        self.assertContains(self.client.get(self.url("counter-reconcile")), "Tệp sao kê")
        response = self.upload(self.statement("8.000"))
        self.assertEqual(response.status_code, 200)
        report = response.context["report"]
        self.assertEqual([r.line.row for r in report.matched], [2])
        self.assertEqual([r.line.row for r in report.unmatched], [3])
        self.assertContains(
            response, "1 dòng khớp, 0 dòng đã đối soát trước đây, 1 dòng chưa khớp."
        )
        self.assertContains(response, "1 dòng ghi nợ được bỏ qua.")
        transfer.refresh_from_db()
        self.assertEqual(
            (transfer.status, transfer.provider_reference), (PaymentStatus.PAID, "FT26069000001")
        )
        again = self.upload(self.statement("8.000"))
        self.assertEqual([r.line.row for r in again.context["report"].already], [2])

    def test_a_wrong_amount_is_reported_not_recorded(self) -> None:
        transfer = payment_start(
            subject=self.dossier, provider="vietqr", return_url="http://127.0.0.1/", by=None
        ).payment
        response = self.upload(self.statement("5.000"))
        self.assertContains(response, "Số tiền không khớp")
        transfer.refresh_from_db()
        self.assertEqual(transfer.status, PaymentStatus.PENDING)

    def test_a_bad_file_gets_a_clear_vietnamese_error(self) -> None:
        not_csv = self.upload(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", name="anh.png")
        self.assertContains(not_csv, "Tệp sao kê phải là CSV mã hóa UTF-8", status_code=400)
        no_header = self.upload(b"a,b,c\n1,2,3\n")
        self.assertContains(no_header, "Không tìm thấy dòng tiêu đề", status_code=400)
        nothing = self.client.post(self.url("counter-reconcile"), {"agency": self.world.center.pk})
        self.assertContains(nothing, "Chọn tệp sao kê", status_code=400)
