"""Dossier administration: read-only (conventions §3, §5).

Every write to a dossier goes through the services (transition table,
jurisdiction, history); the admin only shows dossiers and their append-only
history, and can check history chains.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from motcua.core.admin import ReadOnlyAdminMixin

from .history import dossiers_with_broken_history
from .models import Dossier, DossierDocument, DossierEvent, Party


class ReadOnlyInline[M: Model](ReadOnlyAdminMixin, admin.TabularInline[M, Dossier]):
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields if f.name != "id"]


class PartyInline(ReadOnlyInline[Party]):
    model = Party
    fields = ["role", "kind", "full_name", "identity_number", "tax_code", "phone", "email"]


class DocumentInline(ReadOnlyInline[DossierDocument]):
    model = DossierDocument
    fields = ["name", "component", "file", "media_type", "size", "sha256", "digitised"]


class EventInline(ReadOnlyInline[DossierEvent]):
    model = DossierEvent
    fields = ["seq", "at", "action", "actor", "actor_role", "from_status", "to_status", "note"]
    ordering = ["seq"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DossierEvent]:
        return super().get_queryset(request).select_related("actor")


def _report_chains(modeladmin: admin.ModelAdmin[Any], request: HttpRequest, ids: list[int]) -> None:
    broken = list(dossiers_with_broken_history(dossier_ids=ids))
    for code, problems in broken:
        modeladmin.message_user(request, f"{code}: {' '.join(problems)}", messages.ERROR)
    if not broken:
        modeladmin.message_user(
            request,
            ngettext(
                "Chuỗi lịch sử của %(count)d hồ sơ đã chọn còn nguyên vẹn.",
                "Chuỗi lịch sử của %(count)d hồ sơ đã chọn còn nguyên vẹn.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Dossier]):
    list_display = ["code", "procedure_version", "status", "received_by", "received_at", "due_at"]
    list_filter = ["status", "channel", ("received_by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["procedure_version__procedure", "received_by"]
    search_fields = ["code"]
    date_hierarchy = "received_at"
    inlines = [PartyInline, DocumentInline, EventInline]
    actions = ["verify_history"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Dossier._meta.fields if f.name != "id"]

    @admin.action(description=gettext_lazy("Kiểm tra chuỗi lịch sử"), permissions=["view"])
    def verify_history(self, request: HttpRequest, queryset: QuerySet[Dossier]) -> None:
        _report_chains(self, request, list(queryset.values_list("pk", flat=True)))


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[DossierEvent]):
    """Append-only history (conventions §5): never added, changed or deleted here."""

    list_display = ["dossier", "seq", "at", "action", "actor", "from_status", "to_status"]
    list_filter = ["action", "to_status"]
    list_select_related = ["dossier", "actor"]
    search_fields = ["dossier__code"]
    ordering = ["-at", "-id"]
    actions = ["verify_history"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in DossierEvent._meta.fields if f.name != "id"]

    @admin.action(description=gettext_lazy("Kiểm tra chuỗi lịch sử"), permissions=["view"])
    def verify_history(self, request: HttpRequest, queryset: QuerySet[DossierEvent]) -> None:
        ids = list(queryset.order_by().values_list("dossier_id", flat=True).distinct())
        _report_chains(self, request, ids)
