"""Enums for the working-time calendar (domain.md §6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DurationUnit(models.TextChoices):
    """How a procedure's legal duration is counted (D1).

    Production systems store durations in working hours with this unit flag;
    1 working day = 8 working hours. "No appointment" procedures have no due date.
    """

    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    CALENDAR_DAYS = "calendar_days", pgettext_lazy("duration unit", "ngày")
    SAME_DAY = "same_day", _("trong ngày")  # D4: NĐ 61 Art 18(2)–(3), 15:00 cut-off
    NO_APPOINTMENT = "no_appointment", _("không hẹn ngày trả")


class Timeliness(models.TextChoices):
    """On-time class of a finished dossier (D8; TT 01/2018 index C1)."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")
