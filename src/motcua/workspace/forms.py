from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.constants import Channel
from motcua.organisations.models import Agency
from motcua.procedures.models import ProcedureField

from .selectors import Filters


class QueueFilterForm(forms.Form):
    """Filters and search of a queue (GET); invalid values are ignored, never an error page."""

    q = forms.CharField(
        label=_("Tìm theo mã hồ sơ, tên hoặc số định danh người nộp"),
        required=False,
        max_length=200,
    )
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=40)
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    agency = forms.ChoiceField(label=_("Cơ quan"), required=False)
    channel = forms.TypedChoiceField(
        label=_("Kênh nộp"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả"))] + [(c.value, c.label) for c in Channel],
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field_choices = [("", _("Tất cả"))] + [
            (f.code, f.name) for f in ProcedureField.objects.order_by("name")
        ]
        self.fields["field"].choices = field_choices  # type: ignore[attr-defined]
        self.fields["agency"].choices = [("", _("Tất cả"))] + [  # type: ignore[attr-defined]
            (a.code, a.name) for a in agencies if a.code
        ]

    def filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        channel = data.get("channel")
        return Filters(
            procedure=data.get("procedure") or "",
            field=data.get("field") or "",
            agency=data.get("agency") or "",
            channel=Channel(channel) if channel is not None else None,
            q=data.get("q") or "",
        )
