from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ApiClient, ApiToken
from .services import api_client_create, api_token_issue, api_token_revoke


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin[ApiClient]):
    list_display = ["name", "agency", "service_user", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "description", "agency__name", "agency__code"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["service_user", "created_at"]
    fields = ["name", "description", "agency", "scopes", "is_active", "service_user", "created_at"]

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = api_client_create(
            name=obj.name, agency=obj.agency, scopes=obj.scopes, description=obj.description
        )
        obj.pk = created.pk
        obj.service_user = created.service_user


class ApiTokenForm(forms.ModelForm[ApiToken]):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk is None and not data.get("client") and not data.get("user"):
            self.add_error("user", gettext("Chọn cán bộ (token cá nhân) hoặc hệ thống."))
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    form = ApiTokenForm
    list_display = [
        "lookup",
        "name",
        "user",
        "client",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["client"]
    search_fields = ["lookup", "name", "user__username", "client__name"]
    autocomplete_fields = ["user"]
    readonly_fields = ["lookup", "created_at", "revoked_at", "last_used_at"]
    fields = ["user", "client", "name", "scopes", "expires_at", *readonly_fields]
    actions = ["revoke"]

    def get_form(
        self, request: HttpRequest, obj: ApiToken | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "user" in form.base_fields:
            # A client token acts as the client's service user: leave "user" empty.
            form.base_fields["user"].required = False
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is not None:
            return [*self.readonly_fields, "user", "client", "scopes"]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, secret = api_token_issue(
            user=None if obj.client_id else obj.user,
            client=obj.client,
            scopes=obj.scopes,
            name=obj.name,
            expires_at=obj.expires_at,
        )
        obj.pk = token.pk
        messages.warning(
            request,
            gettext("Token mới (chỉ hiển thị một lần, hãy lưu lại ngay): %(secret)s")
            % {"secret": secret},
        )

    @admin.action(description=_("Thu hồi các token đã chọn"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token)
