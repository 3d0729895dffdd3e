from __future__ import annotations

from django.contrib import admin

from .models import AdminUnit, Agency, Counter, Department, StaffMembership


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin[AdminUnit]):
    list_display = ["display_name", "code", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "kind", "valid_to"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "predecessors"]
    list_select_related = ["parent"]
    date_hierarchy = "valid_from"


class DepartmentInline(admin.TabularInline[Department, Agency]):
    model = Department
    extra = 0


class CounterInline(admin.TabularInline[Counter, Agency]):
    model = Counter
    fk_name = "agency"
    extra = 0
    autocomplete_fields = ["operator", "fields"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["name", "code", "kind", "unit", "valid_from", "valid_to"]
    list_filter = ["kind", "unit__level"]
    search_fields = ["name", "name_en", "code"]
    autocomplete_fields = ["unit", "parent"]
    list_select_related = ["unit"]
    inlines = [DepartmentInline, CounterInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["name", "agency", "is_active"]
    search_fields = ["name", "agency__name"]
    autocomplete_fields = ["agency"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin[StaffMembership]):
    list_display = ["user", "role", "agency", "department", "valid_from", "valid_to"]
    list_filter = ["role", "agency__kind"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency", "department"]
    list_select_related = ["user", "agency", "department"]
