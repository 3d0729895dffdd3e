"""The official forms of TT 03/2025 as HTML and PDF (gh-4 item 9; domain.md §7).

Every dossier is built through the real services (``dossier_receive``,
``dossier_act``) on the shared personas of ``test_receive.make_world``, with
Vietnamese names. The PDFs are rendered by WeasyPrint and read back with
pypdf: the tests check the text a citizen sees (titles, names, diacritics,
instants in words) and the page size.

Clock: reception on Mon 20/04/2026 17:00 in Huế. Five working days later is
Tue 28/04/2026 17:00, because Mon 27/04 is the compensatory Hùng Kings'
holiday (domain.md §6.2).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import TestCase
from django.utils import translation
from django.utils.html import escape

import time_machine
from pypdf import PdfReader

from motcua.calendars.constants import Timeliness
from motcua.dossiers.constants import EventAction, ReturnMode
from motcua.dossiers.forms_official import (
    HANDOVER_ACTIONS,
    FormNotApplicable,
    OfficialForm,
    control_sheet_rows,
    instant_words,
    lookup_url,
    official_form_html,
    official_form_pdf,
    qr_data_uri,
    register_dossiers,
    register_html,
    register_pdf,
)
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import PartyData, dossier_act, dossier_refuse_at_counter
from motcua.dossiers.tests.factories import CodedAgencyFactory
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.organisations.constants import AgencyKind, Role
from motcua.procedures.tests.factories import ComponentFactory

A = EventAction
R = Role

OWNER = PartyData(
    full_name="Nguyễn Thị Hương",
    identity_number="046190000123",
    phone="0905123456",
    email="huong@example.vn",
    address="12 Lê Lợi, phường Thuận Hóa, thành phố Huế",
)
SUBMITTER = PartyData(full_name="Trần Văn Đức", phone="0914000111", identity_number="046080000999")
RECEIVED = vn(2026, 4, 20, 17)  # Mon 20/04/2026 17:00

# ISO 216 in PostScript points (1 pt = 1/72 in).
A5 = (419.53, 595.28)
A4 = (595.28, 841.89)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Diacritics must come out composed (NFC), as typed; normalising here would hide a
    # font without the precomposed glyphs, so only whitespace is collapsed.
    return " ".join(text.split())


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(data))
    return [
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in reader.pages
    ]


class OfficialFormTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = w = make_world()
        parent = CodedAgencyFactory(
            name="Văn phòng UBND thành phố Huế",
            kind=AgencyKind.PEOPLES_COMMITTEE,
            unit=w.center.unit,
        )
        w.center.parent = parent
        w.center.phone = "0234 3822 000"
        w.center.save()
        ComponentFactory(
            variant=w.variant,
            order=1,
            name="Tờ khai đề nghị cấp bản sao trích lục hộ tịch",
            originals=1,
            certified_copies=0,
            copies=0,
        )
        ComponentFactory(
            variant=w.variant,
            order=2,
            name="Căn cước công dân của người yêu cầu",
            originals=0,
            certified_copies=1,
            copies=1,
        )

    def receive(self, **overrides: Any) -> Dossier:
        values: dict[str, Any] = {"owner": OWNER, "submitter": SUBMITTER}
        values.update(overrides)
        with time_machine.travel(RECEIVED, tick=False):
            return self.world.receive(**values)

    def act(
        self, dossier: Dossier, at: dt.datetime, action: EventAction, role: Role, **f: Any
    ) -> None:
        with time_machine.travel(at, tick=False):
            dossier_act(code=dossier.code, action=action, by=self.world.staff[role], **f)

    def to_step(self, dossier: Dossier, step: int) -> None:
        """Transfer on Tue 21/04 08:00, then forward one step per working hour."""
        self.act(dossier, vn(2026, 4, 21, 8), A.TRANSFER, R.RECEPTION_OFFICER)
        roles = [R.DIVISION_HEAD, R.SPECIALIST, R.AGENCY_LEADER]
        for i in range(step - 1):
            self.act(dossier, vn(2026, 4, 21, 9 + i), A.FORWARD, roles[i])

    def render(self, dossier: Dossier, form: OfficialForm) -> tuple[str, list[tuple[float, float]]]:
        # No timing assertion here: timings belong in bench/, not in tests (conventions §10).
        data = official_form_pdf(
            dossier=dossier, form=form, request_base_url="https://dvc.hue.gov.vn"
        )
        self.assertTrue(data.startswith(b"%PDF-"))
        if os.environ.get("MOTCUA_FORMS_DUMP"):  # visual check: write the PDF for pdftoppm
            Path(os.environ["MOTCUA_FORMS_DUMP"], f"{form.value}.pdf").write_bytes(data)
        return pdf_text(data), page_sizes(data)

    def assertHeader(self, text: str, dossier: Dossier) -> None:
        self.assertIn("VĂN PHÒNG UBND THÀNH PHỐ HUẾ", text)
        self.assertIn("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG THÀNH PHỐ", text)
        self.assertIn("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text)
        self.assertIn("Độc lập - Tự do - Hạnh phúc", text)
        self.assertIn(dossier.code, text)
        self.assertEqual(text, unicodedata.normalize("NFC", text))

    # --- pure helpers ---------------------------------------------------------------------

    def test_it_writes_instants_in_vietnamese_words(self) -> None:
        self.assertEqual(
            instant_words(vn(2026, 4, 28, 17)), "17 giờ 00 phút, ngày 28 tháng 04 năm 2026"
        )
        # Stored in UTC, shown in Huế time.
        self.assertEqual(
            instant_words(dt.datetime(2026, 4, 28, 1, 30, tzinfo=dt.UTC)),
            "08 giờ 30 phút, ngày 28 tháng 04 năm 2026",
        )

    def test_it_builds_the_qr_lookup_url_with_code_and_key(self) -> None:
        dossier = self.receive()
        url = lookup_url(dossier=dossier, base="https://dvc.hue.gov.vn/")
        parts = urlsplit(url)
        self.assertEqual(
            f"{parts.scheme}://{parts.netloc}{parts.path}", "https://dvc.hue.gov.vn/tra-cuu/"
        )
        self.assertEqual(
            parse_qs(parts.query), {"code": [dossier.code], "key": [dossier.lookup_key]}
        )
        html = official_form_html(
            dossier=dossier, form=OfficialForm.FORM_01, request_base_url="https://dvc.hue.gov.vn"
        )
        # The QR is an SVG data URI of exactly that URL (no QR decoder here: the payload is
        # checked where it is built), with the lookup key printed under it for typing.
        self.assertIn(f'src="{escape(qr_data_uri(url))}"', html)
        self.assertIn(f"Mã tra cứu: <b>{dossier.lookup_key}</b>", html)

    # --- Mẫu 01 ---------------------------------------------------------------------------

    def test_form_01_states_the_processing_time_in_the_reader_s_language(self) -> None:
        # Number words are Vietnamese grammar: an English copy must not print "05 (năm)".
        dossier = self.receive()
        with time_machine.travel(RECEIVED, tick=False), translation.override("en"):
            html = official_form_html(dossier=dossier, form=OfficialForm.FORM_01)
        self.assertIn("5 working days", html)
        self.assertNotIn("(năm)", html)

    def test_it_renders_form_01_as_two_a5_copies_with_the_appointment(self) -> None:
        dossier = self.receive()
        self.assertEqual(dossier.due_at, vn(2026, 4, 28, 17))
        with time_machine.travel(RECEIVED, tick=False):
            text, sizes = self.render(dossier, OfficialForm.FORM_01)
        self.assertEqual(sizes, [A5, A5])  # two copies (TT 01/2018 Art 9 note)
        self.assertHeader(text, dossier)
        self.assertIn("Huế, ngày 20 tháng 04 năm 2026", text)
        self.assertEqual(text.count("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), 2)
        self.assertIn("Bản lưu tại Bộ phận Một cửa", text)
        self.assertIn("Bản giao người nộp hồ sơ", text)
        # Proxy: the submitter is served, the owner is named with her address.
        self.assertIn("Ông (Bà): Trần Văn Đức", text)
        self.assertIn("Chủ hồ sơ: Nguyễn Thị Hương", text)
        self.assertIn("12 Lê Lợi, phường Thuận Hóa, thành phố Huế", text)
        self.assertIn("Cấp bản sao trích lục hộ tịch", text)
        self.assertIn("Tờ khai đề nghị cấp bản sao trích lục hộ tịch", text)
        self.assertIn("Căn cước công dân của người yêu cầu", text)
        self.assertIn("Bản sao chứng thực", text)
        self.assertIn("05 (năm) ngày làm việc", text)
        self.assertIn("17 giờ 00 phút, ngày 20 tháng 04 năm 2026", text)
        self.assertIn("17 giờ 00 phút, ngày 28 tháng 04 năm 2026", text)
        self.assertIn("Nhận tại quầy", text)
        self.assertIn("Lệ phí cấp bản sao: 8.000 đồng", text)
        self.assertIn("Quyển số: 2026 Số thứ tự: 1", text)
        self.assertIn("NGƯỜI TIẾP NHẬN HỒ SƠ", text)
        self.assertIn(str(self.world.staff[R.RECEPTION_OFFICER]), text)

    def test_it_prints_the_postal_address_and_html_links_the_stylesheet(self) -> None:
        dossier = self.receive(
            return_mode=ReturnMode.POSTAL, delivery_address="45 Hùng Vương, phường Phú Hội"
        )
        html = official_form_html(dossier=dossier, form=OfficialForm.FORM_01)
        self.assertIn("Nhận qua bưu chính: 45 Hùng Vương, phường Phú Hội", html)
        # CSP: the browser version has no inline styles, only the static stylesheet.
        self.assertIn('<link rel="stylesheet" href="/static/dossiers/forms.css">', html)
        self.assertNotIn("<style", html)
        self.assertNotIn("style=", html)

    # --- Mẫu 06 ---------------------------------------------------------------------------

    def test_it_derives_the_control_sheet_from_the_hand_overs(self) -> None:
        dossier = self.receive()
        self.to_step(dossier, 2)  # transfer 21/04 08:00, forward to appraisal 09:00
        self.act(
            dossier,
            vn(2026, 4, 21, 10),
            A.COORDINATE,
            R.SPECIALIST,
            agency=self.world.department,
            question="Đề nghị xác minh nơi cư trú",
            due_at=vn(2026, 4, 23, 17),
        )
        # Appraisal has 16 working hours; forwarded on Fri 24/04 16:00, it is late.
        self.act(dossier, vn(2026, 4, 24, 16), A.FORWARD, R.SPECIALIST)
        self.act(dossier, vn(2026, 4, 24, 16, 30), A.SIGN, R.AGENCY_LEADER)  # not a hand-over
        self.act(dossier, vn(2026, 4, 24, 16, 45), A.FORWARD, R.AGENCY_LEADER)
        self.act(dossier, vn(2026, 4, 28, 8), A.ISSUE_RESULT, R.CLERK, result={"number": "15/TLHT"})
        self.act(dossier, vn(2026, 4, 28, 14), A.RETURN_RESULT, R.RECEPTION_OFFICER)

        rows = control_sheet_rows(dossier=dossier)
        events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
        handovers = [e for e in events if e.action in HANDOVER_ACTIONS]
        self.assertEqual(
            [(r.seq, r.action, r.at) for r in rows], [(e.seq, e.action, e.at) for e in handovers]
        )
        self.assertNotIn(A.SIGN, [r.action for r in rows])
        s = self.world.staff
        center, dept = self.world.center.name, self.world.department.name
        self.assertEqual(
            [(r.action, r.giver, r.giver_agency, r.receiver, r.receiver_agency) for r in rows],
            [
                (A.RECEIVE, "Trần Văn Đức", "", str(s[R.RECEPTION_OFFICER]), center),
                (A.TRANSFER, str(s[R.RECEPTION_OFFICER]), center, "Phân công", center),
                (A.FORWARD, str(s[R.DIVISION_HEAD]), center, "Thẩm định", center),
                (A.COORDINATE, str(s[R.SPECIALIST]), center, "", dept),
                (A.FORWARD, str(s[R.SPECIALIST]), center, "Phê duyệt, ký", center),
                (A.FORWARD, str(s[R.AGENCY_LEADER]), center, "Vào số, phát hành", center),
                (A.ISSUE_RESULT, str(s[R.CLERK]), center, "", center),
                (A.RETURN_RESULT, str(s[R.RECEPTION_OFFICER]), center, "Trần Văn Đức", ""),
            ],
        )
        by_seq = {e.seq: e for e in events}
        # Each step hand-over is judged against the step deadline the previous event set.
        for row in rows:
            if row.action == A.FORWARD:
                previous = max(seq for seq in by_seq if seq < row.seq)
                self.assertEqual(row.deadline, by_seq[previous].step_due_at)
        timeliness = [(r.action, r.timeliness) for r in rows]
        self.assertEqual(
            timeliness,
            [
                (A.RECEIVE, None),
                (A.TRANSFER, None),
                # D8 classes by calendar day: finished on the due day is "on time".
                (A.FORWARD, Timeliness.ON_TIME),  # 1 h of a 2 h budget, same day
                (A.COORDINATE, None),
                (A.FORWARD, Timeliness.LATE),  # 16 h budget from Tue 09:00 → Thu 09:00
                (A.FORWARD, Timeliness.EARLY),  # 4 h budget from Fri 16:00 → Tue 28/04
                (A.ISSUE_RESULT, Timeliness.ON_TIME),  # on the due day, Tue 28/04 17:00
                (A.RETURN_RESULT, Timeliness.ON_TIME),
            ],
        )
        with time_machine.travel(vn(2026, 4, 28, 14), tick=False):
            text, sizes = self.render(dossier, OfficialForm.FORM_06)
        self.assertTrue(sizes)
        self.assertEqual(set(sizes), {A4})  # rows flow onto further A4 pages
        self.assertHeader(text, dossier)
        self.assertIn("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", text)
        self.assertIn(
            f"Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả, mã hồ sơ {dossier.code}", text
        )
        self.assertIn("Cơ quan phối hợp giải quyết: Sở Tư pháp", text)
        self.assertIn("09 giờ 00 phút, ngày 21 tháng 04 năm 2026", text)
        self.assertEqual(text.count("Quá hạn"), 1)
        self.assertIn("Trước hạn", text)
        self.assertIn("Giao: Trần Văn Đức", text)

    # --- Mẫu 02–05 and the result receipt ------------------------------------------------

    def test_it_lists_every_missing_item_at_once_in_form_02(self) -> None:
        dossier = self.receive()
        self.to_step(dossier, 2)
        self.act(
            dossier,
            vn(2026, 4, 21, 10),
            A.REQUEST_SUPPLEMENT,
            R.SPECIALIST,
            items=[
                {
                    "name": "Giấy khai sinh của người được cấp bản sao",
                    "quantity": 1,
                    "form": "Bản sao chứng thực",
                },
                "Văn bản ủy quyền có chứng thực",
            ],
            reason="Người nộp không phải chủ hồ sơ, chưa có giấy ủy quyền",
            respond_by=vn(2026, 5, 5, 17),
        )
        with time_machine.travel(vn(2026, 4, 21, 10), tick=False):
            text, sizes = self.render(dossier, OfficialForm.FORM_02)
        self.assertEqual(sizes, [A5])
        self.assertHeader(text, dossier)
        self.assertIn("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", text)
        self.assertIn("Giấy khai sinh của người được cấp bản sao", text)
        self.assertIn("Văn bản ủy quyền có chứng thực", text)
        self.assertIn("Người nộp không phải chủ hồ sơ, chưa có giấy ủy quyền", text)
        self.assertIn("17 giờ 00 phút, ngày 05 tháng 05 năm 2026", text)
        self.assertIn("NGƯỜI HƯỚNG DẪN", text)

    def test_it_states_the_refusal_reason_in_form_03(self) -> None:
        with time_machine.travel(RECEIVED, tick=False):
            dossier = dossier_refuse_at_counter(
                by=self.world.staff[R.RECEPTION_OFFICER],
                agency=self.world.center,
                procedure_code=self.world.code,
                variant_code=None,
                owner=OWNER,
                reason="Yêu cầu không thuộc thẩm quyền giải quyết của Trung tâm",
            )
            text, sizes = self.render(dossier, OfficialForm.FORM_03)
        self.assertEqual(sizes, [A5])
        self.assertHeader(text, dossier)
        self.assertIn("PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ", text)
        self.assertIn("Yêu cầu không thuộc thẩm quyền giải quyết của Trung tâm", text)
        self.assertIn("Ông (Bà): Nguyễn Thị Hương", text)
        self.assertIn("NGƯỜI TỪ CHỐI", text)

    def test_it_states_the_refusal_after_appraisal_in_form_03(self) -> None:
        dossier = self.receive()
        self.to_step(dossier, 3)
        self.act(
            dossier,
            vn(2026, 4, 22, 9),
            A.REFUSE_RESULT,
            R.AGENCY_LEADER,
            reason="Người yêu cầu không đủ điều kiện được cấp",
        )
        text, _ = self.render(dossier, OfficialForm.FORM_03)
        self.assertIn("Người yêu cầu không đủ điều kiện được cấp", text)
        self.assertIn("THỦ TRƯỞNG CƠ QUAN", text)

    def test_it_gives_old_and_new_appointment_in_form_04(self) -> None:
        dossier = self.receive()
        self.to_step(dossier, 2)
        self.act(
            dossier,
            vn(2026, 4, 22, 9),
            A.APOLOGIZE,
            R.AGENCY_LEADER,
            reason="Cần xác minh thông tin hộ tịch tại địa phương khác",
            new_due_at=vn(2026, 5, 5, 16),
        )
        text, sizes = self.render(dossier, OfficialForm.FORM_04)
        self.assertEqual(sizes, [A5])
        self.assertHeader(text, dossier)
        self.assertIn("VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", text)
        self.assertIn("V/v xin lỗi đối với hồ sơ giải quyết quá hạn", text)
        self.assertIn("Kính gửi: Ông/Bà Trần Văn Đức", text)
        self.assertIn("Vào 17 giờ 00 phút, ngày 20 tháng 04 năm 2026", text)  # received
        self.assertIn("17 giờ 00 phút, ngày 28 tháng 04 năm 2026", text)  # old
        self.assertIn("16 giờ 00 phút, ngày 05 tháng 05 năm 2026", text)  # new
        self.assertIn("Cần xác minh thông tin hộ tịch tại địa phương khác", text)
        self.assertIn("Huế, ngày 22 tháng 04 năm 2026", text)  # dated when sent

    def test_it_notices_the_stop_in_form_05(self) -> None:
        dossier = self.receive()
        self.to_step(dossier, 2)
        self.act(
            dossier,
            vn(2026, 4, 22, 14, 30),
            A.STOP,
            R.AGENCY_LEADER,
            reason="Công dân có đơn đề nghị dừng giải quyết",
        )
        text, sizes = self.render(dossier, OfficialForm.FORM_05)
        self.assertEqual(sizes, [A5])
        self.assertHeader(text, dossier)
        self.assertIn("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", text)
        self.assertIn("14 giờ 30 phút, ngày 22 tháng 04 năm 2026", text)
        self.assertIn("Công dân có đơn đề nghị dừng giải quyết", text)
        self.assertIn("chưa có quyết định hoặc kết quả giải quyết", text)
        self.assertIn("Đang xử lý", text)

    def test_it_renders_the_result_return_receipt(self) -> None:
        dossier = self.receive()
        self.to_step(dossier, 4)
        self.act(
            dossier,
            vn(2026, 4, 23, 9),
            A.ISSUE_RESULT,
            R.CLERK,
            result={
                "kind": "Bản sao trích lục khai sinh",
                "number": "125/TLKS-BS",
                "summary": "Trích lục cho bà Hương",
            },
        )
        self.act(dossier, vn(2026, 4, 24, 10, 15), A.RETURN_RESULT, R.RECEPTION_OFFICER)
        text, sizes = self.render(dossier, OfficialForm.RESULT_RECEIPT)
        self.assertEqual(sizes, [A5])
        self.assertHeader(text, dossier)
        self.assertIn("GIẤY BIÊN NHẬN TRẢ KẾT QUẢ", text)
        self.assertIn("Bản sao trích lục khai sinh, số, ký hiệu: 125/TLKS-BS", text)
        self.assertIn("10 giờ 15 phút, ngày 24 tháng 04 năm 2026", text)
        self.assertIn("Chủ hồ sơ: Nguyễn Thị Hương", text)

    def test_it_refuses_a_form_without_its_record(self) -> None:
        dossier = self.receive()
        for form in (
            OfficialForm.FORM_02,
            OfficialForm.FORM_03,
            OfficialForm.FORM_04,
            OfficialForm.FORM_05,
            OfficialForm.RESULT_RECEIPT,
            OfficialForm.FORM_07,
        ):
            with self.subTest(form=form), self.assertRaises(FormNotApplicable):
                official_form_html(dossier=dossier, form=form)

    # --- Mẫu 07 ---------------------------------------------------------------------------

    def test_it_renders_the_register_of_a_period_one_row_per_dossier(self) -> None:
        first = self.receive()
        self.to_step(first, 1)
        with time_machine.travel(vn(2026, 4, 22, 9), tick=False):
            second = self.world.receive(
                owner=PartyData(full_name="Lê Quang Vũ", address="3 Đống Đa", phone="0935111222")
            )
            refused = dossier_refuse_at_counter(
                by=self.world.staff[R.RECEPTION_OFFICER],
                agency=self.world.center,
                procedure_code=self.world.code,
                variant_code=None,
                owner=PartyData(full_name="Phạm Thị Ánh Tuyết"),
                reason="Không thuộc thẩm quyền",
            )
        with time_machine.travel(vn(2026, 4, 24, 9), tick=False):
            outside = self.world.receive()  # after the period
        with self.assertNumQueries(3):  # fixed: dossiers, parties, events
            listed = register_dossiers(
                agency=self.world.center, start=dt.date(2026, 4, 20), end=dt.date(2026, 4, 22)
            )
        self.assertEqual([d.code for d in listed], [first.code, second.code, refused.code])
        self.assertNotIn(outside.code, [d.code for d in listed])
        data = register_pdf(
            agency=self.world.center, start=dt.date(2026, 4, 20), end=dt.date(2026, 4, 22)
        )
        self.assertEqual(page_sizes(data), [(A4[1], A4[0])])  # A4 landscape
        if os.environ.get("MOTCUA_FORMS_DUMP"):
            Path(os.environ["MOTCUA_FORMS_DUMP"], "mau-07.pdf").write_bytes(data)
        text = pdf_text(data)
        self.assertIn("SỔ THEO DÕI HỒ SƠ", text)
        self.assertIn("Từ 20/04/2026 đến 22/04/2026", text)
        for name in ("Nguyễn Thị Hương", "Lê Quang Vũ", "Phạm Thị Ánh Tuyết"):
            self.assertIn(name, text)
        self.assertIn("Không được tiếp nhận", text)
        html = register_html(
            agency=self.world.center, start=dt.date(2026, 4, 20), end=dt.date(2026, 4, 22)
        )
        # The page header is one table row, the register's head another, then one per dossier.
        self.assertEqual(html.count("</tr>") - 2, 3)
