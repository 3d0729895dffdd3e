"""Enums of the procedure catalogue (domain.md §4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp, tổ chức")
    BOTH = "both", _("Công dân, doanh nghiệp và tổ chức")


class VersionStatus(models.TextChoices):
    """Lifecycle of a procedure version (domain.md §4.7)."""

    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã công bố")
    RETIRED = "retired", _("Hết hiệu lực")


class OnlineMode(models.TextChoices):
    """NĐ 224/2026 Art 14: full-online is the default; partial needs a public reason."""

    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không cung cấp trực tuyến")


class FeeKind(models.TextChoices):
    CHARGE = "charge", _("Phí")
    LEVY = "levy", _("Lệ phí")


class FeeCollection(models.TextChoices):
    UPFRONT = "upfront", _("Thu khi nộp hồ sơ")
    ON_RETURN = "on_return", _("Thu khi trả kết quả")
    EXEMPT = "exempt", _("Miễn")
    NONE = "none", _("Không thu")


class StepAction(models.TextChoices):
    """What an officer may do from a workflow step (domain.md §4.6). The engine executes them."""

    FORWARD = "forward", _("Chuyển bước tiếp theo")
    SEND_BACK = "send_back", _("Trả lại bước trước")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung")
    REQUEST_COORDINATION = "request_coordination", _("Xin ý kiến phối hợp")
    APPROVE = "approve", _("Phê duyệt")
    SIGN = "sign", _("Ký số")
    ISSUE = "issue", _("Vào số, phát hành")
    REFUSE = "refuse", _("Từ chối giải quyết")
    RETURN_RESULT = "return_result", _("Trả kết quả")


class StepNotification(models.TextChoices):
    NONE = "none", _("Không gửi")
    APPLICANT = "applicant", _("Báo người nộp hồ sơ")
    HANDLER = "handler", _("Báo cán bộ xử lý bước")
    BOTH = "both", _("Báo cả người nộp và cán bộ xử lý")


class UploadFileType(models.TextChoices):
    """File types a component may be limited to; the keys of the upload allow-list.

    ``motcua.dossiers.uploads`` checks each type by extension and content; a
    test keeps the two lists equal.
    """

    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    TIFF = "tiff", "TIFF"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"
    ODT = "odt", "ODT"
