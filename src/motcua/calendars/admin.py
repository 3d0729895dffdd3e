from __future__ import annotations

from django.contrib import admin

from .models import CalendarDay, WorkPeriod, WorkSchedule


class WorkPeriodInline(admin.TabularInline[WorkPeriod, WorkSchedule]):
    model = WorkPeriod
    extra = 0


@admin.register(WorkSchedule)
class WorkScheduleAdmin(admin.ModelAdmin[WorkSchedule]):
    list_display = ["name", "is_default", "same_day_cutoff"]
    inlines = [WorkPeriodInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    """Days the province or an agency announces: swapped Saturdays, closures (D9)."""

    list_display = ["date", "kind", "name", "agency", "legal_basis"]
    list_filter = ["kind", "agency"]
    search_fields = ["name", "legal_basis"]
    date_hierarchy = "date"
    autocomplete_fields = ["agency"]
