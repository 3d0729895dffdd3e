from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.organisations.models import StaffMembership

from .models import User


class MembershipInline(admin.TabularInline[StaffMembership, User]):
    model = StaffMembership
    extra = 0
    autocomplete_fields = ["agency", "department"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "full_name", "kind", "email", "is_active", "identity_verified"]
    list_filter = ["kind", "is_active", "is_staff", "identity_verified", "is_demo"]
    search_fields = ["username", "full_name", "email", "identity_number", "tax_code", "phone"]
    inlines = [MembershipInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Thông tin định danh"),
            {
                "fields": (
                    "kind",
                    "full_name",
                    "identity_number",
                    "tax_code",
                    "date_of_birth",
                    "phone",
                    "phone_verified",
                    "address_unit",
                    "address_street",
                    "identity_verified",
                    "identity_provider",
                    "identity_verified_at",
                    "is_demo",
                )
            },
        ),
    )
    autocomplete_fields = ["address_unit"]
