"""The procedure catalogue (domain.md §4).

``Procedure`` is only the stable identity (the national code). Everything the
national database publishes lives on ``ProcedureVersion``, which is drafted,
published with a ``valid_from`` and retired with a ``valid_to``; a dossier
pins the version and variant it was filed under, so editing the catalogue
never rewrites history (§4.7). Published versions are immutable: a change is
a new draft (``procedure_version_new_draft``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.calendars.constants import DurationUnit
from motcua.organisations.constants import Role

from .constants import (
    Audience,
    FeeCollection,
    FeeKind,
    OnlineMode,
    StepNotification,
    UploadFileType,
    VersionStatus,
)
from .eforms import EformJSONField

# Per-procedure upload limits are in megabytes of 1024 × 1024 bytes, like the
# messages that quote them; at least 0.01 MB (about 10 KB).
UPLOAD_MB_MIN = Decimal("0.01")


class ProcedureField(models.Model):
    """A procedure field (lĩnh vực), e.g. "Hộ tịch", with its national code."""

    code = models.CharField(
        _("mã lĩnh vực"),
        max_length=40,
        unique=True,
        help_text=_("Mã lĩnh vực theo Cơ sở dữ liệu quốc gia về thủ tục hành chính."),
    )
    name = models.CharField(_("tên lĩnh vực"), max_length=255, help_text=_("Tên lĩnh vực."))
    name_en = models.CharField(
        _("tên tiếng Anh"), max_length=255, blank=True, help_text=_("Tên khi giao diện tiếng Anh.")
    )

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """The stable identity of an administrative procedure: its national code."""

    national_code = models.CharField(
        _("mã thủ tục"),
        max_length=40,
        unique=True,
        help_text=_("Mã TTHC trên Cơ sở dữ liệu quốc gia, ví dụ 1.001193 (chuỗi, giữ nguyên)."),
    )
    linked = models.ManyToManyField(
        "self",
        verbose_name=_("thủ tục liên thông"),
        blank=True,
        help_text=_("Thủ tục thực hiện liên thông với thủ tục này (ví dụ nhóm NĐ 63/2024)."),
    )

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["national_code"]

    def __str__(self) -> str:
        return self.national_code


class ProcedureVersion(models.Model):
    """What the national database publishes about a procedure, for a validity period."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        related_name="versions",
        help_text=_("Thủ tục của phiên bản này."),
    )
    number = models.PositiveIntegerField(
        _("số phiên bản"), help_text=_("Tăng dần trong cùng một thủ tục.")
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=VersionStatus,
        default=VersionStatus.DRAFT,
        help_text=_("Nháp, đã công bố hoặc hết hiệu lực."),
    )
    valid_from = models.DateField(
        _("hiệu lực từ ngày"),
        null=True,
        blank=True,
        help_text=_("Ngày phiên bản bắt đầu áp dụng; bắt buộc khi công bố."),
    )
    valid_to = models.DateField(
        _("hiệu lực đến ngày"),
        null=True,
        blank=True,
        help_text=_("Ngày cuối cùng phiên bản áp dụng; để trống nếu vẫn còn hiệu lực."),
    )
    publication_ref = models.CharField(
        _("quyết định công bố"),
        max_length=300,
        blank=True,
        help_text=_("Số, ngày quyết định công bố thủ tục."),
    )
    name = models.TextField(_("tên thủ tục"), help_text=_("Tên đầy đủ như trên CSDL quốc gia."))
    field = models.ForeignKey(
        ProcedureField,
        verbose_name=_("lĩnh vực"),
        on_delete=models.PROTECT,
        related_name="versions",
        help_text=_("Lĩnh vực của thủ tục."),
    )
    audience = models.CharField(
        _("đối tượng thực hiện"),
        max_length=16,
        choices=Audience,
        default=Audience.CITIZEN,
        help_text=_("Công dân, doanh nghiệp hay cả hai."),
    )
    levels = models.JSONField(
        _("cấp thực hiện"),
        default=list,
        blank=True,
        help_text=_("Danh sách cấp thực hiện: 1 = tỉnh, 2 = huyện (lịch sử), 3 = xã."),
    )
    competent_agency_kinds = models.JSONField(
        _("loại cơ quan có thẩm quyền"),
        default=list,
        blank=True,
        help_text=_("Các loại cơ quan có thẩm quyền giải quyết (mã loại cơ quan)."),
    )
    competent_authority = models.CharField(
        _("cơ quan có thẩm quyền"),
        max_length=300,
        blank=True,
        help_text=_("Tên cơ quan có thẩm quyền như công bố, ví dụ “UBND cấp xã”."),
    )
    legal_basis = models.TextField(
        _("căn cứ pháp lý"), blank=True, help_text=_("Mỗi văn bản một dòng: số, ngày, điều.")
    )
    steps_text = models.TextField(
        _("trình tự thực hiện"), blank=True, help_text=_("Trình tự thực hiện như công bố.")
    )
    conditions = models.TextField(
        _("yêu cầu, điều kiện"), blank=True, help_text=_("Yêu cầu, điều kiện thực hiện.")
    )
    result_type = models.CharField(
        _("kết quả thực hiện"),
        max_length=500,
        blank=True,
        help_text=_("Ví dụ: Giấy khai sinh, Trích lục, Quyết định…"),
    )
    online_mode = models.CharField(
        _("mức độ trực tuyến"),
        max_length=16,
        choices=OnlineMode,
        default=OnlineMode.FULL,
        help_text=_("Toàn trình là mặc định (NĐ 224/2026 Điều 14)."),
    )
    partial_justification = models.TextField(
        _("lý do cung cấp một phần"),
        blank=True,
        help_text=_("Bắt buộc khi chỉ cung cấp trực tuyến một phần; được công khai."),
    )
    cross_boundary = models.BooleanField(
        _("tiếp nhận không phụ thuộc địa giới"),
        default=False,
        help_text=_("Có thể nộp tại bất kỳ trung tâm nào trong tỉnh (phi địa giới)."),
    )
    supplement_rule = models.CharField(
        _("cách tính lại thời hạn sau bổ sung"),
        max_length=16,
        # The values of motcua.dossiers.constants.SupplementRule (D6); blank =
        # the installation default settings.MOTCUA_SUPPLEMENT_RULE.
        choices=[
            ("restart", _("Tính lại thời hạn từ đầu (NĐ 61 Điều 19(4))")),
            ("extend", _("Cộng thêm thời gian tạm dừng")),
        ],
        blank=True,
        help_text=_("Để trống: theo cấu hình chung của hệ thống (mặc định tính lại từ đầu)."),
    )
    postal_allowed = models.BooleanField(
        _("nộp, nhận qua bưu chính"),
        default=True,
        help_text=_("Cho phép nộp hồ sơ và nhận kết quả qua dịch vụ bưu chính công ích."),
    )
    handled_externally = models.BooleanField(
        _("giải quyết trên hệ thống của bộ, ngành"),
        default=False,
        help_text=_(
            "Thủ tục giải quyết trên hệ thống tập trung của bộ, ngành (NĐ 224/2026 Điều 15)."
        ),
    )
    upload_max_mb = models.DecimalField(
        _("dung lượng tối đa mỗi tệp (MB)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(UPLOAD_MB_MIN)],
        help_text=_(
            "Giới hạn mặc định cho mỗi tệp đính kèm của thủ tục; thành phần hồ sơ có thể đặt"
            " giới hạn riêng. Để trống: theo giới hạn chung của hệ thống."
        ),
    )
    keywords = models.TextField(
        _("từ khóa"),
        blank=True,
        help_text=_("Cách người dân thường gọi thủ tục, mỗi cụm một dòng (giúp tìm kiếm)."),
    )
    unverified_note = models.TextField(
        _("thông tin chưa xác minh"),
        blank=True,
        help_text=_(
            "Các giá trị chưa đối chiếu với văn bản chính thức; quản trị viên cần kiểm tra."
        ),
    )

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_unique_number"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=False, valid_to__gte=models.F("valid_from")),
                name="version_valid_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(valid_from__isnull=False),
                name="version_published_has_valid_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.national_code} v{self.number} – {self.name}"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class WorkflowTemplate(models.Model):
    """An internal processing workflow (quy trình nội bộ) as data (domain.md §4.6)."""

    name = models.CharField(
        _("tên quy trình"), max_length=300, help_text=_("Ví dụ: “Chứng thực bản sao – cấp xã”.")
    )
    description = models.TextField(_("mô tả"), blank=True, help_text=_("Ghi chú, căn cứ."))

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkflowStep(models.Model):
    template = models.ForeignKey(
        WorkflowTemplate,
        verbose_name=_("quy trình"),
        on_delete=models.CASCADE,
        related_name="steps",
        help_text=_("Quy trình có bước này."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), help_text=_("Thứ tự của bước, từ 1."))
    name = models.CharField(_("tên bước"), max_length=200, help_text=_("Ví dụ: “Thẩm định hồ sơ”."))
    role = models.CharField(
        _("vai trò thực hiện"), max_length=32, choices=Role, help_text=_("Ai thực hiện bước này.")
    )
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("phòng thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workflow_steps",
        help_text=_("Để trống nếu là cơ quan có thẩm quyền giải quyết hồ sơ."),
    )
    budget_hours = models.DecimalField(
        _("thời gian (giờ làm việc)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text=_("Thời gian cho bước, tính bằng giờ làm việc (1 ngày làm việc = 8 giờ)."),
    )
    actions = models.JSONField(
        _("thao tác được phép"),
        default=list,
        help_text=_("Các thao tác cán bộ được làm ở bước này."),
    )
    notification = models.CharField(
        _("thông báo khi vào bước"),
        max_length=16,
        choices=StepNotification,
        default=StepNotification.HANDLER,
        help_text=_("Gửi thông báo cho ai khi hồ sơ chuyển đến bước này."),
    )
    signature_required = models.BooleanField(
        _("yêu cầu ký số"), default=False, help_text=_("Bước này cần chữ ký số.")
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="step_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class ProcedureVariant(models.Model):
    """A case (trường hợp) of a procedure version with its own time, fees, forms, workflow."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.CASCADE,
        related_name="variants",
        help_text=_("Phiên bản có trường hợp này."),
    )
    code = models.SlugField(
        _("mã trường hợp"), max_length=60, help_text=_("Mã ngắn, duy nhất trong phiên bản.")
    )
    name = models.CharField(
        _("tên trường hợp"), max_length=500, help_text=_("Ví dụ: “Đăng ký khai sinh đúng hạn”.")
    )
    question = models.CharField(
        _("câu hỏi chọn trường hợp"),
        max_length=300,
        blank=True,
        help_text=_("Câu hỏi ngắn giúp người dân chọn đúng trường hợp."),
    )
    order = models.PositiveSmallIntegerField(
        _("thứ tự"), default=1, help_text=_("Thứ tự hiển thị.")
    )
    duration = models.DecimalField(
        _("thời hạn giải quyết"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Thời hạn khi nộp trực tiếp; để trống nếu không hẹn ngày trả."),
    )
    duration_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=16,
        choices=DurationUnit,
        default=DurationUnit.WORKING_DAYS,
        help_text=_("Ngày làm việc, giờ làm việc, ngày, trong ngày hoặc không hẹn."),
    )
    online_duration = models.DecimalField(
        _("thời hạn khi nộp trực tuyến"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Chỉ điền khi khác thời hạn nộp trực tiếp."),
    )
    online_duration_unit = models.CharField(
        _("đơn vị thời hạn trực tuyến"),
        max_length=16,
        choices=DurationUnit,
        blank=True,
        help_text=_("Chỉ điền khi khác thời hạn nộp trực tiếp."),
    )
    workflow = models.ForeignKey(
        WorkflowTemplate,
        verbose_name=_("quy trình nội bộ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="variants",
        help_text=_("Quy trình xử lý nội bộ của trường hợp này."),
    )
    eform = EformJSONField(
        _("biểu mẫu điện tử"),
        null=True,
        blank=True,
        help_text=_("Định nghĩa biểu mẫu điện tử tương tác (JSON Schema)."),
    )

    class Meta:
        verbose_name = _("trường hợp thủ tục")
        verbose_name_plural = _("trường hợp thủ tục")
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="variant_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


def validate_upload_types(value: object) -> None:
    """A list of distinct ``UploadFileType`` keys (empty = every allowed type).

    The error codes are our own: a code the field also knows ("invalid",
    "invalid_choice") would have Django replace the message with its generic one.
    """
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Phải là danh sách loại tệp."), code="upload_types_not_list")
    unknown = [v for v in value if v not in UploadFileType.values]
    if unknown:
        raise ValidationError(
            _("Loại tệp không hợp lệ: %(types)s. Chỉ chọn trong: %(allowed)s.")
            % {"types": ", ".join(unknown), "allowed": ", ".join(UploadFileType.values)},
            code="upload_types_unknown",
        )
    if len(set(value)) != len(value):
        raise ValidationError(
            _("Mỗi loại tệp chỉ được chọn một lần."), code="upload_types_repeated"
        )


class ComponentSpec(models.Model):
    """A required component (thành phần hồ sơ) of a variant (domain.md §4.2)."""

    variant = models.ForeignKey(
        ProcedureVariant,
        verbose_name=_("trường hợp"),
        on_delete=models.CASCADE,
        related_name="components",
        help_text=_("Trường hợp yêu cầu thành phần này."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1, help_text=_("Thứ tự."))
    code = models.CharField(
        _("mã thành phần"), max_length=60, blank=True, help_text=_("Mã dùng khi đồng bộ DVCQG.")
    )
    name = models.TextField(_("tên giấy tờ"), help_text=_("Tên thành phần hồ sơ."))
    required = models.BooleanField(
        _("bắt buộc"), default=True, help_text=_("Bỏ chọn nếu thành phần là tùy chọn.")
    )
    condition_text = models.CharField(
        _("điều kiện"),
        max_length=500,
        blank=True,
        help_text=_("Khi nào cần nộp thành phần này (nếu có điều kiện)."),
    )
    originals = models.PositiveSmallIntegerField(
        _("bản chính"), default=0, help_text=_("Số bản chính.")
    )
    certified_copies = models.PositiveSmallIntegerField(
        _("bản sao chứng thực"), default=0, help_text=_("Số bản sao có chứng thực.")
    )
    copies = models.PositiveSmallIntegerField(
        _("bản sao"), default=0, help_text=_("Số bản sao, bản chụp.")
    )
    template_file = models.FileField(
        _("mẫu đơn, tờ khai"),
        max_length=255,
        upload_to="catalogue/forms/",
        blank=True,
        help_text=_("Mẫu để trống cho người dân tải về."),
    )
    replaced_by_eform = models.BooleanField(
        _("thay bằng biểu mẫu điện tử"),
        default=False,
        help_text=_("Khi nộp trực tuyến, biểu mẫu điện tử thay cho giấy tờ này."),
    )
    replaced_by_database = models.CharField(
        _("thay bằng dữ liệu"),
        max_length=60,
        blank=True,
        help_text=_("CSDL thay thế giấy tờ này (dân cư, hộ tịch…); không được yêu cầu nộp."),
    )
    upload_max_mb = models.DecimalField(
        _("dung lượng tối đa mỗi tệp (MB)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(UPLOAD_MB_MIN)],
        help_text=_("Để trống: theo giới hạn của thủ tục, nếu không có thì của hệ thống."),
    )
    upload_types = models.JSONField(
        _("loại tệp được nhận"),
        default=list,
        blank=True,
        validators=[validate_upload_types],
        help_text=_(
            "Ví dụ chỉ nhận PDF cho bản vẽ. Để trống: nhận mọi loại tệp hệ thống cho phép."
        ),
    )

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["variant", "order", "id"]

    def __str__(self) -> str:
        return self.name


class FeeRule(models.Model):
    """A fee line (phí / lệ phí) of a variant (domain.md §4.3). Money is integer đồng."""

    variant = models.ForeignKey(
        ProcedureVariant,
        verbose_name=_("trường hợp"),
        on_delete=models.CASCADE,
        related_name="fees",
        help_text=_("Trường hợp áp dụng khoản thu này."),
    )
    kind = models.CharField(
        _("loại"), max_length=16, choices=FeeKind, help_text=_("Phí hay lệ phí (báo cáo riêng).")
    )
    name = models.CharField(_("tên khoản thu"), max_length=300, help_text=_("Tên khoản thu."))
    amount = models.BigIntegerField(
        _("mức thu (đồng)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Số tiền cố định; để trống nếu tính theo quy tắc."),
    )
    rule = models.TextField(
        _("cách tính"),
        blank=True,
        help_text=_(
            "Ví dụ: 2.000 đồng/trang, từ trang thứ ba 1.000 đồng/trang, tối đa 200.000 đồng."
        ),
    )
    collection = models.CharField(
        _("thời điểm thu"),
        max_length=16,
        choices=FeeCollection,
        default=FeeCollection.UPFRONT,
        help_text=_("Thu khi nộp, khi trả kết quả, miễn hoặc không thu."),
    )
    exemption_groups = models.TextField(
        _("đối tượng miễn, giảm"), blank=True, help_text=_("Các đối tượng được miễn, giảm.")
    )

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["variant", "kind", "id"]

    def __str__(self) -> str:
        return self.name


class ProcedureOffering(models.Model):
    """Which agency receives a procedure, with its local instance code (MaTTHCDP)."""

    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.CASCADE,
        related_name="offerings",
        help_text=_("Trung tâm, bộ phận một cửa tiếp nhận thủ tục."),
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="offerings",
        help_text=_("Thủ tục được tiếp nhận."),
    )
    local_code = models.CharField(
        _("mã thủ tục tại địa phương"),
        max_length=80,
        blank=True,
        help_text=_("Ví dụ 2.000815.000.00.00.H57."),
    )
    counter_field = models.ForeignKey(
        ProcedureField,
        verbose_name=_("lĩnh vực tại quầy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offerings",
        help_text=_(
            "Quầy phục vụ lĩnh vực này tiếp nhận thủ tục; để trống thì theo lĩnh vực thủ tục."
        ),
    )
    online_open = models.BooleanField(
        _("nhận hồ sơ trực tuyến"), default=True, help_text=_("Có nhận nộp hồ sơ trực tuyến.")
    )
    is_active = models.BooleanField(
        _("đang tiếp nhận"), default=True, help_text=_("Bỏ chọn khi ngừng tiếp nhận.")
    )

    class Meta:
        verbose_name = _("thủ tục tại cơ quan")
        verbose_name_plural = _("thủ tục tại cơ quan")
        ordering = ["agency", "procedure"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "procedure"], name="offering_unique")
        ]

    def __str__(self) -> str:
        return f"{self.procedure} @ {self.agency}"


# The search index model lives next to the search code that maintains it; it
# is imported here so the app registry always knows it, whatever imports first.
from .search import ProcedureSearchEntry  # noqa: E402

__all__ = [
    "ComponentSpec",
    "FeeRule",
    "Procedure",
    "ProcedureField",
    "ProcedureOffering",
    "ProcedureSearchEntry",
    "ProcedureVariant",
    "ProcedureVersion",
    "WorkflowStep",
    "WorkflowTemplate",
]
