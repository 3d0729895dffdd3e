"""What each message says (NĐ 224/2026 Art 15(1)(g)): agency, handling unit, times, next step.

Rendered in the recipient's language: Vietnamese unless their account chose another.
"""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _

import time_machine

from motcua.dossiers.constants import ReturnMode
from motcua.dossiers.uploads import upload_store
from motcua.notifications.constants import NotificationChannel, NotificationKind
from motcua.notifications.models import Notification, NotificationPreference
from motcua.organisations.models import Department

from .base import NOW, A, NotificationTestCase, R, vn

K = NotificationKind


class MessageContentTests(NotificationTestCase):
    def sent(self, kind: NotificationKind, channel: str = NotificationChannel.EMAIL) -> str:
        return Notification.objects.get(kind=kind, channel=channel).body

    def test_the_reception_message_names_agency_times_and_next_step(self) -> None:
        with time_machine.travel(NOW, tick=False):
            dossier = self.receive()
        body = self.sent(K.RECEIVED)
        self.assertIn("Kính gửi Ông/Bà Nguyễn Thị Hoa,", body)
        self.assertIn(f"Mã hồ sơ: {dossier.code}", body)
        self.assertIn("Cơ quan tiếp nhận: Trung tâm Phục vụ hành chính công thành phố", body)
        self.assertIn("Đơn vị đang xử lý: Trung tâm Phục vụ hành chính công thành phố", body)
        self.assertIn("Thời điểm tiếp nhận: 09:00 ngày 10/03/2026", body)
        # Tue 10/03 09:00 + 5 working days = Tue 17/03/2026 09:00.
        self.assertIn("Hẹn trả kết quả: 09:00 ngày 17/03/2026", body)
        self.assertIn("Việc Ông/Bà cần làm tiếp theo:\nÔng/Bà không cần làm gì thêm", body)
        self.assertIn(f"/tra-cuu/?code={dossier.code}&key={dossier.lookup_key}", body)
        self.assertIn("01 Lê Lai, phường Thuận Hóa, Huế", body)
        # The e-mail never carries the identity number.
        self.assertNotIn("046190000123", mail.outbox[0].body + str(mail.outbox[0].alternatives))

    def test_the_supplement_request_says_what_by_when_and_where(self) -> None:
        step = self.world.steps[1]  # "Thẩm định", done by the department's civil-status unit
        step.department = Department.objects.create(agency=self.world.center, name="Phòng Hộ tịch")
        step.save()
        with time_machine.travel(NOW, tick=False):
            dossier = self.receive()
            self.to_processing(dossier)
            self.act(
                dossier,
                A.REQUEST_SUPPLEMENT,
                R.SPECIALIST,
                items=["Bản sao CCCD", {"name": "Tờ khai có chữ ký"}],
                reason="Tờ khai chưa ký",
                respond_by=vn(2026, 3, 20, 17),
            )
        body = self.sent(K.SUPPLEMENT_REQUESTED)
        self.assertIn("Đơn vị đang xử lý: Phòng Hộ tịch", body)
        self.assertIn("Cần bổ sung: Bản sao CCCD; Tờ khai có chữ ký", body)
        self.assertIn("Lý do: Tờ khai chưa ký", body)
        self.assertIn("Hạn bổ sung: 17:00 ngày 20/03/2026", body)
        self.assertIn("Thời hạn giải quyết tạm dừng", body)
        self.assertIn(
            "trên Cổng dịch vụ công hoặc nộp trực tiếp tại Trung tâm Phục vụ hành chính công "
            "thành phố",
            body,
        )

    def test_fee_due_lists_the_unpaid_fees_and_how_to_pay(self) -> None:
        with time_machine.travel(NOW, tick=False):
            dossier = self.receive()
            self.to_processing(dossier)
            self.act(dossier, A.PAUSE_FINANCIAL, R.SPECIALIST)
        body = self.sent(K.FEE_DUE)
        self.assertIn("Khoản phải nộp: Lệ phí cấp bản sao: 8.000 đồng", body)
        self.assertIn("Ông/Bà nộp tiền theo thông báo của", body)

    def test_the_apology_gives_the_reason_the_old_and_the_new_date(self) -> None:
        with time_machine.travel(NOW, tick=False):
            dossier = self.receive()
            self.to_processing(dossier)
            self.act(
                dossier,
                A.APOLOGIZE,
                R.AGENCY_LEADER,
                reason="Cần xác minh thêm",
                new_due_at=vn(2026, 3, 20, 16),
            )
        body = self.sent(K.APOLOGY)
        self.assertIn("xin lỗi Ông/Bà vì chưa trả được kết quả đúng hẹn", body)
        self.assertIn("Lý do: Cần xác minh thêm", body)
        self.assertIn("Hẹn trả cũ: 09:00 ngày 17/03/2026", body)
        self.assertIn("Ngày hẹn trả mới: 16:00 ngày 20/03/2026", body)
        sms_free = self.sent(K.APOLOGY, NotificationChannel.IN_APP)
        self.assertIn("Ngày hẹn trả mới: 16:00 ngày 20/03/2026", sms_free)

    def test_result_ready_says_where_to_collect_it_by_return_mode(self) -> None:
        with time_machine.travel(NOW, tick=False) as clock:
            counter = self.receive()
            electronic = self.receive(return_mode=ReturnMode.ELECTRONIC)
            for dossier in (counter, electronic):
                self.to_processing(dossier)
                self.act(dossier, A.FORWARD, R.SPECIALIST)
                self.act(dossier, A.FORWARD, R.AGENCY_LEADER)
            clock.shift(dt.timedelta(hours=1))
            self.act(counter, A.ISSUE_RESULT, R.CLERK)
            # An electronic result is issued with its signed file (the engine requires it).
            clerk = self.world.staff[R.CLERK]
            signed = upload_store(
                file=SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.7\n%%EOF\n"), user=clerk
            )
            self.act(electronic, A.ISSUE_RESULT, R.CLERK, upload_ids=[signed.pk])
        ready = Notification.objects.filter(kind=K.RESULT_READY, channel=NotificationChannel.EMAIL)
        at_counter = ready.get(dossier=counter).body
        self.assertIn(
            "Mời Ông/Bà đến nhận kết quả tại Trung tâm Phục vụ hành chính công thành phố "
            "(01 Lê Lai, phường Thuận Hóa, Huế)",
            at_counter,
        )
        self.assertIn("Thời điểm cập nhật: 10:00 ngày 10/03/2026", at_counter)
        self.assertIn("tải bản điện tử của kết quả", ready.get(dossier=electronic).body)

    def test_it_is_rendered_in_the_recipients_language(self) -> None:
        NotificationPreference.objects.create(user=self.citizen, language="en")
        with time_machine.travel(NOW, tick=False):
            dossier = self.receive()
        row = Notification.objects.get(kind=K.RECEIVED, channel=NotificationChannel.EMAIL)
        self.assertEqual(row.language, "en")
        with translation.override("en"):
            subject = _("Hồ sơ %(code)s: %(title)s") % {
                "code": dossier.code,
                "title": _("Hồ sơ đã được tiếp nhận"),
            }
            next_step = _("Việc Ông/Bà cần làm tiếp theo")
        self.assertEqual(row.subject, subject)
        self.assertIn(next_step, row.body)
        # The agency's English name is used in an English message.
        self.assertIn("City Public Administrative Service Centre", row.body)
        self.assertNotIn("Trung tâm Phục vụ hành chính công thành phố", row.body)
        self.assertEqual(mail.outbox[0].extra_headers["Content-Language"], "en")
