"""Reception at the counter (gh-6 items 3–4), through HTTP as the counter officer works.

Receive (known citizen, on behalf, fees now or later, files kept across
errors), Mẫu 01 in two A5 copies, Mẫu 02 guidance instead of receiving, Mẫu 03
refusal, the immediate hand-over, batch reception with one combined receipt,
and assisted online filing. The clock is frozen on Tue 10/03/2026 09:00 in Huế.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings, tag
from django.urls import reverse

import time_machine
from pypdf import PdfReader

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
from motcua.dossiers.constants import Channel, DossierStatus, EventAction, PartyRole
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, Party, TemporaryUpload
from motcua.dossiers.tests.test_receive import World, make_world, vn
from motcua.organisations.constants import Role
from motcua.payments.models import Payment
from motcua.procedures.models import ComponentSpec
from motcua.procedures.tests.factories import (
    ComponentFactory,
    OfferingFactory,
    ProcedureVersionFactory,
)

R = Role
S = DossierStatus
NOW = vn(2026, 3, 10, 9)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CITIZEN_ID = "046190000123"


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages)


@tag("gh-6")
@override_settings(MOTCUA_DEMO=True)
class ReceptionTests(TestCase):
    world: World
    officer: User
    citizen: User
    form_spec: ComponentSpec
    id_spec: ComponentSpec
    optional_spec: ComponentSpec

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.officer = cls.world.staff[R.RECEPTION_OFFICER]
        staff = [*cls.world.staff.values(), *cls.world.other_staff.values()]
        User.objects.filter(pk__in=[u.pk for u in staff]).update(is_demo=True)
        cls.officer.refresh_from_db()
        cls.citizen = UserFactory(
            kind=UserKind.CITIZEN,
            full_name="Nguyễn Thị Hoa",
            identity_number=CITIZEN_ID,
            phone="0905123456",
            email="hoa@example.vn",
        )
        variant = cls.world.variant
        cls.form_spec = ComponentFactory(variant=variant, name="Tờ khai đề nghị cấp bản sao")
        cls.id_spec = ComponentFactory(
            variant=variant, name="Bản sao Căn cước công dân", originals=0, copies=1
        )
        cls.optional_spec = ComponentFactory(
            variant=variant, name="Văn bản ủy quyền", required=False, condition_text="Khi ủy quyền"
        )

    def setUp(self) -> None:
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)
        media = tempfile.mkdtemp(prefix="motcua-reception-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        settings = override_settings(MEDIA_ROOT=media)
        settings.enable()
        self.addCleanup(settings.disable)
        self.client.force_login(self.officer)

    # --- helpers -------------------------------------------------------------------------

    def data(self, **overrides: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "agency": self.world.center.pk,
            "channel": "counter",
            "applicant_identity": "046090001111",
            "applicant_name": "Trần Văn Bình",
            "applicant_phone": "0905000111",
            "owner_kind": "citizen",
            "procedure_code": self.world.code,
            "variant_code": self.world.variant.code,
            "return_mode": "counter",
            "fee_mode": "later",
            f"got_{self.form_spec.pk}": "on",
            f"got_{self.id_spec.pk}": "on",
            "action": "receive",
        }
        values.update(overrides)
        return {k: v for k, v in values.items() if v is not None}

    def post(self, **overrides: Any) -> Any:
        return self.client.post(reverse("workspace:reception"), self.data(**overrides))

    def received(self, response: Any) -> Dossier:
        self.assertEqual(response.status_code, 302, getattr(response, "content", b"")[:3000])
        code = response["Location"].rstrip("/").rsplit("/", 1)[-1]
        return Dossier.objects.get(code=code)

    # --- receive -------------------------------------------------------------------------

    def test_it_receives_a_dossier_at_the_counter_and_shows_code_and_appointment(self) -> None:
        dossier = self.received(self.post())
        self.assertEqual(dossier.status, S.RECEIVED)
        self.assertEqual(dossier.channel, Channel.COUNTER)
        self.assertEqual(dossier.received_by, self.world.center)
        self.assertIsNotNone(dossier.due_at)
        owner = Party.objects.get(dossier=dossier, role=PartyRole.OWNER)
        self.assertEqual(
            (owner.full_name, owner.identity_number), ("Trần Văn Bình", "046090001111")
        )
        self.assertFalse(Party.objects.filter(dossier=dossier, role=PartyRole.SUBMITTER).exists())
        event = DossierEvent.objects.get(dossier=dossier)
        self.assertEqual((event.action, event.actor_id), (EventAction.RECEIVE, self.officer.pk))

        page = self.client.get(reverse("workspace:reception-done", args=[dossier.code]))
        self.assertContains(page, dossier.code)
        assert dossier.due_at is not None
        self.assertContains(
            page, dossier.due_at.astimezone(vn(2026, 1, 1).tzinfo).strftime("%d/%m/%Y")
        )
        self.assertContains(page, reverse("workspace:official-form", args=[dossier.code, "mau-01"]))

    def test_it_prints_form_01_as_two_a5_copies(self) -> None:
        dossier = self.received(self.post())
        response = self.client.get(
            reverse("workspace:official-form", args=[dossier.code, "mau-01"])
        )
        self.assertEqual(response["Content-Type"], "application/pdf")
        pages, text = pdf_text(response.content)
        self.assertEqual(pages, 2)  # TT 01/2018 Art 9: one copy kept, one for the applicant
        self.assertIn(dossier.code, text)
        self.assertIn("Tờ khai đề nghị cấp bản sao", " ".join(text.split()))  # wraps in its cell

    def test_form_01_lists_exactly_the_components_ticked_with_their_counts(self) -> None:
        # Received on paper, nothing scanned: the ticked checklist is what the receipt lists.
        dossier = self.received(self.post(**{f"got_{self.optional_spec.pk}": "on"}))
        event = DossierEvent.objects.get(dossier=dossier)
        listed = {item["id"]: item for item in event.data["components"]}
        self.assertEqual(set(listed), {self.form_spec.pk, self.id_spec.pk, self.optional_spec.pk})
        self.assertEqual(
            (listed[self.id_spec.pk]["originals"], listed[self.id_spec.pk]["copies"]), (0, 1)
        )
        _pages, text = pdf_text(
            self.client.get(
                reverse("workspace:official-form", args=[dossier.code, "mau-01"])
            ).content
        )
        # Names wrap inside their table cell: compare with the line breaks folded.
        text = " ".join(text.split())
        for spec in (self.form_spec, self.id_spec, self.optional_spec):
            self.assertIn(spec.name, text)
        # Without the optional paper, it is not on the receipt.
        second = self.received(self.post())
        _pages, text = pdf_text(
            self.client.get(
                reverse("workspace:official-form", args=[second.code, "mau-01"])
            ).content
        )
        text = " ".join(text.split())
        self.assertNotIn(self.optional_spec.name, text)
        self.assertIn(self.id_spec.name, text)

    def test_it_prefills_a_known_citizen_from_the_identity_number(self) -> None:
        page = self.client.get(reverse("workspace:reception"), {"cccd": CITIZEN_ID})
        self.assertContains(page, 'value="Nguyễn Thị Hoa"')
        self.assertContains(page, 'value="0905123456"')
        self.assertContains(page, "Công dân đã có tài khoản trên Cổng")
        # Typing only the number (Enter = update) fills the rest, without validating.
        page = self.client.post(
            reverse("workspace:reception"),
            {"action": "update", "applicant_identity": CITIZEN_ID},
        )
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'value="hoa@example.vn"')
        self.assertNotContains(page, "error-summary")
        dossier = self.received(
            self.post(applicant_identity=CITIZEN_ID, applicant_name="", applicant_phone="")
        )
        owner = Party.objects.get(dossier=dossier, role=PartyRole.OWNER)
        self.assertEqual(owner.user, self.citizen)  # the dossier shows in the citizen's account
        self.assertEqual(owner.full_name, "Nguyễn Thị Hoa")

    def test_it_files_on_behalf_of_an_owner(self) -> None:
        dossier = self.received(
            self.post(
                on_behalf="on",
                owner_identity=CITIZEN_ID,
                owner_name="",
                owner_address="12 Kim Long",
            )
        )
        parties = {p.role: p for p in Party.objects.filter(dossier=dossier)}
        self.assertEqual(parties[PartyRole.OWNER].full_name, "Nguyễn Thị Hoa")
        self.assertEqual(parties[PartyRole.OWNER].user, self.citizen)
        self.assertEqual(parties[PartyRole.OWNER].address, "12 Kim Long")
        self.assertEqual(parties[PartyRole.SUBMITTER].full_name, "Trần Văn Bình")

    def test_it_refuses_to_receive_without_a_required_component_and_keeps_everything(self) -> None:
        response = self.post(
            **{f"got_{self.id_spec.pk}": None},
            **{f"file_{self.form_spec.pk}": SimpleUploadedFile("don.pdf", PDF)},
            applicant_address="5 Lê Lợi",
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Dossier.objects.exists())
        self.assertContains(response, "Còn thiếu 1 thành phần hồ sơ bắt buộc", status_code=400)
        self.assertContains(response, "Chưa nhận thành phần bắt buộc này.", status_code=400)
        # What was typed, ticked and uploaded is still there.
        self.assertContains(response, 'value="5 Lê Lợi"', status_code=400)
        self.assertContains(
            response,
            f'name="got_{self.form_spec.pk}" id="id_got_{self.form_spec.pk}" checked',
            status_code=400,
        )
        upload = TemporaryUpload.objects.get()
        self.assertContains(
            response, f'name="kept_{self.form_spec.pk}" value="{upload.pk}"', status_code=400
        )
        self.assertContains(response, "don.pdf", status_code=400)
        # The same file, kept by its id, is attached once the dossier is complete.
        dossier = self.received(self.post(**{f"kept_{self.form_spec.pk}": str(upload.pk)}))
        document = DossierDocument.objects.get(dossier=dossier)
        self.assertEqual((document.component_id, document.digitised), (self.form_spec.pk, True))

    def test_it_names_the_missing_applicant_and_postal_address(self) -> None:
        response = self.post(applicant_name="", applicant_identity="", return_mode="postal")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Nhập họ và tên người nộp hồ sơ.", status_code=400)
        self.assertContains(response, "Cần địa chỉ nhận kết quả qua bưu chính.", status_code=400)
        bad = self.post(applicant_identity="12345")
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, 'value="12345"', status_code=400)
        self.assertFalse(Dossier.objects.exists())

    def test_only_reception_officers_reach_the_page(self) -> None:
        for role in (R.SPECIALIST, R.CLERK):
            self.client.force_login(self.world.staff[role])
            self.assertEqual(self.client.get(reverse("workspace:reception")).status_code, 403)
            self.assertEqual(self.post().status_code, 403)
        citizen = self.citizen
        self.client.force_login(citizen)
        self.assertEqual(self.client.get(reverse("workspace:reception")).status_code, 403)
        self.assertFalse(Dossier.objects.exists())
        # Another agency's officer posting this centre gets their own agency, not this one.
        self.client.force_login(self.world.other_staff[R.RECEPTION_OFFICER])
        dossier = self.received(self.post())
        self.assertEqual(dossier.received_by, self.world.other)
        # …and the outcome page of a dossier outside their reach is a 404.
        self.client.force_login(self.officer)
        self.assertEqual(
            self.client.get(reverse("workspace:reception-done", args=[dossier.code])).status_code,
            404,
        )

    def test_it_collects_the_fee_at_the_counter_or_defers_it(self) -> None:
        deferred = self.received(self.post())
        self.assertFalse(Payment.objects.filter(dossier=deferred).exists())
        missing = self.post(fee_mode="now")
        self.assertContains(missing, "Nhập số biên lai", status_code=400)
        paid = self.received(self.post(fee_mode="now", receipt_number="BL-0001"))
        payment = Payment.objects.get(dossier=paid)
        self.assertEqual(payment.provider, "counter")
        self.assertEqual(payment.amount, 8000)
        self.assertTrue(all(fee.paid_at is not None for fee in paid.fees.all()))

    def test_it_hands_an_immediate_result_over_in_one_sitting(self) -> None:
        dossier = self.received(self.post(variant_code=self.world.same_day.code, immediate="on"))
        self.assertEqual(dossier.status, S.RETURNED)
        actions = list(
            DossierEvent.objects.filter(dossier=dossier)
            .order_by("seq")
            .values_list("action", flat=True)
        )
        self.assertEqual(
            actions,
            [
                EventAction.RECEIVE,
                EventAction.TRANSFER,
                EventAction.ISSUE_RESULT,
                EventAction.RETURN_RESULT,
            ],
        )
        page = self.client.get(reverse("workspace:reception-done", args=[dossier.code]))
        self.assertContains(page, "Đã tiếp nhận và trả kết quả ngay")

    # --- instead of receiving ------------------------------------------------------------

    def test_it_refuses_at_the_counter_with_form_03(self) -> None:
        no_reason = self.post(action="refuse")
        self.assertContains(no_reason, "Nêu rõ lý do từ chối", status_code=400)
        response = self.post(action="refuse", reason="Thủ tục không thuộc thẩm quyền của cơ quan.")
        dossier = self.received(response)
        self.assertEqual(dossier.status, S.REFUSED)
        page = self.client.get(reverse("workspace:reception-done", args=[dossier.code]))
        self.assertContains(page, "Đã từ chối tiếp nhận")
        link = reverse("workspace:official-form", args=[dossier.code, "mau-03"])
        self.assertContains(page, link)
        _pages, text = pdf_text(self.client.get(link).content)
        self.assertIn("Thủ tục không thuộc thẩm quyền", text)

    def test_it_prints_form_02_listing_everything_missing_without_creating_a_dossier(self) -> None:
        response = self.post(
            action="guide",
            **{f"got_{self.id_spec.pk}": None, f"got_{self.form_spec.pk}": None},
            other_missing="Giấy chứng nhận kết hôn\n\nSổ hộ khẩu",
            reason="Hồ sơ chưa đủ thành phần.",
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        _pages, text = pdf_text(response.content)
        flat = " ".join(text.split())
        for wanted in (
            "PHIẾU YÊU CẦU BỔ SUNG",
            "Tờ khai đề nghị cấp bản sao",
            "Bản sao Căn cước công dân",
            "Giấy chứng nhận kết hôn",
            "Sổ hộ khẩu",
            "Trần Văn Bình",
        ):
            self.assertIn(wanted, flat)
        self.assertNotIn("Văn bản ủy quyền", flat)  # optional, not asked for
        self.assertFalse(Dossier.objects.exists())
        nothing = self.post(action="guide")
        self.assertContains(nothing, "Không có gì còn thiếu", status_code=400)

    # --- batch and assisted filing -------------------------------------------------------

    def test_batch_reception_gives_one_combined_receipt(self) -> None:
        first = self.received(self.post())
        page = self.client.get(reverse("workspace:reception"), {"cung_nguoi_nop": "1"})
        self.assertContains(page, 'value="Trần Văn Bình"')  # the applicant is kept
        second = self.received(self.post(variant_code=self.world.same_day.code))
        done = self.client.get(reverse("workspace:reception-done", args=[second.code]))
        self.assertContains(done, first.code)
        receipt = self.client.get(reverse("workspace:reception-batch-receipt"))
        for dossier in (first, second):
            self.assertContains(receipt, dossier.code)
            self.assertContains(receipt, dossier.lookup_key)
        pdf = self.client.get(reverse("workspace:reception-batch-receipt"), {"pdf": "1"})
        pages, text = pdf_text(pdf.content)
        self.assertEqual(pages, 2)
        self.assertIn(first.code, text)
        self.assertIn(second.code, text)
        # Another applicant starts a new batch.
        third = self.received(
            self.post(applicant_identity="046201007890", applicant_name="Lê Minh Khôi")
        )
        receipt = self.client.get(reverse("workspace:reception-batch-receipt"))
        self.assertContains(receipt, third.code)
        self.assertNotContains(receipt, first.code)

    def test_a_reception_started_from_a_called_ticket_links_the_dossier_to_it(self) -> None:
        from motcua.organisations.models import Counter
        from motcua.tickets.models import TicketService
        from motcua.tickets.services import call_next, counter_open, ticket_take

        counter = Counter.objects.create(agency=self.world.center, number=1, name="Quầy 1")
        service = TicketService.objects.create(
            center=self.world.center, name="Hộ tịch", prefix="A", position=1
        )
        service.counters.set([counter])
        session = counter_open(officer=self.officer, counter=counter)
        ticket = ticket_take(service=service)
        self.assertEqual(call_next(session=session), ticket)
        # The counter screen's "Tiếp nhận hồ sơ" link; the form's POST no longer carries it.
        self.client.get(reverse("workspace:reception"), {"ve": ticket.pk})
        first = self.received(self.post())
        second = self.received(self.post())  # same citizen, same ticket: both linked
        self.assertEqual(
            sorted(ticket.dossiers.values_list("code", flat=True)),
            sorted([first.code, second.code]),
        )

    def test_assisted_online_filing_is_in_the_citizens_name_and_recorded(self) -> None:
        self.world.variant.version.procedure.offerings.update(online_open=True)
        unknown = self.post(channel="assisted")
        self.assertContains(unknown, "cần tài khoản của chủ hồ sơ", status_code=400)
        dossier = self.received(
            self.post(channel="assisted", applicant_identity=CITIZEN_ID, applicant_name="")
        )
        self.assertEqual((dossier.status, dossier.channel), (S.SUBMITTED, Channel.ONLINE))
        self.assertEqual(dossier.assisted_at, self.world.center)
        owner = Party.objects.get(dossier=dossier, role=PartyRole.OWNER)
        self.assertEqual(owner.user, self.citizen)  # the citizen, never the officer
        event = DossierEvent.objects.get(dossier=dossier)
        self.assertEqual((event.action, event.actor_id), (EventAction.SUBMIT, self.officer.pk))
        self.assertIs(event.data.get("assisted"), True)
        self.assertNotIn("components", event.data)  # nothing handed over on paper
        page = self.client.get(reverse("workspace:dossier", args=[dossier.code]))
        self.assertContains(page, "Nộp trực tuyến có cán bộ hỗ trợ")

    # --- queries -------------------------------------------------------------------------

    def test_the_page_uses_a_fixed_number_of_queries(self) -> None:
        url = reverse("workspace:reception")
        params = {"thu_tuc": self.world.code, "cccd": CITIZEN_ID}
        # session, user, agencies, known citizen, procedures, variants, components, fees
        with self.assertNumQueries(8):
            self.client.get(url, params)
        ComponentFactory.create_batch(5, variant=self.world.variant)
        for version in ProcedureVersionFactory.create_batch(3):
            OfferingFactory(agency=self.world.center, procedure=version.procedure)
        # fixed: must not grow with the components or the procedures (an N+1 in the
        # checklist, or a missing select_related on the procedure list?)
        with self.assertNumQueries(8):
            response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["screen"].versions), 4)

    def test_posting_the_same_screen_twice_receives_once(self) -> None:
        page = self.client.get(reverse("workspace:reception"))
        key = page.context["form"]["key"].value()
        self.assertTrue(key)
        first = self.received(self.post(key=key, fee_mode="now", receipt_number="BL-7"))
        again = self.received(self.post(key=key, fee_mode="now", receipt_number="BL-7"))
        self.assertEqual(first, again)  # a double Ctrl+Enter: one dossier, one payment
        self.assertEqual(Dossier.objects.count(), 1)
        self.assertEqual(Payment.objects.count(), 1)
        changed = self.post(key=key, applicant_name="Trần Văn Bính")
        self.assertContains(changed, "đã được tiếp nhận với nội dung khác", status_code=400)
        self.assertNotContains(changed, f'value="{key}"', status_code=400)  # a fresh key
        self.assertEqual(Dossier.objects.count(), 1)

    def test_the_procedure_search_ignores_diacritics_and_picks_a_single_match(self) -> None:
        page = self.client.post(
            reverse("workspace:reception"),
            {"action": "update", "procedure_query": "trich luc ho tich"},
        )
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["screen"].version, self.world.variant.version)
        self.assertContains(page, "Tờ khai đề nghị cấp bản sao")  # its checklist is loaded
        none = self.client.post(
            reverse("workspace:reception"), {"action": "update", "procedure_query": "xyz"}
        )
        self.assertIsNone(none.context["screen"].version)
        self.assertContains(none, "Tìm thấy 0 thủ tục")
