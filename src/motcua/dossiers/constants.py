"""Enums of the dossier engine (domain.md §5). Statuses are code, never magic numbers.

Status, action and pause-reason labels carry a translation context
("dossier status", "dossier action", "clock pause reason"): the same
Vietnamese words can name a state and the act that leads to it ("Dừng xử lý"
is both "Processing stopped" and "Stop processing"), and English needs each.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DossierStatus(models.IntegerChoices):
    """The 10 national status codes shared with DVCQG (domain.md §5.2)."""

    SUBMITTED = 1, pgettext_lazy("dossier status", "Mới đăng ký")
    RECEIVED = 2, pgettext_lazy("dossier status", "Được tiếp nhận")
    REFUSED = 3, pgettext_lazy("dossier status", "Không được tiếp nhận")
    PROCESSING = 4, pgettext_lazy("dossier status", "Đang xử lý")
    AWAITING_SUPPLEMENT = 5, pgettext_lazy("dossier status", "Yêu cầu bổ sung giấy tờ")
    AWAITING_PAYMENT = 6, pgettext_lazy("dossier status", "Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, pgettext_lazy("dossier status", "Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, pgettext_lazy("dossier status", "Dừng xử lý")
    RESOLVED = 9, pgettext_lazy("dossier status", "Đã xử lý xong")
    RETURNED = 10, pgettext_lazy("dossier status", "Đã trả kết quả")


class Channel(models.IntegerChoices):
    """Where the dossier came in (NĐ 61 Art 16). DVCQG dossiers sync as online (2)."""

    COUNTER = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Qua dịch vụ bưu chính công ích")
    NATIONAL_PORTAL = 4, _("Cổng Dịch vụ công quốc gia")


class ReturnMode(models.TextChoices):
    COUNTER = "counter", _("Nhận tại quầy")
    POSTAL = "postal", _("Nhận qua bưu chính")
    ELECTRONIC = "electronic", _("Nhận bản điện tử")


class DocumentKind(models.TextChoices):
    """What a stored document of a dossier is: filed, sent as a supplement, the result or its draft.

    Drafts (``DRAFT``) are internal to the agency: never shown to the citizen or the public
    (see ``PUBLIC_DOCUMENT_KINDS``).
    """

    COMPONENT = "component", pgettext_lazy("dossier document kind", "Thành phần hồ sơ")
    SUPPLEMENT = "supplement", pgettext_lazy("dossier document kind", "Giấy tờ bổ sung")
    RESULT = "result", pgettext_lazy("dossier document kind", "Kết quả giải quyết")
    # gh-6 item 6: the specialist's draft of the result, sent for review; internal only.
    DRAFT = "draft", pgettext_lazy("dossier document kind", "Dự thảo kết quả")


#: The document kinds the citizen, the owner's data store and the public may see.
PUBLIC_DOCUMENT_KINDS = frozenset(
    {DocumentKind.COMPONENT, DocumentKind.SUPPLEMENT, DocumentKind.RESULT}
)


class PartyRole(models.TextChoices):
    OWNER = "owner", _("Chủ hồ sơ")
    SUBMITTER = "submitter", _("Người nộp hồ sơ")


class PartyKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp")
    ORGANISATION = "organisation", _("Tổ chức")
    AGENCY = "agency", _("Cơ quan nhà nước")
    OTHER = "other", _("Khác")


class SupplementRule(models.TextChoices):
    """What happens to the deadline when a complete supplement arrives (D6)."""

    RESTART = "restart", _("Tính lại thời hạn từ đầu (NĐ 61 Điều 19(4))")
    EXTEND = "extend", _("Cộng thêm thời gian tạm dừng")


class PauseReason(models.TextChoices):
    SUPPLEMENT = "supplement", pgettext_lazy("clock pause reason", "Chờ bổ sung hồ sơ")
    FINANCIAL = "financial", pgettext_lazy("clock pause reason", "Chờ thực hiện nghĩa vụ tài chính")


class EventAction(models.TextChoices):
    """What happened to a dossier; one history event each (domain.md §5.4)."""

    SUBMIT = "submit", pgettext_lazy("dossier action", "Nộp hồ sơ trực tuyến")
    RECEIVE = "receive", pgettext_lazy("dossier action", "Tiếp nhận hồ sơ")
    ACCEPT = "accept", pgettext_lazy("dossier action", "Tiếp nhận hồ sơ trực tuyến")
    REQUEST_SUPPLEMENT = (
        "request_supplement",
        pgettext_lazy("dossier action", "Yêu cầu bổ sung hồ sơ"),
    )
    SUBMIT_SUPPLEMENT = "submit_supplement", pgettext_lazy("dossier action", "Bổ sung hồ sơ")
    REFUSE = "refuse", pgettext_lazy("dossier action", "Từ chối tiếp nhận")
    TRANSFER = "transfer", pgettext_lazy("dossier action", "Chuyển cơ quan giải quyết")
    ASSIGN = "assign", pgettext_lazy("dossier action", "Phân công xử lý")
    FORWARD = "forward", pgettext_lazy("dossier action", "Chuyển bước tiếp theo")
    SEND_BACK = "send_back", pgettext_lazy("dossier action", "Trả lại bước trước")
    RECALL = "recall", pgettext_lazy("dossier action", "Thu hồi")
    SWITCH_VARIANT = "switch_variant", pgettext_lazy("dossier action", "Đổi trường hợp thủ tục")
    COORDINATE = "coordinate", pgettext_lazy("dossier action", "Xin ý kiến phối hợp")
    COORDINATION_ANSWER = "coordination_answer", pgettext_lazy("dossier action", "Trả lời phối hợp")
    APPROVE = "approve", pgettext_lazy("dossier action", "Phê duyệt")
    SIGN = "sign", pgettext_lazy("dossier action", "Ký số")
    ISSUE_RESULT = "issue_result", pgettext_lazy("dossier action", "Phát hành kết quả")
    REFUSE_RESULT = "refuse_result", pgettext_lazy("dossier action", "Từ chối giải quyết")
    APOLOGIZE = "apologize", pgettext_lazy("dossier action", "Xin lỗi và hẹn lại ngày trả")
    PAUSE_FINANCIAL = (
        "pause_financial",
        pgettext_lazy("dossier action", "Chờ thực hiện nghĩa vụ tài chính"),
    )
    RESUME = "resume", pgettext_lazy("dossier action", "Tiếp tục xử lý")
    WITHDRAW = "withdraw", pgettext_lazy("dossier action", "Rút hồ sơ")
    STOP = "stop", pgettext_lazy("dossier action", "Dừng xử lý")
    RETURN_RESULT = "return_result", pgettext_lazy("dossier action", "Trả kết quả")
    DISPATCH = "dispatch", pgettext_lazy("dossier action", "Gửi kết quả qua bưu chính")
    # Added with the remaining actions of gh-4 items 4–5.
    ACCEPT_TRANSFER = (
        "accept_transfer",
        pgettext_lazy("dossier action", "Nhận hồ sơ phi địa giới chuyển đến"),
    )
    LINK = "link", pgettext_lazy("dossier action", "Chuyển liên thông")
    LINK_DONE = "link_done", pgettext_lazy("dossier action", "Cơ quan liên thông xử lý xong")
    RESUBMIT = "resubmit", pgettext_lazy("dossier action", "Nộp lại hồ sơ sau khi bổ sung")
    SEND_SUPPLEMENT = (
        "send_supplement",
        pgettext_lazy("dossier action", "Công dân gửi hồ sơ bổ sung"),
    )
