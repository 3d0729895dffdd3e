"""Interactive e-forms as data (gh-3 item 6): one format, one renderer, one validator.

An e-form definition (``ProcedureVariant.eform``) is a **JSON Schema (draft
2020-12) object schema** that also carries a few ``x-`` keys for what JSON
Schema does not say (labels of choices, prefill source, Vietnamese messages).
Example — a short birth-registration declaration::

    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "Tờ khai đăng ký khai sinh",
      "description": "Khai theo Giấy chứng sinh của trẻ.",
      "type": "object",
      "properties": {
        "ho_ten_tre": {"type": "string", "title": "Họ, chữ đệm, tên", "maxLength": 100},
        "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày, tháng, năm sinh",
                      "x-notFuture": true},
        "gioi_tinh": {"type": "string", "title": "Giới tính", "enum": ["nam", "nu"],
                      "x-enumLabels": ["Nam", "Nữ"]},
        "noi_sinh": {"type": "string", "title": "Nơi sinh", "x-kind": "textarea",
                     "description": "Tên cơ sở y tế, hoặc địa chỉ nếu sinh ngoài cơ sở y tế."},
        "so_giay_chung_sinh": {"type": "string", "title": "Số Giấy chứng sinh",
                               "pattern": "^[0-9A-Za-z/.-]{1,30}$",
                               "x-error": "Số Giấy chứng sinh chỉ gồm chữ, số và các dấu / . -"},
        "nguoi_yeu_cau": {"type": "string", "title": "Họ, chữ đệm, tên người yêu cầu",
                          "x-prefill": "profile.full_name"},
        "cccd_nguoi_yeu_cau": {"type": "string", "title": "Số CCCD của người yêu cầu",
                               "x-kind": "cccd", "x-prefill": "profile.identity_number"},
        "dien_thoai": {"type": "string", "title": "Số điện thoại", "x-kind": "phone",
                       "x-prefill": "profile.phone"},
        "so_ban_sao": {"type": "integer", "title": "Số bản sao Trích lục khai sinh",
                       "minimum": 0, "maximum": 10, "default": 1},
        "cam_doan": {"type": "boolean",
                     "title": "Tôi cam đoan nội dung khai trên đây là đúng sự thật."}
      },
      "required": ["ho_ten_tre", "ngay_sinh", "gioi_tinh", "noi_sinh", "nguoi_yeu_cau",
                   "cccd_nguoi_yeu_cau", "cam_doan"]
    }

Rules (``eform_definition_problems`` refuses anything else, in Vietnamese):

- Top level: ``"type": "object"``, a non-empty ``title`` (the form's legend),
  a non-empty ``properties`` object, optionally ``$schema`` (exactly the
  2020-12 URI above), ``description`` (intro text), ``required`` (names that
  exist in ``properties``) and ``additionalProperties`` (true/false; extra
  submitted keys are ignored either way). Fields are shown in the order of
  ``properties``.
- Field names: ``[a-z][a-z0-9_]*`` (ASCII snake case, ≤ 64 characters); they
  are the keys of the stored data, so never rename a published one.
- Every field: ``type`` (``string``, ``integer``, ``number`` or ``boolean``),
  ``title`` (Vietnamese label, required), optionally ``description`` (help
  text under the label) and ``default`` (must satisfy the field's own rules).
- ``string``: ``minLength``, ``maxLength``, ``pattern`` (anchored ``^…$``; the
  browser and the server then agree) with optional ``x-error`` (the Vietnamese
  message shown when it does not match), and at most one of

  - ``format``: ``date`` (ISO ``YYYY-MM-DD``; ``x-notFuture: true`` refuses
    dates after today) or ``email``;
  - ``x-kind``: ``cccd`` (12-digit identity number, checked like account
    numbers), ``phone`` (10–11 digits starting 0 or +84, stored as 0…),
    ``textarea`` (multi-line text);
  - ``enum``: the stored codes, with ``x-enumLabels`` (same length) as the
    Vietnamese labels shown; ≤ 4 choices of a required field are radio
    buttons, others a drop-down list.
- ``integer`` / ``number``: ``minimum``, ``maximum``.
- ``boolean``: a check box; a *required* boolean must be ticked (a
  commitment such as "Tôi cam đoan…").
- ``x-prefill`` (any text or date field): ``profile.full_name``,
  ``profile.identity_number``, ``profile.date_of_birth`` (date fields only),
  ``profile.phone``, ``profile.email``, ``profile.address`` (street + commune)
  or ``profile.tax_code``. The first three come from the identity provider:
  for a user whose ``identity_verified`` is true they are shown read-only and
  the server keeps the profile value whatever is submitted.

Submitted data is coerced by the Django form built from the definition (text
normalised to NFC, conventions §5; a JSON number where text is expected is
refused) and then checked against the schema with ``jsonschema``; every
message is Vietnamese and names the field. The stored value is a JSON object:
dates as ISO strings, numbers as JSON numbers, empty optional fields left out.

Use: ``eform_definition_problems`` (admin, publishing), ``eform_prefill`` and
``eform_locked_fields`` (what to show a signed-in citizen),
``eform_form_class`` (the renderer: bind it to ``request.POST`` and render it
with ``{{ form }}`` or ``{% include "procedures/eform.html" %}`` inside the
page's ``<form novalidate>``) and ``eform_validate`` (the API's validator).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from typing import Any, ClassVar, cast

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from motcua.accounts.models import User
from motcua.accounts.validators import validate_cccd
from motcua.core.text import nfc

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
TYPES = ("string", "integer", "number", "boolean")
FORMATS = ("date", "email")
KINDS = ("cccd", "phone", "textarea")
# Required enums with this many choices or fewer are radio buttons: all
# options visible at once, one tap each on a phone.
RADIO_MAX_CHOICES = 4

_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_TOP_KEYS = frozenset(
    {
        "$schema",
        "title",
        "description",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "x-order",
    }
)
_COMMON_KEYS = frozenset({"type", "title", "description", "default", "x-prefill"})
_TYPE_KEYS: dict[str, frozenset[str]] = {
    "string": frozenset(
        {
            "format",
            "enum",
            "x-enumLabels",
            "minLength",
            "maxLength",
            "pattern",
            "x-error",
            "x-kind",
            "x-notFuture",
        }
    ),
    "integer": frozenset({"minimum", "maximum"}),
    "number": frozenset({"minimum", "maximum"}),
    "boolean": frozenset(),
}
_KNOWN_KEYS = _COMMON_KEYS.union(*_TYPE_KEYS.values())
# What Draft202012Validator.check_schema uses, kept to list every error, not the first.
_META = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)


def _address(user: User) -> str:
    parts = [user.address_street.strip()]
    if user.address_unit is not None:
        parts.append(user.address_unit.display_name)
    return ", ".join(part for part in parts if part)


PREFILL_SOURCES: dict[str, Callable[[User], str]] = {
    "profile.full_name": lambda user: user.full_name,
    "profile.identity_number": lambda user: user.identity_number,
    "profile.date_of_birth": lambda user: (
        user.date_of_birth.isoformat() if user.date_of_birth else ""
    ),
    "profile.phone": lambda user: user.phone,
    "profile.email": lambda user: user.email,
    "profile.address": _address,
    "profile.tax_code": lambda user: user.tax_code,
}
# What the identity provider vouches for once ``identity_verified`` is set:
# these may not be edited on a form (the account model's help text says so).
IDENTITY_SOURCES = frozenset(
    {"profile.full_name", "profile.identity_number", "profile.date_of_birth"}
)
# HTML autocomplete tokens: only for the user's own data (a father's name must
# not be autofilled with the applicant's).
_AUTOCOMPLETE = {
    "profile.full_name": "name",
    "profile.date_of_birth": "bday",
    "profile.phone": "tel",
    "profile.email": "email",
    "profile.address": "street-address",
}


class EformDefinitionError(ValueError):
    """An e-form definition that ``eform_definition_problems`` refuses."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# --- Definition check -------------------------------------------------------------


def eform_definition_problems(definition: object, /) -> list[str]:
    """Every reason ``definition`` is not a usable e-form (empty list = usable).

    Pure; returns all problems at once, in Vietnamese, for the administrator
    editing the draft (``procedures.validation`` refuses to publish otherwise).
    """
    if not isinstance(definition, dict):
        return [_("Biểu mẫu điện tử phải là một đối tượng JSON có “type”: “object”.")]
    problems = _meta_problems(definition)
    problems += _top_problems(definition)
    properties = definition.get("properties")
    if isinstance(properties, dict):
        for name, prop in properties.items():
            problems += [
                _("Trường “%(name)s”: %(problem)s") % {"name": name, "problem": problem}
                for problem in _property_problems(name, prop)
            ]
    return problems


def _meta_problems(definition: dict[str, Any]) -> list[str]:
    # Draft202012Validator.check_schema stops at the first error; the same
    # meta-schema validator gives them all.
    problems = []
    for error in sorted(_META.iter_errors(definition), key=lambda e: str(list(e.absolute_path))):
        path = [str(part) for part in error.absolute_path]
        if error.validator == "format" and error.validator_value == "regex" and len(path) == 3:
            problems.append(
                _(
                    "Trường “%(name)s”: mẫu kiểm tra (“pattern”) không phải biểu thức chính"
                    " quy hợp lệ."
                )
                % {"name": path[1]}
            )
            continue
        problems.append(
            _(
                "Biểu mẫu điện tử không phải JSON Schema (draft 2020-12) hợp lệ: giá trị tại"
                " “%(path)s” không đúng (quy tắc “%(rule)s”)."
            )
            % {"path": "/".join(path) or "/", "rule": error.validator}
        )
    return problems


def _top_problems(definition: dict[str, Any]) -> list[str]:
    problems = []
    if definition.get("type") != "object":
        problems.append(_("Biểu mẫu điện tử phải có “type”: “object”."))
    title = definition.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(_("Biểu mẫu điện tử chưa có tiêu đề (“title”)."))
    if "$schema" in definition and definition["$schema"] != SCHEMA_DIALECT:
        problems.append(_("“$schema” phải là “%(uri)s”.") % {"uri": SCHEMA_DIALECT})
    for key in definition:
        if key not in _TOP_KEYS:
            problems.append(_unsupported_key(key))
    if not isinstance(definition.get("additionalProperties", False), bool):
        problems.append(_("“additionalProperties” chỉ được là true hoặc false."))
    properties = definition.get("properties")
    if not isinstance(properties, dict) or not properties:
        problems.append(_("Biểu mẫu điện tử phải có ít nhất một trường (“properties”)."))
        properties = {}
    order = definition.get("x-order")
    if order is not None and (
        not isinstance(order, list) or sorted(map(str, order)) != sorted(properties)
    ):
        problems.append(_("“x-order” phải liệt kê đúng một lần mỗi trường trong “properties”."))
    required = definition.get("required", [])
    if isinstance(required, list):
        for name in required:
            if isinstance(name, str) and name not in properties:
                problems.append(
                    _("Trường bắt buộc “%(name)s” không có trong “properties”.") % {"name": name}
                )
    return problems


def _unsupported_key(key: str) -> str:
    if key.startswith("x-"):
        return _("khoá mở rộng “%(key)s” không được hỗ trợ.") % {"key": key}
    return _("từ khoá “%(key)s” không được hỗ trợ trong biểu mẫu điện tử.") % {"key": key}


def _property_problems(name: str, prop: object) -> list[str]:
    problems = []
    if not _NAME.fullmatch(name):
        problems.append(
            _(
                "tên trường chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng"
                " chữ, tối đa 64 ký tự (ví dụ “ho_ten”)."
            )
        )
    if not isinstance(prop, dict):
        return [*problems, _("định nghĩa trường phải là một đối tượng JSON.")]
    title = prop.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(_("chưa có nhãn tiếng Việt (“title”)."))
    kind_of = prop.get("type")
    if kind_of not in TYPES:
        if kind_of is None:
            problems.append(_("chưa khai báo kiểu (“type”)."))
        else:
            problems.append(
                _("kiểu “%(type)s” không được hỗ trợ; chỉ dùng string, integer, number, boolean.")
                % {"type": kind_of}
            )
        return problems
    allowed = _COMMON_KEYS | _TYPE_KEYS[kind_of]
    for key in prop:
        if key in allowed:
            continue
        if key in _KNOWN_KEYS:
            problems.append(
                _("từ khoá “%(key)s” không dùng được với kiểu “%(type)s”.")
                % {"key": key, "type": kind_of}
            )
        else:
            problems.append(_unsupported_key(key))
    if kind_of == "string":
        problems += _string_problems(prop)
    elif _both_numbers(prop, "minimum", "maximum") and prop["minimum"] > prop["maximum"]:
        problems.append(_("“minimum” lớn hơn “maximum”."))
    problems += _prefill_problems(prop)
    # Only a sound field schema can check its default (a broken regex or a
    # text "minimum" would make the check itself fail; the meta check reports them).
    if not problems and "default" in prop and _META.is_valid(prop):
        validator = Draft202012Validator(prop, format_checker=Draft202012Validator.FORMAT_CHECKER)
        if not validator.is_valid(prop["default"]):
            problems.append(_("giá trị mặc định (“default”) không thoả các quy tắc của trường."))
    return problems


def _both_numbers(prop: dict[str, Any], low: str, high: str) -> bool:
    return all(
        isinstance(prop.get(key), int | float) and not isinstance(prop.get(key), bool)
        for key in (low, high)
    )


def _string_problems(prop: dict[str, Any]) -> list[str]:
    problems = []
    fmt, kind, enum = prop.get("format"), prop.get("x-kind"), prop.get("enum")
    # `in prop`, not `is not None`: an explicit null is refused, not ignored.
    if "format" in prop and fmt not in FORMATS:
        problems.append(
            _("định dạng “%(format)s” không được hỗ trợ; chỉ dùng date hoặc email.")
            % {"format": fmt}
        )
    if "x-kind" in prop and kind not in KINDS:
        problems.append(
            _("“x-kind”: “%(kind)s” không được hỗ trợ; chỉ dùng cccd, phone hoặc textarea.")
            % {"kind": kind}
        )
    if "format" in prop and "x-kind" in prop:
        problems.append(_("không dùng cùng lúc “format” và “x-kind”."))
    if "enum" in prop:
        if (
            not isinstance(enum, list)
            or not enum
            or not all(isinstance(v, str) and v.strip() and v == nfc(v) for v in enum)
            or len(set(enum)) != len(enum)
        ):
            problems.append(
                _("“enum” phải là danh sách các chuỗi khác nhau, không rỗng, dạng Unicode NFC.")
            )
        if any(key in prop for key in ("format", "x-kind", "pattern", "minLength", "maxLength")):
            problems.append(
                _(
                    "danh sách lựa chọn (“enum”) không dùng cùng “format”, “x-kind”,"
                    " “pattern”, “minLength” hoặc “maxLength”."
                )
            )
    labels = prop.get("x-enumLabels")
    if "x-enumLabels" in prop:
        if not isinstance(enum, list):
            problems.append(_("“x-enumLabels” chỉ dùng cùng “enum”."))
        elif (
            not isinstance(labels, list)
            or len(labels) != len(enum)
            or not all(isinstance(label, str) and label.strip() for label in labels)
        ):
            problems.append(
                _("“x-enumLabels” phải có đúng %(count)d nhãn, mỗi lựa chọn trong “enum” một nhãn.")
                % {"count": len(enum)}
            )
    pattern = prop.get("pattern")
    if isinstance(pattern, str) and not (pattern.startswith("^") and pattern.endswith("$")):
        # JSON Schema searches anywhere in the value while the HTML attribute
        # must match all of it; anchoring makes the browser and server agree.
        problems.append(
            _("mẫu kiểm tra (“pattern”) phải bắt đầu bằng ^ và kết thúc bằng $ (cả giá trị).")
        )
    if "x-error" in prop:
        message = prop["x-error"]
        if not isinstance(message, str) or not message.strip():
            problems.append(_("“x-error” phải là một câu thông báo lỗi tiếng Việt."))
        if "pattern" not in prop:
            problems.append(_("“x-error” chỉ dùng cùng “pattern”."))
    if "x-notFuture" in prop:
        if not isinstance(prop["x-notFuture"], bool):
            problems.append(_("“x-notFuture” chỉ được là true hoặc false."))
        if fmt != "date":
            problems.append(_("“x-notFuture” chỉ dùng với “format”: “date”."))
    if _both_numbers(prop, "minLength", "maxLength") and prop["minLength"] > prop["maxLength"]:
        problems.append(_("“minLength” lớn hơn “maxLength”."))
    return problems


def _prefill_problems(prop: dict[str, Any]) -> list[str]:
    if "x-prefill" not in prop:
        return []
    source = prop["x-prefill"]
    if not isinstance(source, str) or source not in PREFILL_SOURCES:
        return [
            _("nguồn điền sẵn “%(source)s” không được hỗ trợ; chỉ dùng: %(sources)s.")
            % {"source": source, "sources": ", ".join(PREFILL_SOURCES)}
        ]
    is_date = prop.get("type") == "string" and prop.get("format") == "date"
    if source == "profile.date_of_birth" and not is_date:
        return [_("nguồn “profile.date_of_birth” chỉ dùng cho trường có “format”: “date”.")]
    if source != "profile.date_of_birth" and (
        prop.get("type") != "string" or is_date or "enum" in prop
    ):
        return [
            _("nguồn “%(source)s” chỉ dùng cho trường văn bản (kiểu string, không phải ngày).")
            % {"source": source}
        ]
    return []


# --- Prefill ------------------------------------------------------------------------


def eform_prefill(definition: Mapping[str, Any], *, user: User | AnonymousUser) -> dict[str, Any]:
    """Initial values from ``user``'s profile for the fields with an ``x-prefill``.

    Only non-empty profile values are returned; dates are ISO strings (the
    result is JSON-serialisable, usable as a form's ``initial`` or in an API).
    An anonymous user gets ``{}``. Reads ``user.address_unit`` (one query) when
    an address is asked for and not already loaded.
    """
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    initial: dict[str, Any] = {}
    for name, prop in definition["properties"].items():
        source = prop.get("x-prefill")
        if isinstance(source, str) and source in PREFILL_SOURCES:
            value = PREFILL_SOURCES[source](user)
        else:
            continue
        if value:
            initial[name] = value
    return initial


def eform_locked_fields(
    definition: Mapping[str, Any], *, user: User | AnonymousUser
) -> frozenset[str]:
    """Fields shown read-only: identity fields prefilled for an identity-verified user.

    The identity provider vouches for the name, identity number and date of
    birth (``User.identity_verified``); the citizen cannot change them on a
    form. A field is locked only when the profile has a value for it.
    """
    if not isinstance(user, User) or not user.identity_verified:
        return frozenset()
    prefill = eform_prefill(definition, user=user)
    return frozenset(
        name
        for name, prop in definition["properties"].items()
        if prop.get("x-prefill") in IDENTITY_SOURCES and name in prefill
    )


# --- Renderer: one Django form class per definition ---------------------------------


class _EformBoundField(BoundField):
    """Locked fields render ``readonly``, not ``disabled``.

    A disabled input is skipped by the Tab key and by some screen readers; a
    read-only one is still read out. The field stays ``disabled`` on the
    server, so Django keeps the initial (profile) value whatever is posted.
    """

    def build_widget_attrs(self, attrs: Any, widget: Any = None) -> dict[str, Any]:
        built: dict[str, Any] = super().build_widget_attrs(attrs, widget)
        if built.pop("disabled", False):
            built["readonly"] = True
        return built


class EformForm(forms.Form):
    """Base of the classes ``eform_form_class`` builds; see the module docstring.

    ``locked`` (names) makes those fields read-only with their initial value
    (see ``eform_locked_fields``). ``is_valid()`` applies the schema's rules as
    well as the fields' coercion; ``cleaned_json()`` gives the value to store.
    """

    template_name = "procedures/eform.html"
    bound_field_class = _EformBoundField
    definition: ClassVar[dict[str, Any]]
    eform_title: ClassVar[str]
    eform_description: ClassVar[str]
    eform_has_required: ClassVar[bool]

    def __init__(self, *args: Any, locked: Collection[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        today = timezone.localdate().isoformat()
        for name, prop in self.definition["properties"].items():
            if prop.get("x-notFuture"):
                self.fields[name].widget.attrs["max"] = today
        for name in locked:
            field = self.fields.get(name)
            if field is None or self.get_initial_for_field(field, name) in (None, ""):
                continue  # nothing to show: let the citizen type it
            field.disabled = True
            note = _("Đã xác thực định danh, không sửa được.")
            field.help_text = f"{field.help_text} {note}" if field.help_text else note

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        properties = self.definition["properties"]
        validator = Draft202012Validator(
            self.definition, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        already = set(self.errors)
        for error in validator.iter_errors(_to_json(properties, cleaned)):
            if error.validator == "required":
                names = [n for n in error.validator_value if n not in error.instance]
            elif error.path:
                names = [str(error.path[0])]
            else:  # pragma: no cover - only field-level keywords are allowed
                raise EformDefinitionError([error.message])
            for name in names:
                if name in already or name not in properties:
                    continue  # the field's own message already says what to fix
                self.add_error(name, _schema_message(properties[name], error))
        return cleaned

    def cleaned_json(self) -> dict[str, Any]:
        """The valid values as JSON: dates ISO strings, empty optional fields left out."""
        return _to_json(self.definition["properties"], getattr(self, "cleaned_data", {}))


def eform_form_class(definition: Mapping[str, Any]) -> type[EformForm]:
    """A Django form class for ``definition`` (raises ``EformDefinitionError`` if unusable).

    Fields follow ``properties`` in order: labels are titles, help texts are
    descriptions, and the HTML attributes (required, maxlength, min, max,
    pattern, inputmode, autocomplete, type=date/email/tel) mirror the schema.
    Django renders ``for=`` and ``aria-describedby`` (help and errors); the
    class's template is ``procedures/eform.html``.
    """
    try:
        # Not sort_keys: the order of "properties" is the order of the fields.
        key = json.dumps(definition, ensure_ascii=False)
    except (TypeError, ValueError):  # not JSON: no cache key, still checked below
        return _build_form_class(definition)
    return _cached_form_class(key, get_language())


@functools.lru_cache(maxsize=256)
def _cached_form_class(key: str, language: str | None) -> type[EformForm]:
    # The check costs ~4 ms and the fields' messages are translated when the
    # class is built: cache per definition text *and* per language.
    return _build_form_class(json.loads(key))


def eform_in_order(definition: Mapping[str, Any]) -> dict[str, Any]:
    """``definition`` with its fields in the author's order.

    PostgreSQL stores JSON as ``jsonb``, which does not keep the order of an
    object's keys, so the order of ``properties`` is also written as the list
    ``x-order`` whenever a definition is saved (:class:`EformJSONField`).
    """
    own = copy.deepcopy(dict(definition))
    order = own.get("x-order")
    properties = own.get("properties")
    if (
        isinstance(order, list)
        and isinstance(properties, dict)
        and sorted(map(str, order)) == sorted(properties)
    ):
        own["properties"] = {name: properties[name] for name in order}
    return own


def eform_with_order(value: Any) -> Any:
    """Record the order of ``properties`` as ``x-order`` (kept by jsonb) unless it is there."""
    if not isinstance(value, dict) or not isinstance(value.get("properties"), dict):
        return value
    order = value.get("x-order")
    if isinstance(order, list) and sorted(map(str, order)) == sorted(value["properties"]):
        return value
    return {**value, "x-order": list(value["properties"])}


class EformJSONField(models.JSONField):
    """A JSONField for e-form definitions that keeps the field order on every database.

    ``x-order`` is a storage detail: it is written with the definition and, when
    read back, used to put ``properties`` in order and then dropped, so Python
    code, comparisons and exports see the definition exactly as its author wrote it.
    """

    def get_prep_value(self, value: Any) -> Any:
        return super().get_prep_value(eform_with_order(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        loaded = super().from_db_value(value, expression, connection)
        if isinstance(loaded, dict) and "x-order" in loaded:
            loaded = eform_in_order(loaded)
            loaded.pop("x-order", None)
        return loaded


def _build_form_class(definition: Mapping[str, Any]) -> type[EformForm]:
    problems = eform_definition_problems(definition)
    if problems:
        raise EformDefinitionError(problems)
    own = eform_in_order(definition)
    required = set(own.get("required", []))
    fields = {
        name: _field(prop, required=name in required) for name, prop in own["properties"].items()
    }
    # The metaclass moves the fields into base_fields; the class attributes are
    # set afterwards so that a field named "definition" cannot replace them.
    form_class = cast(type[EformForm], type("EformForm", (EformForm,), fields))
    form_class.definition = own
    form_class.eform_title = own["title"]
    form_class.eform_description = own.get("description", "")
    form_class.eform_has_required = bool(required)
    return form_class


class _TextOnly(forms.Field):
    """A JSON client may send a number, list or object where text is expected.

    Browsers only post strings; refusing other JSON types keeps "0912…" from
    arriving as 912… and Django's text fields from failing on them.
    """

    default_error_messages = {"not_text": gettext_lazy("Giá trị phải là văn bản.")}

    def to_python(self, value: Any) -> Any:
        if value is not None and not isinstance(value, str | dt.date):
            raise ValidationError(self.error_messages["not_text"], code="not_text")
        return super().to_python(value)


class _NfcCharField(_TextOnly, forms.CharField):
    def to_python(self, value: Any) -> str:
        return nfc(super().to_python(value) or "")


class _DigitsField(_NfcCharField):
    """CCCD or phone number: spaces, dots and hyphens people type are dropped."""

    def to_python(self, value: Any) -> str:
        return re.sub(r"[\s.\-()]", "", super().to_python(value))


class _PhoneField(_DigitsField):
    def to_python(self, value: Any) -> str:
        digits = super().to_python(value)
        return "0" + digits[3:] if digits.startswith("+84") else digits


class _DateField(_TextOnly, forms.DateField):
    pass


class _EmailField(_TextOnly, forms.EmailField):
    pass


class _NfcChoiceField(_TextOnly, forms.ChoiceField):
    def to_python(self, value: Any) -> str:
        return nfc(super().to_python(value))


_PHONE = re.compile(r"0\d{9,10}")


def _quoted(prop: Mapping[str, Any]) -> str:
    # The title goes inside “…” in messages: a commitment ending in "." would
    # otherwise read "…sự thật.”."
    return str(prop["title"]).strip().rstrip(".:;").strip()


def _field(prop: dict[str, Any], *, required: bool) -> forms.Field:
    title = _quoted(prop)
    kind_of = prop["type"]
    messages = {"required": _("Trường “%(title)s” là bắt buộc.") % {"title": title}}
    common: dict[str, Any] = {
        "label": prop["title"],
        "help_text": prop.get("description", ""),
        "required": required,
        "initial": prop.get("default"),
    }
    if kind_of == "boolean":
        messages["required"] = _("Hãy đánh dấu ô “%(title)s”.") % {"title": title}
        return forms.BooleanField(error_messages=messages, **common)
    if kind_of in ("integer", "number"):
        attrs = {
            "inputmode": "numeric" if kind_of == "integer" else "decimal",
            **{
                html: str(prop[key])
                for key, html in (("minimum", "min"), ("maximum", "max"))
                if key in prop
            },
        }
        if kind_of == "integer":
            messages["invalid"] = _("Trường “%(title)s” phải là số nguyên.") % {"title": title}
            return forms.IntegerField(
                widget=forms.NumberInput(attrs=attrs), error_messages=messages, **common
            )
        messages["invalid"] = _("Trường “%(title)s” phải là một số.") % {"title": title}
        return forms.DecimalField(
            widget=forms.NumberInput(attrs={"step": "any", **attrs}),
            error_messages=messages,
            **common,
        )
    messages["not_text"] = _("Trường “%(title)s” phải là văn bản.") % {"title": title}
    if "enum" in prop:
        labels = prop.get("x-enumLabels", prop["enum"])
        choices = list(zip(prop["enum"], labels, strict=True))
        # invalid_choice is %-formatted with the value by Django: escape the labels.
        messages["invalid_choice"] = (
            _("Trường “%(title)s” phải là một trong các lựa chọn: %(labels)s.")
            % {"title": title, "labels": ", ".join(labels)}
        ).replace("%", "%%")
        widget: forms.Widget
        if required and len(choices) <= RADIO_MAX_CHOICES:
            widget = forms.RadioSelect()
        else:
            widget = forms.Select()
            choices = [("", _("— Chọn —")), *choices]
        return _NfcChoiceField(choices=choices, widget=widget, error_messages=messages, **common)
    text_attrs: dict[str, str] = {}
    for key, html in (
        ("maxLength", "maxlength"),
        ("minLength", "minlength"),
        ("pattern", "pattern"),
    ):
        if key in prop:
            text_attrs[html] = str(prop[key])
    source = prop.get("x-prefill")
    if source:
        text_attrs["autocomplete"] = _AUTOCOMPLETE.get(source, "off")
    fmt, kind = prop.get("format"), prop.get("x-kind")
    if fmt == "date":
        messages["invalid"] = _("Trường “%(title)s” phải là một ngày hợp lệ, ví dụ 25/12/2026.") % {
            "title": title
        }
        return _DateField(
            widget=forms.DateInput(attrs={"type": "date", **text_attrs}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            validators=[_not_future(title)] if prop.get("x-notFuture") else [],
            error_messages=messages,
            **common,
        )
    if fmt == "email":
        messages["invalid"] = _(
            "Trường “%(title)s” phải là địa chỉ thư điện tử, ví dụ ten@example.vn."
        ) % {"title": title}
        return _EmailField(
            widget=forms.EmailInput(attrs=text_attrs), error_messages=messages, **common
        )
    if kind == "cccd":
        return _DigitsField(
            widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "12", **text_attrs}),
            validators=[validate_cccd],
            error_messages=messages,
            **common,
        )
    if kind == "phone":
        return _PhoneField(
            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", **text_attrs}),
            validators=[_validate_phone],
            error_messages=messages,
            **common,
        )
    widget = (
        forms.Textarea(attrs={"rows": "3", **text_attrs})
        if kind == "textarea"
        else forms.TextInput(attrs=text_attrs)
    )
    return _NfcCharField(widget=widget, error_messages=messages, **common)


def _validate_phone(value: str) -> None:
    # Vietnamese mobiles have 10 digits, landlines 11 (02xx area codes since 2017).
    if not _PHONE.fullmatch(value):
        raise ValidationError(
            _(
                "Số điện thoại phải gồm 10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84,"
                " ví dụ 0912 345 678."
            ),
            code="invalid_phone",
        )


def _not_future(title: str) -> Callable[[dt.date], None]:
    def validate(value: dt.date) -> None:
        today = timezone.localdate()
        if value > today:
            raise ValidationError(
                _("Trường “%(title)s” không được sau ngày hôm nay (%(today)s).")
                % {"title": title, "today": today.strftime("%d/%m/%Y")},
                code="future_date",
            )

    return validate


def _schema_message(prop: Mapping[str, Any], error: Any) -> str:
    """A Vietnamese message for a jsonschema error (its English is never shown)."""
    title = _quoted(prop)
    limit = error.validator_value
    match error.validator:
        case "required":
            if prop["type"] == "boolean":
                return _("Hãy đánh dấu ô “%(title)s”.") % {"title": title}
            return _("Trường “%(title)s” là bắt buộc.") % {"title": title}
        case "maxLength":
            return _("Trường “%(title)s” dài tối đa %(limit)s ký tự (đang có %(count)s).") % {
                "title": title,
                "limit": limit,
                "count": len(error.instance),
            }
        case "minLength":
            return _("Trường “%(title)s” phải có ít nhất %(limit)s ký tự.") % {
                "title": title,
                "limit": limit,
            }
        case "pattern":
            custom = prop.get("x-error")
            if custom:
                return str(custom)
            return _("Trường “%(title)s” không đúng định dạng.") % {"title": title}
        case "minimum":
            return _("Trường “%(title)s” phải lớn hơn hoặc bằng %(limit)s.") % {
                "title": title,
                "limit": formats.number_format(limit),
            }
        case "maximum":
            return _("Trường “%(title)s” phải nhỏ hơn hoặc bằng %(limit)s.") % {
                "title": title,
                "limit": formats.number_format(limit),
            }
        case "enum":
            labels = prop.get("x-enumLabels", prop.get("enum", []))
            return _("Trường “%(title)s” phải là một trong các lựa chọn: %(labels)s.") % {
                "title": title,
                "labels": ", ".join(labels),
            }
    return _("Trường “%(title)s” có giá trị không hợp lệ.") % {"title": title}


def _to_json(properties: Mapping[str, Any], cleaned: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in properties:
        value = cleaned.get(name)
        if value is None or value == "":
            continue  # an unanswered optional field is absent, not ""
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        data[name] = value
    return data


# --- Validator ---------------------------------------------------------------------


def eform_validate(
    definition: Mapping[str, Any],
    data: Mapping[str, Any],
    *,
    user: User | AnonymousUser | None = None,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check submitted ``data`` (a POST QueryDict or a JSON object) server-side.

    Returns the cleaned values (JSON-serialisable, see ``cleaned_json``; fields
    in error are left out) and, per field name, every Vietnamese message —
    all problems at once. With ``user``, identity fields locked for a verified
    user take the profile value whatever was submitted. Keys not in the
    definition are ignored. To show the errors next to what the citizen typed,
    bind ``eform_form_class(definition)`` to the same data instead.
    """
    form_class = eform_form_class(definition)
    initial: dict[str, Any] = {}
    locked: Collection[str] = ()
    if user is not None:
        initial = eform_prefill(definition, user=user)
        locked = eform_locked_fields(definition, user=user)
    form = form_class(data=data, initial=initial, locked=locked)
    form.is_valid()
    errors = {  # in the form's order, not in the order the checks ran
        name: [str(message) for message in form.errors[name]]
        for name in form.fields
        if name in form.errors
    }
    return form.cleaned_json(), errors
