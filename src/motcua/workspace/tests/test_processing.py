"""Online intake and processing actions on the staff dossier page (gh-6 items 5–7).

Every action goes through HTTP (the page's own forms) and is checked in the
database the engine writes. The clock is frozen on Tue 10/03/2026 09:00 in
Huế (an ordinary working week).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase, override_settings, tag
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import time_machine

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.calendars.selectors import work_calendar_for
from motcua.calendars.workingtime import add_working_time, working_time_between
from motcua.dossiers.constants import DocumentKind, DossierStatus, EventAction
from motcua.dossiers.deadlines import step_due_from
from motcua.dossiers.models import (
    CoordinationRequest,
    Dossier,
    DossierDocument,
    Extension,
    LinkedLeg,
    SupplementRequest,
)
from motcua.dossiers.services import dossier_act
from motcua.dossiers.tests.test_receive import World, make_world, vn
from motcua.dossiers.tests.test_transitions import bring
from motcua.organisations.constants import Role
from motcua.organisations.tests.factories import MembershipFactory
from motcua.signing.tests.pki import small_pdf

A = EventAction
R = Role
S = DossierStatus
NOW = vn(2026, 3, 10, 9)
HOUR = dt.timedelta(hours=1)


def local(value: dt.datetime) -> str:
    """The value a ``datetime-local`` input posts."""
    return value.astimezone(vn(2026, 1, 1, 0).tzinfo).strftime("%Y-%m-%dT%H:%M")


@tag("gh-6")
@override_settings(MOTCUA_DEMO=True)
class ProcessingTests(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.side = MembershipFactory(agency=cls.world.department, role=R.SPECIALIST).user
        # Eligible and not: a second division head, an expired one, another agency's one.
        cls.head2 = MembershipFactory(agency=cls.world.center, role=R.DIVISION_HEAD).user
        cls.expired = MembershipFactory(
            agency=cls.world.center,
            role=R.DIVISION_HEAD,
            valid_from=dt.date(2020, 1, 1),
            valid_to=dt.date(2021, 1, 1),
        ).user
        # Demo accounts (MOTCUA_DEMO on): the second factor is skipped.
        User.objects.filter(kind=UserKind.STAFF).update(is_demo=True)

    def setUp(self) -> None:
        self.traveller = time_machine.travel(NOW, tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)
        media = tempfile.mkdtemp(prefix="motcua-processing-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        settings = override_settings(MEDIA_ROOT=media)
        settings.enable()
        self.addCleanup(settings.disable)

    # --- helpers --------------------------------------------------------------------------

    def as_(self, role: Role) -> None:
        self.client.force_login(self.world.staff[role])

    def page(self, dossier: Dossier) -> Any:
        response = self.client.get(reverse("workspace:dossier", args=[dossier.code]))
        self.assertEqual(response.status_code, 200)
        return response

    def act(self, dossier: Dossier, action: EventAction, data: dict[str, Any]) -> Any:
        return self.client.post(
            reverse("workspace:action", args=[dossier.code, action.value]), data
        )

    def form(self, response: Any, action: EventAction) -> Any:
        return next(f for f in response.context["page"].actions if f.action == action)

    def slugs(self, response: Any) -> list[str]:
        return [f.slug for f in response.context["page"].actions]

    def print_url(self, dossier: Dossier, form: str) -> str:
        return reverse("workspace:official-form", args=[dossier.code, form])

    # --- item 5: online intake --------------------------------------------------------------

    def test_an_online_dossier_is_accepted_and_mau_01_is_printable(self) -> None:
        d = bring(self.world, "submitted")
        self.as_(R.RECEPTION_OFFICER)
        response = self.page(d)
        for slug in ("accept", "request_supplement", "refuse"):
            self.assertIn(slug, self.slugs(response))
        self.assertContains(response, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)")
        self.assertNotContains(response, self.print_url(d, "mau-01"))
        response = self.act(d, A.ACCEPT, {"note": "Hồ sơ đầy đủ"})
        self.assertRedirects(response, reverse("workspace:dossier", args=[d.code]))
        d.refresh_from_db()
        self.assertEqual(d.status, S.RECEIVED)
        self.assertEqual(d.received_at, NOW)
        self.assertContains(self.page(d), self.print_url(d, "mau-01"))
        pdf = self.client.get(self.print_url(d, "mau-01"))
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_a_supplement_is_requested_before_acceptance_listing_every_item(self) -> None:
        d = bring(self.world, "submitted")
        self.as_(R.RECEPTION_OFFICER)
        response = self.act(
            d,
            A.REQUEST_SUPPLEMENT,
            {"items": "Bản sao CCCD\n\nTờ khai có chữ ký", "reason": "", "respond_by": ""},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Bản sao CCCD\n\nTờ khai có chữ ký", status_code=400)
        self.assertFalse(SupplementRequest.objects.filter(dossier=d).exists())
        response = self.act(
            d,
            A.REQUEST_SUPPLEMENT,
            {"items": "Bản sao CCCD\n\nTờ khai có chữ ký", "reason": "Thiếu giấy tờ"},
        )
        self.assertEqual(response.status_code, 302)
        request = SupplementRequest.objects.get(dossier=d)
        self.assertEqual(request.items, ["Bản sao CCCD", "Tờ khai có chữ ký"])
        self.assertTrue(request.before_reception)
        d.refresh_from_db()
        self.assertEqual(d.status, S.SUBMITTED)
        self.assertContains(self.page(d), self.print_url(d, "mau-02"))

    def test_an_online_dossier_is_refused_with_its_reason(self) -> None:
        d = bring(self.world, "submitted")
        self.as_(R.RECEPTION_OFFICER)
        response = self.act(d, A.REFUSE, {"reason": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="refuse-reason-errors"', status_code=400)
        d.refresh_from_db()
        self.assertEqual(d.status, S.SUBMITTED)
        reason = "Thủ tục không thuộc thẩm quyền giải quyết của Trung tâm"
        self.assertEqual(self.act(d, A.REFUSE, {"reason": reason}).status_code, 302)
        d.refresh_from_db()
        self.assertEqual(d.status, S.REFUSED)
        self.assertEqual(d.events.order_by("-seq")[0].note, reason)
        self.assertContains(self.page(d), self.print_url(d, "mau-03"))
        self.assertEqual(self.client.get(self.print_url(d, "mau-03")).status_code, 200)
        # A form the history did not produce is not there.
        self.assertEqual(self.client.get(self.print_url(d, "mau-04")).status_code, 404)
        self.assertEqual(self.client.get(self.print_url(d, "mau-07")).status_code, 404)

    # --- item 6: assign, coordination, liên thông, result ------------------------------------

    def test_assign_lists_only_eligible_officers_and_keeps_the_choice_on_error(self) -> None:
        d = bring(self.world, "step1")
        self.as_(R.AGENCY_LEADER)
        response = self.page(d)
        field = self.form(response, A.ASSIGN).field("handler")
        self.assertEqual(field.widget, "select")
        listed = {value for value, _ in field.options}
        self.assertEqual(listed, {self.world.staff[R.DIVISION_HEAD].username, self.head2.username})
        self.assertNotIn(self.expired.username, listed)
        self.assertNotIn(self.world.staff[R.SPECIALIST].username, listed)
        self.assertNotIn(self.world.other_staff[R.DIVISION_HEAD].username, listed)
        self.assertContains(response, f'<option value="{self.head2.username}">')
        # Posting someone else is refused by the engine, the choice kept.
        specialist = self.world.staff[R.SPECIALIST].username
        response = self.act(d, A.ASSIGN, {"handler": specialist, "note": "Giao gấp"})
        self.assertContains(
            response, "Cán bộ được giao không có vai trò của bước xử lý này.", status_code=400
        )
        self.assertContains(response, f'<option value="{specialist}" selected>', status_code=400)
        self.assertContains(response, "Giao gấp", status_code=400)
        self.assertEqual(
            self.act(d, A.ASSIGN, {"handler": self.head2.username, "note": ""}).status_code, 302
        )
        d.refresh_from_db()
        self.assertEqual(d.handler, self.head2)

    def test_a_coordination_request_with_its_due_date_and_the_answer(self) -> None:
        d = bring(self.world, "step2")
        self.as_(R.SPECIALIST)
        response = self.page(d)
        options = dict(self.form(response, A.COORDINATE).field("agency_code").options)
        self.assertIn(self.world.department.code, options)
        self.assertNotIn(self.world.center.code, options)  # not the competent agency itself
        question = "Xin ý kiến về tình trạng pháp lý của thửa đất"
        late = self.act(
            d,
            A.COORDINATE,
            {
                "agency_code": self.world.department.code,
                "question": question,
                "due_at": local(NOW - HOUR),
            },
        )
        self.assertContains(late, "Hạn trả lời phải sau thời điểm hiện tại.", status_code=400)
        self.assertContains(late, question, status_code=400)
        due = vn(2026, 3, 13, 17)
        ok = self.act(
            d,
            A.COORDINATE,
            {"agency_code": self.world.department.code, "question": question, "due_at": local(due)},
        )
        self.assertEqual(ok.status_code, 302)
        request = CoordinationRequest.objects.get(dossier=d)
        self.assertEqual((request.agency, request.due_at), (self.world.department, due))
        page = self.page(d)
        self.assertContains(page, "Xin ý kiến phối hợp")
        self.assertContains(page, "13/03/2026")
        # The consulted department answers from the same page.
        self.client.force_login(self.side)
        response = self.page(d)
        self.assertEqual(self.slugs(response), ["coordination_answer"])
        field = self.form(response, A.COORDINATION_ANSWER).field("coordination_id")
        self.assertEqual([v for v, _ in field.options], [str(request.pk)])
        empty = self.act(d, A.COORDINATION_ANSWER, {"answer": "", "coordination_id": request.pk})
        self.assertContains(empty, 'id="coordination_answer-answer-errors"', status_code=400)
        answer = {"answer": "Thống nhất, đủ điều kiện", "coordination_id": str(request.pk)}
        # Answered: the department no longer reaches the dossier, back to its work list.
        self.assertRedirects(self.act(d, A.COORDINATION_ANSWER, answer), reverse("workspace:home"))
        request.refresh_from_db()
        self.assertEqual(request.answer, "Thống nhất, đủ điều kiện")

    def test_link_legs_are_created_with_their_deadlines_and_rows_are_added_without_js(self) -> None:
        d = bring(self.world, "step2")
        self.as_(R.AGENCY_LEADER)
        response = self.page(d)
        form = self.form(response, A.LINK)
        self.assertEqual(len(form.legs), 1)
        self.assertIn(self.world.department.code, dict(form.agencies))
        first = {
            "so_dong": "1",
            "legs-0-agency_code": self.world.department.code,
            "legs-0-budget_hours": "16",
            "legs-0-order": "1",
            "note": "Liên thông",
        }
        # "Add a row": nothing happens to the dossier, the typed row comes back plus an empty one.
        response = self.act(d, A.LINK, {**first, "them_dong": "1"})
        self.assertEqual(response.status_code, 200)
        form = self.form(response, A.LINK)
        self.assertEqual(len(form.legs), 2)
        self.assertEqual(form.legs[0].budget_hours, "16")
        self.assertContains(response, 'name="legs-1-agency_code"')
        self.assertFalse(LinkedLeg.objects.filter(dossier=d).exists())
        # A bad row: the error is on that row, every value kept.
        bad = {
            **first,
            "so_dong": "2",
            "legs-1-agency_code": self.world.other.code,
            "legs-1-budget_hours": "0",
            "legs-1-order": "2",
        }
        response = self.act(d, A.LINK, bad)
        self.assertEqual(response.status_code, 400)
        form = self.form(response, A.LINK)
        self.assertEqual(form.legs[0].errors, {})
        self.assertIn("Thời hạn phải lớn hơn 0.", form.legs[1].error_list)
        self.assertContains(response, 'name="legs-1-budget_hours" value="0"', status_code=400)
        self.assertFalse(LinkedLeg.objects.filter(dossier=d).exists())
        # Two sequential legs: the second starts when the first is planned to end.
        response = self.act(d, A.LINK, {**bad, "legs-1-budget_hours": "8"})
        self.assertEqual(response.status_code, 302)
        legs = list(LinkedLeg.objects.filter(dossier=d).order_by("order"))
        self.assertEqual(
            [(leg.agency, leg.order) for leg in legs],
            [
                (self.world.department, 1),
                (self.world.other, 2),
            ],
        )
        first_due = step_due_from(
            start=NOW, budget_hours=Decimal(16), cal=work_calendar_for(agency=self.world.department)
        )
        self.assertEqual(legs[0].due_at, first_due)
        self.assertEqual(
            legs[1].due_at,
            step_due_from(
                start=first_due,
                budget_hours=Decimal(8),
                cal=work_calendar_for(agency=self.world.other),
            ),
        )
        page = self.page(d)
        self.assertContains(page, "Liên thông")
        self.assertContains(page, legs[1].due_at.astimezone(first_due.tzinfo).strftime("%d/%m/%Y"))
        # The department records its leg as done, choosing it from the open legs.
        self.client.force_login(self.side)
        response = self.page(d)
        field = self.form(response, A.LINK_DONE).field("leg_id")
        self.assertEqual([value for value, _ in field.options], [str(legs[0].pk)])
        done = {"leg_id": str(legs[0].pk), "result_note": "Đã thẩm định xong"}
        self.assertRedirects(self.act(d, A.LINK_DONE, done), reverse("workspace:home"))
        legs[0].refresh_from_db()
        self.assertEqual(legs[0].result_note, "Đã thẩm định xong")
        self.assertIsNotNone(legs[0].done_at)

    def test_the_result_is_issued_with_an_uploaded_pdf_and_a_register_number(self) -> None:
        d = bring(self.world, "step4")
        self.as_(R.CLERK)
        response = self.page(d)
        form = self.form(response, A.ISSUE_RESULT)
        self.assertTrue(form.multipart)
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertEqual(form.field("result.number").value, "")  # blank: the register issues it
        self.assertIn("hiện là 1", form.field("result.number").hint)
        # A renamed program is refused next to the file field; the good file is kept.
        response = self.act(
            d,
            A.ISSUE_RESULT,
            {
                "result.number": "15/QĐ-UBND",
                "result.title": "Bản sao trích lục hộ tịch",
                "tep": [
                    SimpleUploadedFile("ket-qua.pdf", small_pdf()),
                    SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 64),
                ],
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "setup.pdf", status_code=400)
        self.assertContains(response, 'value="15/QĐ-UBND"', status_code=400)
        kept = self.form(response, A.ISSUE_RESULT).uploads
        self.assertEqual([u.name for u in kept], ["ket-qua.pdf"])
        d.refresh_from_db()
        self.assertEqual(d.status, S.PROCESSING)
        # Sent again with the kept upload: issued, the PDF is the dossier's result.
        response = self.act(
            d,
            A.ISSUE_RESULT,
            {
                "result.number": "15/QĐ-UBND",
                "result.title": "Bản sao trích lục hộ tịch",
                "result.summary": "",
                "upload_ids": [kept[0].id],
                "upload_names": [kept[0].name],
                "note": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        d.refresh_from_db()
        self.assertEqual(d.status, S.RESOLVED)
        document = DossierDocument.objects.get(dossier=d, kind=DocumentKind.RESULT)
        self.assertEqual(document.name, "Bản sao trích lục hộ tịch")
        self.assertEqual(document.media_type, "application/pdf")
        event = d.events.order_by("-seq")[0]
        self.assertEqual(
            event.data["result"], {"number": "15/QĐ-UBND", "title": "Bản sao trích lục hộ tịch"}
        )
        page = self.page(d)
        self.assertContains(page, "Số văn bản kết quả: <strong>15/QĐ-UBND</strong>")
        # The register follows a number given by hand: the next one left blank gets 16,
        # and 15 cannot be given twice in the year.
        other = bring(self.world, "step4")
        self.assertIn(
            "hiện là 16", self.form(self.page(other), A.ISSUE_RESULT).field("result.number").hint
        )
        twice = self.act(other, A.ISSUE_RESULT, {"result.number": "15/QĐ-UBND"})
        self.assertContains(twice, f"đã cấp cho kết quả của hồ sơ {d.code}", status_code=400)
        file = SimpleUploadedFile("qd.pdf", small_pdf())
        self.assertEqual(self.act(other, A.ISSUE_RESULT, {"tep": file}).status_code, 302)
        issued = other.events.order_by("-seq")[0]
        self.assertEqual(issued.data["result"]["number"], "16")

    def test_a_result_with_a_file_in_one_post(self) -> None:
        d = bring(self.world, "step4")
        self.as_(R.CLERK)
        response = self.act(
            d,
            A.ISSUE_RESULT,
            {"result.number": "7", "tep": SimpleUploadedFile("qd.pdf", small_pdf())},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            DossierDocument.objects.filter(dossier=d, kind=DocumentKind.RESULT).exists()
        )

    # --- item 7: supplement limit, apology, stop, withdrawal, financial pause ----------------

    def test_the_supplement_limit_warns_when_near_and_when_passed(self) -> None:
        d = bring(self.world, "step2")  # transferred at NOW: the limit is 3 working days later
        cal = work_calendar_for(agency=self.world.center)
        deadline = add_working_time(NOW, dt.timedelta(hours=24), cal)
        self.as_(R.SPECIALIST)
        response = self.page(d)
        self.assertEqual(response.context["page"].processing.supplement_limit.deadline, deadline)
        self.assertContains(response, 'id="supplement-limit-info"')
        self.assertNotContains(response, 'id="supplement-limit"')
        with time_machine.travel(add_working_time(NOW, dt.timedelta(hours=20), cal), tick=False):
            self.as_(R.SPECIALIST)  # a new session: the old one timed out
            response = self.page(d)
            self.assertContains(response, 'id="supplement-limit"')
            self.assertContains(response, "Sắp hết thời hạn yêu cầu bổ sung hồ sơ")
            self.assertContains(response, "còn 4 giờ")
        with time_machine.travel(deadline + HOUR, tick=False):
            self.as_(R.SPECIALIST)
            response = self.page(d)
            self.assertContains(response, "Đã quá thời hạn yêu cầu bổ sung hồ sơ")
            # The engine refuses, and the page says why.
            refused = self.act(d, A.REQUEST_SUPPLEMENT, {"items": "Bản sao", "reason": "Thiếu"})
            self.assertContains(refused, "Đã quá thời hạn yêu cầu bổ sung hồ sơ", status_code=400)
            self.assertContains(refused, "Bản sao", status_code=400)

    def test_the_apology_is_proposed_on_its_last_day_and_never_after_it_was_sent(self) -> None:
        d = bring(self.world, "step2")
        assert d.due_at is not None
        cal = work_calendar_for(agency=self.world.center)
        self.as_(R.AGENCY_LEADER)
        self.assertIsNone(self.page(d).context["page"].processing.apology)
        # 1.5 working days before the due instant (received at NOW, due 5 working days
        # later): the apology's last day, as it must come at least one working day before.
        moment = add_working_time(NOW, dt.timedelta(hours=28), cal)
        self.assertEqual(working_time_between(moment, d.due_at, cal), dt.timedelta(hours=12))
        with time_machine.travel(moment, tick=False):
            self.as_(R.AGENCY_LEADER)  # a new session: the old one timed out
            response = self.page(d)
            proposal = response.context["page"].processing.apology
            self.assertIsNotNone(proposal)
            self.assertEqual(
                add_working_time(proposal.last_instant, dt.timedelta(hours=8), cal), d.due_at
            )
            self.assertContains(response, 'id="apology-proposal"')
            form = self.form(response, A.APOLOGIZE)
            self.assertTrue(form.open)
            self.assertEqual(form.field("new_due_at").value, local(proposal.new_due_at))
            self.assertContains(response, 'id="thao-tac-apologize" open')
            # The specialist sees the proposal too (the handling unit), without the action.
            self.as_(R.SPECIALIST)
            response = self.page(d)
            self.assertContains(response, 'id="apology-proposal"')
            self.assertNotIn("apologize", self.slugs(response))
            self.as_(R.AGENCY_LEADER)
            new_due = proposal.new_due_at
            sent = self.act(
                d, A.APOLOGIZE, {"reason": "Chờ ý kiến phối hợp", "new_due_at": local(new_due)}
            )
            self.assertEqual(sent.status_code, 302)
            self.assertEqual(Extension.objects.get(dossier=d).new_due_at, new_due)
            response = self.page(d)
            self.assertIsNone(response.context["page"].processing.apology)
            self.assertNotIn("apologize", self.slugs(response))
            self.assertContains(response, self.print_url(d, "mau-04"))
            self.assertEqual(self.client.get(self.print_url(d, "mau-04")).status_code, 200)
        # Less than one working day before the due instant: too late, nothing proposed.
        other = bring(self.world, "step2")
        assert other.due_at is not None
        with time_machine.travel(other.due_at - HOUR, tick=False):
            self.as_(R.AGENCY_LEADER)
            self.assertIsNone(self.page(other).context["page"].processing.apology)
        # At the last step (the result is being issued) nothing is proposed either.
        last = bring(self.world, "step4")
        with time_machine.travel(moment, tick=False):
            self.as_(R.AGENCY_LEADER)
            self.assertIsNone(self.page(last).context["page"].processing.apology)

    def test_stop_at_the_citizens_request_prints_mau_05(self) -> None:
        d = bring(self.world, "step2")
        self.as_(R.RECEPTION_OFFICER)
        self.assertIn("stop", self.slugs(self.page(d)))
        self.assertEqual(self.act(d, A.STOP, {"reason": ""}).status_code, 400)
        response = self.act(d, A.STOP, {"reason": "Công dân đề nghị dừng giải quyết"})
        self.assertEqual(response.status_code, 302)
        d.refresh_from_db()
        self.assertEqual(d.status, S.STOPPED)
        self.assertContains(self.page(d), self.print_url(d, "mau-05"))
        self.assertEqual(self.client.get(self.print_url(d, "mau-05")).status_code, 200)

    def test_withdrawal_at_the_citizens_request(self) -> None:
        d = bring(self.world, "step2")
        self.as_(R.RECEPTION_OFFICER)
        response = self.act(d, A.WITHDRAW, {"reason": "Công dân rút hồ sơ"})
        self.assertEqual(response.status_code, 302)
        d.refresh_from_db()
        self.assertEqual(d.status, S.WITHDRAWN)

    def test_the_financial_obligation_pauses_and_resumes_the_clock(self) -> None:
        d = bring(self.world, "step2")
        due = d.due_at
        assert due is not None
        self.as_(R.SPECIALIST)
        self.assertIn("pause_financial", self.slugs(self.page(d)))
        self.assertEqual(self.act(d, A.PAUSE_FINANCIAL, {"note": "Chờ nộp thuế"}).status_code, 302)
        d.refresh_from_db()
        self.assertEqual(d.status, S.AWAITING_PAYMENT)
        self.assertIn("resume", self.slugs(self.page(d)))
        cal = work_calendar_for(agency=self.world.center)
        with time_machine.travel(add_working_time(NOW, dt.timedelta(hours=8), cal), tick=False):
            self.as_(R.SPECIALIST)
            self.assertEqual(self.act(d, A.RESUME, {"note": "Đã nộp"}).status_code, 302)
        d.refresh_from_db()
        self.assertEqual(d.status, S.PROCESSING)
        assert d.due_at is not None
        self.assertEqual(d.due_at, add_working_time(due, dt.timedelta(hours=8), cal))

    # --- performance -----------------------------------------------------------------------

    def test_the_dossier_page_runs_a_fixed_number_of_queries(self) -> None:
        small = bring(self.world, "step2")
        busy = bring(self.world, "step2")
        specialist = self.world.staff[R.SPECIALIST]
        head = self.world.staff[R.DIVISION_HEAD]
        ask = {"agency": self.world.department, "question": "Xin ý kiến"}
        dossier_act(
            code=small.code, action=A.COORDINATE, by=specialist, due_at=vn(2026, 3, 11, 17), **ask
        )
        for _ in range(3):  # a longer history: back and forth
            dossier_act(code=busy.code, action=A.SEND_BACK, by=specialist, reason="Xem lại")
            dossier_act(code=busy.code, action=A.FORWARD, by=head)
        for day in (11, 12, 13):
            dossier_act(
                code=busy.code,
                action=A.COORDINATE,
                by=specialist,
                due_at=vn(2026, 3, day, 17),
                **ask,
            )
        self.client.force_login(specialist)
        url = reverse("workspace:dossier", args=[small.code])
        self.client.get(url)  # warm the per-process caches (calendars)
        with CaptureQueriesContext(connection) as one:
            self.client.get(url)
        with self.assertNumQueries(len(one.captured_queries)):
            response = self.client.get(reverse("workspace:dossier", args=[busy.code]))
        self.assertEqual(len(response.context["page"].processing.coordination), 3)
