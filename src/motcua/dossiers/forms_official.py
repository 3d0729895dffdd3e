"""The official forms of TT 03/2025 Annex I (domain.md §7), as HTML and as PDF (gh-4 item 9).

Each form is a context builder over a dossier, its related records and its
history, plus one template in ``templates/dossiers/forms/``. The same template
renders the HTML version (linking the static stylesheet, so no inline styles
reach a browser under our CSP) and the PDF version (WeasyPrint, with the same
stylesheet file passed explicitly). Page sizes are named pages in
``static/dossiers/forms.css``: A5 portrait for the slips (TT 01/2018 Art 9),
A4 portrait for the control sheet, A4 landscape for the register.

Mẫu 01 is made in two copies (TT 01/2018 Art 9 note: one kept with the control
sheet by the one-stop, one for the citizen). We print them as two A5 pages in
one PDF rather than two halves of an A4 landscape sheet: each copy stays a
complete page of the size the form specifies, the PDF can be sent to the
citizen as is, and any print dialog can still put two A5 pages on one A4
sheet ("2 pages per sheet").

The process control sheet (Mẫu 06) is derived from ``DossierEvent`` only
(conventions §5): :func:`control_sheet_rows` is the one place that decides
which events are hand-overs, and the API's ``control-sheet`` endpoint uses it
too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.staticfiles import finders
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import segno

from motcua.calendars.constants import Timeliness
from motcua.calendars.workingtime import VN_TZ
from motcua.core.durations import duration_text
from motcua.core.numbers import money
from motcua.organisations.models import Agency
from motcua.procedures.constants import FeeCollection
from motcua.procedures.models import ComponentSpec

from .constants import PUBLIC_DOCUMENT_KINDS, DossierStatus, EventAction, PartyRole, ReturnMode
from .deadlines import duration_for, timeliness_of
from .models import Dossier, DossierEvent, Party, SupplementRequest

A = EventAction

STYLESHEET = "dossiers/forms.css"

__all__ = [
    "HANDOVER_ACTIONS",
    "ControlSheetRow",
    "FormNotApplicable",
    "OfficialForm",
    "control_sheet_rows",
    "control_sheet_rows_from",
    "lookup_url",
    "official_form_context",
    "official_form_html",
    "official_form_pdf",
    "qr_data_uri",
    "register_dossiers",
    "register_html",
    "register_pdf",
]


class OfficialForm(models.TextChoices):
    """The forms of TT 03/2025 Annex I plus the result-return receipt; values are URL slugs."""

    FORM_01 = "mau-01", gettext_lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    FORM_02 = "mau-02", gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    FORM_03 = "mau-03", gettext_lazy("Phiếu từ chối tiếp nhận, giải quyết hồ sơ")
    FORM_04 = "mau-04", gettext_lazy("Văn bản xin lỗi và hẹn lại ngày trả kết quả")
    FORM_05 = "mau-05", gettext_lazy("Thông báo dừng giải quyết hồ sơ")
    FORM_06 = "mau-06", gettext_lazy("Phiếu kiểm soát quá trình giải quyết hồ sơ")
    FORM_07 = "mau-07", gettext_lazy("Sổ theo dõi hồ sơ")
    RESULT_RECEIPT = "bien-nhan-tra-ket-qua", gettext_lazy("Giấy biên nhận trả kết quả")


class FormNotApplicable(Exception):
    """The dossier has no record this form is made from (e.g. Mẫu 04 without an apology)."""


# --- pure formatting -----------------------------------------------------------------------


def instant_words(value: dt.datetime | None) -> str:
    """ "17 giờ 00 phút, ngày 28 tháng 04 năm 2026" in Huế time; "" for ``None``."""
    if value is None:
        return ""
    local = value.astimezone(VN_TZ)
    return _("%(h)02d giờ %(m)02d phút, ngày %(d)02d tháng %(mo)02d năm %(y)d") % {
        "h": local.hour,
        "m": local.minute,
        "d": local.day,
        "mo": local.month,
        "y": local.year,
    }


def date_words(value: dt.date) -> str:
    return _("ngày %(d)02d tháng %(mo)02d năm %(y)d") % {
        "d": value.day,
        "mo": value.month,
        "y": value.year,
    }


def place_date(place: str, value: dt.date) -> str:
    """ "Huế, ngày 26 tháng 11 năm 2026" (the place line of an official document)."""
    return f"{place}, {date_words(value)}" if place else date_words(value)


def short_instant(value: dt.datetime | None) -> str:
    return value.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y") if value else ""


def lookup_url(*, dossier: Dossier, base: str = "") -> str:
    """The public lookup URL printed as the QR code: ``<base>/tra-cuu/?code=…&key=…``.

    The format is fixed now (gh-4 item 6); the lookup page comes later. Code
    and key together: the code alone reveals nothing (conventions §6).
    """
    query = urlencode({"code": dossier.code, "key": dossier.lookup_key})
    return f"{base.rstrip('/')}/tra-cuu/?{query}"


def qr_data_uri(payload: str) -> str:
    """An SVG data URI of the QR code (an ``<img>`` works in the browser and in WeasyPrint)."""
    return str(segno.make(payload, error="m").svg_data_uri(scale=3, border=2))


# --- Mẫu 06: the control sheet, derived from the history ----------------------------------


@dataclass(frozen=True)
class ControlSheetRow:
    """One hand-over of the dossier (Mẫu 06): who gave it to whom, when, on time or not."""

    seq: int
    at: dt.datetime
    action: EventAction
    giver_agency: str
    giver: str
    receiver_agency: str
    receiver: str
    # The deadline the giving side had for the stage it handed over, if any.
    deadline: dt.datetime | None
    timeliness: Timeliness | None
    note: str = ""


# The events that move the dossier from one party to another. Approvals,
# signatures, apologies and pauses happen *within* a holder and are not rows.
HANDOVER_ACTIONS = frozenset(
    {
        A.RECEIVE,
        A.ACCEPT,
        A.TRANSFER,
        A.ASSIGN,
        A.FORWARD,
        A.SEND_BACK,
        A.COORDINATE,
        A.REQUEST_SUPPLEMENT,
        A.SEND_SUPPLEMENT,
        A.SUBMIT_SUPPLEMENT,
        A.ISSUE_RESULT,
        A.REFUSE_RESULT,
        A.RETURN_RESULT,
    }
)


@dataclass(frozen=True)
class _Names:
    receiving: str
    competent: str
    citizen: str
    coordination: dict[int, str] = field(default_factory=dict)


def _person(user: Any) -> str:
    return str(user) if user is not None else ""


def control_sheet_rows_from(
    *, events: Sequence[DossierEvent], names: _Names
) -> list[ControlSheetRow]:
    """Pure: the Mẫu 06 rows for ``events`` (ordered by ``seq``, related rows loaded).

    Deadlines and on-time classes per hand-over:

    - leaving a workflow step (forward, send back, supplement request, issue):
      the step deadline set by the previous event; the class is the one the
      transition service recorded (``data["step_timeliness"]``), else computed;
    - the result handed back (issue, refuse) and returned to the citizen: the
      dossier's ORIGINAL due instant (an apology gives a new date, not a new
      count: D7, D8);
    - reception, transfer, assignment, coordination: no deadline is recorded.
    """
    rows: list[ControlSheetRow] = []
    step_due: dt.datetime | None = None
    due: dt.datetime | None = None
    original_due: dt.datetime | None = None
    for event in events:
        action = EventAction(event.action)
        if action == A.APOLOGIZE and original_due is None:
            original_due = due
        actor = _person(event.actor)
        actor_agency = event.actor_agency.name if event.actor_agency else names.competent
        step_name = event.to_step.name if event.to_step else ""
        handler = _person(event.to_handler)
        deadline: dt.datetime | None = None
        timeliness: Timeliness | None = None
        if action in HANDOVER_ACTIONS:
            if action in (A.RECEIVE, A.ACCEPT):
                giver_agency, giver = "", names.citizen
                receiver_agency, receiver = names.receiving, actor
            elif action == A.TRANSFER:
                giver_agency, giver = names.receiving, actor
                receiver_agency, receiver = names.competent, step_name
            elif action == A.ASSIGN:
                giver_agency, giver = actor_agency, actor
                receiver_agency, receiver = names.competent, handler
            elif action == A.COORDINATE:
                giver_agency, giver = actor_agency, actor
                receiver_agency, receiver = names.coordination.get(event.pk, ""), ""
            elif action == A.REQUEST_SUPPLEMENT:
                giver_agency, giver = actor_agency, actor
                receiver_agency, receiver = names.receiving, names.citizen
                deadline = step_due
            elif action == A.SEND_SUPPLEMENT:
                # The owner sends it online; the one-stop has yet to confirm it.
                giver_agency, giver = "", names.citizen
                receiver_agency, receiver = names.receiving, ""
            elif action == A.SUBMIT_SUPPLEMENT:
                giver_agency, giver = names.receiving, actor
                receiver_agency, receiver = names.competent, step_name
            elif action in (A.FORWARD, A.SEND_BACK):
                giver_agency, giver = actor_agency, actor
                receiver_agency, receiver = names.competent, handler or step_name
                deadline = step_due
            elif action in (A.ISSUE_RESULT, A.REFUSE_RESULT):
                giver_agency, giver = actor_agency, actor
                receiver_agency, receiver = names.receiving, ""
                deadline = original_due or due
            else:  # RETURN_RESULT
                giver_agency, giver = names.receiving, actor
                receiver_agency, receiver = "", names.citizen
                deadline = original_due or due
            recorded = (event.data or {}).get("step_timeliness")
            if action in (A.FORWARD, A.SEND_BACK, A.REQUEST_SUPPLEMENT) and recorded:
                timeliness = Timeliness(recorded)
            elif deadline is not None:
                timeliness = timeliness_of(finished_at=event.at, due=deadline)
            rows.append(
                ControlSheetRow(
                    seq=event.seq,
                    at=event.at,
                    action=action,
                    giver_agency=giver_agency,
                    giver=giver,
                    receiver_agency=receiver_agency,
                    receiver=receiver,
                    deadline=deadline,
                    timeliness=timeliness,
                    note=event.note,
                )
            )
        step_due = event.step_due_at
        due = event.due_at
    return rows


def _events(dossier: Dossier) -> list[DossierEvent]:
    return list(
        DossierEvent.objects.filter(dossier=dossier)
        .select_related("actor", "actor_agency", "to_step", "from_step", "to_handler")
        .order_by("seq")
    )


def control_sheet_rows(*, dossier: Dossier) -> list[ControlSheetRow]:
    """The Mẫu 06 rows of ``dossier``, one per hand-over, from its history (3 queries)."""
    events = _events(dossier)
    return _control_rows(dossier=dossier, events=events, parties=_parties(dossier))


def _control_rows(
    *, dossier: Dossier, events: Sequence[DossierEvent], parties: dict[str, Party]
) -> list[ControlSheetRow]:
    coordination: dict[int, str] = {}
    agency_ids = {
        int(e.data["agency"])
        for e in events
        if e.action == A.COORDINATE and isinstance(e.data, dict) and "agency" in e.data
    }
    if agency_ids:
        by_id = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
        coordination = {
            e.pk: by_id.get(int(e.data["agency"]), "")
            for e in events
            if e.action == A.COORDINATE and "agency" in (e.data or {})
        }
    citizen = parties.get(PartyRole.SUBMITTER) or parties.get(PartyRole.OWNER)
    names = _Names(
        receiving=dossier.received_by.name,
        competent=dossier.competent_agency.name,
        citizen=citizen.full_name if citizen else "",
        coordination=coordination,
    )
    return control_sheet_rows_from(events=events, names=names)


# --- shared context ------------------------------------------------------------------------


def _parties(dossier: Dossier) -> dict[str, Party]:
    return {p.role: p for p in Party.objects.filter(dossier=dossier)}


def issuer_context(agency: Agency) -> dict[str, str]:
    """The issuing body in two lines, upper case: the parent, then the agency itself."""
    parent = agency.parent.name.upper() if agency.parent_id and agency.parent else ""
    return {"issuer_parent": parent, "issuer_name": agency.name.upper()}


def _base_context(
    *, dossier: Dossier, form: OfficialForm, issuer: Agency, base: str, parties: dict[str, Party]
) -> dict[str, Any]:
    today = timezone.localdate()
    owner = parties.get(PartyRole.OWNER)
    submitter = parties.get(PartyRole.SUBMITTER)
    url = lookup_url(dossier=dossier, base=base)
    return {
        "form": form,
        "title": form.label,
        "dossier": dossier,
        "code": dossier.code,
        **issuer_context(issuer),
        "place_date": place_date(issuer.unit.name, today),
        "lookup_url": url,
        "qr": qr_data_uri(url),
        "owner": owner,
        "submitter": submitter,
        # The person who filed: the submitter for a proxy dossier, else the owner.
        "applicant": submitter or owner,
        "proxy": submitter is not None,
        "procedure": dossier.procedure_version.name,
        "summary": dossier.summary or dossier.procedure_version.name,
        "channel": dossier.get_channel_display(),
        "received_words": instant_words(dossier.received_at),
        "due_words": instant_words(dossier.due_at),
        "receiving": dossier.received_by,
        "competent": dossier.competent_agency,
    }


def _last_event(events: Sequence[DossierEvent], actions: Iterable[EventAction]) -> DossierEvent:
    wanted = {a.value for a in actions}
    for event in reversed(events):
        if event.action in wanted:
            return event
    raise FormNotApplicable(", ".join(sorted(wanted)))


def _components(dossier: Dossier, first: DossierEvent | None = None) -> list[dict[str, Any]]:
    """The components received (Mẫu 01 table): No. | name | original | certified | photocopy.

    The counter's checklist when the officer recorded one (the first event's
    ``data["components"]``: what was received on paper, with its counts);
    otherwise the components of the variant with an attached document. Then
    attached documents outside the catalogue (one photocopy each: an
    electronic file). A paper dossier with neither lists the variant's
    required components: reception accepted it as complete (NĐ 61 Art 17(1)).
    """
    # Drafts of the result are internal (gh-6 item 6): never on a paper the citizen gets.
    documents = [d for d in dossier.documents.all() if d.kind in PUBLIC_DOCUMENT_KINDS]
    rows: list[dict[str, Any]] = []

    def add(name: str, originals: int | None, certified: int | None, copies: int | None) -> None:
        rows.append(
            {
                "name": name,
                "originals": originals or "",
                "certified": certified or "",
                "copies": copies or "",
            }
        )

    checklist = (first.data or {}).get("components") if first is not None else None
    if checklist:
        for item in checklist:
            add(item["name"], item["originals"], item["certified"], item["copies"])
    else:
        specs = list(ComponentSpec.objects.filter(variant_id=dossier.variant_id).order_by("order"))
        attached = {d.component_id for d in documents if d.component_id}
        chosen = (
            [s for s in specs if s.pk in attached]
            if documents
            else [s for s in specs if s.required]
        )
        for spec in chosen:
            add(spec.name, spec.originals, spec.certified_copies, spec.copies)
    for document in documents:
        if document.component_id is None:
            add(document.name, None, None, 1)
    for i, row in enumerate(rows, start=1):
        row["no"] = i
    return rows


def _register_ref(dossier: Dossier) -> dict[str, Any]:
    """ "Vào Sổ theo dõi hồ sơ, Quyển số … Số thứ tự …" of the electronic register.

    Registers are opened yearly (TT 01/2018 Art 10), so the book is the year
    of reception and the number the dossier's rank among those the agency
    received that year.
    """
    if dossier.received_at is None:
        return {"book": "", "number": ""}
    local = dossier.received_at.astimezone(VN_TZ)
    start = dt.datetime(local.year, 1, 1, tzinfo=VN_TZ)
    number = (
        Dossier.objects.filter(
            received_by_id=dossier.received_by_id,
            received_at__gte=start,
        )
        .filter(
            Q(received_at__lt=dossier.received_at)
            | Q(received_at=dossier.received_at, pk__lte=dossier.pk)
        )
        .count()
    )
    return {"book": local.year, "number": number}


def _fees(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {
            "name": fee.name,
            "amount": money(fee.amount),
            "collection": FeeCollection(fee.collection).label,
            "paid": fee.paid_at is not None,
        }
        for fee in dossier.fees.all()
    ]


def _return_method(dossier: Dossier) -> str:
    delivery = getattr(dossier, "delivery", None)
    if delivery is None:
        return ""
    label = str(ReturnMode(delivery.mode).label)
    if delivery.mode == ReturnMode.POSTAL and delivery.address:
        return f"{label}: {delivery.address}"
    if delivery.mode == ReturnMode.COUNTER:
        return f"{label}: {dossier.received_by.name}"
    return label


def _context_01(dossier: Dossier, ctx: dict[str, Any], events: list[DossierEvent]) -> None:
    reception = _last_event(events, [A.RECEIVE, A.ACCEPT])
    amount, unit = duration_for(
        channel=dossier.channel,
        duration=dossier.variant.duration,
        duration_unit=dossier.variant.duration_unit,
        online_duration=dossier.variant.online_duration,
        online_duration_unit=dossier.variant.online_duration_unit,
    )
    ctx.update(
        components=_components(dossier, events[0] if events else None),
        sets=1,
        duration=duration_text(amount, unit, in_words=True),
        no_appointment=dossier.due_at is None,
        return_method=_return_method(dossier),
        fees=_fees(dossier),
        register=_register_ref(dossier),
        officer=_person(reception.actor),
        copies=[_("Bản lưu tại Bộ phận Một cửa"), _("Bản giao người nộp hồ sơ")],
    )


def _supplement_items(items: Any) -> list[dict[str, Any]]:
    """SupplementRequest.items: strings, or dicts with name / quantity / form / note."""
    rows = []
    for i, item in enumerate(items or [], start=1):
        if isinstance(item, dict):
            rows.append(
                {
                    "no": i,
                    "name": str(item.get("name") or item.get("title") or ""),
                    "quantity": item.get("quantity", ""),
                    "kind": str(item.get("form") or item.get("kind") or ""),
                    "note": str(item.get("note") or ""),
                }
            )
        else:
            rows.append({"no": i, "name": str(item), "quantity": "", "kind": "", "note": ""})
    return rows


def _context_02(dossier: Dossier, ctx: dict[str, Any], events: list[DossierEvent]) -> None:
    request = (
        SupplementRequest.objects.filter(dossier=dossier)
        .select_related("requested_by")
        .order_by("-requested_at", "-id")
        .first()
    )
    if request is None:
        raise FormNotApplicable("supplement request")
    ctx.update(
        items=_supplement_items(request.items),
        reason=request.reason,
        respond_by=instant_words(request.respond_by),
        requested_words=instant_words(request.requested_at),
        officer=_person(request.requested_by),
        officer_phone=getattr(request.requested_by, "phone", ""),
    )


def _context_03(dossier: Dossier, ctx: dict[str, Any], events: list[DossierEvent]) -> None:
    event = _last_event(events, [A.REFUSE, A.REFUSE_RESULT])
    after_appraisal = event.action == A.REFUSE_RESULT
    ctx.update(
        reason=event.note,
        refused_words=instant_words(event.at),
        officer=_person(event.actor),
        after_appraisal=after_appraisal,
        refusing_agency=(event.actor_agency or dossier.received_by).name,
    )


def _context_04(dossier: Dossier, ctx: dict[str, Any], events: list[DossierEvent]) -> None:
    extension = getattr(dossier, "extension", None)
    if extension is None:
        raise FormNotApplicable("extension")
    ctx.update(
        reason=extension.reason,
        old_due_words=instant_words(extension.old_due_at),
        new_due_words=instant_words(extension.new_due_at),
        apology_date=place_date(
            dossier.competent_agency.unit.name, extension.created_at.astimezone(VN_TZ).date()
        ),
        signer=_person(extension.requested_by),
    )
    # The letter is dated the day it was sent, not the day it is printed.
    ctx["place_date"] = ctx["apology_date"]


def _context_05(dossier: Dossier, ctx: dict[str, Any], events: list[DossierEvent]) -> None:
    event = _last_event(events, [A.STOP])
    from_status = DossierStatus(event.from_status) if event.from_status else None
    ctx.update(
        reason=event.note,
        stop_words=instant_words(event.at),
        status_before=from_status.label if from_status else "",
        signer=_person(event.actor),
        place_date=place_date(
            (event.actor_agency or dossier.received_by).unit.name,
            event.at.astimezone(VN_TZ).date(),
        ),
    )


def _context_06(dossier: Dossier, ctx: dict[str, Any], events: list[DossierEvent]) -> None:
    rows = _control_rows(dossier=dossier, events=events, parties=ctx["_parties"])
    ctx.update(
        rows=[
            {
                "row": row,
                "at_words": instant_words(row.at),
                "deadline_words": short_instant(row.deadline),
                "timeliness": row.timeliness.label if row.timeliness else "",
            }
            for row in rows
        ],
        coordinating=sorted(
            {r.receiver_agency for r in rows if r.action == A.COORDINATE and r.receiver_agency}
        ),
    )


def _context_receipt(dossier: Dossier, ctx: dict[str, Any], events: list[DossierEvent]) -> None:
    returned = _last_event(events, [A.RETURN_RESULT])
    issued = _last_event(events, [A.ISSUE_RESULT, A.REFUSE_RESULT])
    result = (issued.data or {}).get("result") or {}
    officer = returned.actor
    receiver = (returned.data or {}).get("receiver") or {}
    ctx.update(
        receiver_name=str(receiver.get("name") or ""),
        receiver_identity=str(receiver.get("identity_number") or ""),
        on_behalf_of=str(receiver.get("on_behalf_of") or ""),
        originals_returned=bool((returned.data or {}).get("originals_returned")),
        officer=_person(officer),
        officer_phone=getattr(officer, "phone", "") if officer else "",
        result_kind=str(result.get("kind") or result.get("type") or ""),
        result_number=str(result.get("number") or ""),
        result_summary=str(result.get("summary") or issued.note or ""),
        result_date=instant_words(issued.at),
        returned_words=instant_words(returned.at),
        refused=issued.action == A.REFUSE_RESULT,
        place_date=place_date(dossier.received_by.unit.name, returned.at.astimezone(VN_TZ).date()),
    )


_BUILDERS = {
    OfficialForm.FORM_01: _context_01,
    OfficialForm.FORM_02: _context_02,
    OfficialForm.FORM_03: _context_03,
    OfficialForm.FORM_04: _context_04,
    OfficialForm.FORM_05: _context_05,
    OfficialForm.FORM_06: _context_06,
    OfficialForm.RESULT_RECEIPT: _context_receipt,
}


def official_form_context(
    *, dossier: Dossier, form: OfficialForm, request_base_url: str = ""
) -> dict[str, Any]:
    """The template context of ``form`` for ``dossier``.

    Raises :class:`FormNotApplicable` when the record the form is made from
    does not exist (no supplement request, refusal, apology, stop, return).
    Mẫu 07 is per agency and period: see :func:`register_html`.
    """
    form = OfficialForm(form)
    if form == OfficialForm.FORM_07:
        raise FormNotApplicable("Mẫu 07 is a register: use register_html / register_pdf")
    dossier = (
        Dossier.objects.select_related(
            "procedure_version",
            "variant",
            "received_by__unit",
            "received_by__parent",
            "competent_agency__unit",
            "competent_agency__parent",
        )
        .prefetch_related("fees", "documents")
        .get(pk=dossier.pk)
    )
    events = _events(dossier)
    parties = _parties(dossier)
    # Mẫu 04 is the competent agency's letter (NĐ 61 Art 19(9)); the others come
    # from the receiving one-stop.
    issuer = dossier.competent_agency if form == OfficialForm.FORM_04 else dossier.received_by
    ctx = _base_context(
        dossier=dossier, form=form, issuer=issuer, base=request_base_url, parties=parties
    )
    ctx["_parties"] = parties
    _BUILDERS[form](dossier, ctx, events)
    del ctx["_parties"]
    return ctx


def _template(form: OfficialForm) -> str:
    return f"dossiers/forms/{form.value}.html"


def form_render(template: str, ctx: dict[str, Any], *, for_pdf: bool) -> str:
    return render_to_string(template, {**ctx, "for_pdf": for_pdf, "stylesheet": STYLESHEET})


def _pdf(html: str, base_url: str, stylesheet: str = STYLESHEET) -> bytes:
    # Imported here: WeasyPrint loads Pango/fontconfig, which the web process
    # should only pay for when it prints.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    path = finders.find(stylesheet)
    assert isinstance(path, str), f"static file {stylesheet} not found"
    document = HTML(string=html, base_url=base_url or None)
    return bytes(document.write_pdf(stylesheets=[CSS(filename=path)]))


def official_form_html(*, dossier: Dossier, form: OfficialForm, request_base_url: str = "") -> str:
    """``form`` for ``dossier`` as a full HTML page linking the static stylesheet."""
    ctx = official_form_context(dossier=dossier, form=form, request_base_url=request_base_url)
    return form_render(_template(OfficialForm(form)), ctx, for_pdf=False)


def official_form_pdf(*, dossier: Dossier, form: OfficialForm, request_base_url: str = "") -> bytes:
    """``form`` for ``dossier`` as PDF bytes (WeasyPrint, page size by form)."""
    ctx = official_form_context(dossier=dossier, form=form, request_base_url=request_base_url)
    return _pdf(form_render(_template(OfficialForm(form)), ctx, for_pdf=True), request_base_url)


# --- Mẫu 07: the register ------------------------------------------------------------------


# Online submissions not yet accepted are not in the one-stop's register.
_NOT_REGISTERED = [DossierStatus.SUBMITTED]


def register_dossiers(*, agency: Agency, start: dt.date, end: dt.date) -> list[Dossier]:
    """Dossiers received by ``agency`` from ``start`` to ``end`` inclusive (Huế dates).

    Refusals at the counter (T5c) are never "received" but the register keeps
    them (NĐ 61 Art 17(1)(b)): they count on the day of their first event.
    Fixed number of queries (3), whatever the number of dossiers.
    """
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=VN_TZ)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ)
    first_event_at = Subquery(
        DossierEvent.objects.filter(dossier=OuterRef("pk"), seq=1).values("at")[:1]
    )
    qs = (
        Dossier.objects.filter(received_by=agency)
        .annotate(registered_at=Coalesce("received_at", first_event_at))
        .filter(registered_at__gte=lo, registered_at__lt=hi)
        .exclude(received_at__isnull=True, status__in=_NOT_REGISTERED)
        .select_related("procedure_version", "competent_agency")
        .prefetch_related(
            "parties",
            Prefetch(
                "events",
                queryset=DossierEvent.objects.filter(
                    action__in=[A.TRANSFER, A.REFUSE, A.RECEIVE]
                ).order_by("seq"),
                to_attr="register_events",
            ),
        )
        .order_by("registered_at", "id")
    )
    return list(qs)


def _register_row(i: int, dossier: Dossier) -> dict[str, Any]:
    parties = {p.role: p for p in dossier.parties.all()}
    owner = parties.get(PartyRole.OWNER)
    events: list[DossierEvent] = getattr(dossier, "register_events", [])
    transferred = next((e.at for e in events if e.action == A.TRANSFER), None)
    first = events[0].at if events else None
    notes = [DossierStatus(dossier.status).label]
    if dossier.timeliness:
        notes.append(Timeliness(dossier.timeliness).label)
    return {
        "no": i,
        "code": dossier.code,
        "procedure": dossier.procedure_version.name,
        "sets": 1,
        "owner": owner.full_name if owner else "",
        "contact": ", ".join(x for x in [owner.address, owner.phone] if x) if owner else "",
        "competent": dossier.competent_agency.name,
        "received": short_instant(dossier.received_at or first),
        "due": short_instant(dossier.due_at),
        "transferred": short_instant(transferred),
        "finished": short_instant(dossier.finished_at),
        "returned": short_instant(dossier.returned_at),
        "notes": "; ".join(str(n) for n in notes),
    }


def register_context(*, agency: Agency, start: dt.date, end: dt.date) -> dict[str, Any]:
    """What Mẫu 07 shows (heading, period, rows as dicts); also used for its Excel (gh-8)."""
    agency = Agency.objects.select_related("unit", "parent").get(pk=agency.pk)
    rows = [
        _register_row(i, d)
        for i, d in enumerate(register_dossiers(agency=agency, start=start, end=end), start=1)
    ]
    return {
        "form": OfficialForm.FORM_07,
        "title": OfficialForm.FORM_07.label,
        **issuer_context(agency),
        "place_date": place_date(agency.unit.name, timezone.localdate()),
        "period": _("Từ %(start)s đến %(end)s")
        % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
        "rows": rows,
    }


def html_to_pdf(html: str, *, stylesheet: str = STYLESHEET, base_url: str = "") -> bytes:
    """Any printable page as PDF with ``stylesheet`` (a static path), as the forms are printed."""
    return _pdf(html, base_url, stylesheet)


def register_html(*, agency: Agency, start: dt.date, end: dt.date) -> str:
    """Mẫu 07 (Sổ theo dõi hồ sơ) of ``agency`` for a period, as HTML."""
    ctx = register_context(agency=agency, start=start, end=end)
    return form_render(_template(OfficialForm.FORM_07), ctx, for_pdf=False)


def register_pdf(*, agency: Agency, start: dt.date, end: dt.date) -> bytes:
    """Mẫu 07 of ``agency`` for a period, as an A4 landscape PDF."""
    ctx = register_context(agency=agency, start=start, end=end)
    return _pdf(form_render(_template(OfficialForm.FORM_07), ctx, for_pdf=True), "")
