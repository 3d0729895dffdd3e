"""Writes to the procedure catalogue: drafting, publishing and retiring versions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _

from .constants import VersionStatus
from .models import (
    ComponentSpec,
    FeeRule,
    Procedure,
    ProcedureVariant,
    ProcedureVersion,
    WorkflowStep,
)
from .search import procedure_search_reindex
from .validation import version_problems


def _version_for_check(version_id: int) -> ProcedureVersion:
    return ProcedureVersion.objects.prefetch_related(
        Prefetch("variants", queryset=ProcedureVariant.objects.select_related("workflow")),
        "variants__components",
        "variants__fees",
        Prefetch("variants__workflow__steps", queryset=WorkflowStep.objects.order_by("order")),
    ).get(pk=version_id)


def procedure_version_publish(*, version_id: int, valid_from: dt.date) -> ProcedureVersion:
    """Publish a complete draft from ``valid_from``; retire the version it replaces.

    Refuses (``ValidationError`` listing every problem) when the draft is not
    complete (§4.7). The previously published version that is still valid on
    ``valid_from`` gets ``valid_to = valid_from - 1 day`` and, once that date
    has passed, nothing else changes: dossiers filed under it keep pointing at
    it. Locks the procedure row so two publications cannot interleave.
    """
    with transaction.atomic():
        version = ProcedureVersion.objects.select_for_update().get(pk=version_id)
        Procedure.objects.select_for_update().get(pk=version.procedure_id)
        if version.status != VersionStatus.DRAFT:
            raise ValidationError(_("Chỉ công bố được phiên bản đang là bản nháp."))
        problems = version_problems(_version_for_check(version_id))
        if problems:
            raise ValidationError(problems)
        previous = (
            ProcedureVersion.objects.filter(
                procedure_id=version.procedure_id, status=VersionStatus.PUBLISHED
            )
            .exclude(pk=version.pk)
            .order_by("-valid_from")
            .first()
        )
        if previous is not None:
            assert previous.valid_from is not None
            if previous.valid_from >= valid_from:
                raise ValidationError(
                    _("Ngày hiệu lực phải sau ngày hiệu lực của phiên bản đang áp dụng (%(date)s).")
                    % {"date": previous.valid_from.strftime("%d/%m/%Y")}
                )
            previous.valid_to = valid_from - dt.timedelta(days=1)
            previous.status = VersionStatus.RETIRED
            previous.save(update_fields=["valid_to", "status"])
        version.valid_from = valid_from
        version.valid_to = None
        version.status = VersionStatus.PUBLISHED
        version.full_clean()
        version.save(update_fields=["valid_from", "valid_to", "status"])
        # The index holds published and retired versions (filtered by date
        # when searching); drafts are not searchable.
        procedure_search_reindex(version_ids=[version.pk])
    return version


def procedure_version_retire(*, version_id: int, valid_to: dt.date) -> ProcedureVersion:
    """End a published version (the procedure is abolished) on ``valid_to``, inclusive."""
    with transaction.atomic():
        version = ProcedureVersion.objects.select_for_update().get(pk=version_id)
        if version.status != VersionStatus.PUBLISHED:
            raise ValidationError(_("Chỉ phiên bản đã công bố mới có thể cho hết hiệu lực."))
        assert version.valid_from is not None
        if valid_to < version.valid_from:
            raise ValidationError(_("Ngày hết hiệu lực phải sau hoặc bằng ngày bắt đầu hiệu lực."))
        version.valid_to = valid_to
        version.status = VersionStatus.RETIRED
        version.save(update_fields=["valid_to", "status"])
    return version


def procedure_version_new_draft(*, version_id: int) -> ProcedureVersion:
    """A new draft copying ``version`` with its variants, components and fees.

    Published versions are never edited in place (dossiers pin them); a change
    starts from a copy. Workflow templates are shared, not copied: they are
    reusable data referenced by variants.
    """
    with transaction.atomic():
        source = ProcedureVersion.objects.select_for_update().get(pk=version_id)
        Procedure.objects.select_for_update().get(pk=source.procedure_id)
        if source.procedure.versions.filter(status=VersionStatus.DRAFT).exists():
            raise ValidationError(_("Thủ tục này đã có một bản nháp đang soạn."))
        last = source.procedure.versions.aggregate(n=Max("number"))["n"] or 0
        variants = list(
            source.variants.prefetch_related("components", "fees").order_by("order", "id")
        )
        draft = ProcedureVersion.objects.get(pk=source.pk)
        draft.pk = None
        draft.number = last + 1
        draft.status = VersionStatus.DRAFT
        draft.valid_from = None
        draft.valid_to = None
        draft.save()
        for variant in variants:
            components = list(variant.components.all())
            fees = list(variant.fees.all())
            variant.pk = None
            variant.version = draft
            variant.save()
            ComponentSpec.objects.bulk_create(
                ComponentSpec(**_fields(c, exclude={"id", "variant"}), variant=variant)
                for c in components
            )
            FeeRule.objects.bulk_create(
                FeeRule(**_fields(f, exclude={"id", "variant"}), variant=variant) for f in fees
            )
    return draft


def _fields(obj: ComponentSpec | FeeRule, *, exclude: set[str]) -> dict[str, object]:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.name not in exclude
    }
