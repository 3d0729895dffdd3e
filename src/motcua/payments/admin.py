"""Read-only admin: payments change only through the services; records are append-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import GatewayMessage, Payment, PaymentLine, PaymentRecord


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LineInline(ReadOnlyMixin, admin.TabularInline[PaymentLine, Payment]):
    model = PaymentLine
    extra = 0


class RecordInline(ReadOnlyMixin, admin.TabularInline[PaymentRecord, Payment]):
    model = PaymentRecord
    extra = 0


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin[Payment]):
    list_display = ["reference", "dossier", "provider", "amount", "status", "created_at", "paid_at"]
    list_filter = ["provider", "status"]
    search_fields = ["reference", "dossier__code", "provider_reference"]
    list_select_related = ["dossier"]
    inlines = [LineInline, RecordInline]


@admin.register(GatewayMessage)
class GatewayMessageAdmin(ReadOnlyMixin, admin.ModelAdmin[GatewayMessage]):
    list_display = ["at", "provider", "kind", "result_code", "payment"]
    list_filter = ["provider", "kind", "result_code"]
    list_select_related = ["payment"]
