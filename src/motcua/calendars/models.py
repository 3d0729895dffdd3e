"""Office hours and calendar overrides that the pure working-time module consumes.

The national holiday table comes from the ``holidays`` package (law); these
rows hold what provinces and agencies announce each year: swapped Saturdays,
local closures, cancelled days (domain.md D9).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Thứ Hai")
    TUESDAY = 1, _("Thứ Ba")
    WEDNESDAY = 2, _("Thứ Tư")
    THURSDAY = 3, _("Thứ Năm")
    FRIDAY = 4, _("Thứ Sáu")
    SATURDAY = 5, _("Thứ Bảy")
    SUNDAY = 6, _("Chủ Nhật")


class WorkSchedule(models.Model):
    """A weekly office-hours schedule. One may be the installation default."""

    name = models.CharField(
        _("tên lịch"), max_length=200, unique=True, help_text=_("Ví dụ: “Giờ hành chính”.")
    )
    is_default = models.BooleanField(
        _("lịch mặc định"),
        default=False,
        help_text=_("Áp dụng cho mọi cơ quan không có lịch riêng. Chỉ một lịch được chọn."),
    )
    same_day_cutoff = models.TimeField(
        _("giờ chốt tiếp nhận trong ngày"),
        default="15:00",
        help_text=_(
            "Hồ sơ giải quyết trong ngày tiếp nhận sau giờ này được trả vào ngày làm việc tiếp"
            " theo (NĐ 61 Điều 18)."
        ),
    )

    class Meta:
        verbose_name = _("lịch làm việc")
        verbose_name_plural = _("lịch làm việc")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_schedule"
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkPeriod(models.Model):
    """One office-hours period on a weekday, e.g. Monday 07:00–11:30."""

    schedule = models.ForeignKey(
        WorkSchedule,
        verbose_name=_("lịch làm việc"),
        on_delete=models.CASCADE,
        related_name="periods",
        help_text=_("Lịch có khung giờ này."),
    )
    weekday = models.PositiveSmallIntegerField(
        _("thứ"), choices=Weekday, help_text=_("Ngày trong tuần.")
    )
    start = models.TimeField(_("từ"), help_text=_("Giờ bắt đầu làm việc."))
    end = models.TimeField(_("đến"), help_text=_("Giờ kết thúc."))

    class Meta:
        verbose_name = _("khung giờ làm việc")
        verbose_name_plural = _("khung giờ làm việc")
        ordering = ["schedule", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="period_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": _("Giờ kết thúc phải sau giờ bắt đầu.")})


class DayKind(models.TextChoices):
    NON_WORKING = "non_working", _("Ngày nghỉ")
    WORKING = "working", _("Ngày làm việc")


class CalendarDay(models.Model):
    """An announced exception to the national table and the weekly schedule.

    ``NON_WORKING`` adds a day off (a local closure, a day off swapped for a
    Saturday); ``WORKING`` makes a day a working day (the swapped Saturday, or
    a national holiday cancelled). A row for an agency beats a province-wide
    row (no agency) for the same date.
    """

    date = models.DateField(_("ngày"), help_text=_("Ngày được điều chỉnh."))
    kind = models.CharField(
        _("loại ngày"), max_length=16, choices=DayKind, help_text=_("Nghỉ hay làm việc.")
    )
    name = models.CharField(
        _("lý do"),
        max_length=200,
        help_text=_("Ví dụ: “Làm bù cho ngày 31/8” hoặc “Nghỉ bù Quốc khánh”."),
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_days",
        help_text=_("Để trống nếu áp dụng cho toàn tỉnh, thành phố."),
    )
    legal_basis = models.CharField(
        _("căn cứ"),
        max_length=300,
        blank=True,
        help_text=_("Văn bản thông báo, ví dụ số công văn của UBND."),
    )

    class Meta:
        verbose_name = _("ngày điều chỉnh")
        verbose_name_plural = _("ngày điều chỉnh")
        ordering = ["-date"]
        constraints = [
            # Two partial constraints rather than nulls_distinct=False, which
            # SQLite does not support: one province-wide row and one row per
            # agency for a date.
            models.UniqueConstraint(
                fields=["date"], condition=Q(agency__isnull=True), name="calendar_day_unique"
            ),
            models.UniqueConstraint(
                fields=["date", "agency"],
                condition=Q(agency__isnull=False),
                name="calendar_day_unique_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {DayKind(self.kind).label}: {self.name}"
