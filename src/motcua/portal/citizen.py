"""Reads for the citizen's own pages: "My dossiers" and the dossier page (gh-5 item 6).

A citizen sees a dossier when they are its owner or its submitter (filed on
someone's behalf). Lists run a fixed number of queries whatever their length.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.calendars.constants import Timeliness
from motcua.calendars.selectors import working_time_left
from motcua.dossiers.constants import PUBLIC_DOCUMENT_KINDS, DossierStatus, EventAction
from motcua.dossiers.constants import DossierStatus as S
from motcua.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierFee,
    Party,
    SupplementRequest,
    TemporaryUpload,
)
from motcua.dossiers.selectors import lookup_factor_matches
from motcua.payments.models import Payment
from motcua.procedures.constants import FeeCollection
from motcua.procedures.eforms import EformForm, eform_form_class

FINISHED = frozenset({S.REFUSED, S.WITHDRAWN, S.STOPPED, S.RESOLVED, S.RETURNED})


class MyGroup(StrEnum):
    """The tabs of "My dossiers"."""

    ACTION = "can-lam"
    ACTIVE = "dang-giai-quyet"
    FINISHED = "da-xong"


GROUP_LABELS = {
    MyGroup.ACTION: gettext_lazy("Cần bạn xử lý"),
    MyGroup.ACTIVE: gettext_lazy("Đang giải quyết"),
    MyGroup.FINISHED: gettext_lazy("Đã xong"),
}

# What each status means for the citizen, in plain words (gh-5 item 6).
PLAIN_STATUS = {
    S.SUBMITTED: gettext_lazy("Hồ sơ đã gửi, đang chờ bộ phận một cửa kiểm tra để tiếp nhận."),
    S.RECEIVED: gettext_lazy("Hồ sơ đã được tiếp nhận và sẽ được chuyển đến nơi giải quyết."),
    S.REFUSED: gettext_lazy("Hồ sơ không được tiếp nhận; lý do ghi trong thông báo gửi bạn."),
    S.PROCESSING: gettext_lazy("Cơ quan có thẩm quyền đang giải quyết hồ sơ."),
    S.AWAITING_SUPPLEMENT: gettext_lazy(
        "Cơ quan cần bạn bổ sung giấy tờ; thời hạn tạm dừng cho đến khi bạn bổ sung."
    ),
    S.AWAITING_PAYMENT: gettext_lazy(
        "Cơ quan chờ bạn thực hiện nghĩa vụ tài chính (nộp thuế, phí) trước khi giải quyết tiếp."
    ),
    S.WITHDRAWN: gettext_lazy("Hồ sơ đã được rút theo yêu cầu của bạn."),
    S.STOPPED: gettext_lazy("Cơ quan đã dừng giải quyết hồ sơ; lý do ghi trong thông báo."),
    S.RESOLVED: gettext_lazy("Đã có kết quả; bạn có thể nhận kết quả theo cách đã chọn."),
    S.RETURNED: gettext_lazy("Bạn đã nhận kết quả. Hãy cho biết bạn có hài lòng không."),
}


def _party_q(user: User) -> Q:
    return Q(
        Exists(Party.objects.filter(dossier=OuterRef("pk"), user=user)),
    )


def _open_supplement() -> Exists:
    return Exists(
        SupplementRequest.objects.filter(dossier=OuterRef("pk"), sent_at__isnull=True).filter(
            dossier__status=S.AWAITING_SUPPLEMENT
        )
    )


def _fee_due() -> Exists:
    return Exists(
        DossierFee.objects.filter(
            dossier=OuterRef("pk"),
            collection=FeeCollection.UPFRONT,
            paid_at__isnull=True,
            amount__gt=0,
        )
    )


def my_dossiers(*, user: User, group: MyGroup | None = None) -> QuerySet[Dossier]:
    """Dossiers the user owns or submitted, newest first; ``group`` narrows to one tab.

    "Cần bạn xử lý": a supplement is requested and not yet sent, the dossier
    waits for a financial obligation, or an upfront fee is still unpaid on an
    active dossier. One query, whatever the number of rows.
    """
    rows = (
        Dossier.objects.filter(_party_q(user))
        .select_related("procedure_version", "received_by", "competent_agency")
        .annotate(supplement_open=_open_supplement(), fee_due=_fee_due())
        .order_by("-submitted_at", "-received_at", "-id")
    )
    needs_action = (
        Q(supplement_open=True)
        | Q(status=S.AWAITING_PAYMENT)
        | (Q(fee_due=True) & ~Q(status__in=FINISHED))
    )
    if group == MyGroup.ACTION:
        rows = rows.filter(needs_action)
    elif group == MyGroup.ACTIVE:
        rows = rows.exclude(status__in=FINISHED).exclude(needs_action)
    elif group == MyGroup.FINISHED:
        rows = rows.filter(status__in=FINISHED).exclude(needs_action)
    return rows


def my_dossier_counts(*, user: User) -> dict[MyGroup, int]:
    """How many dossiers each tab lists (the same selector as the lists)."""
    return {group: my_dossiers(user=user, group=group).count() for group in MyGroup}


def my_dossier_get(*, user: User, code: str) -> Dossier | None:
    """One dossier of the user with everything its page shows (a fixed number of queries)."""
    return (
        Dossier.objects.filter(_party_q(user), code=code)
        .select_related(
            "procedure_version",
            "variant",
            "received_by",
            "competent_agency",
            "current_step__department",
            "delivery",
            "extension",
        )
        .prefetch_related(
            Prefetch("fees", queryset=DossierFee.objects.order_by("id")),
            # Drafts of the result are internal to the agency (gh-6 item 6).
            Prefetch(
                "documents",
                queryset=DossierDocument.objects.filter(
                    kind__in=PUBLIC_DOCUMENT_KINDS
                ).select_related("component"),
            ),
            Prefetch(
                "supplement_requests",
                queryset=SupplementRequest.objects.order_by("-requested_at"),
            ),
            Prefetch("parties", queryset=Party.objects.all()),
        )
        .first()
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One public step of the dossier: what happened, when, where, and whether on time."""

    at: dt.datetime
    action: str
    label: str
    agency: str
    status: DossierStatus
    timeliness: str


def dossier_timeline(*, dossier: Dossier) -> list[TimelineEntry]:
    """The events a citizen may see: what happened where and when — no officer names or notes.

    A step is "on time" when it was left before the deadline the previous event
    set for it (step deadline, else the dossier's due instant).
    """
    events = list(
        DossierEvent.objects.filter(dossier=dossier)
        .select_related("actor_agency")
        .only("at", "action", "to_status", "step_due_at", "due_at", "actor_agency__name")
        .order_by("seq")
    )
    entries: list[TimelineEntry] = []
    deadline: dt.datetime | None = None
    for event in events:
        timeliness = ""
        if deadline is not None:
            timeliness = Timeliness.LATE if event.at > deadline else Timeliness.ON_TIME
        entries.append(
            TimelineEntry(
                at=event.at,
                action=event.action,
                label=str(EventAction(event.action).label),
                agency=event.actor_agency.name if event.actor_agency else "",
                status=DossierStatus(event.to_status),
                timeliness=str(timeliness),
            )
        )
        deadline = event.step_due_at or event.due_at or deadline
    return entries


def time_left(*, dossier: Dossier, now: dt.datetime | None = None) -> str:
    """Working time to the appointment of an active dossier ("còn 1 ngày 3 giờ"), else ""."""
    if dossier.status in FINISHED:
        return ""
    return working_time_left(
        due=dossier.due_at, agency=dossier.competent_agency, now=now or timezone.now()
    )


# --- public lookup (gh-5 item 8) -----------------------------------------------------------


def public_lookup(*, code: str, key: str = "", identity_number: str = "") -> Dossier | None:
    """The dossier if ``key`` (or the owner's identity number) matches; constant-time compare.

    A wrong key and an unknown code both give ``None``, so codes cannot be
    enumerated. The code alone never reveals anything (conventions §6).
    """
    code = code.strip()
    if not code or not (key.strip() or identity_number.strip()):
        return None
    dossier = (
        Dossier.objects.select_related(
            "procedure_version", "current_step", "received_by", "competent_agency", "extension"
        )
        .filter(code=code)
        .first()
    )
    if dossier is None or not lookup_factor_matches(
        dossier_id=dossier.pk,
        lookup_key=dossier.lookup_key,
        key=key,
        identity_number=identity_number,
    ):
        return None
    return dossier


# --- answering a supplement request online (gh-5 item 7) ------------------------------------


def open_supplement_for(*, dossier: Dossier, user: User) -> SupplementRequest | None:
    """The request waiting for this owner's answer, if the engine lets them send it now."""
    from motcua.dossiers.services import dossier_allowed_actions

    if dossier.status != S.AWAITING_SUPPLEMENT:
        return None
    if EventAction.SEND_SUPPLEMENT not in dossier_allowed_actions(dossier=dossier, user=user):
        return None
    return next((r for r in dossier.supplement_requests.all() if r.sent_at is None), None)


def supplement_items(request: SupplementRequest) -> list[dict[str, str]]:
    """The request's items as the citizen reads them: what, and a note."""
    rows = []
    for item in request.items or []:
        if isinstance(item, dict):
            rows.append(
                {
                    "name": str(item.get("name", "")),
                    "note": str(item.get("note", "")),
                    "field": str(item.get("field", "")),
                }
            )
        else:
            rows.append({"name": str(item), "note": "", "field": ""})
    return rows


def supplement_fields_form(
    *, dossier: Dossier, supplement: SupplementRequest, data: Mapping[str, Any] | None
) -> EformForm | None:
    """The e-form reduced to the fields the request asks to correct, showing today's values."""
    from motcua.dossiers.models import DossierFormData
    from motcua.dossiers.services import supplement_editable_fields

    names = supplement_editable_fields(supplement)
    if not names:
        return None
    form_data = DossierFormData.objects.filter(dossier=dossier).first()
    if form_data is None or not form_data.definition:
        return None
    definition = form_data.definition
    asked = {k: v for k, v in definition["properties"].items() if k in names}
    if not asked:
        return None
    reduced = {
        **definition,
        "properties": asked,
        "required": [n for n in definition.get("required", []) if n in asked],
    }
    return eform_form_class(reduced)(data=data, initial=form_data.data)


def kept_uploads(*, user: User, ids: list[str]) -> list[TemporaryUpload]:
    """Files this user uploaded on the page before and that are not attached anywhere yet."""
    valid = []
    for value in ids:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            continue
    return list(
        TemporaryUpload.objects.filter(pk__in=valid, uploaded_by=user, attached_at__isnull=True)
    )


# --- the official papers a citizen receives (gh-5 items 2, 6) --------------------------------

# Which form a citizen gets from which event: the receipt on reception or acceptance,
# the supplement request, the refusal, the apology, the stop notice, the return receipt.
CITIZEN_FORMS: dict[EventAction, str] = {
    EventAction.RECEIVE: "mau-01",
    EventAction.ACCEPT: "mau-01",
    EventAction.REQUEST_SUPPLEMENT: "mau-02",
    EventAction.REFUSE: "mau-03",
    EventAction.APOLOGIZE: "mau-04",
    EventAction.STOP: "mau-05",
    EventAction.RETURN_RESULT: "bien-nhan-tra-ket-qua",
}


def citizen_forms(*, timeline: list[TimelineEntry]) -> list[str]:
    """The official forms the dossier's history has produced for its owner, in order."""
    seen: list[str] = []
    for entry in timeline:
        form = CITIZEN_FORMS.get(EventAction(entry.action))
        if form is not None and form not in seen:
            seen.append(form)
    return seen


def dossier_payments(*, dossier: Dossier) -> list[Payment]:
    """The dossier's payments, newest first, for its page (one query, no lines)."""
    return list(
        Payment.objects.filter(dossier=dossier)
        .only("reference", "amount", "status", "provider", "created_at")
        .order_by("-created_at")
    )
