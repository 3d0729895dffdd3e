"""Completeness checks a version must pass before it is published (domain.md §4.6–4.7).

Pure functions over already-loaded objects; they return every problem at
once (an administrator fixes a draft in one go, "once and complete").
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from motcua.calendars.constants import DurationUnit

from .constants import OnlineMode, StepAction
from .models import (
    ComponentSpec,
    ProcedureVariant,
    ProcedureVersion,
    WorkflowStep,
    validate_upload_types,
)

HOURS_PER_WORKING_DAY = Decimal(8)
MEGABYTE = 1024 * 1024


def legal_hours(duration: Decimal | None, unit: str) -> Decimal | None:
    """The legal time of a variant in working hours, or None when it has no bound.

    Working days count 8 h (D1). A same-day procedure has one working day at
    most. Calendar days are bounded by 8 h per day (every calendar day could at
    most be a working day) — generous, but never refuses a valid template.
    """
    if unit == DurationUnit.NO_APPOINTMENT or (duration is None and unit != DurationUnit.SAME_DAY):
        return None
    if unit == DurationUnit.SAME_DAY:
        return HOURS_PER_WORKING_DAY
    assert duration is not None
    if unit == DurationUnit.WORKING_HOURS:
        return duration
    return duration * HOURS_PER_WORKING_DAY  # working days, calendar days


def workflow_problems(steps: Iterable[WorkflowStep], *, legal: Decimal | None) -> list[str]:
    """Problems of a workflow template against a variant's legal time (D5)."""
    steps = list(steps)
    problems: list[str] = []
    if not steps:
        return [_("Quy trình chưa có bước nào.")]
    orders = [s.order for s in steps]
    if sorted(orders) != list(range(1, len(steps) + 1)):
        problems.append(_("Các bước phải được đánh số liên tục từ 1."))
    valid_actions = set(StepAction.values)
    for step in steps:
        if not step.role:
            problems.append(_("Bước “%(step)s” chưa có vai trò thực hiện.") % {"step": step.name})
        unknown = [a for a in step.actions if a not in valid_actions]
        if unknown:
            problems.append(
                _("Bước “%(step)s” có thao tác không hợp lệ: %(actions)s.")
                % {"step": step.name, "actions": ", ".join(map(str, unknown))}
            )
        if not step.actions:
            problems.append(_("Bước “%(step)s” chưa có thao tác nào.") % {"step": step.name})
        elif step.order < len(steps) and StepAction.FORWARD not in step.actions:
            # Without "forward" a dossier could never leave this step for the next.
            problems.append(
                _("Bước “%(step)s” chưa cho phép chuyển bước tiếp theo.") % {"step": step.name}
            )
    total = sum((s.budget_hours for s in steps), Decimal(0))
    if legal is not None and total > legal:
        problems.append(
            _(
                "Tổng thời gian các bước là %(total)s giờ làm việc, vượt thời hạn giải quyết"
                " %(legal)s giờ làm việc."
            )
            % {"total": _hours(total), "legal": _hours(legal)}
        )
    return problems


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _megabytes(value: Decimal) -> str:
    """5 → “5”, 0.5 → “0,5” (two decimals at most)."""
    value = value.quantize(Decimal("0.01"))
    return number_format(int(value) if value == value.to_integral_value() else value.normalize())


def upload_limit_mb(
    *, version: ProcedureVersion, component: ComponentSpec | None = None
) -> Decimal | None:
    """The catalogue's maximum per file: the component's, else the version's; None = none.

    The installation's ``MOTCUA_UPLOAD_MAX_BYTES`` applies on top of it
    (``upload_max_bytes``). Megabytes of 1024 × 1024 bytes.
    """
    if component is not None and component.upload_max_mb is not None:
        return component.upload_max_mb
    return version.upload_max_mb


def upload_max_bytes(*, version: ProcedureVersion, component: ComponentSpec | None = None) -> int:
    """The largest file accepted for ``component`` (or any document) of ``version``, in bytes."""
    system = int(settings.MOTCUA_UPLOAD_MAX_BYTES)
    limit = upload_limit_mb(version=version, component=component)
    return system if limit is None else min(system, int(limit * MEGABYTE))


def upload_limit_problem(max_mb: Decimal | None) -> str | None:
    """A catalogue limit above the installation's ``MOTCUA_UPLOAD_MAX_BYTES``, or None.

    The installation refuses bigger files before the catalogue is consulted,
    so publishing a larger limit would tell citizens something untrue.
    """
    system = settings.MOTCUA_UPLOAD_MAX_BYTES
    if max_mb is None or max_mb * MEGABYTE <= system:
        return None
    return _(
        "dung lượng tối đa %(limit)s MB lớn hơn giới hạn chung của hệ thống"
        " (%(system)s MB, MOTCUA_UPLOAD_MAX_BYTES)."
    ) % {"limit": _megabytes(max_mb), "system": _megabytes(Decimal(system) / MEGABYTE)}


def component_problems(component: ComponentSpec) -> list[str]:
    """Upload limits of one component (gh-4 item 2)."""
    prefix = _("thành phần “%(name)s”: ") % {"name": component.name}
    problems: list[str] = []
    limit = upload_limit_problem(component.upload_max_mb)
    if limit is not None:
        problems.append(prefix + limit)
    try:
        validate_upload_types(component.upload_types)
    except ValidationError as error:
        problems += [prefix + message for message in error.messages]
    return problems


def variant_problems(variant: ProcedureVariant) -> list[str]:
    from .eforms import eform_definition_problems

    prefix = _("Trường hợp “%(name)s”: ") % {"name": variant.name}
    problems: list[str] = []
    if variant.duration_unit not in (DurationUnit.NO_APPOINTMENT, DurationUnit.SAME_DAY) and (
        variant.duration is None
    ):
        problems.append(_("chưa có thời hạn giải quyết."))
    if bool(variant.online_duration is None) != bool(not variant.online_duration_unit):
        problems.append(_("thời hạn trực tuyến cần có cả số và đơn vị."))
    components = list(variant.components.all())
    if not components:
        problems.append(_("chưa có thành phần hồ sơ."))
    for component in components:
        problems += component_problems(component)
    if not list(variant.fees.all()):
        problems.append(
            _("chưa khai báo phí, lệ phí (thêm một dòng “Không thu” nếu thủ tục không thu phí).")
        )
    if variant.workflow is not None:
        legal = legal_hours(variant.duration, variant.duration_unit)
        problems += workflow_problems(variant.workflow.steps.all(), legal=legal)
    if variant.eform is not None:
        problems += eform_definition_problems(variant.eform)
    return [prefix + p for p in problems]


def version_problems(version: ProcedureVersion) -> list[str]:
    """Every reason ``version`` cannot be published yet (empty list = complete)."""
    problems: list[str] = []
    if not version.name.strip():
        problems.append(_("Chưa có tên thủ tục."))
    if not version.levels:
        problems.append(_("Chưa chọn cấp thực hiện."))
    if version.online_mode == OnlineMode.PARTIAL and not version.partial_justification.strip():
        problems.append(
            _("Thủ tục cung cấp trực tuyến một phần phải có lý do công khai (NĐ 224/2026 Điều 14).")
        )
    limit = upload_limit_problem(version.upload_max_mb)
    if limit is not None:
        problems.append(_("Thủ tục có %(problem)s") % {"problem": limit})
    variants = list(version.variants.all())
    if not variants:
        problems.append(_("Chưa có trường hợp thủ tục nào."))
    for variant in variants:
        problems += variant_problems(variant)
    return problems
