"""What a notification says, in the recipient's language (gh-5 item 10).

Each message names the agency, the unit handling the dossier, the times
(reception, appointment, new appointment, supplement deadline) and what to do
next, as NĐ 224/2026 Art 15(1)(g) requires the administration to tell the
citizen, with a link to the public lookup page (code + key). The SMS carries
only the dossier code, what happened, one date, the next step in a few words
and the link — no name, no identity number, no reason (the reason can quote
personal circumstances; the e-mail and the portal show it).

Everything is rendered from the event (immutable) and the dossier at sending
time, inside ``translation.override(notification.language)``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.core.numbers import money
from motcua.dossiers.constants import Channel, DossierStatus, ReturnMode
from motcua.dossiers.forms_official import lookup_url
from motcua.dossiers.models import Delivery, Dossier, DossierEvent, DossierFee, SupplementRequest
from motcua.organisations.models import Agency, Department

from .constants import NotificationKind
from .models import Notification

K = NotificationKind


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # e-mail plain-text body
    html: str  # e-mail HTML body
    short: str  # the in-app notice
    sms: str


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(time)s ngày %(date)s") % {
        "time": local.strftime("%H:%M"),
        "date": local.strftime("%d/%m/%Y"),
    }


def _agency_name(agency: Agency) -> str:
    return agency.display_name


def _department_name(department: Department) -> str:
    return department.name_en if department.name_en and _english() else department.name


def _handling_unit(event: DossierEvent, dossier: Dossier) -> str:
    """The unit now handling the dossier: the step's department, else the competent agency."""
    step = event.to_step
    if step is not None and step.department is not None:
        return _department_name(step.department)
    if event.to_status in {DossierStatus.SUBMITTED, DossierStatus.RECEIVED, DossierStatus.REFUSED}:
        # Not yet transferred: the one-stop that received it still holds it.
        return _agency_name(dossier.received_by)
    return _agency_name(dossier.competent_agency)


def _delivery(dossier: Dossier) -> Delivery | None:
    try:
        return dossier.delivery
    except Delivery.DoesNotExist:
        return None


def _items(event: DossierEvent) -> list[str]:
    items = (event.data or {}).get("items") or []
    names = []
    for item in items:
        if isinstance(item, dict):
            names.append(str(item.get("name") or item.get("label") or item.get("code") or ""))
        else:
            names.append(str(item))
    return [name for name in names if name]


def _supplement_deadline(event: DossierEvent) -> dt.datetime | None:
    return (
        SupplementRequest.objects.filter(dossier_id=event.dossier_id, requested_at=event.at)
        .order_by("-id")
        .values_list("respond_by", flat=True)
        .first()
    )


def _unpaid_fees(dossier: Dossier) -> list[str]:
    fees = DossierFee.objects.filter(dossier=dossier, paid_at__isnull=True).order_by("id")
    return [f"{fee.name}: {money(fee.amount)}" if fee.amount else fee.name for fee in fees]


def _collect_at(dossier: Dossier) -> str:
    agency = dossier.received_by
    place = _agency_name(agency)
    if agency.address:
        place = f"{place} ({agency.address})"
    return place


def _result_next_step(dossier: Dossier) -> str:
    delivery = _delivery(dossier)
    mode = delivery.mode if delivery is not None else ReturnMode.COUNTER
    if mode == ReturnMode.POSTAL:
        return _(
            "Kết quả sẽ được gửi qua bưu chính đến địa chỉ Ông/Bà đã đăng ký; "
            "bưu tá sẽ liên hệ trước khi giao."
        )
    if mode == ReturnMode.ELECTRONIC:
        return _("Ông/Bà đăng nhập Cổng dịch vụ công để tải bản điện tử của kết quả.")
    return _(
        "Mời Ông/Bà đến nhận kết quả tại %(place)s trong giờ làm việc, mang theo Giấy tiếp "
        "nhận hồ sơ và hẹn trả kết quả và giấy tờ tùy thân."
    ) % {"place": _collect_at(dossier)}


def _content(n: Notification) -> dict[str, Any]:
    """The kind-specific lines: what happened, the facts, the next step, the SMS hint."""
    event, dossier = n.event, n.dossier
    kind = NotificationKind(n.kind)
    agency = _agency_name(dossier.received_by)
    competent = _agency_name(dossier.competent_agency)
    reason = event.note.strip()
    facts: list[tuple[str, str]] = []
    lines: list[str] = []
    next_step = ""
    sms_step = ""
    sms_date = ""
    if kind == K.RECEIVED:
        lines.append(_("Hồ sơ của Ông/Bà đã được tiếp nhận và chuyển xử lý."))
        facts.append((_("Hẹn trả kết quả"), _when(event.due_at)))
        if dossier.channel in (Channel.ONLINE, Channel.NATIONAL_PORTAL):
            # Accepted online: the receipt (Mẫu 01) is sent electronically (NĐ 61 Art 17(2)(b)),
            # as a link to the signed-in copy rather than an attachment.
            receipt = reverse("portal:my-form", args=[dossier.code, "mau-01"])
            base = settings.MOTCUA_PUBLIC_BASE_URL.rstrip("/")
            facts.append((_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)"), base + receipt))
        sms_date = _("Hẹn trả %(when)s") % {"when": _when(event.due_at)}
        next_step = _(
            "Ông/Bà không cần làm gì thêm; hồ sơ sẽ được giải quyết và trả kết quả theo ngày "
            "hẹn. Giữ Giấy tiếp nhận hồ sơ và hẹn trả kết quả để tra cứu và nhận kết quả."
        )
        sms_step = _("Giữ giấy hẹn để nhận kết quả")
    elif kind == K.SUPPLEMENT_REQUESTED:
        deadline = _supplement_deadline(event)
        before = bool((event.data or {}).get("before_reception"))
        lines.append(
            _("Hồ sơ chưa đủ để tiếp nhận; cần bổ sung, hoàn thiện các nội dung dưới đây.")
            if before
            else _(
                "Hồ sơ cần được bổ sung, hoàn thiện. Thời hạn giải quyết tạm dừng cho đến khi "
                "nhận đủ hồ sơ bổ sung."
            )
        )
        items = _items(event)
        if items:
            facts.append((_("Cần bổ sung"), "; ".join(items)))
        if reason:
            facts.append((_("Lý do"), reason))
        if deadline is not None:
            facts.append((_("Hạn bổ sung"), _when(deadline)))
            sms_date = _("Hạn bổ sung %(when)s") % {"when": _when(deadline)}
        next_step = _(
            "Ông/Bà gửi bổ sung các giấy tờ, nội dung nêu trên trên Cổng dịch vụ công hoặc "
            "nộp trực tiếp tại %(agency)s. Mọi yêu cầu bổ sung đều do bộ phận một cửa gửi, "
            "một lần và đầy đủ."
        ) % {"agency": agency}
        sms_step = _("Bổ sung hồ sơ trực tuyến hoặc tại quầy")
    elif kind == K.FEE_DUE:
        lines.append(
            _(
                "Hồ sơ đang chờ Ông/Bà thực hiện nghĩa vụ tài chính (phí, lệ phí, thuế). Thời "
                "hạn giải quyết tạm dừng cho đến khi hoàn thành."
            )
        )
        for fee in _unpaid_fees(dossier):
            facts.append((_("Khoản phải nộp"), fee))
        if reason:
            facts.append((_("Ghi chú"), reason))
        next_step = _(
            "Ông/Bà nộp tiền theo thông báo của %(competent)s (trực tuyến trên Cổng dịch vụ "
            "công, chuyển khoản hoặc tại quầy của %(agency)s) và giữ chứng từ nộp tiền."
        ) % {"competent": competent, "agency": agency}
        sms_step = _("Nộp phí, lệ phí để hồ sơ được tiếp tục xử lý")
    elif kind == K.APOLOGY:
        old = (event.data or {}).get("old_due_at")
        old_due = dt.datetime.fromisoformat(old) if isinstance(old, str) else None
        lines.append(
            _("%(competent)s xin lỗi Ông/Bà vì chưa trả được kết quả đúng hẹn.")
            % {"competent": competent}
        )
        if reason:
            facts.append((_("Lý do"), reason))
        if old_due is not None:
            facts.append((_("Hẹn trả cũ"), _when(old_due)))
        facts.append((_("Ngày hẹn trả mới"), _when(event.due_at)))
        sms_date = _("Hẹn trả mới %(when)s") % {"when": _when(event.due_at)}
        next_step = _("Ông/Bà không cần làm gì thêm; kết quả sẽ được trả theo ngày hẹn mới.")
        sms_step = _("Xin lỗi vì trả kết quả chậm")
    elif kind == K.RESULT_READY:
        lines.append(_("Hồ sơ đã được giải quyết xong và đã có kết quả."))
        next_step = _result_next_step(dossier)
        sms_step = _("Nhận kết quả theo hình thức đã đăng ký")
    elif kind == K.RESULT_REFUSED:
        lines.append(
            _("%(competent)s không giải quyết được hồ sơ; văn bản trả lời nêu rõ lý do.")
            % {"competent": competent}
        )
        if reason:
            facts.append((_("Lý do"), reason))
        next_step = _("%(result)s Nếu không đồng ý, Ông/Bà có quyền khiếu nại theo quy định.") % {
            "result": _result_next_step(dossier)
        }
        sms_step = _("Nhận văn bản trả lời")
    elif kind == K.DISPATCHED:
        lines.append(_("Kết quả đã được gửi qua bưu chính."))
        next_step = _("Bưu tá sẽ liên hệ theo số điện thoại Ông/Bà đã đăng ký để giao kết quả.")
        sms_step = _("Chờ bưu tá liên hệ")
    elif kind == K.RETURNED:
        lines.append(_("Kết quả giải quyết hồ sơ đã được trả."))
        next_step = _(
            "Mời Ông/Bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ trên Cổng dịch vụ "
            "công; ý kiến của Ông/Bà không hiển thị cho cán bộ xử lý."
        )
        sms_step = _("Đánh giá mức độ hài lòng trên Cổng dịch vụ công")
    elif kind == K.REFUSED:
        lines.append(_("Hồ sơ không được tiếp nhận."))
        if reason:
            facts.append((_("Lý do"), reason))
        next_step = _(
            "Ông/Bà có thể hoàn thiện hồ sơ theo lý do nêu trên rồi nộp lại; liên hệ %(agency)s "
            "nếu cần được hướng dẫn."
        ) % {"agency": agency}
        sms_step = _("Xem lý do và nộp lại hồ sơ")
    elif kind == K.STOPPED:
        lines.append(_("Hồ sơ đã bị dừng xử lý."))
        if reason:
            facts.append((_("Lý do"), reason))
        next_step = _("Liên hệ %(agency)s để được hướng dẫn và nhận lại hồ sơ đã nộp (nếu có).") % {
            "agency": agency
        }
        sms_step = _("Liên hệ bộ phận một cửa")
    elif kind == K.WITHDRAWN:
        lines.append(_("Hồ sơ đã được rút theo đề nghị."))
        if reason:
            facts.append((_("Lý do"), reason))
        next_step = _("Liên hệ %(agency)s nếu Ông/Bà cần nhận lại giấy tờ đã nộp.") % {
            "agency": agency
        }
        sms_step = _("Liên hệ bộ phận một cửa nếu cần nhận lại giấy tờ")
    return {
        "lines": lines,
        "facts": facts,
        "next_step": next_step,
        "sms_step": sms_step,
        "sms_date": sms_date,
    }


def unaccented(text: str) -> str:
    """Vietnamese without diacritics for SMS: GSM-7 fits 160 characters, UCS-2 only 70."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def public_lookup_url(dossier: Dossier) -> str:
    return lookup_url(dossier=dossier, base=settings.MOTCUA_PUBLIC_BASE_URL)


def render_notification(n: Notification) -> Rendered:
    """Render ``n`` (with ``event``, ``dossier`` and their agencies loaded) in its language."""
    with translation.override(n.language or settings.LANGUAGE_CODE):
        dossier = n.dossier
        content = _content(n)
        title = NotificationKind(n.kind).label
        received = dossier.received_at or dossier.submitted_at
        facts: list[tuple[str, str]] = [
            (_("Mã hồ sơ"), dossier.code),
            (_("Thủ tục"), dossier.procedure_version.name),
            (_("Cơ quan tiếp nhận"), _agency_name(dossier.received_by)),
            (_("Cơ quan giải quyết"), _agency_name(dossier.competent_agency)),
            (_("Đơn vị đang xử lý"), _handling_unit(n.event, dossier)),
        ]
        if received is not None:
            facts.append((_("Thời điểm tiếp nhận"), _when(received)))
        if n.kind in {K.SUPPLEMENT_REQUESTED, K.FEE_DUE} and n.event.due_at is not None:
            # The appointment before the pause; it moves when processing resumes.
            facts.append((_("Hẹn trả kết quả"), _when(n.event.due_at)))
        if n.event.at != received:
            facts.append((_("Thời điểm cập nhật"), _when(n.event.at)))
        facts.extend(content["facts"])
        url = public_lookup_url(dossier)
        agency = dossier.received_by
        context = {
            "title": title,
            "name": n.recipient_name,
            "lines": content["lines"],
            "facts": facts,
            "next_step": content["next_step"],
            "url": url,
            "agency_name": _agency_name(agency),
            "agency_address": agency.address,
            "agency_phone": agency.phone,
            "agency_email": agency.email,
            "language": translation.get_language(),
        }
        subject = _("Hồ sơ %(code)s: %(title)s") % {"code": dossier.code, "title": title}
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
        short = render_to_string("notifications/in_app.txt", context).strip()
        sms_parts = [f"{dossier.code}: {title}"]
        if content["sms_date"]:
            sms_parts.append(content["sms_date"])
        if content["sms_step"]:
            sms_parts.append(content["sms_step"])
        sms = unaccented(". ".join(sms_parts) + ". " + _("Tra cứu: %(url)s") % {"url": url})
        return Rendered(subject=subject[:300], text=text, html=html, short=short, sms=sms)


__all__ = ["Rendered", "public_lookup_url", "render_notification", "unaccented"]
