"""The citizen's rating form (gh-5 item 11). Radio groups; every criterion optional."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .constants import CRITERIA, Satisfaction
from .models import Rating

SKIP = ("", _("Không trả lời"))


def _to_int(value: str) -> int:
    return int(value)


def _to_bool(value: str) -> bool:
    return value == "yes"


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Bạn có hài lòng với việc giải quyết hồ sơ này không?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn mức độ hài lòng của bạn.")},
    )
    reason = forms.CharField(
        label=_("Lý do, ý kiến của bạn"),
        help_text=_("Bắt buộc khi bạn không hài lòng. Tối đa 2.000 ký tự."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    extra_cost = forms.TypedChoiceField(
        label=_("Bạn có phải trả khoản chi phí nào ngoài phí, lệ phí đã công khai không?"),
        choices=[("no", _("Không")), ("yes", _("Có")), SKIP],
        coerce=_to_bool,
        empty_value=None,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[criterion.field] = forms.TypedChoiceField(
                label=criterion.question,
                choices=[(str(points), label) for points, label in criterion.answers] + [SKIP],
                coerce=_to_int,
                empty_value=None,
                required=False,
                initial="",
                widget=forms.RadioSelect,
            )

    @classmethod
    def initial_from(cls, rating: Rating) -> dict[str, Any]:
        """The stored answers, to show the rating being changed."""
        initial: dict[str, Any] = {
            "level": rating.level,
            "reason": rating.reason,
            "extra_cost": ""
            if rating.extra_cost is None
            else ("yes" if rating.extra_cost else "no"),
        }
        for criterion in CRITERIA:
            value = getattr(rating, criterion.field)
            initial[criterion.field] = "" if value is None else str(value)
        return initial

    def criteria_fields(self) -> list[forms.BoundField]:
        return [self[c.field] for c in CRITERIA]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("level") == Satisfaction.NOT_SATISFIED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error(
                "reason",
                ValidationError(
                    _(
                        "Hãy cho biết lý do bạn không hài lòng, để cơ quan biết cần cải thiện"
                        " điều gì."
                    ),
                    code="required",
                ),
            )
        return data
