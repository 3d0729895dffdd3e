"""Enums of the supervision statistics (gh-8 items 1, 8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.IntegerChoices):
    """What one statistics fact counts (one row of ``StatFact``, one unit of a counter).

    The definitions (aggregates.facts_for_dossiers) are the single source for
    both the daily counters and the drill-down lists, so every number equals
    the length of its list (conventions.md §5).
    """

    RECEIVED = 1, _("Tiếp nhận")
    RECEIVED_FULL_ONLINE = 2, _("Tiếp nhận trực tuyến toàn trình")
    REFUSED = 3, _("Từ chối tiếp nhận")
    FINISHED_EARLY = 4, _("Giải quyết trước hạn")
    FINISHED_ON_TIME = 5, _("Giải quyết đúng hạn")
    FINISHED_LATE = 6, _("Giải quyết quá hạn")
    PAUSED = 7, _("Tạm dừng (bổ sung, nghĩa vụ tài chính)")
    WITHDRAWN = 8, _("Rút hồ sơ")
    STOPPED = 9, _("Dừng xử lý")
    RETURNED = 10, _("Đã trả kết quả")
    RATED_VERY_SATISFIED = 11, _("Rất hài lòng")
    RATED_SATISFIED = 12, _("Hài lòng")
    RATED_NOT_SATISFIED = 13, _("Không hài lòng")


# The counter column of ``DailyStat`` for each metric.
METRIC_COLUMN: dict[Metric, str] = {
    Metric.RECEIVED: "received",
    Metric.RECEIVED_FULL_ONLINE: "received_full_online",
    Metric.REFUSED: "refused",
    Metric.FINISHED_EARLY: "finished_early",
    Metric.FINISHED_ON_TIME: "finished_on_time",
    Metric.FINISHED_LATE: "finished_late",
    Metric.PAUSED: "paused",
    Metric.WITHDRAWN: "withdrawn",
    Metric.STOPPED: "stopped",
    Metric.RETURNED: "returned",
    Metric.RATED_VERY_SATISFIED: "rated_very_satisfied",
    Metric.RATED_SATISFIED: "rated_satisfied",
    Metric.RATED_NOT_SATISFIED: "rated_not_satisfied",
}
COUNTER_COLUMNS: tuple[str, ...] = tuple(METRIC_COLUMN.values())
# Sums carried with the counters (processing seconds of the finished ones).
SUM_COLUMNS: tuple[str, ...] = ("finished_seconds",)
FINISHED_METRICS = (Metric.FINISHED_EARLY, Metric.FINISHED_ON_TIME, Metric.FINISHED_LATE)
