"""Filing a dossier online through the portal's wizard (gh-5 items 2, 3, 6, 8).

Everything goes through HTTP with the Django test client; the engine's
services only set up the world. ``make_world`` (dossier-engine tests) gives a
provincial centre and a ward centre that both take the procedure online.
"""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings, tag
from django.urls import reverse

from motcua.accounts.models import User
from motcua.accounts.tests.factories import StaffFactory, UserFactory
from motcua.dossiers.constants import Channel, DossierStatus, PartyRole, ReturnMode
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.tests.test_receive import make_world
from motcua.organisations.constants import Role
from motcua.payments.models import Payment
from motcua.payments.tests.world import SETTINGS as PAYMENT_SETTINGS
from motcua.portal.models import FilingStep, OnlineDraft
from motcua.procedures.constants import FeeCollection
from motcua.procedures.models import FeeRule
from motcua.procedures.tests.factories import ComponentFactory, FeeFactory

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64

EFORM = {
    "type": "object",
    "title": "Tờ khai cấp bản sao trích lục",
    "properties": {
        "ho_ten": {
            "type": "string",
            "title": "Họ, chữ đệm, tên người được cấp",
            "x-prefill": "profile.full_name",
        },
        "so_ban_sao": {
            "type": "integer",
            "title": "Số bản sao",
            "minimum": 1,
            "maximum": 10,
        },
        "noi_dang_ky": {"type": "string", "title": "Nơi đã đăng ký hộ tịch"},
    },
    "required": ["ho_ten", "so_ban_sao", "noi_dang_ky"],
}


def pdf(name: str = "cccd.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@tag("gh-5")
class FilingWizardTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        variant = cls.world.variant
        variant.eform = EFORM
        variant.save()
        cls.id_card = ComponentFactory(variant=variant, name="Bản sao CCCD", order=1)
        cls.authorisation = ComponentFactory(
            variant=variant, name="Văn bản ủy quyền", order=2, required=False
        )
        cls.citizen = UserFactory(
            full_name="Trần Văn Bình",
            identity_number="046090001234",
            phone="0905111222",
            address_unit=cls.world.other.unit,
            address_street="12 Lê Lợi",
        )

    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="motcua-filing-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.client.force_login(self.citizen)

    # --- helpers ---------------------------------------------------------------------------

    def start(self) -> OnlineDraft:
        response = self.client.post(reverse("portal:filing-start", args=[self.world.code]))
        self.assertEqual(response.status_code, 302)
        return OnlineDraft.objects.filter(user=self.citizen).latest("created_at")

    def step_url(self, draft: OnlineDraft, step: FilingStep) -> str:
        return reverse("portal:filing-step", args=[draft.pk, step.value])

    def post_step(self, draft: OnlineDraft, step: FilingStep, data: dict[str, Any]) -> Any:
        return self.client.post(self.step_url(draft, step), data)

    def fill_until_review(self, draft: OnlineDraft) -> None:
        w = self.world
        self.post_step(draft, FilingStep.VARIANT, {"variant": w.variant.pk})
        self.post_step(draft, FilingStep.AGENCY, {"agency": w.center.pk})
        self.post_step(
            draft,
            FilingStep.DECLARATION,
            {"ho_ten": "Trần Văn Bình", "so_ban_sao": "2", "noi_dang_ky": "UBND phường Phú Hội"},
        )
        self.client.post(
            reverse("portal:filing-upload", args=[draft.pk, self.id_card.pk]), {"file": pdf()}
        )
        self.post_step(draft, FilingStep.DOCUMENTS, {})
        self.post_step(
            draft,
            FilingStep.DELIVERY,
            {"return_mode": ReturnMode.ELECTRONIC, "payment_choice": "counter"},
        )

    # --- the journey -----------------------------------------------------------------------

    def test_a_citizen_files_a_dossier_from_start_to_finish(self) -> None:
        w = self.world
        draft = self.start()
        # Two variants: the first question is which one applies.
        response = self.client.get(self.step_url(draft, FilingStep.VARIANT))
        self.assertContains(response, "Trường hợp nào đúng với bạn?")
        self.assertRedirects(
            self.post_step(draft, FilingStep.VARIANT, {"variant": w.variant.pk}),
            self.step_url(draft, FilingStep.AGENCY),
        )
        # The default receiving agency is the one serving the citizen's ward.
        response = self.client.get(self.step_url(draft, FilingStep.AGENCY))
        self.assertContains(
            response, f'id="agency-{w.other.pk}" value="{w.other.pk}" checked', html=False
        )
        self.post_step(draft, FilingStep.AGENCY, {"agency": w.center.pk})
        # The declaration is prefilled from the profile.
        response = self.client.get(self.step_url(draft, FilingStep.DECLARATION))
        self.assertContains(response, 'value="Trần Văn Bình"')
        # An invalid declaration keeps what was typed and says what to fix.
        response = self.post_step(
            draft,
            FilingStep.DECLARATION,
            {"ho_ten": "Trần Văn Bình", "so_ban_sao": "40", "noi_dang_ky": "UBND phường Phú Hội"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Cần sửa trước khi tiếp tục", status_code=400)
        self.assertContains(response, 'value="UBND phường Phú Hội"', status_code=400)
        draft.refresh_from_db()
        self.assertEqual(draft.form_data["so_ban_sao"], "40")
        self.assertEqual(draft.reached, FilingStep.DECLARATION)
        self.assertRedirects(
            self.post_step(
                draft,
                FilingStep.DECLARATION,
                {"ho_ten": "Trần Văn Bình", "so_ban_sao": "2", "noi_dang_ky": "UBND Phú Hội"},
            ),
            self.step_url(draft, FilingStep.DOCUMENTS),
        )
        # Leaving the documents step without the required component is refused.
        response = self.post_step(draft, FilingStep.DOCUMENTS, {})
        self.assertContains(response, "Bản sao CCCD", status_code=400)
        self.client.post(
            reverse("portal:filing-upload", args=[draft.pk, self.id_card.pk]), {"file": pdf()}
        )
        self.assertRedirects(
            self.post_step(draft, FilingStep.DOCUMENTS, {}),
            self.step_url(draft, FilingStep.DELIVERY),
        )
        # Fees and the expected appointment are shown before choosing delivery.
        response = self.client.get(self.step_url(draft, FilingStep.DELIVERY))
        self.assertContains(response, "Lệ phí cấp bản sao")
        self.assertContains(response, "8.000 đồng")
        self.assertContains(response, "Nếu hồ sơ được tiếp nhận ngay bây giờ")
        response = self.post_step(
            draft, FilingStep.DELIVERY, {"return_mode": ReturnMode.POSTAL, "delivery_address": ""}
        )
        self.assertContains(response, "Cần địa chỉ nhận kết quả qua bưu chính", status_code=400)
        self.assertContains(response, "Hãy chọn cách nộp phí, lệ phí.", status_code=400)
        self.assertRedirects(
            self.post_step(
                draft,
                FilingStep.DELIVERY,
                {
                    "return_mode": ReturnMode.POSTAL,
                    "delivery_address": "12 Lê Lợi, phường Thuận Hóa",
                    "payment_choice": "counter",
                },
            ),
            self.step_url(draft, FilingStep.REVIEW),
        )
        response = self.client.get(self.step_url(draft, FilingStep.REVIEW))
        self.assertContains(response, "UBND Phú Hội")
        self.assertContains(response, "cccd.pdf")
        self.assertNotContains(response, "Chưa nộp được")

        response = self.client.post(reverse("portal:filing-submit", args=[draft.pk]))
        self.assertRedirects(response, reverse("portal:filing-done", args=[draft.pk]))
        dossier = Dossier.objects.get()
        self.assertEqual(dossier.status, DossierStatus.SUBMITTED)
        self.assertEqual(dossier.channel, Channel.ONLINE)
        self.assertEqual(dossier.received_by, w.center)
        self.assertEqual(dossier.form_data.data["so_ban_sao"], 2)
        owner = dossier.parties.get(role=PartyRole.OWNER)
        self.assertEqual((owner.full_name, owner.user), ("Trần Văn Bình", self.citizen))
        document = DossierDocument.objects.get(dossier=dossier)
        self.assertEqual(document.component, self.id_card)
        self.assertEqual(dossier.delivery.address, "12 Lê Lợi, phường Thuận Hóa")

        # Accepted by the one-stop: the e-mail carries the appointment and the receipt link.
        from django.core import mail

        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            from motcua.dossiers.services import dossier_act

            dossier_act(code=dossier.code, action="accept", by=w.staff[Role.RECEPTION_OFFICER])
        receipt_mail = next(m for m in mail.outbox if self.citizen.email in m.to)
        self.assertIn(reverse("portal:my-form", args=[dossier.code, "mau-01"]), receipt_mail.body)
        self.assertIn("Hẹn trả kết quả", receipt_mail.body)
        dossier.refresh_from_db()

        done = self.client.get(reverse("portal:filing-done", args=[draft.pk]))
        self.assertContains(done, dossier.code)
        self.assertContains(done, dossier.lookup_key)
        self.assertContains(done, "Hẹn trả dự kiến")

        # "My dossiers" lists it; its page shows status, agency and the document.
        mine = self.client.get(reverse("portal:my-dossiers"))
        self.assertContains(mine, dossier.code)
        page = self.client.get(reverse("portal:my-dossier", args=[dossier.code]))
        self.assertContains(page, "đã được tiếp nhận")
        self.assertContains(page, w.center.name)
        download = self.client.get(reverse("portal:my-document", args=[dossier.code, document.pk]))
        self.assertEqual(b"".join(download.streaming_content), PDF)  # type: ignore[attr-defined]

    def test_submitting_twice_creates_one_dossier(self) -> None:
        draft = self.start()
        self.fill_until_review(draft)
        url = reverse("portal:filing-submit", args=[draft.pk])
        first = self.client.post(url)
        second = self.client.post(url)
        self.assertEqual(first.status_code, 302)
        self.assertEqual(second.status_code, 302)
        self.assertEqual(Dossier.objects.count(), 1)
        # The draft can no longer be edited: its steps lead to the result page.
        response = self.client.get(self.step_url(draft, FilingStep.DECLARATION))
        self.assertRedirects(response, reverse("portal:filing-done", args=[draft.pk]))

    def test_submission_with_something_missing_says_what_and_where(self) -> None:
        draft = self.start()
        self.post_step(draft, FilingStep.VARIANT, {"variant": self.world.variant.pk})
        self.post_step(draft, FilingStep.AGENCY, {"agency": self.world.center.pk})
        response = self.client.post(reverse("portal:filing-submit", args=[draft.pk]))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Chưa đính kèm “Bản sao CCCD”.", status_code=400)
        self.assertContains(response, "Chưa chọn hình thức nhận kết quả.", status_code=400)
        self.assertContains(response, self.step_url(draft, FilingStep.DOCUMENTS), status_code=400)
        self.assertFalse(Dossier.objects.exists())

    def test_a_refused_upload_changes_nothing_else(self) -> None:
        draft = self.start()
        self.fill_until_review(draft)
        url = reverse("portal:filing-upload", args=[draft.pk, self.authorisation.pk])
        self.client.post(url, {"file": SimpleUploadedFile("uy-quyen.pdf", EXE)})
        response = self.client.get(self.step_url(draft, FilingStep.DOCUMENTS))
        self.assertContains(response, "uy-quyen.pdf")
        self.assertContains(response, 'id="upload-error-')
        self.assertContains(response, "cccd.pdf")  # the earlier file is still there
        self.assertEqual(draft.attachments.count(), 1)
        # Retried alone with a good file, it is attached.
        self.client.post(url, {"file": pdf("uy-quyen.pdf")})
        self.assertEqual(draft.attachments.count(), 2)

    def test_a_document_from_the_data_store_is_reused_not_uploaded_again(self) -> None:
        import datetime as dt

        from motcua.datastore.services import store_upload

        stored = store_upload(
            user=self.citizen, file=pdf("cccd-kho.pdf"), kind="Căn cước", name="CCCD của tôi"
        )
        expired = store_upload(
            user=self.citizen,
            file=pdf("cu.pdf"),
            kind="Căn cước",
            name="CCCD cũ",
            issued_on=dt.date(2010, 1, 1),
            valid_until=dt.date(2020, 1, 1),
        )
        draft = self.start()
        self.fill_until_review(draft)
        page = self.client.get(self.step_url(draft, FilingStep.DOCUMENTS))
        self.assertContains(page, "CCCD của tôi")
        self.assertNotContains(page, "CCCD cũ")  # an expired paper is not offered
        pick = reverse("portal:filing-pick", args=[draft.pk, self.authorisation.pk])
        self.client.post(pick, {"item": str(expired.pk)})
        self.assertContains(
            self.client.get(self.step_url(draft, FilingStep.DOCUMENTS)), "đã hết hiệu lực"
        )
        # Someone else's stored document cannot be picked.
        other = store_upload(
            user=UserFactory(), file=pdf("x.pdf"), kind="Khác", name="Của người khác"
        )
        self.client.post(pick, {"item": str(other.pk)})
        self.assertEqual(draft.attachments.count(), 1)
        self.client.post(pick, {"item": str(stored.pk)})
        self.client.post(reverse("portal:filing-submit", args=[draft.pk]))
        reused = DossierDocument.objects.get(component=self.authorisation)
        self.assertTrue(reused.reused)
        self.assertEqual(reused.original_name, "cccd-kho.pdf")
        stored.refresh_from_db()  # the stored copy stays in the store
        self.assertTrue(stored.file)
        # After submission the draft's files can no longer change.
        late = self.client.post(pick, {"item": str(stored.pk)})
        self.assertRedirects(late, reverse("portal:filing-done", args=[draft.pk]))

    def test_an_expired_session_comes_back_to_the_same_step_with_what_was_typed(self) -> None:
        draft = self.start()
        self.post_step(draft, FilingStep.VARIANT, {"variant": self.world.variant.pk})
        self.post_step(draft, FilingStep.AGENCY, {"agency": self.world.center.pk})
        self.client.logout()
        step = self.step_url(draft, FilingStep.DECLARATION)
        response = self.post_step(
            draft,
            FilingStep.DECLARATION,
            {"ho_ten": "Trần Văn Bình", "so_ban_sao": "3", "noi_dang_ky": "Sở Tư pháp Huế"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn(f"next={step}", response["Location"].replace("%2F", "/"))
        self.client.force_login(self.citizen)
        response = self.client.get(step)
        self.assertContains(response, 'value="Sở Tư pháp Huế"')
        self.assertContains(response, "trước khi phiên đăng nhập hết hạn")

    def test_a_draft_resumes_on_another_device_and_is_private(self) -> None:
        draft = self.start()
        self.post_step(draft, FilingStep.VARIANT, {"variant": self.world.variant.pk})
        other_device = self.client_class()
        other_device.force_login(self.citizen)
        mine = other_device.get(reverse("portal:my-dossiers"))
        self.assertContains(mine, self.step_url(draft, FilingStep.AGENCY))
        stranger = self.client_class()
        stranger.force_login(UserFactory())
        self.assertEqual(stranger.get(self.step_url(draft, FilingStep.AGENCY)).status_code, 404)
        self.assertEqual(
            stranger.post(reverse("portal:filing-submit", args=[draft.pk])).status_code, 404
        )

    def test_filing_for_someone_else_records_owner_and_submitter(self) -> None:
        draft = self.start()
        self.fill_until_review(draft)
        response = self.post_step(
            draft,
            FilingStep.DECLARATION,
            {
                "ho_ten": "Trần Văn Bình",
                "so_ban_sao": "1",
                "noi_dang_ky": "UBND Phú Hội",
                "on_behalf": "1",
                "owner-kind": "citizen",
                "owner-full_name": "Trần Thị Mai",
                "owner-identity_number": "12345",
            },
        )
        self.assertContains(response, "CCCD", status_code=400)
        self.post_step(
            draft,
            FilingStep.DECLARATION,
            {
                "ho_ten": "Trần Văn Bình",
                "so_ban_sao": "1",
                "noi_dang_ky": "UBND Phú Hội",
                "on_behalf": "1",
                "owner-kind": "citizen",
                "owner-full_name": "Trần Thị Mai",
                "owner-identity_number": "046190005678",
            },
        )
        self.client.post(reverse("portal:filing-submit", args=[draft.pk]))
        dossier = Dossier.objects.get()
        parties = {p.role: p for p in dossier.parties.all()}
        self.assertEqual(parties[PartyRole.OWNER].full_name, "Trần Thị Mai")
        self.assertIsNone(parties[PartyRole.OWNER].user)
        self.assertEqual(parties[PartyRole.SUBMITTER].user, self.citizen)
        # The submitter follows it in "My dossiers" too.
        self.assertContains(self.client.get(reverse("portal:my-dossiers")), dossier.code)

    @override_settings(MOTCUA_DEMO=True)  # demo staff skip the second factor
    def test_staff_accounts_do_not_file_here(self) -> None:
        self.client.force_login(StaffFactory(is_demo=True))
        response = self.client.post(reverse("portal:filing-start", args=[self.world.code]))
        self.assertEqual(response.status_code, 403)

    def test_upfront_fees_need_a_payment_choice(self) -> None:
        FeeRule.objects.filter(variant=self.world.variant).update(collection=FeeCollection.UPFRONT)
        draft = self.start()
        self.fill_until_review(draft)
        draft.refresh_from_db()
        self.assertEqual(draft.payment_choice, "counter")
        response = self.post_step(draft, FilingStep.DELIVERY, {"return_mode": ReturnMode.COUNTER})
        self.assertContains(response, "Hãy chọn cách nộp phí, lệ phí.", status_code=400)


@tag("gh-5")
@override_settings(**PAYMENT_SETTINGS)
class FilingPaymentTests(TestCase):
    """Upfront fees: paid online before submission, or a pay-later choice (gh-5 item 5)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        FeeRule.objects.filter(variant=cls.world.variant).update(collection=FeeCollection.UPFRONT)
        cls.citizen = UserFactory(identity_number="046090007777")

    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="motcua-filing-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.client.force_login(self.citizen)

    def draft_at_review(self, payment_choice: str) -> OnlineDraft:
        w = self.world
        self.client.post(reverse("portal:filing-start", args=[w.code]))
        draft = OnlineDraft.objects.get(user=self.citizen)
        step = lambda s: reverse("portal:filing-step", args=[draft.pk, s.value])  # noqa: E731
        self.client.post(step(FilingStep.VARIANT), {"variant": w.same_day.pk})
        self.client.post(step(FilingStep.AGENCY), {"agency": w.center.pk})
        self.client.post(step(FilingStep.DECLARATION), {})
        self.client.post(step(FilingStep.DOCUMENTS), {})
        FeeFactory(variant=w.same_day, name="Lệ phí", amount=15000, collection="upfront")
        response = self.client.post(
            step(FilingStep.DELIVERY),
            {"return_mode": ReturnMode.COUNTER, "payment_choice": payment_choice},
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        return draft

    def test_online_payment_comes_before_submission_and_marks_the_fee_paid(self) -> None:
        draft = self.draft_at_review("vnpay")
        submit = reverse("portal:filing-submit", args=[draft.pk])
        refused = self.client.post(submit)
        self.assertContains(refused, "Chưa thanh toán phí, lệ phí trực tuyến", status_code=400)
        self.assertFalse(Dossier.objects.exists())
        # Pay through the gateway simulator; the IPN confirms, the browser comes back.
        gateway = self.client.post(reverse("portal:filing-pay", args=[draft.pk]))
        page = self.client.get(gateway["Location"])
        self.assertContains(page, "15.000 đồng")
        back = self.client.post(
            gateway["Location"], {"query": page.context["query"], "decision": "pay"}
        )
        result = self.client.get(back["Location"])
        self.assertContains(result, "Thanh toán thành công 15.000 đồng.")
        review = reverse("portal:filing-step", args=[draft.pk, FilingStep.REVIEW.value])
        self.assertContains(result, review)
        self.assertNotContains(self.client.get(review), "Chưa thanh toán")
        self.assertEqual(self.client.post(submit).status_code, 302)
        fee = Dossier.objects.get().fees.get()
        self.assertIsNotNone(fee.paid_at)

    def test_paying_by_transfer_files_now_and_shows_the_qr_code(self) -> None:
        draft = self.draft_at_review("vietqr")
        response = self.client.post(reverse("portal:filing-submit", args=[draft.pk]))
        self.assertEqual(response.status_code, 302)
        dossier = Dossier.objects.get()
        self.assertIsNone(dossier.fees.get().paid_at)  # a collector reconciles it later
        done = self.client.get(response["Location"])
        self.assertContains(done, "mở để quét mã VietQR")
        payment = Payment.objects.get(dossier=dossier)
        detail = self.client.get(reverse("payments:detail", args=[payment.reference]))
        self.assertContains(detail, "<svg")


@tag("gh-5")
class LookupPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.dossier = cls.world.receive()

    def test_code_and_key_show_status_and_timeline_without_personal_data(self) -> None:
        d = self.dossier
        response = self.client.get(reverse("portal:lookup"), {"code": d.code, "key": d.lookup_key})
        self.assertContains(response, "Được tiếp nhận")
        self.assertContains(response, "Tiếp nhận hồ sơ")
        self.assertNotContains(response, "Nguyễn Thị Hoa")  # the owner's name
        self.assertNotContains(response, "046190000123")

    def test_a_wrong_key_looks_like_an_unknown_code(self) -> None:
        d = self.dossier
        wrong = self.client.get(reverse("portal:lookup"), {"code": d.code, "key": "AAAAAAAA"})
        unknown = self.client.get(reverse("portal:lookup"), {"code": "X-1", "key": "AAAAAAAA"})
        self.assertEqual((wrong.status_code, unknown.status_code), (404, 404))
        self.assertContains(wrong, "Không tìm thấy hồ sơ", status_code=404)
        self.assertNotContains(wrong, d.procedure_version.name, status_code=404)

    def test_the_code_alone_is_not_enough(self) -> None:
        response = self.client.get(reverse("portal:lookup"), {"code": self.dossier.code})
        self.assertContains(response, "Nhập mã tra cứu")
        self.assertNotContains(response, "Quá trình xử lý")

    def test_the_owner_identity_number_works_instead_of_the_key(self) -> None:
        d = self.dossier
        response = self.client.get(
            reverse("portal:lookup"), {"code": d.code, "identity_number": "046190000123"}
        )
        self.assertContains(response, "Quá trình xử lý")


@tag("gh-5")
class MyDossiersQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.citizen: User = UserFactory()

    def _own(self, count: int) -> None:
        from motcua.dossiers.services import PartyData

        for _ in range(count):
            self.world.receive(owner=PartyData(full_name="Lê Văn An", user=self.citizen))

    def test_the_list_runs_the_same_queries_for_one_or_many_dossiers(self) -> None:
        self.client.force_login(self.citizen)
        url = reverse("portal:my-dossiers")
        self._own(1)
        self.client.get(url)  # warm caches
        with self.assertNumQueries(QUERIES_MY_DOSSIERS):
            self.client.get(url)
        self._own(6)
        with self.assertNumQueries(QUERIES_MY_DOSSIERS):
            response = self.client.get(url)
        self.assertEqual(len(response.context["rows"]), 7)


QUERIES_MY_DOSSIERS = 7


@tag("gh-5")
class PortalPageQueryCountTests(TestCase):
    """Portal pages run a fixed number of queries whatever the dossier holds (gh-5 item 13)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.citizen = UserFactory(identity_number="046090009999")

    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="motcua-filing-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.client.force_login(self.citizen)

    def test_the_dossier_page_does_not_grow_with_history_or_documents(self) -> None:
        from motcua.dossiers.services import PartyData, dossier_act
        from motcua.dossiers.uploads import upload_attach, upload_store

        w = self.world
        dossier = w.receive(owner=PartyData(full_name="Lê Văn An", user=self.citizen))
        dossier_act(code=dossier.code, action="transfer", by=w.staff[Role.RECEPTION_OFFICER])
        url = reverse("portal:my-dossier", args=[dossier.code])
        self.client.get(url)
        with self.assertNumQueries(QUERIES_DOSSIER_PAGE):
            self.client.get(url)
        for i in range(4):
            upload = upload_store(file=pdf(f"giay-{i}.pdf"), user=self.citizen)
            upload_attach(upload_id=upload.pk, dossier=dossier, name=f"Giấy {i}", user=self.citizen)
        for role in (Role.DIVISION_HEAD, Role.SPECIALIST):
            dossier_act(code=dossier.code, action="forward", by=w.staff[role])
        with self.assertNumQueries(QUERIES_DOSSIER_PAGE):
            response = self.client.get(url)
        self.assertContains(response, "giay-3.pdf")
        self.assertContains(response, "Chuyển bước tiếp theo")

    def test_the_documents_step_does_not_grow_with_components_or_files(self) -> None:
        draft = OnlineDraft.objects.create(
            user=self.citizen,
            procedure_version=self.world.variant.version,
            variant=self.world.variant,
            agency=self.world.center,
            reached=FilingStep.DOCUMENTS,
        )
        url = reverse("portal:filing-step", args=[draft.pk, FilingStep.DOCUMENTS.value])
        component = ComponentFactory(variant=self.world.variant)
        self.client.get(url)
        with self.assertNumQueries(QUERIES_DOCUMENTS_STEP):
            self.client.get(url)
        for i in range(3):
            other = ComponentFactory(variant=self.world.variant)
            for target in (component, other):
                self.client.post(
                    reverse("portal:filing-upload", args=[draft.pk, target.pk]),
                    {"file": pdf(f"tep-{i}.pdf")},
                )
        with self.assertNumQueries(QUERIES_DOCUMENTS_STEP):
            response = self.client.get(url)
        self.assertEqual(len(response.context["components"]), 4)

    def test_the_review_step_and_the_lookup_page_do_not_grow(self) -> None:
        from motcua.dossiers.services import dossier_act

        w = self.world
        draft = OnlineDraft.objects.create(
            user=self.citizen,
            procedure_version=w.variant.version,
            variant=w.variant,
            agency=w.center,
            return_mode="counter",
            reached=FilingStep.REVIEW,
        )
        review = reverse("portal:filing-step", args=[draft.pk, FilingStep.REVIEW.value])
        component = ComponentFactory(variant=w.variant)
        self.client.get(review)
        with self.assertNumQueries(QUERIES_REVIEW_STEP):
            self.client.get(review)
        for i in range(3):
            extra = ComponentFactory(variant=w.variant)
            for target in (component, extra):
                self.client.post(
                    reverse("portal:filing-upload", args=[draft.pk, target.pk]),
                    {"file": pdf(f"tep-{i}.pdf")},
                )
        with self.assertNumQueries(QUERIES_REVIEW_STEP):
            response = self.client.get(review)
        self.assertContains(response, "tep-2.pdf")

        dossier = w.receive()
        lookup = reverse("portal:lookup") + f"?code={dossier.code}&key={dossier.lookup_key}"
        self.client.get(lookup)
        with self.assertNumQueries(QUERIES_LOOKUP_PAGE):
            self.client.get(lookup)
        dossier_act(code=dossier.code, action="transfer", by=w.staff[Role.RECEPTION_OFFICER])
        dossier_act(code=dossier.code, action="forward", by=w.staff[Role.DIVISION_HEAD])
        with self.assertNumQueries(QUERIES_LOOKUP_PAGE):
            self.client.get(lookup)


@tag("gh-5")
class AssetBudgetTests(TestCase):
    """A first visit to a procedure page downloads < 150 KB of CSS and JS, compressed."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()

    def test_procedure_page_css_and_js_fit_the_budget(self) -> None:
        import gzip
        import re

        from django.contrib.staticfiles import finders
        from django.templatetags.static import static

        response = self.client.get(reverse("portal:procedure", args=[self.world.code]))
        html = response.content.decode()
        prefix = static("")
        assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+\.(?:js|css))"', html)
        self.assertTrue(any(a.endswith(".css") for a in assets), assets)
        total = 0
        for url in assets:
            self.assertTrue(url.startswith(prefix), f"{url} is not a local static file")
            path = finders.find(url.removeprefix(prefix))
            self.assertIsNotNone(path, url)
            with open(str(path), "rb") as handle:
                total += len(gzip.compress(handle.read(), compresslevel=9))
        self.assertLess(total, 150 * 1024, f"{total} bytes compressed: {assets}")


QUERIES_DOSSIER_PAGE = 20
QUERIES_DOCUMENTS_STEP = 8
QUERIES_REVIEW_STEP = 13
QUERIES_LOOKUP_PAGE = 6
