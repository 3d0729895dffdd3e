"""Admin of the queue: services and policies are configuration; tickets and intervals history."""

from __future__ import annotations

from django.contrib import admin

from motcua.core.admin import ReadOnlyAdminMixin

from .models import (
    CounterSession,
    QueuePolicy,
    Ticket,
    TicketInterval,
    TicketNotice,
    TicketRating,
    TicketService,
)


@admin.register(QueuePolicy)
class QueuePolicyAdmin(admin.ModelAdmin[QueuePolicy]):
    list_display = ["center", "policy", "interleave_every"]


@admin.register(TicketService)
class TicketServiceAdmin(admin.ModelAdmin[TicketService]):
    list_display = ["prefix", "name", "center", "position", "is_active"]
    list_filter = ["is_active", "center"]
    filter_horizontal = ["fields", "counters"]


class IntervalInline(ReadOnlyAdminMixin, admin.TabularInline[TicketInterval, Ticket]):
    model = TicketInterval
    fields = ("kind", "service", "start", "end", "counter", "officer")
    readonly_fields = ("kind", "service", "start", "end", "counter", "officer")
    extra = 0


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Ticket]):
    list_display = ["display", "center", "service", "day", "status", "priority", "counter"]
    list_filter = ["status", "day", "center"]
    search_fields = ["display", "follow_key"]
    inlines = [IntervalInline]


@admin.register(CounterSession)
class CounterSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CounterSession]):
    list_display = ["counter", "officer", "state", "opened_at", "closed_at"]
    list_filter = ["state"]


@admin.register(TicketNotice)
class TicketNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[TicketNotice]):
    list_display = ["ticket", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]


@admin.register(TicketRating)
class TicketRatingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[TicketRating]):
    list_display = ["ticket", "level", "counter", "officer", "created_at"]
    list_filter = ["level"]
