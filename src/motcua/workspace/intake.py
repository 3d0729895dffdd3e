"""Reads behind the processing screen of a dossier (gh-6 items 5–7).

What the action forms choose from (eligible officers, agencies, open
coordination requests and liên thông legs), the next result number of the
agency's register, the warnings of the dossier page (the 3-working-day limit
for asking a supplement, the proposed apology letter) and the official forms
the dossier's history can print. The rules themselves stay in the engine
(:func:`motcua.dossiers.services.dossier_supplement_request_deadline`,
:func:`motcua.dossiers.services.dossier_apology_last_instant`); this module
only reads them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.calendars.selectors import work_calendar_for, working_time_left
from motcua.calendars.workingtime import add_working_time, working_time_between
from motcua.dossiers.constants import DossierStatus, EventAction
from motcua.dossiers.forms_official import OfficialForm, short_instant
from motcua.dossiers.models import CoordinationRequest, Dossier, DossierEvent, LinkedLeg
from motcua.dossiers.selectors import result_number_next
from motcua.dossiers.services import (
    dossier_apology_last_instant,
    dossier_supplement_request_deadline,
)
from motcua.organisations.jurisdiction import jurisdiction_for
from motcua.organisations.selectors import agency_list
from motcua.procedures.models import WorkflowStep

from .actions import FILES_FIELD, ActionForm
from .selectors import assign_candidates

A = EventAction
S = DossierStatus

# The official forms an event of the history produces (the staff may print them).
FORM_OF_EVENT: dict[EventAction, OfficialForm] = {
    A.RECEIVE: OfficialForm.FORM_01,
    A.ACCEPT: OfficialForm.FORM_01,
    A.REQUEST_SUPPLEMENT: OfficialForm.FORM_02,
    A.REFUSE: OfficialForm.FORM_03,
    A.REFUSE_RESULT: OfficialForm.FORM_03,
    A.APOLOGIZE: OfficialForm.FORM_04,
    A.STOP: OfficialForm.FORM_05,
    A.RETURN_RESULT: OfficialForm.RESULT_RECEIPT,
}
# The forms the workspace prints; Mẫu 07 is a register, not a dossier's form.
PRINTABLE = frozenset(FORM_OF_EVENT.values()) | {OfficialForm.FORM_06}


def _local_input(value: dt.datetime) -> str:
    """A ``datetime-local`` input's value, in the installation's time zone."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


# --- what the forms choose from ------------------------------------------------------------


def agency_choices(*, exclude: Iterable[int] = ()) -> list[tuple[str, str]]:
    """Agencies another one may ask or link with, as (identifier code, "name (code)")."""
    excluded = set(exclude)
    return [
        (a.code, f"{a.name} ({a.code})") for a in agency_list() if a.code and a.pk not in excluded
    ]


# --- warnings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplementLimit:
    """D6: until when a supplement may still be asked during processing."""

    deadline: dt.datetime
    left: str  # "còn 1 ngày 3 giờ" / "quá 2 giờ"
    near: bool  # within one working day
    passed: bool


def supplement_limit(*, dossier: Dossier, now: dt.datetime) -> SupplementLimit | None:
    """The limit for asking a supplement while the competent unit processes the dossier."""
    if dossier.status != S.PROCESSING:
        return None
    cal = work_calendar_for(agency=dossier.competent_agency)
    deadline = dossier_supplement_request_deadline(dossier=dossier, cal=cal)
    if deadline is None:
        return None
    passed = now > deadline
    one_day = dt.timedelta(hours=float(cal.hours_per_working_day))
    near = not passed and working_time_between(now, deadline, cal) <= one_day
    return SupplementLimit(
        deadline=deadline,
        left=working_time_left(due=deadline, agency=dossier.competent_agency, now=now),
        near=near,
        passed=passed,
    )


@dataclass(frozen=True)
class ApologyProposal:
    """D7: the system proposes an apology letter (Mẫu 04) while it is still allowed."""

    last_instant: dt.datetime  # the last instant the engine accepts an apology
    left: str
    new_due_at: dt.datetime  # a proposed new appointment


def apology_proposal(
    *, dossier: Dossier, now: dt.datetime, at_last_step: bool
) -> ApologyProposal | None:
    """Proposed when the dossier is still being processed (not at its last step), the apology
    is still allowed (once, at least one working day before the due instant: the engine's
    rule) and its last day has come — so the handling unit is told at least one working day
    before the due instant, while it can still act."""
    if dossier.status not in (S.RECEIVED, S.PROCESSING) or dossier.due_at is None:
        return None
    if at_last_step:
        return None
    cal = work_calendar_for(agency=dossier.competent_agency)
    last = dossier_apology_last_instant(dossier=dossier, now=now, cal=cal)
    if last is None:
        return None
    one_day = dt.timedelta(hours=float(cal.hours_per_working_day))
    if working_time_between(now, last, cal) > one_day:
        return None
    return ApologyProposal(
        last_instant=last,
        left=working_time_left(due=last, agency=dossier.competent_agency, now=now),
        new_due_at=add_working_time(dossier.due_at, 2 * one_day, cal),
    )


# --- the page's panel ------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintLink:
    form: OfficialForm
    label: str | Promise


@dataclass(frozen=True)
class ProcessingPanel:
    """What the dossier page adds for processing: warnings, side requests, forms to print."""

    supplement_limit: SupplementLimit | None
    apology: ApologyProposal | None
    coordination: list[CoordinationRequest]
    legs: list[LinkedLeg]
    forms: list[PrintLink]
    result_number: str  # of the last issued result, if any


def printable_forms(events: Sequence[DossierEvent]) -> list[PrintLink]:
    """The official forms the history has produced, in the order of the forms, plus Mẫu 06."""
    made = {FORM_OF_EVENT[A(e.action)] for e in events if A(e.action) in FORM_OF_EVENT}
    made.add(OfficialForm.FORM_06)
    return [PrintLink(form=f, label=f.label) for f in OfficialForm if f in made]


def processing_panel(
    *, dossier: Dossier, events: Sequence[DossierEvent], now: dt.datetime
) -> ProcessingPanel:
    at_last_step = False
    step = dossier.current_step
    if step is not None:
        at_last_step = not WorkflowStep.objects.filter(
            template_id=step.template_id, order__gt=step.order
        ).exists()
    issued = [e for e in events if e.action == A.ISSUE_RESULT]
    number = ""
    if issued:
        number = str(((issued[-1].data or {}).get("result") or {}).get("number") or "")
    return ProcessingPanel(
        supplement_limit=supplement_limit(dossier=dossier, now=now),
        apology=apology_proposal(dossier=dossier, now=now, at_last_step=at_last_step),
        coordination=list(
            CoordinationRequest.objects.filter(dossier=dossier)
            .select_related("agency", "answered_by")
            .order_by("requested_at", "id")
        ),
        legs=list(LinkedLeg.objects.filter(dossier=dossier).select_related("agency")),
        forms=printable_forms(events),
        result_number=number,
    )


# --- filling the forms -------------------------------------------------------------------------


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def action_options(
    *,
    forms: Sequence[ActionForm],
    dossier: Dossier,
    panel: ProcessingPanel,
    now: dt.datetime,
    user: User,
) -> None:
    """Fill in the choices, prefills and hints of the forms shown (queries only for those)."""
    agencies: list[tuple[str, str]] | None = None
    acting: frozenset[int] | None = None

    def acting_once() -> frozenset[int]:
        nonlocal acting
        if acting is None:
            acting = frozenset(jurisdiction_for(user=user).actionable)
        return acting

    def agencies_once() -> list[tuple[str, str]]:
        nonlocal agencies
        if agencies is None:
            agencies = agency_choices(exclude=[dossier.competent_agency_id])
        return agencies

    for form in forms:
        _fill(
            form, dossier=dossier, panel=panel, now=now, agencies=agencies_once, acting=acting_once
        )
        for f in form.fields:
            # A value posted that is not (or no longer) a choice stays visible and selected.
            if f.widget == "select" and f.value and f.value not in dict(f.options):
                f.options.append((f.value, f.value))


def _fill(
    form: ActionForm,
    *,
    dossier: Dossier,
    panel: ProcessingPanel,
    now: dt.datetime,
    agencies: Callable[[], list[tuple[str, str]]],
    acting: Callable[[], frozenset[int]],
) -> None:
    action = form.action
    if action == A.ASSIGN and (f := form.field("handler")) is not None:
        f.options = [
            (u.username, f"{u} ({u.username})") for u in assign_candidates(dossier=dossier)
        ]
        f.hint = _("Chỉ liệt kê cán bộ của cơ quan giải quyết có vai trò của bước này.")
    elif action == A.COORDINATE and (f := form.field("agency_code")) is not None:
        f.options = agencies()
    elif action == A.LINK:
        form.agencies = agencies()
    elif action == A.COORDINATION_ANSWER and (f := form.field("coordination_id")) is not None:
        f.options = [
            (
                str(r.pk),
                _("%(agency)s: %(question)s (hạn %(due)s)")
                % {
                    "agency": r.agency.name,
                    "question": _short(r.question),
                    "due": short_instant(r.due_at),
                },
            )
            for r in panel.coordination
            if r.answered_at is None and r.agency_id in acting()
        ]
    elif action == A.LINK_DONE and (f := form.field("leg_id")) is not None:
        f.options = [
            (
                str(leg.pk),
                _("%(agency)s (thứ tự %(order)s, hạn %(due)s)")
                % {
                    "agency": leg.agency.name,
                    "order": leg.order,
                    "due": short_instant(leg.due_at),
                },
            )
            for leg in panel.legs
            # A leg's agency records its own leg; the competent agency records any of them.
            if leg.done_at is None
            and (leg.agency_id in acting() or dossier.competent_agency_id in acting())
        ]
    elif action == A.ISSUE_RESULT:
        number = form.field("result.number")
        if number is not None:
            upcoming = result_number_next(
                agency_id=dossier.competent_agency_id, on=timezone.localdate(now)
            )
            number.hint = _(
                "Để trống để lấy số tiếp theo trong sổ kết quả của cơ quan năm nay (hiện là"
                " %(number)s); số nhập tay không được trùng số đã cấp."
            ) % {"number": upcoming}
        files = form.field(FILES_FIELD)
        if files is not None:
            files.hint = _(
                "PDF, JPEG, PNG, TIFF, DOCX, XLSX hoặc ODT; tệp PDF được ký số bằng chứng"
                " thư số của cơ quan nếu đã cấu hình."
            )
    elif action == A.FORWARD:
        # gh-6 item 6: the specialist sends the draft of the result for review.
        files = form.field(FILES_FIELD)
        if files is not None:
            files.hint = _(
                "Dự thảo chỉ cán bộ xem được; người nộp không thấy. Văn thư đính kèm"
                " bản kết quả đã ký khi phát hành."
            )
    elif action == A.APOLOGIZE and panel.apology is not None:
        form.open = True
        due = form.field("new_due_at")
        if due is not None and not due.value:
            due.value = _local_input(panel.apology.new_due_at)
    elif action == A.REQUEST_SUPPLEMENT and dossier.status == S.SUBMITTED:
        form.hint = _(
            "Người nộp nhận Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) liệt kê"
            " đầy đủ các nội dung cần bổ sung một lần."
        )
    elif action == A.ACCEPT:
        form.hint = _(
            "Thời hạn giải quyết bắt đầu tính; người nộp nhận thông báo kèm Giấy tiếp nhận"
            " hồ sơ và hẹn trả kết quả (Mẫu 01)."
        )
    elif action == A.REFUSE:
        form.hint = _(
            "Nêu rõ lý do; người nộp nhận Phiếu từ chối tiếp nhận, giải quyết hồ sơ (Mẫu 03)."
        )
    elif action == A.STOP:
        form.hint = _("Thông báo dừng giải quyết hồ sơ (Mẫu 05) được lập để in, gửi.")
    elif action == A.PAUSE_FINANCIAL:
        form.hint = _(
            "Thời hạn giải quyết tạm dừng cho đến khi người nộp thực hiện xong nghĩa vụ tài chính."
        )
