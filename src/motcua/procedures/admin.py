"""Catalogue administration: drafts are edited here; published versions are read-only.

Publishing and drafting go through the services (completeness checks, the
previous version retired), from buttons on a version's page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .constants import StepAction, UploadFileType
from .models import (
    ComponentSpec,
    FeeRule,
    Procedure,
    ProcedureField,
    ProcedureOffering,
    ProcedureVariant,
    ProcedureVersion,
    WorkflowStep,
    WorkflowTemplate,
)
from .services import procedure_version_new_draft, procedure_version_publish
from .validation import legal_hours, version_problems, workflow_problems


@admin.register(ProcedureField)
class ProcedureFieldAdmin(admin.ModelAdmin[ProcedureField]):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


class DraftOnlyMixin:
    """Rows belonging to a published or retired version cannot be changed (dossiers pin them)."""

    def _version_of(self, obj: Any) -> ProcedureVersion | None:
        raise NotImplementedError  # each admin says how to find the version

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        version = self._version_of(obj) if obj is not None else None
        if version is not None and not version.is_editable:
            return False
        return bool(super().has_change_permission(request, obj))  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        version = self._version_of(obj) if obj is not None else None
        if version is not None and not version.is_editable:
            return False
        return bool(super().has_delete_permission(request, obj))  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # ModelAdmin takes (request); inlines take (request, parent obj).
        parent = args[0] if args else None
        version = self._version_of(parent) if parent is not None else None
        if version is not None and not version.is_editable:
            return False
        return bool(super().has_add_permission(request, *args))  # type: ignore[misc]


class VariantInline(DraftOnlyMixin, admin.TabularInline[ProcedureVariant, ProcedureVersion]):
    model = ProcedureVariant
    extra = 0
    fields = ["order", "code", "name", "duration", "duration_unit", "workflow"]
    show_change_link = True

    def _version_of(self, obj: Any) -> ProcedureVersion | None:
        return obj if isinstance(obj, ProcedureVersion) else None


class PublishForm(forms.Form):
    valid_from = forms.DateField(
        label=gettext_lazy("Áp dụng từ ngày"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "Phiên bản đang áp dụng (nếu có) còn hiệu lực đến hết ngày trước đó."
        ),
    )


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(DraftOnlyMixin, admin.ModelAdmin[ProcedureVersion]):
    list_display = ["procedure", "name", "number", "status", "valid_from", "valid_to", "field"]
    list_filter = ["status", "field", "online_mode", "audience"]
    search_fields = ["procedure__national_code", "name", "keywords"]
    list_select_related = ["procedure", "field"]
    autocomplete_fields = ["field"]
    readonly_fields = ["status", "valid_from", "valid_to", "completeness"]
    inlines = [VariantInline]
    change_form_template = "admin/procedures/procedureversion/change_form.html"

    def _version_of(self, obj: Any) -> ProcedureVersion | None:
        return obj if isinstance(obj, ProcedureVersion) else None

    @admin.display(description=gettext_lazy("Kiểm tra trước khi công bố"))
    def completeness(self, obj: ProcedureVersion) -> str:
        if obj.pk is None:
            return "—"
        problems = version_problems(obj)
        if not problems:
            return _("Đầy đủ, có thể công bố.")
        return "\n".join(problems)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:version_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="procedures_procedureversion_publish",
            ),
            path(
                "<int:version_id>/new-draft/",
                self.admin_site.admin_view(self.new_draft_view),
                name="procedures_procedureversion_new_draft",
            ),
        ]
        return own + super().get_urls()

    def publish_view(self, request: HttpRequest, version_id: int) -> HttpResponse:
        version = get_object_or_404(ProcedureVersion, pk=version_id)
        if not self.has_view_permission(request, version) or not request.user.has_perm(
            "procedures.change_procedureversion"
        ):
            return HttpResponseRedirect(reverse("admin:index"))
        change_url = reverse("admin:procedures_procedureversion_change", args=[version.pk])
        if request.method == "POST":
            form = PublishForm(request.POST)
            if form.is_valid():
                try:
                    procedure_version_publish(
                        version_id=version.pk, valid_from=form.cleaned_data["valid_from"]
                    )
                except ValidationError as error:
                    for message in error.messages:
                        form.add_error(None, message)
                else:
                    messages.success(request, _("Đã công bố phiên bản."))
                    return HttpResponseRedirect(change_url)
        else:
            form = PublishForm(initial={"valid_from": timezone.localdate()})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Công bố %(version)s") % {"version": version},
            "version": version,
            "form": form,
            "problems": version_problems(version),
            "opts": self.model._meta,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/procedures/procedureversion/publish.html", context)

    def new_draft_view(self, request: HttpRequest, version_id: int) -> HttpResponse:
        if request.method != "POST" or not request.user.has_perm("procedures.add_procedureversion"):
            return HttpResponseRedirect(reverse("admin:index"))
        try:
            draft = procedure_version_new_draft(version_id=version_id)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(
                reverse("admin:procedures_procedureversion_change", args=[version_id])
            )
        messages.success(request, _("Đã tạo bản nháp mới; chỉnh sửa rồi công bố."))
        return HttpResponseRedirect(
            reverse("admin:procedures_procedureversion_change", args=[draft.pk])
        )


class ComponentForm(forms.ModelForm[ComponentSpec]):
    upload_types = forms.MultipleChoiceField(
        label=gettext_lazy("Loại tệp được nhận"),
        choices=UploadFileType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Không chọn: nhận mọi loại tệp hệ thống cho phép."),
    )

    class Meta:
        model = ComponentSpec
        fields = [
            "order",
            "code",
            "name",
            "required",
            "condition_text",
            "originals",
            "certified_copies",
            "copies",
            "template_file",
            "replaced_by_eform",
            "replaced_by_database",
            "upload_max_mb",
            "upload_types",
        ]


class ComponentInline(DraftOnlyMixin, admin.TabularInline[ComponentSpec, ProcedureVariant]):
    model = ComponentSpec
    form = ComponentForm
    extra = 0

    def _version_of(self, obj: Any) -> ProcedureVersion | None:
        return obj.version if isinstance(obj, ProcedureVariant) else None


class FeeInline(DraftOnlyMixin, admin.TabularInline[FeeRule, ProcedureVariant]):
    model = FeeRule
    extra = 0

    def _version_of(self, obj: Any) -> ProcedureVersion | None:
        return obj.version if isinstance(obj, ProcedureVariant) else None


class VariantForm(forms.ModelForm[ProcedureVariant]):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        workflow = data.get("workflow")
        if workflow is not None:
            legal = legal_hours(data.get("duration"), data.get("duration_unit") or "")
            for problem in workflow_problems(workflow.steps.all(), legal=legal):
                self.add_error("workflow", problem)
        eform = data.get("eform")
        if eform is not None:
            from .eforms import eform_definition_problems

            for problem in eform_definition_problems(eform):
                self.add_error("eform", problem)
        return data


@admin.register(ProcedureVariant)
class ProcedureVariantAdmin(DraftOnlyMixin, admin.ModelAdmin[ProcedureVariant]):
    form = VariantForm
    list_display = ["name", "version", "duration", "duration_unit", "workflow"]
    search_fields = ["name", "version__procedure__national_code", "version__name"]
    list_select_related = ["version__procedure", "workflow"]
    inlines = [ComponentInline, FeeInline]
    raw_id_fields = ["version"]

    def _version_of(self, obj: Any) -> ProcedureVersion | None:
        return obj.version if isinstance(obj, ProcedureVariant) else None


class StepForm(forms.ModelForm[WorkflowStep]):
    actions = forms.MultipleChoiceField(
        label=gettext_lazy("Thao tác được phép"),
        choices=StepAction.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WorkflowStep
        fields = [
            "order",
            "name",
            "role",
            "department",
            "budget_hours",
            "actions",
            "notification",
            "signature_required",
        ]


class StepFormSet(BaseInlineFormSet[WorkflowStep, WorkflowTemplate, forms.ModelForm[WorkflowStep]]):
    """Refuses steps whose budgets no longer fit a variant using the template (D5)."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        steps = [
            WorkflowStep(
                name=f.cleaned_data.get("name", ""),
                order=f.cleaned_data.get("order") or 0,
                role=f.cleaned_data.get("role", ""),
                budget_hours=f.cleaned_data.get("budget_hours") or Decimal(0),
                actions=f.cleaned_data.get("actions") or [],
            )
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if self.instance.pk is None:
            return
        problems = []
        for variant in self.instance.variants.select_related("version__procedure"):
            legal = legal_hours(variant.duration, variant.duration_unit)
            problems += [
                _("%(variant)s (%(code)s): %(problem)s")
                % {
                    "variant": variant.name,
                    "code": variant.version.procedure.national_code,
                    "problem": problem,
                }
                for problem in workflow_problems(steps, legal=legal)
            ]
        if problems:
            raise ValidationError(problems)


class StepInline(admin.StackedInline[WorkflowStep, WorkflowTemplate]):
    model = WorkflowStep
    form = StepForm
    formset = StepFormSet
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(WorkflowTemplate)
class WorkflowTemplateAdmin(admin.ModelAdmin[WorkflowTemplate]):
    list_display = ["name", "step_count"]
    search_fields = ["name"]
    inlines = [StepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WorkflowTemplate]:
        return super().get_queryset(request).prefetch_related("steps")

    @admin.display(description=gettext_lazy("Số bước"))
    def step_count(self, obj: WorkflowTemplate) -> int:
        return len(obj.steps.all())


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ["national_code"]
    search_fields = ["national_code", "versions__name"]
    filter_horizontal = ["linked"]


@admin.register(ProcedureOffering)
class ProcedureOfferingAdmin(admin.ModelAdmin[ProcedureOffering]):
    list_display = ["procedure", "agency", "local_code", "online_open", "is_active"]
    list_filter = ["online_open", "is_active", "agency__kind"]
    search_fields = ["procedure__national_code", "agency__name", "local_code"]
    autocomplete_fields = ["agency", "procedure", "counter_field"]
    list_select_related = ["procedure", "agency"]
