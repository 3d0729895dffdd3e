"""The dossier (hồ sơ) and the records around it (domain.md §5).

``Dossier`` stays lean: where it stands now (status, step, handler, the
instants that statistics need). Who filed it, what was filed, fees, delivery,
supplements, apologies, coordination and linked legs live in related models.
``DossierEvent`` is the append-only history every derived view is built from;
each event's hash is chained to the previous event of the same dossier.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.calendars.constants import Timeliness
from motcua.organisations.constants import Role
from motcua.procedures.constants import FeeCollection, FeeKind
from motcua.procedures.eforms import EformJSONField

from .constants import (
    Channel,
    DocumentKind,
    DossierStatus,
    EventAction,
    PartyKind,
    PartyRole,
    PauseReason,
    ReturnMode,
)


class Dossier(models.Model):
    code = models.CharField(
        _("mã hồ sơ"),
        max_length=60,
        unique=True,
        help_text=_("Mã cơ quan tiếp nhận – ngày tiếp nhận (YYMMDD) – số thứ tự trong ngày."),
    )
    lookup_key = models.CharField(
        _("mã tra cứu"),
        max_length=16,
        help_text=_("Khóa ngẫu nhiên in trên giấy tiếp nhận; cần cùng mã hồ sơ để tra cứu."),
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        help_text=_("Phiên bản thủ tục áp dụng khi tiếp nhận; không đổi về sau."),
    )
    variant = models.ForeignKey(
        "procedures.ProcedureVariant",
        verbose_name=_("trường hợp"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        help_text=_("Trường hợp thủ tục đang áp dụng."),
    )
    channel = models.PositiveSmallIntegerField(
        _("kênh nộp"), choices=Channel, help_text=_("Trực tiếp, trực tuyến hoặc bưu chính.")
    )
    assisted_at = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("nơi hỗ trợ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Nơi người dân được hướng dẫn, hỗ trợ trực tiếp (nếu có)."),
    )
    received_by = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        help_text=_("Bộ phận một cửa tiếp nhận hồ sơ và cấp giấy tiếp nhận."),
    )
    competent_agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
        help_text=_("Cơ quan có thẩm quyền giải quyết, ban hành kết quả."),
    )
    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=DossierStatus, help_text=_("Trạng thái theo mã quốc gia.")
    )
    submitted_at = models.DateTimeField(
        _("thời điểm nộp"), null=True, blank=True, help_text=_("Khi nộp trực tuyến.")
    )
    received_at = models.DateTimeField(
        _("thời điểm tiếp nhận"), null=True, blank=True, help_text=_("Bắt đầu tính thời hạn.")
    )
    due_at = models.DateTimeField(
        _("thời điểm hẹn trả"), null=True, blank=True, help_text=_("Hạn trả kết quả hiện tại.")
    )
    original_due_at = models.DateTimeField(
        _("hẹn trả ban đầu"),
        null=True,
        blank=True,
        help_text=_("Hạn trước khi xin lỗi, hẹn lại; dùng để tính đúng hạn (D7, D8)."),
    )
    finished_at = models.DateTimeField(
        _("thời điểm giải quyết xong"), null=True, blank=True, help_text=_("Khi có kết quả.")
    )
    returned_at = models.DateTimeField(
        _("thời điểm trả kết quả"), null=True, blank=True, help_text=_("Khi đã trả kết quả.")
    )
    timeliness = models.CharField(
        _("tiến độ"),
        max_length=16,
        choices=Timeliness,
        blank=True,
        help_text=_("Trước hạn, đúng hạn hay quá hạn, khi giải quyết xong."),
    )
    current_step = models.ForeignKey(
        "procedures.WorkflowStep",
        verbose_name=_("bước hiện tại"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Bước xử lý nội bộ hiện tại."),
    )
    step_due_at = models.DateTimeField(
        _("hạn của bước"), null=True, blank=True, help_text=_("Hạn xử lý của bước hiện tại.")
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ đang xử lý"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cán bộ được giao xử lý bước hiện tại."),
    )
    summary = models.CharField(
        _("trích yếu"), max_length=500, blank=True, help_text=_("Nội dung yêu cầu tóm tắt.")
    )

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["competent_agency", "status", "due_at"]),
            models.Index(fields=["received_by", "received_at"]),
            # The one-stop's queues (gh-6 item 13): open statuses of one receiving agency.
            models.Index(
                fields=["received_by", "status", "due_at"], name="dossier_received_status_due"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Party(models.Model):
    """The owner (chủ hồ sơ) and, for a proxy dossier, the submitter (người nộp)."""

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="parties",
        help_text=_("Hồ sơ."),
    )
    role = models.CharField(
        _("vai trò"), max_length=16, choices=PartyRole, help_text=_("Chủ hồ sơ hay người nộp.")
    )
    kind = models.CharField(
        _("loại"), max_length=16, choices=PartyKind, help_text=_("Công dân, doanh nghiệp…")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossier_parties",
        help_text=_("Tài khoản trên cổng (nếu có)."),
    )
    full_name = models.CharField(_("họ và tên / tên"), max_length=200, help_text=_("Tên đầy đủ."))
    search_name = models.CharField(
        _("tên không dấu"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("Tên viết thường, không dấu, để tìm kiếm không phân biệt dấu."),
    )
    identity_number = models.CharField(
        _("số định danh"), max_length=12, blank=True, help_text=_("Số CCCD (công dân).")
    )
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, blank=True, help_text=_("Doanh nghiệp, tổ chức.")
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True, help_text=_("Liên hệ."))
    email = models.EmailField(_("thư điện tử"), blank=True, help_text=_("Liên hệ."))
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True, help_text=_("Địa chỉ."))

    class Meta:
        verbose_name = _("người liên quan")
        verbose_name_plural = _("người liên quan")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "role"], name="party_one_per_role")
        ]
        # The staff search by exact identity number or tax code (gh-6 item 13); the
        # partial-name search has a trigram index on PostgreSQL (migration 0009).
        indexes = [
            models.Index(fields=["identity_number"], name="party_identity_number"),
            models.Index(fields=["tax_code"], name="party_tax_code"),
        ]

    def __str__(self) -> str:
        return self.full_name


class TemporaryUpload(models.Model):
    """First stage of an upload: validated and stored, not yet part of a dossier."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(_("tệp"), upload_to="uploads/tmp/%Y/%m/%d/", help_text=_("Tệp."))
    original_name = models.CharField(
        _("tên tệp gốc"), max_length=255, help_text=_("Tên tệp người dùng gửi.")
    )
    size = models.PositiveBigIntegerField(_("dung lượng"), help_text=_("Số byte."))
    media_type = models.CharField(
        _("kiểu tệp"), max_length=100, help_text=_("Kiểu tệp xác định theo nội dung.")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, help_text=_("Giá trị băm nội dung."))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Người tải tệp lên."),
    )
    created_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True, help_text="")
    attached_at = models.DateTimeField(
        _("thời điểm đính kèm"), null=True, blank=True, help_text=_("Khi gắn vào hồ sơ.")
    )

    class Meta:
        verbose_name = _("tệp tải lên tạm")
        verbose_name_plural = _("tệp tải lên tạm")

    def __str__(self) -> str:
        return self.original_name


class DossierDocument(models.Model):
    """A submitted component (giấy tờ) stored through Django's storage API."""

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="documents",
        help_text=_("Hồ sơ."),
    )
    component = models.ForeignKey(
        "procedures.ComponentSpec",
        verbose_name=_("thành phần hồ sơ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Thành phần hồ sơ theo danh mục (nếu có)."),
    )
    kind = models.CharField(
        _("loại giấy tờ"),
        max_length=16,
        choices=DocumentKind,
        default=DocumentKind.COMPONENT,
        help_text=_(
            "Thành phần hồ sơ, giấy tờ bổ sung, kết quả giải quyết hay dự thảo kết quả (nội bộ)."
        ),
    )
    name = models.CharField(_("tên giấy tờ"), max_length=500, help_text=_("Tên giấy tờ."))
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/", help_text=_("Tệp đã lưu."))
    original_name = models.CharField(
        _("tên tệp gốc"), max_length=255, help_text=_("Tên tệp người dùng gửi.")
    )
    size = models.PositiveBigIntegerField(_("dung lượng"), help_text=_("Số byte."))
    media_type = models.CharField(_("kiểu tệp"), max_length=100, help_text=_("Kiểu tệp."))
    sha256 = models.CharField(_("SHA-256"), max_length=64, help_text=_("Giá trị băm nội dung."))
    digitised = models.BooleanField(
        _("đã số hóa"), default=False, help_text=_("Giấy tờ giấy đã được quét tại quầy.")
    )
    reused = models.BooleanField(
        _("tái sử dụng"), default=False, help_text=_("Lấy từ kho dữ liệu của người dân.")
    )
    created_at = models.DateTimeField(_("thời điểm đính kèm"), auto_now_add=True, help_text="")

    class Meta:
        verbose_name = _("giấy tờ trong hồ sơ")
        verbose_name_plural = _("giấy tờ trong hồ sơ")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class DossierFormData(models.Model):
    """The e-form answers, with the definition they were given against (pinned)."""

    dossier = models.OneToOneField(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="form_data",
        help_text=_("Hồ sơ."),
    )
    definition = EformJSONField(_("biểu mẫu"), help_text=_("Định nghĩa biểu mẫu khi nộp."))
    data = models.JSONField(_("nội dung khai"), help_text=_("Dữ liệu người dân đã khai."))

    class Meta:
        verbose_name = _("dữ liệu biểu mẫu")
        verbose_name_plural = _("dữ liệu biểu mẫu")

    def __str__(self) -> str:
        return f"{self.dossier_id}"


class DossierFee(models.Model):
    """A fee line pinned from the catalogue at reception (money in integer đồng)."""

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="fees",
        help_text=_("Hồ sơ."),
    )
    kind = models.CharField(_("loại"), max_length=16, choices=FeeKind, help_text=_("Phí/lệ phí."))
    name = models.CharField(_("tên khoản thu"), max_length=300, help_text=_("Tên khoản thu."))
    amount = models.BigIntegerField(
        _("số tiền (đồng)"), null=True, blank=True, help_text=_("Số tiền phải nộp.")
    )
    collection = models.CharField(
        _("thời điểm thu"), max_length=16, choices=FeeCollection, help_text=_("Khi nào thu.")
    )
    paid_at = models.DateTimeField(
        _("thời điểm thanh toán"), null=True, blank=True, help_text=_("Khi đã thu tiền.")
    )

    class Meta:
        verbose_name = _("phí, lệ phí của hồ sơ")
        verbose_name_plural = _("phí, lệ phí của hồ sơ")

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """How the result goes back: at the counter, by post, or electronically."""

    dossier = models.OneToOneField(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="delivery",
        help_text=_("Hồ sơ."),
    )
    mode = models.CharField(
        _("hình thức nhận kết quả"), max_length=16, choices=ReturnMode, help_text=_("Hình thức.")
    )
    recipient = models.CharField(
        _("người nhận"),
        max_length=200,
        blank=True,
        help_text=_("Người nhận kết quả qua bưu chính."),
    )
    address = models.CharField(
        _("địa chỉ nhận"), max_length=500, blank=True, help_text=_("Địa chỉ nhận qua bưu chính.")
    )
    phone = models.CharField(
        _("điện thoại người nhận"), max_length=20, blank=True, help_text=_("Để bưu tá liên hệ.")
    )

    class Meta:
        verbose_name = _("hình thức trả kết quả")
        verbose_name_plural = _("hình thức trả kết quả")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.mode}"


class DeliveryChange(models.Model):
    """An append-only record of the owner changing where the postal result goes (gh-5 item 7).

    Not a status event: the dossier's status does not move, so the national
    status table is untouched; the change is still kept, with who and when.
    """

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="delivery_changes",
        help_text=_("Hồ sơ."),
    )
    at = models.DateTimeField(_("thời điểm"), help_text=_("Khi đổi địa chỉ."))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đổi"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Chủ hồ sơ đã đổi địa chỉ."),
    )
    old_address = models.CharField(_("địa chỉ cũ"), max_length=500, help_text="")
    new_address = models.CharField(_("địa chỉ mới"), max_length=500, help_text="")
    new_phone = models.CharField(
        _("điện thoại mới"), max_length=20, blank=True, help_text=_("Để bưu tá liên hệ.")
    )

    class Meta:
        verbose_name = _("đổi địa chỉ nhận kết quả")
        verbose_name_plural = _("đổi địa chỉ nhận kết quả")
        ordering = ["dossier", "at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.new_address}"


class SupplementRequest(models.Model):
    """A request to complete the dossier, always through the one-stop (NĐ 61 Art 19(4))."""

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="supplement_requests",
        help_text=_("Hồ sơ."),
    )
    requested_at = models.DateTimeField(_("thời điểm yêu cầu"), help_text=_("Khi yêu cầu."))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cán bộ yêu cầu bổ sung."),
    )
    items = models.JSONField(
        _("nội dung cần bổ sung"), help_text=_("Danh sách giấy tờ, nội dung cần bổ sung.")
    )
    reason = models.TextField(_("lý do"), help_text=_("Lý do yêu cầu bổ sung."))
    respond_by = models.DateTimeField(
        _("hạn bổ sung"), null=True, blank=True, help_text=_("Quá hạn thì hồ sơ bị từ chối.")
    )
    before_reception = models.BooleanField(
        _("trước khi tiếp nhận"),
        default=False,
        help_text=_("Yêu cầu khi kiểm tra hồ sơ trực tuyến, chưa tiếp nhận (T3)."),
    )
    sent_at = models.DateTimeField(
        _("thời điểm công dân gửi bổ sung"),
        null=True,
        blank=True,
        help_text=_("Khi người dân gửi bổ sung trực tuyến; một cửa xác nhận sau (T13)."),
    )
    sent_note = models.TextField(
        _("nội dung bổ sung"), blank=True, help_text=_("Ghi chú của người dân khi gửi bổ sung.")
    )

    class Meta:
        verbose_name = _("yêu cầu bổ sung")
        verbose_name_plural = _("yêu cầu bổ sung")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.requested_at:%d/%m/%Y}"


class ClockPause(models.Model):
    """A closed pause of the dossier's clock (append-only: written when the pause ends).

    The open pause, if any, is the current status (awaiting supplement or
    payment) since the event that started it.
    """

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="pauses",
        help_text=_("Hồ sơ."),
    )
    reason = models.CharField(
        _("lý do"), max_length=16, choices=PauseReason, help_text=_("Lý do tạm dừng.")
    )
    started_at = models.DateTimeField(_("bắt đầu"), help_text=_("Khi dừng tính thời hạn."))
    ended_at = models.DateTimeField(_("kết thúc"), help_text=_("Khi tính thời hạn trở lại."))

    class Meta:
        verbose_name = _("tạm dừng tính thời hạn")
        verbose_name_plural = _("tạm dừng tính thời hạn")
        ordering = ["dossier", "started_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.started_at:%d/%m/%Y %H:%M}–{self.ended_at:%d/%m/%Y %H:%M}"


class Extension(models.Model):
    """Apology and new appointment (Mẫu 04): at most one per dossier (NĐ 61 Art 19(9))."""

    dossier = models.OneToOneField(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="extension",
        help_text=_("Hồ sơ."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xin lỗi"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cán bộ của cơ quan giải quyết."),
    )
    created_at = models.DateTimeField(_("thời điểm"), help_text=_("Khi gửi văn bản xin lỗi."))
    reason = models.TextField(_("lý do quá hạn"), help_text=_("Lý do chậm trễ."))
    old_due_at = models.DateTimeField(_("hạn cũ"), help_text=_("Hạn trước khi hẹn lại."))
    new_due_at = models.DateTimeField(_("hạn mới"), help_text=_("Ngày hẹn trả mới."))

    class Meta:
        verbose_name = _("xin lỗi, hẹn lại")
        verbose_name_plural = _("xin lỗi, hẹn lại")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.new_due_at:%d/%m/%Y %H:%M}"


class CoordinationRequest(models.Model):
    """An opinion asked of another agency, with its own deadline (NĐ 61 Art 19(5))."""

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="coordination_requests",
        help_text=_("Hồ sơ."),
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan phối hợp"),
        on_delete=models.PROTECT,
        related_name="coordination_requests",
        help_text=_("Cơ quan được xin ý kiến."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cán bộ đề nghị phối hợp."),
    )
    requested_at = models.DateTimeField(_("thời điểm đề nghị"), help_text=_("Khi đề nghị."))
    question = models.TextField(_("nội dung"), help_text=_("Nội dung xin ý kiến."))
    due_at = models.DateTimeField(_("hạn trả lời"), help_text=_("Hạn trả lời phối hợp."))
    answered_at = models.DateTimeField(
        _("thời điểm trả lời"), null=True, blank=True, help_text=_("Khi cơ quan phối hợp trả lời.")
    )
    answer = models.TextField(_("ý kiến trả lời"), blank=True, help_text=_("Ý kiến phối hợp."))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cán bộ của cơ quan phối hợp."),
    )

    class Meta:
        verbose_name = _("phối hợp")
        verbose_name_plural = _("phối hợp")

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.agency_id}"


class LinkedLeg(models.Model):
    """One agency's leg of a liên thông dossier (NĐ 61 Art 19(6)–(7))."""

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="linked_legs",
        help_text=_("Hồ sơ."),
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan liên thông"),
        on_delete=models.PROTECT,
        related_name="linked_legs",
        help_text=_("Cơ quan giải quyết phần việc này."),
    )
    order = models.PositiveSmallIntegerField(
        _("thứ tự"),
        default=1,
        help_text=_("Thứ tự khi liên thông tuần tự; bằng nhau là song song."),
    )
    due_at = models.DateTimeField(_("hạn"), help_text=_("Hạn của cơ quan này."))
    external_code = models.CharField(
        _("mã hồ sơ bên ngoài"), max_length=80, blank=True, help_text=_("Mã trên hệ thống khác.")
    )
    done_at = models.DateTimeField(
        _("thời điểm hoàn thành"), null=True, blank=True, help_text=_("Khi cơ quan này xử lý xong.")
    )
    result_note = models.TextField(
        _("kết quả"), blank=True, help_text=_("Kết quả, ghi chú của cơ quan liên thông.")
    )
    timeliness = models.CharField(
        _("tiến độ"),
        max_length=16,
        choices=Timeliness,
        blank=True,
        help_text=_("Trước hạn, đúng hạn hay quá hạn, khi xong."),
    )

    class Meta:
        verbose_name = _("phần liên thông")
        verbose_name_plural = _("phần liên thông")
        ordering = ["dossier", "order", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.agency_id}"


class SyncState(models.Model):
    """National-portal (DVCQG) sync state of a dossier: 0 not synced, 1 synced (§5.3)."""

    dossier = models.OneToOneField(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="sync",
        help_text=_("Hồ sơ."),
    )
    synced = models.BooleanField(
        _("đã đồng bộ"), default=False, help_text=_("Trở về chưa đồng bộ sau mỗi thay đổi.")
    )
    alternate_code = models.CharField(
        _("mã hồ sơ khác"), max_length=80, blank=True, help_text=_("Mã trên DVCQG (MaHoSoKhac).")
    )
    last_synced_at = models.DateTimeField(
        _("lần đồng bộ gần nhất"), null=True, blank=True, help_text=_("Khi đồng bộ thành công.")
    )

    class Meta:
        verbose_name = _("trạng thái đồng bộ")
        verbose_name_plural = _("trạng thái đồng bộ")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {int(self.synced)}"


class DossierCodeCounter(models.Model):
    """Per receiving agency, per day: the last sequence number issued (§11.2)."""

    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cơ quan tiếp nhận."),
    )
    day = models.DateField(_("ngày"), help_text=_("Ngày tiếp nhận (giờ Việt Nam)."))
    last = models.PositiveIntegerField(_("số cuối"), default=0, help_text=_("Số đã cấp cuối cùng."))

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="code_counter_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class ResultNumberCounter(models.Model):
    """Per competent agency, per year: the last number of its register of results (văn thư)."""

    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cơ quan ban hành kết quả."),
    )
    year = models.PositiveSmallIntegerField(_("năm"), help_text=_("Năm ban hành (giờ Việt Nam)."))
    last = models.PositiveIntegerField(_("số cuối"), default=0, help_text=_("Số đã cấp cuối cùng."))

    class Meta:
        verbose_name = _("sổ số văn bản kết quả")
        verbose_name_plural = _("sổ số văn bản kết quả")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="result_number_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}: {self.last}"


class IdempotencyRecord(models.Model):
    """A client's Idempotency-Key and the dossier its first request created."""

    key = models.CharField(_("khóa"), max_length=200, help_text=_("Idempotency-Key của yêu cầu."))
    client = models.CharField(
        _("bên gửi"), max_length=200, help_text=_("Người dùng hoặc hệ thống gửi yêu cầu.")
    )
    request_hash = models.CharField(
        _("băm yêu cầu"), max_length=64, help_text=_("Phát hiện cùng khóa, nội dung khác.")
    )
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Hồ sơ tạo bởi yêu cầu đầu tiên."),
    )
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, help_text="")

    class Meta:
        verbose_name = _("khóa chống gửi trùng")
        verbose_name_plural = _("khóa chống gửi trùng")
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.key}"


class DossierEvent(models.Model):
    """One thing that happened to a dossier. Append-only; hash-chained per dossier."""

    # Not a column: how many outbox rows ``history.event_append`` recorded with it.
    outbox_rows: int = 0

    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="events",
        help_text=_("Hồ sơ."),
    )
    seq = models.PositiveIntegerField(_("số thứ tự"), help_text=_("Thứ tự sự kiện trong hồ sơ."))
    at = models.DateTimeField(_("thời điểm"), help_text=_("Khi việc xảy ra."))
    action = models.CharField(
        _("thao tác"), max_length=32, choices=EventAction, help_text=_("Việc đã làm.")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Để trống nếu do hệ thống thực hiện."),
    )
    actor_role = models.CharField(
        _("vai trò"), max_length=32, choices=Role, blank=True, help_text=_("Vai trò khi làm.")
    )
    actor_agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cơ quan của người thực hiện."),
    )
    from_status = models.PositiveSmallIntegerField(
        _("từ trạng thái"), choices=DossierStatus, null=True, blank=True, help_text=""
    )
    to_status = models.PositiveSmallIntegerField(
        _("sang trạng thái"), choices=DossierStatus, help_text=""
    )
    from_step = models.ForeignKey(
        "procedures.WorkflowStep",
        verbose_name=_("từ bước"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="",
    )
    to_step = models.ForeignKey(
        "procedures.WorkflowStep",
        verbose_name=_("sang bước"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="",
    )
    to_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("giao cho"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cán bộ nhận xử lý tiếp."),
    )
    due_at = models.DateTimeField(
        _("hạn hồ sơ sau sự kiện"), null=True, blank=True, help_text=_("Hạn trả kết quả.")
    )
    step_due_at = models.DateTimeField(
        _("hạn bước sau sự kiện"), null=True, blank=True, help_text=_("Hạn của bước mới.")
    )
    note = models.TextField(_("ghi chú"), blank=True, help_text=_("Lý do, ý kiến."))
    data = models.JSONField(
        _("dữ liệu"), default=dict, blank=True, help_text=_("Chi tiết của thao tác.")
    )
    prev_hash = models.CharField(
        _("băm sự kiện trước"),
        max_length=64,
        blank=True,
        help_text=_("Chuỗi rỗng với sự kiện đầu tiên."),
    )
    hash = models.CharField(_("băm"), max_length=64, help_text=_("SHA-256 của sự kiện."))

    class Meta:
        verbose_name = _("sự kiện xử lý")
        verbose_name_plural = _("quá trình xử lý")
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="event_unique_seq"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="event_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"
