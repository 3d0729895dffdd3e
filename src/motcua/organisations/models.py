"""Administrative units, agencies, their departments and counters, and staff memberships.

Units and agencies carry validity dates and succession links: a reorganisation
(such as the end of the district level on 01/07/2025) creates new rows and
never rewrites old ones, so old dossiers keep pointing at the units of their
time (domain.md §3).
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .constants import KIND_LEVEL, AdminUnitKind, AgencyKind, Role, UnitLevel


class Validity(models.Model):
    """Validity period shared by units, agencies and memberships.

    ``valid_to`` is the last day of validity (inclusive); empty means still valid.
    """

    valid_from = models.DateField(
        _("hiệu lực từ ngày"), help_text=_("Ngày đầu tiên bản ghi có hiệu lực.")
    )
    valid_to = models.DateField(
        _("hiệu lực đến ngày"),
        null=True,
        blank=True,
        help_text=_("Ngày cuối cùng bản ghi có hiệu lực; để trống nếu vẫn còn hiệu lực."),
    )

    class Meta:
        abstract = True

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def clean_validity(self) -> None:
        if self.valid_to is not None and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("Ngày hết hiệu lực phải sau hoặc bằng ngày bắt đầu hiệu lực.")}
            )


def valid_on_q(day: dt.date, prefix: str = "") -> Q:
    """``Q`` for rows valid on ``day`` (``prefix`` e.g. ``"agency__"``)."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class AdminUnit(Validity):
    """An administrative unit (đơn vị hành chính): province, district or commune level."""

    code = models.CharField(
        _("mã đơn vị"),
        max_length=32,
        blank=True,
        help_text=_("Mã đơn vị hành chính theo hệ mã ghi ở trường “hệ mã”; để trống nếu chưa rõ."),
    )
    code_scheme = models.CharField(
        _("hệ mã"),
        max_length=32,
        blank=True,
        default="gso",
        help_text=_("Hệ mã của mã đơn vị, ví dụ “gso” (Tổng cục Thống kê)."),
    )
    name = models.CharField(
        _("tên"),
        max_length=200,
        help_text=_("Tên riêng của đơn vị, không kèm loại đơn vị (ví dụ “Kim Long”)."),
    )
    kind = models.CharField(
        _("loại đơn vị"), max_length=32, choices=AdminUnitKind, help_text=_("Tỉnh, huyện, xã…")
    )
    level = models.PositiveSmallIntegerField(
        _("cấp"),
        choices=UnitLevel,
        editable=False,
        help_text=_("Cấp hành chính, suy ra từ loại đơn vị."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Đơn vị hành chính trực tiếp cấp trên trong cùng thời kỳ."),
    )
    predecessors = models.ManyToManyField(
        "self",
        verbose_name=_("hình thành từ"),
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text=_("Các đơn vị cũ được sắp xếp, hợp nhất để hình thành đơn vị này."),
    )
    source = models.CharField(
        _("căn cứ"),
        max_length=300,
        blank=True,
        help_text=_("Văn bản thành lập, sắp xếp; ghi “chưa xác minh” nếu chưa đối chiếu."),
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code_scheme", "code", "valid_from"],
                condition=~Q(code=""),
                name="adminunit_unique_code_per_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "name", "parent", "valid_from"],
                condition=Q(parent__isnull=False),
                name="adminunit_unique_name_per_parent_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "name", "valid_from"],
                condition=Q(parent__isnull=True),
                name="adminunit_unique_top_level_name_per_period",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="adminunit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        # Word order differs by language ("Phường Kim Long" / "Kim Long ward").
        return gettext("%(kind)s %(name)s") % {
            "kind": AdminUnitKind(self.kind).label,
            "name": self.name,
        }

    def clean(self) -> None:
        self.clean_validity()
        if self.kind:
            self.level = KIND_LEVEL[AdminUnitKind(self.kind)]
        if self.parent_id is not None and self.parent is not None:
            if self.parent.level >= self.level:
                raise ValidationError(
                    {"parent": _("Đơn vị cấp trên phải ở cấp cao hơn đơn vị này.")}
                )
            if self.valid_from and not self.parent.is_valid_on(self.valid_from):
                raise ValidationError(
                    {"parent": _("Đơn vị cấp trên không còn hiệu lực vào ngày bắt đầu hiệu lực.")}
                )
        elif self.level and self.level != UnitLevel.PROVINCE:
            raise ValidationError(
                {"parent": _("Đơn vị cấp huyện, cấp xã phải có đơn vị cấp trên.")}
            )


def validate_agency_code(value: str) -> None:
    pattern = settings.MOTCUA_AGENCY_CODE_PATTERN
    if not re.fullmatch(pattern, value):
        raise ValidationError(
            _("Mã định danh cơ quan “%(value)s” không đúng định dạng (ví dụ: 000.00.06.H57)."),
            params={"value": value},
            code="invalid_agency_code",
        )


class Agency(Validity):
    """A state agency (cơ quan): People's Committee, department, service center, …"""

    code = models.CharField(
        _("mã định danh"),
        max_length=40,
        blank=True,
        validators=[validate_agency_code],
        help_text=_("Mã định danh điện tử của cơ quan theo QCVN 102:2016, ví dụ 000.00.06.H57."),
    )
    name = models.CharField(_("tên cơ quan"), max_length=255, help_text=_("Tên đầy đủ."))
    name_en = models.CharField(
        _("tên tiếng Anh"),
        max_length=255,
        blank=True,
        help_text=_("Tên hiển thị khi giao diện bằng tiếng Anh; để trống thì dùng tên tiếng Việt."),
    )
    kind = models.CharField(
        _("loại cơ quan"), max_length=32, choices=AgencyKind, help_text=_("Loại cơ quan.")
    )
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("địa bàn phục vụ"),
        on_delete=models.PROTECT,
        related_name="agencies",
        help_text=_("Đơn vị hành chính mà cơ quan phục vụ."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan chủ quản"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Cơ quan cấp trên trực tiếp, ví dụ trung tâm của một chi nhánh."),
    )
    schedule = models.ForeignKey(
        "calendars.WorkSchedule",
        verbose_name=_("lịch làm việc"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        help_text=_("Giờ làm việc riêng của cơ quan; để trống thì dùng lịch mặc định."),
    )
    address = models.CharField(
        _("địa chỉ"), max_length=300, blank=True, help_text=_("Địa chỉ trụ sở.")
    )
    phone = models.CharField(
        _("điện thoại"), max_length=40, blank=True, help_text=_("Số điện thoại liên hệ.")
    )
    email = models.EmailField(_("thư điện tử"), blank=True, help_text=_("Địa chỉ thư điện tử."))

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="agency_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    def clean(self) -> None:
        self.clean_validity()
        if self.parent_id is not None and self.pk is not None and self.parent_id == self.pk:
            raise ValidationError(
                {"parent": _("Cơ quan không thể là cơ quan chủ quản của chính nó.")}
            )


class Department(models.Model):
    """A division (phòng) inside an agency."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        related_name="departments",
        help_text=_("Cơ quan có phòng này."),
    )
    name = models.CharField(_("tên phòng"), max_length=255, help_text=_("Tên phòng, ban."))
    name_en = models.CharField(
        _("tên tiếng Anh"), max_length=255, blank=True, help_text=_("Tên khi giao diện tiếng Anh.")
    )
    is_active = models.BooleanField(
        _("đang hoạt động"), default=True, help_text=_("Bỏ chọn khi phòng bị giải thể, sáp nhập.")
    )

    class Meta:
        verbose_name = _("phòng, ban")
        verbose_name_plural = _("phòng, ban")
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.agency}"


COUNTER_AGENCY_KINDS = {
    AgencyKind.SERVICE_CENTER,
    AgencyKind.RECEPTION_POINT,
    AgencyKind.ONE_STOP_DESK,
    AgencyKind.MINISTRY_DESK,
}


class Counter(models.Model):
    """A reception counter (quầy) at a service center, serving some procedure fields."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("trung tâm"),
        on_delete=models.CASCADE,
        related_name="counters",
        help_text=_("Trung tâm, chi nhánh hoặc bộ phận một cửa có quầy này."),
    )
    number = models.PositiveSmallIntegerField(
        _("số quầy"), help_text=_("Số quầy hiển thị và đọc khi gọi số.")
    )
    name = models.CharField(
        _("tên quầy"), max_length=200, help_text=_("Ví dụ: “Quầy Tư pháp – Hộ tịch”.")
    )
    operator = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan cử cán bộ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staffed_counters",
        help_text=_("Cơ quan có cán bộ làm việc tại quầy (sở, ngành dọc…)."),
    )
    fields = models.ManyToManyField(
        "procedures.ProcedureField",
        verbose_name=_("lĩnh vực tiếp nhận"),
        blank=True,
        related_name="counters",
        help_text=_("Các lĩnh vực thủ tục mà quầy tiếp nhận."),
    )
    is_active = models.BooleanField(
        _("đang hoạt động"), default=True, help_text=_("Bỏ chọn khi quầy ngừng hoạt động.")
    )

    class Meta:
        verbose_name = _("quầy tiếp nhận")
        verbose_name_plural = _("quầy tiếp nhận")
        ordering = ["agency", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], name="counter_unique_number")
        ]

    def __str__(self) -> str:
        return gettext("Quầy số %(number)s – %(name)s") % {"number": self.number, "name": self.name}

    def clean(self) -> None:
        if self.agency_id is not None and self.agency.kind not in COUNTER_AGENCY_KINDS:
            raise ValidationError(
                {"agency": _("Chỉ trung tâm, chi nhánh hoặc bộ phận một cửa mới có quầy.")}
            )


class StaffMembership(Validity):
    """A user's role in an agency (and department) for a period.

    Staff are seconded to the centre for fixed periods (NĐ 61 Art 11–12), so
    memberships carry validity dates; a user may hold several at once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text=_("Tài khoản của cán bộ."),
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("Cơ quan nơi cán bộ làm việc theo vai trò này."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("phòng, ban"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("Phòng, ban trong cơ quan (nếu có)."),
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role, help_text=_("Vai trò."))

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        ordering = ["user", "agency", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {Role(self.role).label} – {self.agency}"

    def clean(self) -> None:
        self.clean_validity()
        if (
            self.department_id is not None
            and self.agency_id is not None
            and self.department is not None
            and self.department.agency_id != self.agency_id
        ):
            raise ValidationError({"department": _("Phòng, ban phải thuộc cơ quan đã chọn.")})
