"""Enums of the dossier engine (domain.md §5). Statuses are code, never magic numbers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.IntegerChoices):
    """The 10 national status codes shared with DVCQG (domain.md §5.2)."""

    SUBMITTED = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    AWAITING_SUPPLEMENT = 5, _("Yêu cầu bổ sung giấy tờ")
    AWAITING_PAYMENT = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    RESOLVED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


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
    SUPPLEMENT = "supplement", _("Chờ bổ sung hồ sơ")
    FINANCIAL = "financial", _("Chờ thực hiện nghĩa vụ tài chính")


class EventAction(models.TextChoices):
    """What happened to a dossier; one history event each (domain.md §5.4)."""

    SUBMIT = "submit", _("Nộp hồ sơ trực tuyến")
    RECEIVE = "receive", _("Tiếp nhận hồ sơ")
    ACCEPT = "accept", _("Tiếp nhận hồ sơ trực tuyến")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung hồ sơ")
    SUBMIT_SUPPLEMENT = "submit_supplement", _("Bổ sung hồ sơ")
    REFUSE = "refuse", _("Từ chối tiếp nhận")
    TRANSFER = "transfer", _("Chuyển cơ quan giải quyết")
    ASSIGN = "assign", _("Phân công xử lý")
    FORWARD = "forward", _("Chuyển bước tiếp theo")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    RECALL = "recall", _("Thu hồi")
    SWITCH_VARIANT = "switch_variant", _("Đổi trường hợp thủ tục")
    COORDINATE = "coordinate", _("Xin ý kiến phối hợp")
    COORDINATION_ANSWER = "coordination_answer", _("Trả lời phối hợp")
    APPROVE = "approve", _("Phê duyệt")
    SIGN = "sign", _("Ký số")
    ISSUE_RESULT = "issue_result", _("Phát hành kết quả")
    REFUSE_RESULT = "refuse_result", _("Từ chối giải quyết")
    APOLOGIZE = "apologize", _("Xin lỗi và hẹn lại ngày trả")
    PAUSE_FINANCIAL = "pause_financial", _("Chờ thực hiện nghĩa vụ tài chính")
    RESUME = "resume", _("Tiếp tục xử lý")
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    STOP = "stop", _("Dừng xử lý")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    # Added with the remaining actions of gh-4 items 4–5.
    ACCEPT_TRANSFER = "accept_transfer", _("Tiếp nhận hồ sơ tiếp nhận phi địa giới")
    LINK = "link", _("Chuyển liên thông")
    LINK_DONE = "link_done", _("Cơ quan liên thông xử lý xong")
    RESUBMIT = "resubmit", _("Nộp lại hồ sơ sau khi bổ sung")
