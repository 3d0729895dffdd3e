"""The short form of each dossier action, built from the API's own input serializer.

The fields an action takes are declared once, by the ``InputSerializer`` of its
API view (:data:`motcua.dossiers.api.views.ACTION_VIEWS`); the staff page reads
them from there, validates with the same serializer, converts with the view's
own ``service_fields`` and calls :func:`motcua.dossiers.services.dossier_act`.
So the page and the API cannot disagree on what an action needs.

Not on this page yet: file fields (``upload_ids`` of issue_result and
send_supplement), the free-form dictionaries (``result``, ``form_changes``)
and the liên thông legs of ``link`` (a list of objects). An action whose
required field is one of them says so instead of showing a form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rest_framework import serializers

from motcua.accounts.models import User
from motcua.dossiers.api.views import ACTION_VIEWS, SupplementItemField
from motcua.dossiers.constants import EventAction
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import TransitionRefused, dossier_act

# Nicer labels than the serializer's help texts for the fields most actions share.
LABELS: dict[str, str | Promise] = {
    "note": gettext_lazy("Ý kiến, ghi chú"),
    "reason": gettext_lazy("Lý do"),
    "handler": gettext_lazy("Tên đăng nhập của cán bộ được giao"),
    "items": gettext_lazy("Nội dung cần bổ sung (mỗi dòng một nội dung)"),
    "respond_by": gettext_lazy("Hạn bổ sung"),
    "new_due_at": gettext_lazy("Ngày hẹn trả mới"),
}


@dataclass
class ActionField:
    name: str
    label: str
    widget: str  # "text", "textarea", "datetime", "number", "lines"
    required: bool
    value: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def input_id(self) -> str:
        return self.name


@dataclass
class ActionForm:
    action: EventAction
    fields: list[ActionField]
    errors: list[str] = field(default_factory=list)
    # Required fields this page cannot take yet (the action is then API-only here).
    missing: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.action.value

    @property
    def label(self) -> str:
        return str(self.action.label)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or any(f.errors for f in self.fields))


def _widget(spec: serializers.Field[Any, Any, Any, Any]) -> str | None:
    if isinstance(spec, serializers.ListField):
        child = spec.child
        if isinstance(child, SupplementItemField) or type(child) is serializers.CharField:
            return "lines"
        return None
    if isinstance(spec, serializers.DateTimeField):
        return "datetime"
    if isinstance(spec, serializers.IntegerField):
        return "number"
    if isinstance(spec, serializers.CharField):
        max_length = spec.max_length
        return "text" if max_length is not None and max_length <= 200 else "textarea"
    return None


def _input_serializer(action: EventAction) -> serializers.Serializer[Any]:
    return ACTION_VIEWS[action].InputSerializer()


def action_form(action: EventAction) -> ActionForm:
    """The empty form of ``action``."""
    form = ActionForm(action=action, fields=[])
    for name, spec in _input_serializer(action).fields.items():
        widget = _widget(spec)
        if widget is None:
            if spec.required:
                form.missing.append(name)
            continue
        label = LABELS.get(name) or str(spec.help_text or name).rstrip(".")
        form.fields.append(
            ActionField(name=name, label=str(label), widget=widget, required=spec.required)
        )
    return form


def _payload(form: ActionForm, data: QueryDict) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    for f in form.fields:
        f.value = data.get(f.name, "")
        raw = f.value.strip()
        if not raw and not f.required:
            continue  # the serializer's default applies
        if f.widget == "lines":
            payload[f.name] = [line.strip() for line in raw.splitlines() if line.strip()]
        else:
            payload[f.name] = raw
    return payload


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _messages(value)]
    return [str(detail)]


def _place(form: ActionForm, errors: dict[str, Any]) -> None:
    by_name = {f.name: f for f in form.fields}
    for name, detail in errors.items():
        target = by_name.get(name.split(".")[0])
        if target is not None:
            target.errors.extend(_messages(detail))
        else:
            form.errors.extend(_messages(detail))


def action_perform(
    *, code: str, action: EventAction, by: User, data: QueryDict
) -> tuple[DossierEvent | None, ActionForm]:
    """Validate ``data`` for ``action`` and perform it; the event, or the form with its errors.

    Nothing typed is lost: the returned form carries the submitted values.
    ``Dossier.DoesNotExist`` propagates (the caller answers 404).
    """
    form = action_form(action)
    if form.missing:
        form.errors.append(_("Thao tác này chưa thực hiện được trên trang này."))
        return None, form
    serializer = ACTION_VIEWS[action].InputSerializer(data=_payload(form, data))
    if not serializer.is_valid():
        _place(form, dict(serializer.errors))
        return None, form
    view = ACTION_VIEWS[action]()
    validated = dict(serializer.validated_data)
    rename = view.rename_for(validated)
    try:
        event = dossier_act(code=code, action=action, by=by, **view.service_fields(validated))
    except TransitionRefused as refused:
        form.errors.append(
            _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": refused.requested.label, "status": refused.current.label}
        )
        return None, form
    except PermissionDenied:
        form.errors.append(
            _("Bạn không có quyền “%(action)s” đối với hồ sơ này.") % {"action": action.label}
        )
        return None, form
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            _place(
                form,
                {rename.get(name, name): list(msgs) for name, msgs in error.message_dict.items()},
            )
        else:
            form.errors.extend(error.messages)
        return None, form
    return event, form
