"""Statistics facts and daily aggregates behind the supervision dashboard (gh-8 items 1, 8).

Two tables, both derived (never edited by hand, rebuildable from the history):

* ``StatFact``: one countable fact of one dossier (received on day D by
  officer O through channel C, finished late on day D, paused on day D…), with
  the dimensions it is counted under. The facts of a dossier are a pure
  function of its row, its history events and its rating
  (``aggregates.facts_for_dossiers``); the drill-down lists read them, so a
  list is exactly what its number counts.
* ``DailyStat``: the facts summed per day and dimensions. The dashboard reads
  only this table (plus open dossiers for the in-process snapshot).

Dimension columns of ``DailyStat`` are plain integers with 0 for "none" (no
officer): a unique key with NULLs would not make ``INSERT … ON CONFLICT``
merge rows, and the counters are maintained by such upserts.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import Metric


class StatFact(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        # Derived rows, written in bulk by the rebuild: no per-row foreign-key check.
        db_constraint=False,
        related_name="+",
        help_text=_("Hồ sơ mà sự kiện thống kê thuộc về."),
    )
    metric = models.PositiveSmallIntegerField(
        _("chỉ tiêu"), choices=Metric, help_text=_("Điều được đếm.")
    )
    day = models.DateField(_("ngày"), help_text=_("Ngày xảy ra, theo giờ Việt Nam."))
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text=_("Cơ quan có thẩm quyền giải quyết hồ sơ."),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("thủ tục"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text=_("Thủ tục của hồ sơ."),
    )
    field = models.ForeignKey(
        "procedures.ProcedureField",
        verbose_name=_("lĩnh vực"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text=_("Lĩnh vực của phiên bản thủ tục áp dụng."),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Cán bộ đã làm việc được đếm (tiếp nhận, trả kết quả…); trống nếu không có."),
    )
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), help_text=_("Kênh nộp hồ sơ."))
    seconds = models.BigIntegerField(
        _("số giây"),
        default=0,
        help_text=_("Thời gian từ tiếp nhận đến khi giải quyết xong (với hồ sơ đã giải quyết)."),
    )

    class Meta:
        verbose_name = _("sự kiện thống kê")
        verbose_name_plural = _("sự kiện thống kê")
        indexes = [
            models.Index(fields=["dossier"], name="statfact_dossier"),
            # The drill-down lists and medians: every filter and sort column, so PostgreSQL
            # counts a list and finds its first page from the index alone.
            models.Index(
                fields=[
                    "agency", "metric", "day", "procedure", "officer", "field", "channel",
                    "dossier", "seconds",
                ],
                name="statfact_list",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.get_metric_display()} {self.day}"


class StatCounters(models.Model):
    """The counters shared by the daily and monthly tables (one per ``Metric``)."""

    agency_id = models.IntegerField(_("cơ quan"), help_text=_("Mã số cơ quan giải quyết."))
    procedure_id = models.IntegerField(_("thủ tục"), help_text=_("Mã số thủ tục."))
    field_id = models.IntegerField(_("lĩnh vực"), help_text=_("Mã số lĩnh vực."))
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), help_text=_("Kênh nộp hồ sơ."))
    received = models.IntegerField(_("tiếp nhận"), default=0, help_text="")
    received_full_online = models.IntegerField(_("trực tuyến toàn trình"), default=0, help_text="")
    refused = models.IntegerField(_("từ chối tiếp nhận"), default=0, help_text="")
    finished_early = models.IntegerField(_("trước hạn"), default=0, help_text="")
    finished_on_time = models.IntegerField(_("đúng hạn"), default=0, help_text="")
    finished_late = models.IntegerField(_("quá hạn"), default=0, help_text="")
    finished_seconds = models.BigIntegerField(
        _("tổng thời gian giải quyết"), default=0, help_text=_("Giây, cộng dồn.")
    )
    paused = models.IntegerField(_("tạm dừng"), default=0, help_text="")
    withdrawn = models.IntegerField(_("rút hồ sơ"), default=0, help_text="")
    stopped = models.IntegerField(_("dừng xử lý"), default=0, help_text="")
    returned = models.IntegerField(_("đã trả kết quả"), default=0, help_text="")
    rated_very_satisfied = models.IntegerField(_("rất hài lòng"), default=0, help_text="")
    rated_satisfied = models.IntegerField(_("hài lòng"), default=0, help_text="")
    rated_not_satisfied = models.IntegerField(_("không hài lòng"), default=0, help_text="")

    class Meta:
        abstract = True


class DailyStat(StatCounters):
    """Counters per day, agency, procedure, field, officer (0: none) and channel."""

    day = models.DateField(_("ngày"), help_text=_("Ngày, theo giờ Việt Nam."))
    officer_id = models.IntegerField(_("cán bộ"), help_text=_("Mã số cán bộ; 0 nếu không có."))

    class Meta:
        verbose_name = _("thống kê ngày")
        verbose_name_plural = _("thống kê ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency_id", "procedure_id", "field_id", "officer_id", "channel"],
                name="dailystat_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["agency_id", "day"], name="dailystat_agency_day"),
            models.Index(fields=["procedure_id", "day"], name="dailystat_procedure_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}/{self.procedure_id}"


class MonthlyStat(StatCounters):
    """The same counters per month without the officer: a year is 12 rows per key, not 365."""

    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng, theo giờ Việt Nam."))

    class Meta:
        verbose_name = _("thống kê tháng")
        verbose_name_plural = _("thống kê tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency_id", "procedure_id", "field_id", "channel"],
                name="monthlystat_unique_key",
            )
        ]
        indexes = [models.Index(fields=["agency_id", "month"], name="monthlystat_agency_month")]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.agency_id}/{self.procedure_id}"
