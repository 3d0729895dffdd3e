"""The short form of each dossier action, built from the API's own input serializer.

The fields an action takes are declared once, by the ``InputSerializer`` of its
API view (:data:`motcua.dossiers.api.views.ACTION_VIEWS`); the staff page reads
them from there, validates with the same serializer, converts with the view's
own ``service_fields`` and calls :func:`motcua.dossiers.services.dossier_act`.
So the page and the API cannot disagree on what an action needs.

Fields the generic rendering cannot take get a screen of their own here, still
validated by the API serializer:

* ``upload_ids`` (issue_result: the result; forward: the draft of the result
  sent for review): one or more files sent with the form
  (multipart), stored through the upload pipeline
  (:func:`motcua.dossiers.uploads.upload_store`: type, size, virus scan) and
  passed as upload ids; files already stored are kept across a failed attempt.
* ``result`` (issue_result): its known keys ``number``, ``title``, ``summary``.
* ``legs`` (link): a repeating fieldset, one row per agency; "add a row" is a
  submit button, so it works without JavaScript.
* identifiers chosen from a list (``handler`` of assign, ``agency_code`` of
  coordinate, ``coordination_id``, ``leg_id``): a ``<select>`` whose options the
  page fills in (:mod:`motcua.workspace.intake`); the API is unchanged.

``send_supplement`` (the owner's action, with ``form_changes``) is not a staff
action and stays API/portal only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rest_framework import serializers

from motcua.accounts.models import User
from motcua.dossiers.api.views import ACTION_VIEWS, SupplementItemField
from motcua.dossiers.constants import EventAction
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import TransitionRefused, dossier_act
from motcua.dossiers.uploads import UploadRejected, upload_store

A = EventAction

# Nicer labels than the serializer's help texts for the fields most actions share.
LABELS: dict[str, str | Promise] = {
    "note": gettext_lazy("Ý kiến, ghi chú"),
    "reason": gettext_lazy("Lý do"),
    "handler": gettext_lazy("Cán bộ được giao"),
    "items": gettext_lazy("Nội dung cần bổ sung (mỗi dòng một nội dung)"),
    "respond_by": gettext_lazy("Hạn bổ sung"),
    "new_due_at": gettext_lazy("Ngày hẹn trả mới"),
    "agency_code": gettext_lazy("Cơ quan được xin ý kiến"),
    "question": gettext_lazy("Nội dung xin ý kiến"),
    "due_at": gettext_lazy("Hạn trả lời"),
    "answer": gettext_lazy("Ý kiến trả lời"),
    "coordination_id": gettext_lazy("Yêu cầu phối hợp được trả lời"),
    "leg_id": gettext_lazy("Phần liên thông đã xong"),
    "result_note": gettext_lazy("Kết quả của cơ quan liên thông"),
    "external_code": gettext_lazy("Mã hồ sơ trên hệ thống khác"),
    "waybill": gettext_lazy("Mã vận đơn"),
    "variant_code": gettext_lazy("Mã trường hợp mới"),
}

# Identifiers chosen from a list the page fills in (see intake.action_options).
SELECTS: frozenset[tuple[EventAction, str]] = frozenset(
    {
        (A.ASSIGN, "handler"),
        (A.COORDINATE, "agency_code"),
        (A.COORDINATION_ANSWER, "coordination_id"),
        (A.LINK_DONE, "leg_id"),
    }
)

# The known keys of issue_result's ``result`` (read by the result-return receipt).
RESULT_KEYS: dict[str, str | Promise] = {
    "number": gettext_lazy("Số văn bản kết quả (theo sổ của văn thư)"),
    "title": gettext_lazy("Tên kết quả, ví dụ “Giấy phép xây dựng”"),
    "summary": gettext_lazy("Trích yếu nội dung"),
}
FILES_FIELD = "tep"  # the <input type=file multiple> of upload_ids
# The label of the file field of each action taking ``upload_ids``.
UPLOAD_LABELS: dict[EventAction, str | Promise] = {
    A.ISSUE_RESULT: gettext_lazy("Tệp kết quả (PDF đã ký số hoặc bản scan; chọn được nhiều tệp)"),
    # gh-6 item 6: the specialist sends the draft of the result for review.
    A.FORWARD: gettext_lazy("Dự thảo kết quả gửi kèm (nếu có)"),
}
DEFAULT_UPLOAD_LABEL = gettext_lazy("Tệp đính kèm (chọn được nhiều tệp)")
ROWS_FIELD = "so_dong"  # how many leg rows the link form shows
ADD_ROW = "them_dong"  # the submit button that adds a leg row
LEG_KEYS = ("agency_code", "budget_hours", "order", "external_code")
MAX_LEGS = 20


@dataclass
class ActionField:
    name: str
    label: str
    widget: str  # "text", "textarea", "datetime", "number", "lines", "select", "files"
    required: bool
    value: str = ""
    errors: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)  # select: (value, label)
    hint: str = ""

    @property
    def input_id(self) -> str:
        return self.name.replace(".", "-")


@dataclass
class LegRow:
    """One liên thông leg as typed: agency, budget in working hours, order, external code."""

    index: int
    agency_code: str = ""
    budget_hours: str = ""
    order: str = "1"
    external_code: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    def name(self, key: str) -> str:
        return f"legs-{self.index}-{key}"

    @property
    def blank(self) -> bool:
        return not (self.agency_code.strip() or self.budget_hours.strip())

    @property
    def error_list(self) -> list[str]:
        return [m for messages in self.errors.values() for m in messages]


@dataclass
class Upload:
    """A file already stored for this form (kept when the form comes back with errors)."""

    id: str
    name: str


@dataclass
class ActionForm:
    action: EventAction
    fields: list[ActionField]
    errors: list[str] = field(default_factory=list)
    # Required fields this page cannot take (the action is then API-only here).
    missing: list[str] = field(default_factory=list)
    legs: list[LegRow] | None = None  # link only
    agencies: list[tuple[str, str]] = field(default_factory=list)  # the legs' agency options
    uploads: list[Upload] = field(default_factory=list)
    hint: str = ""
    # Opened by the page (a proposal, a bound form).
    open: bool = False

    @property
    def slug(self) -> str:
        return self.action.value

    @property
    def label(self) -> str:
        return str(self.action.label)

    @property
    def multipart(self) -> bool:
        return any(f.widget == "files" for f in self.fields)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors
            or any(f.errors for f in self.fields)
            or any(row.errors for row in self.legs or [])
        )

    def field(self, name: str) -> ActionField | None:
        return next((f for f in self.fields if f.name == name), None)


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


def _label(name: str, spec: serializers.Field[Any, Any, Any, Any]) -> str:
    return str(LABELS.get(name) or str(spec.help_text or name).rstrip("."))


def action_form(action: EventAction, *, rows: int = 1) -> ActionForm:
    """The empty form of ``action`` (``rows`` leg rows for ``link``)."""
    form = ActionForm(action=action, fields=[])
    for name, spec in _input_serializer(action).fields.items():
        if (action, name) in SELECTS:
            form.fields.append(
                ActionField(
                    name=name, label=_label(name, spec), widget="select", required=spec.required
                )
            )
            continue
        if action == A.ISSUE_RESULT and name == "result":
            form.fields.extend(
                ActionField(name=f"result.{key}", label=str(label), widget="text", required=False)
                for key, label in RESULT_KEYS.items()
            )
            continue
        if name == "upload_ids":
            form.fields.append(
                ActionField(
                    name=FILES_FIELD,
                    label=str(UPLOAD_LABELS.get(action, DEFAULT_UPLOAD_LABEL)),
                    widget="files",
                    required=spec.required,
                )
            )
            continue
        if action == A.LINK and name == "legs":
            form.legs = [LegRow(index=i) for i in range(max(1, min(rows, MAX_LEGS)))]
            continue
        widget = _widget(spec)
        if widget is None:
            if spec.required:
                form.missing.append(name)
            continue
        form.fields.append(
            ActionField(name=name, label=_label(name, spec), widget=widget, required=spec.required)
        )
    return form


def _rows_wanted(data: QueryDict) -> int:
    try:
        rows = int(data.get(ROWS_FIELD) or 1)
    except ValueError:
        rows = 1
    if data.get(ADD_ROW):
        rows += 1
    return max(1, min(rows, MAX_LEGS))


def _payload(form: ActionForm, data: QueryDict) -> tuple[dict[str, Any], list[int]]:
    """The serializer's input from the posted ``data``; and which leg row each leg came from."""
    payload: dict[str, Any] = {}
    result: dict[str, str] = {}
    for f in form.fields:
        if f.widget == "files":
            continue
        f.value = data.get(f.name, "")
        raw = f.value.strip()
        if not raw and not f.required:
            continue  # the serializer's default applies
        if f.name.startswith("result."):
            result[f.name.removeprefix("result.")] = raw
        elif f.widget == "lines":
            payload[f.name] = [line.strip() for line in raw.splitlines() if line.strip()]
        else:
            payload[f.name] = raw
    if result:
        payload["result"] = result
    rows: list[int] = []
    if form.legs is not None:
        legs = []
        for row in form.legs:
            for key in LEG_KEYS:
                setattr(row, key, data.get(row.name(key), ""))
            if row.blank:
                continue
            rows.append(row.index)
            leg: dict[str, Any] = {
                "agency_code": row.agency_code.strip(),
                "budget_hours": row.budget_hours.strip().replace(",", "."),
                "external_code": row.external_code.strip(),
            }
            if row.order.strip():
                leg["order"] = row.order.strip()
            legs.append(leg)
        payload["legs"] = legs
    return payload, rows


def flat_messages(detail: Any) -> list[str]:
    """Every message of a DRF error detail (nested dicts and lists), in order."""
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in flat_messages(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in flat_messages(value)]
    return [str(detail)]


def _place_leg(form: ActionForm, rows: list[int], position: int, key: str, detail: Any) -> bool:
    if form.legs is None or not 0 <= position < len(rows):
        return False
    row = form.legs[rows[position]]
    row.errors.setdefault(key if key in LEG_KEYS else "", []).extend(flat_messages(detail))
    return True


def _place(form: ActionForm, errors: dict[str, Any], rows: list[int] | None = None) -> None:
    by_name = {f.name: f for f in form.fields}
    rows = rows or []
    for name, detail in errors.items():
        parts = name.split(".")
        if parts[0] == "legs" and form.legs is not None:
            if (
                len(parts) >= 3
                and parts[1].isdigit()
                and _place_leg(form, rows, int(parts[1]), parts[2], detail)
            ):
                continue
            if isinstance(detail, list) and any(isinstance(d, dict) for d in detail):
                # The serializer's own errors: one dict per leg, in order.
                for position, leg_errors in enumerate(detail):
                    for key, messages in (leg_errors or {}).items():
                        if not _place_leg(form, rows, position, key, messages):
                            form.errors.extend(flat_messages(messages))
                continue
            form.errors.extend(flat_messages(detail))
            continue
        if parts[0] == "upload_ids":
            target = by_name.get(FILES_FIELD)
        elif parts[0] == "result" and isinstance(detail, dict):
            _place(form, {f"result.{k}": v for k, v in detail.items()})
            continue
        else:
            target = by_name.get(name) or by_name.get(parts[0])
        if target is not None:
            target.errors.extend(flat_messages(detail))
        else:
            form.errors.extend(flat_messages(detail))


def _store_files(
    form: ActionForm,
    *,
    data: QueryDict,
    files: MultiValueDict[str, UploadedFile[bytes]] | None,
    by: User,
) -> list[str] | None:
    """The upload ids of this attempt: those kept from before plus the new files; ``None`` on
    a rejected file (its error is on the field, the others are kept)."""
    kept = [
        Upload(id=value, name=name)
        for value, name in zip(
            data.getlist("upload_ids"), data.getlist("upload_names"), strict=False
        )
    ]
    form.uploads = kept
    target = form.field(FILES_FIELD)
    rejected = False
    for file in files.getlist(FILES_FIELD) if files is not None else []:
        try:
            upload = upload_store(file=file, user=by)
        except UploadRejected as error:
            rejected = True
            if target is not None:
                target.errors.append(error.messages[0])
            else:
                form.errors.append(error.messages[0])
            continue
        form.uploads.append(Upload(id=str(upload.pk), name=upload.original_name))
    if rejected:
        return None
    return [u.id for u in form.uploads]


def action_perform(
    *,
    code: str,
    action: EventAction,
    by: User,
    data: QueryDict,
    files: MultiValueDict[str, UploadedFile[bytes]] | None = None,
) -> tuple[DossierEvent | None, ActionForm]:
    """Validate ``data`` for ``action`` and perform it; the event, or the form with its errors.

    Nothing typed is lost: the returned form carries the submitted values (and
    the files already stored). A form returned without errors and without an
    event only asked for another leg row. ``Dossier.DoesNotExist`` propagates
    (the caller answers 404).
    """
    form = action_form(action, rows=_rows_wanted(data))
    form.open = True
    if form.missing:
        form.errors.append(_("Thao tác này chưa thực hiện được trên trang này."))
        return None, form
    payload, rows = _payload(form, data)
    if form.legs is not None and data.get(ADD_ROW):
        return None, form
    if form.multipart:
        upload_ids = _store_files(form, data=data, files=files, by=by)
        if upload_ids is None:
            return None, form
        payload["upload_ids"] = upload_ids
    serializer = ACTION_VIEWS[action].InputSerializer(data=payload)
    if not serializer.is_valid():
        _place(form, dict(serializer.errors), rows)
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
                rows,
            )
        else:
            form.errors.extend(error.messages)
        return None, form
    return event, form
