"""Returning results and fees at the counter (gh-6 items 9–10): the glue of the staff screens.

Finding a dossier to hand over (by code, by the QR code of its receipt, or by
the owner's identity number), recording who took the result through the
engine (:func:`motcua.dossiers.services.dossier_act` with ``RETURN_RESULT``,
validated by the API's own input serializer, so the page and the API agree),
and the fee collector's screens over :mod:`motcua.payments.services`,
:mod:`motcua.payments.reconciliation` and :mod:`motcua.postal.services`.
Views parse and render; the rules are in those services.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.dossiers.api.views import ACTION_VIEWS
from motcua.dossiers.constants import DossierStatus, EventAction, PartyRole, ReturnMode
from motcua.dossiers.models import Delivery, Dossier, DossierEvent, DossierFee, Party
from motcua.dossiers.selectors import dossier_access_q
from motcua.dossiers.services import TransitionRefused, dossier_act
from motcua.organisations.constants import Role
from motcua.organisations.models import Agency
from motcua.payments.services import COLLECTOR_ROLES, PAYABLE_COLLECTIONS
from motcua.postal.selectors import shipment_for_dossier
from motcua.postal.services import RETURN_ROLES

from .actions import flat_messages
from .selectors import memberships_today

# A CCCD has 12 digits, an old CMND 9: anything else typed is a code or a link.
IDENTITY = re.compile(r"^[0-9]{9}$|^[0-9]{12}$")
RECEIVER_FIELDS = ("receiver_name", "receiver_identity", "on_behalf_of", "note")


@dataclass
class Found:
    """What the search box found: one dossier (``code``), a person's list, or why nothing."""

    code: str = ""
    identity: str = ""
    dossiers: list[Dossier] = field(default_factory=list)
    error: str = ""


def _scoped(user: User) -> QuerySet[Dossier]:
    return Dossier.objects.filter(dossier_access_q(user=user))


def _from_url(text: str) -> tuple[str, str] | None:
    """(code, key) from the lookup URL of a receipt's QR code, pasted or scanned."""
    if "code=" not in text:
        return None
    query = parse_qs(urlsplit(text if "?" in text else "?" + text).query)
    code = (query.get("code") or [""])[0].strip()
    key = (query.get("key") or [""])[0].strip()
    return (code, key) if code else None


def counter_find(*, user: User, text: str) -> Found:
    """Resolve what the officer typed or scanned into the search box.

    - the receipt's QR code (the public lookup URL ``…/tra-cuu/?code=…&key=…``):
      the code **and** its lookup key must match, so a forged link finds nothing;
    - a dossier code within the officer's jurisdiction;
    - a 9- or 12-digit identity number: that person's dossiers ready to return.
    """
    text = text.strip()
    if not text:
        return Found(error=_("Nhập mã hồ sơ, quét mã QR trên giấy tiếp nhận hoặc số định danh."))
    parsed = _from_url(text)
    if parsed is not None:
        code, key = parsed
        dossier = _scoped(user).filter(code=code).only("code", "lookup_key").first()
        if dossier is None or not hmac.compare_digest(dossier.lookup_key, key):
            return Found(
                error=_(
                    "Mã QR không đúng hoặc không thuộc hồ sơ nào bạn được xem; hãy nhập mã hồ sơ."
                )
            )
        return Found(code=dossier.code)
    if IDENTITY.match(text):
        return Found(identity=text, dossiers=list(counter_ready_for(user=user, identity=text)))
    match = _scoped(user).filter(code__iexact=text).values_list("code", flat=True).first()
    if match is None:
        return Found(
            error=_("Không tìm thấy hồ sơ “%(text)s” trong phạm vi bạn được xem.") % {"text": text}
        )
    return Found(code=match)


def counter_ready_for(*, user: User, identity: str) -> QuerySet[Dossier]:
    """The dossiers of the person ``identity`` (owner or filer) whose result waits for them.

    One query, whatever the number of rows (the owner's name is a subquery).
    """
    person = Party.objects.filter(dossier_id=OuterRef("pk"), identity_number=identity)
    owner = Party.objects.filter(dossier_id=OuterRef("pk"), role=PartyRole.OWNER)
    return (
        _scoped(user)
        .filter(Exists(person), status=DossierStatus.RESOLVED)
        .select_related("procedure_version", "received_by", "delivery")
        .annotate(owner_name=Subquery(owner.values("full_name")[:1]))
        .order_by("due_at", "id")
    )


def unpaid_fees(*, dossier: Dossier, fees: Iterable[DossierFee] | None = None) -> list[DossierFee]:
    """Fees still to collect (upfront deferred, or due on return) before handing over.

    ``fees``: the dossier's fees when the caller has read them already (no query);
    otherwise one query. The one statement of the rule for every counter screen.
    """
    rows = dossier.fees.order_by("id") if fees is None else fees
    return [
        fee
        for fee in rows
        if fee.collection in PAYABLE_COLLECTIONS and (fee.amount or 0) > 0 and fee.paid_at is None
    ]


def delivery_state(*, dossier: Dossier) -> dict[str, Any]:
    """How the result goes out: the delivery chosen, whether by post, and its latest waybill."""
    delivery = Delivery.objects.filter(dossier=dossier).first()
    postal = delivery is not None and delivery.mode == ReturnMode.POSTAL
    return {
        "delivery": delivery,
        "postal": postal,
        "shipment": shipment_for_dossier(dossier=dossier) if postal else None,
    }


@dataclass
class ReturnForm:
    """The counter's hand-over form: values as typed and errors by field."""

    values: dict[str, str] = field(default_factory=dict)
    originals_returned: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.summary)

    def error_list(self) -> list[str]:
        return [*self.summary, *(m for msgs in self.errors.values() for m in msgs)]


def return_form_initial(*, dossier: Dossier) -> ReturnForm:
    """Prefilled with the owner, who usually comes in person."""
    owner = Party.objects.filter(dossier=dossier, role=PartyRole.OWNER).first()
    values = dict.fromkeys(RECEIVER_FIELDS, "")
    if owner is not None:
        values["receiver_name"] = owner.full_name
        values["receiver_identity"] = owner.identity_number
    return ReturnForm(values=values)


def counter_return(
    *, user: User, dossier: Dossier, data: dict[str, str], originals_returned: bool
) -> tuple[DossierEvent | None, ReturnForm]:
    """Hand the result over at the counter: validate like the API, then ``RETURN_RESULT``.

    The receiver's name and identity number are required here (the API leaves
    them optional: by post or electronically nobody signs at a counter). Fees
    still unpaid block the hand-over: the collector takes them first.
    ``PermissionDenied`` (not a returner of the receiving agency) propagates.
    """
    if not may_return(user=user, dossier=dossier):
        raise PermissionDenied(_("Bạn không có quyền trả kết quả hồ sơ này."))
    form = ReturnForm(
        values={k: str(data.get(k, "")) for k in RECEIVER_FIELDS},
        originals_returned=originals_returned,
    )
    for name, message in (
        ("receiver_name", _("Nhập họ tên người nhận kết quả.")),
        ("receiver_identity", _("Nhập số định danh (CCCD) hoặc số hộ chiếu của người nhận.")),
    ):
        if not form.values[name].strip():
            form.errors.setdefault(name, []).append(message)
    unpaid = unpaid_fees(dossier=dossier)
    if unpaid:
        form.summary.append(
            _("Còn %(n)d khoản phí, lệ phí chưa thu; hãy thu trước khi trả kết quả.")
            % {"n": len(unpaid)}
        )
    payload: dict[str, Any] = {k: v.strip() for k, v in form.values.items()}
    payload["originals_returned"] = originals_returned
    serializer = ACTION_VIEWS[EventAction.RETURN_RESULT].InputSerializer(data=payload)
    if not serializer.is_valid():
        for name, detail in dict(serializer.errors).items():
            target = form.errors if name in RECEIVER_FIELDS else None
            if target is None:
                form.summary.extend(flat_messages(detail))
            else:
                target.setdefault(name, []).extend(flat_messages(detail))
    if form.has_errors:
        return None, form
    try:
        event = dossier_act(
            code=dossier.code,
            action=EventAction.RETURN_RESULT,
            by=user,
            **dict(serializer.validated_data),
        )
    except TransitionRefused as refused:
        form.summary.append(
            _("Không thể trả kết quả khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"status": refused.current.label}
        )
        return None, form
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, msgs in error.message_dict.items():
                if name in RECEIVER_FIELDS:
                    form.errors.setdefault(name, []).extend(msgs)
                else:
                    form.summary.extend(msgs)
        else:
            form.summary.extend(error.messages)
        return None, form
    return event, form


def may_return(*, user: User, dossier: Dossier) -> bool:
    """The user returns results for the agency that received the dossier (engine rule)."""
    return _holds(user=user, agency_id=dossier.received_by_id, roles=RETURN_ROLES)


def may_collect(*, user: User, dossier: Dossier) -> bool:
    """The user collects fees for the receiving agency (payments rule)."""
    return _holds(user=user, agency_id=dossier.received_by_id, roles=COLLECTOR_ROLES)


def _holds(*, user: User, agency_id: int, roles: frozenset[Role]) -> bool:
    return (
        user.is_active
        and memberships_today(user=user, roles=roles).filter(agency_id=agency_id).exists()
    )


def collector_agencies(*, user: User) -> list[Agency]:
    """The agencies whose bank statements ``user`` may reconcile (fee collector today)."""
    ids = memberships_today(user=user, roles=COLLECTOR_ROLES).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))
