"""Completeness checks a version must pass before it is published (domain.md §4.6–4.7).

Pure functions over already-loaded objects; they return every problem at
once (an administrator fixes a draft in one go, "once and complete").
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from motcua.calendars.constants import DurationUnit

from .constants import OnlineMode, StepAction
from .models import ProcedureVariant, ProcedureVersion, WorkflowStep

HOURS_PER_WORKING_DAY = Decimal(8)


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
    if not list(variant.components.all()):
        problems.append(_("chưa có thành phần hồ sơ."))
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
    variants = list(version.variants.all())
    if not variants:
        problems.append(_("Chưa có trường hợp thủ tục nào."))
    for variant in variants:
        problems += variant_problems(variant)
    return problems
