"""Read-only admin: payments change only through the services; records are append-only."""

from __future__ import annotations

from django.contrib import admin

from motcua.core.admin import ReadOnlyAdminMixin

from .models import GatewayMessage, Payment, PaymentLine, PaymentRecord


class LineInline(ReadOnlyAdminMixin, admin.TabularInline[PaymentLine, Payment]):
    model = PaymentLine
    extra = 0


class RecordInline(ReadOnlyAdminMixin, admin.TabularInline[PaymentRecord, Payment]):
    model = PaymentRecord
    extra = 0


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Payment]):
    list_display = ["reference", "dossier", "provider", "amount", "status", "created_at", "paid_at"]
    list_filter = ["provider", "status"]
    search_fields = ["reference", "dossier__code", "provider_reference"]
    list_select_related = ["dossier"]
    inlines = [LineInline, RecordInline]


@admin.register(GatewayMessage)
class GatewayMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[GatewayMessage]):
    list_display = ["at", "provider", "kind", "result_code", "payment"]
    list_filter = ["provider", "kind", "result_code"]
    list_select_related = ["payment"]
