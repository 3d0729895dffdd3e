"""Move a configured catalogue between environments as JSON (gh-3 item 7; domain.md §4.7).

The document (``"format": "motcua-catalogue", "version": 1``) holds the
procedure fields, the workflow templates, every procedure with its versions
(variants, components with their blank forms embedded as base64, fees) and
where each procedure is offered. Everything is keyed by natural keys, never
by database ids: field ``code``; workflow ``name``; procedure
``national_code``; version (procedure, ``number``); variant (version,
``code``); department (agency code, department name); offering (agency,
procedure).

``catalogue_export`` writes it with a stable order (and ``catalogue_dumps``
with sorted keys), so two exports of the same data are byte-identical when
the clock is the same. ``catalogue_import`` reads it back:

* **Idempotent.** Each object is compared with what the database already
  holds, in the export form, and written only when it differs: importing the
  same document twice issues no INSERT, UPDATE or DELETE the second time.
* **History is immutable.** A published or retired version must arrive with
  exactly the content it has here; a change must come as a new version
  number (the one exception is the published → retired transition of a
  newer export). Drafts are rewritten in place. A workflow template that a
  published or retired version uses is refused as well if its steps differ
  (dossiers filed under that version run those steps).
* **One transaction.** The structure is validated first and every problem is
  reported with its JSON path ("procedures[3].versions[0].variants[1]
  .duration_unit: không hợp lệ"); any refusal rolls back the whole import.
  Blank forms are stored content-addressed (digest in the storage name) in
  Django's default storage; a rolled-back import may leave an unreferenced
  file behind, which a re-import reuses.
* **Publishing** goes through ``procedure_version_publish`` (completeness
  checks, previous version retired) when the document says "published"
  without an end date; a historical version (retired, or published with a
  ``valid_to``) is set directly after ``version_problems`` found nothing.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import mimetypes
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Prefetch
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from motcua.calendars.constants import DurationUnit
from motcua.core.upsert import assign_changed, save_if_changed
from motcua.organisations.constants import AgencyKind, Role, UnitLevel
from motcua.organisations.models import Agency, Department

from .constants import (
    Audience,
    FeeCollection,
    FeeKind,
    OnlineMode,
    StepAction,
    StepNotification,
    UploadFileType,
    VersionStatus,
)
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
from .search import procedure_search_reindex
from .selectors import version_valid_on_q
from .services import _version_for_check, procedure_version_publish, procedure_version_retire
from .validation import version_problems

FORMAT = "motcua-catalogue"
FORMAT_VERSION = 1
FILES_DIR = "catalogue/forms"
# Storage names are FILES_DIR/<first 32 hex digits of the SHA-256>/<file name>:
# 128 bits identify the content, and the name stays under the FileField limit.
DIGEST_LENGTH = 32
_STORED_NAME = re.compile(rf"^{FILES_DIR}/(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})/(?P<name>[^/]+)$")

Doc = dict[str, Any]


@dataclass
class ImportSummary:
    """What an import changed (all zero but ``unchanged`` on an idempotent re-import)."""

    fields_created: int = 0
    fields_updated: int = 0
    workflows_created: int = 0
    workflows_updated: int = 0
    procedures_created: int = 0
    versions_created: int = 0
    versions_updated: int = 0
    versions_published: int = 0
    versions_retired: int = 0
    versions_unchanged: int = 0
    links_added: int = 0
    offerings_created: int = 0
    offerings_updated: int = 0
    files_stored: int = 0
    dry_run: bool = False
    version_ids: list[int] = field(default_factory=list)  # created or changed

    @property
    def changed(self) -> bool:
        counts = (
            self.fields_created,
            self.fields_updated,
            self.workflows_created,
            self.workflows_updated,
            self.procedures_created,
            self.versions_created,
            self.versions_updated,
            self.versions_published,
            self.versions_retired,
            self.links_added,
            self.offerings_created,
            self.offerings_updated,
        )
        return any(counts)


# --- Export ---------------------------------------------------------------------------------
def catalogue_export(*, on: dt.date | None = None, include_drafts: bool = False) -> Doc:
    """The catalogue as a JSON-serialisable document (see the module docstring).

    Without ``on``: every published and retired version (the full history).
    With ``on``: only the version of each procedure in force on that day.
    ``include_drafts`` adds the drafts in both cases. Procedures with no
    exported version are left out, with their offerings and links.
    """
    versions = ProcedureVersion.objects.exclude(status=VersionStatus.DRAFT)
    if on is not None:
        versions = versions.filter(version_valid_on_q(on))
    if include_drafts:
        versions = versions | ProcedureVersion.objects.filter(status=VersionStatus.DRAFT)
    version_list = list(_with_content(versions.order_by("procedure__national_code", "number")))
    codes = sorted({v.procedure.national_code for v in version_list})
    procedures = {
        p.national_code: p
        for p in Procedure.objects.filter(national_code__in=codes).prefetch_related("linked")
    }
    by_code: dict[str, list[ProcedureVersion]] = {}
    for version in version_list:
        by_code.setdefault(version.procedure.national_code, []).append(version)
    offerings = (
        ProcedureOffering.objects.filter(procedure__national_code__in=codes)
        .select_related("agency", "procedure", "counter_field")
        .order_by("agency__code", "agency__name", "agency_id", "procedure__national_code")
    )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "fields": [_field_doc(f) for f in ProcedureField.objects.order_by("code")],
        "workflows": [_workflow_doc(t) for t in _workflows_with_steps()],
        "procedures": [
            {
                "national_code": code,
                "linked": sorted(
                    p.national_code
                    for p in procedures[code].linked.all()
                    if p.national_code in by_code
                ),
                "versions": [_version_doc(v, content=True) for v in by_code[code]],
            }
            for code in codes
        ],
        "offerings": [_offering_doc(o) for o in offerings],
    }


def catalogue_dumps(document: Mapping[str, Any]) -> str:
    """The document as text: keys sorted, UTF-8 Vietnamese kept readable."""
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _with_content(
    versions: models.QuerySet[ProcedureVersion],
) -> models.QuerySet[ProcedureVersion]:
    return versions.select_related("procedure", "field").prefetch_related(
        Prefetch(
            "variants",
            queryset=ProcedureVariant.objects.select_related("workflow").order_by("order", "code"),
        ),
        Prefetch("variants__components", queryset=ComponentSpec.objects.order_by("order", "id")),
        Prefetch("variants__fees", queryset=FeeRule.objects.order_by("kind", "id")),
    )


def _workflows_with_steps() -> models.QuerySet[WorkflowTemplate]:
    return WorkflowTemplate.objects.order_by("name", "id").prefetch_related(
        Prefetch(
            "steps",
            queryset=WorkflowStep.objects.select_related("department__agency").order_by("order"),
        )
    )


def _field_doc(f: ProcedureField) -> Doc:
    return {"code": f.code, "name": f.name, "name_en": f.name_en}


def _agency_ref(agency: Agency) -> Doc:
    return {"agency_code": agency.code} if agency.code else {"agency_name": agency.name}


def _workflow_doc(template: WorkflowTemplate) -> Doc:
    return {
        "name": template.name,
        "description": template.description,
        "steps": [
            {
                "order": s.order,
                "name": s.name,
                "role": s.role,
                "department": (
                    {**_agency_ref(s.department.agency), "name": s.department.name}
                    if s.department
                    else None
                ),
                "budget_hours": _decimal_text(s.budget_hours),
                "actions": list(s.actions),
                "notification": s.notification,
                "signature_required": s.signature_required,
            }
            for s in template.steps.all()
        ],
    }


def _version_doc(version: ProcedureVersion, *, content: bool) -> Doc:
    return {
        "number": version.number,
        "status": version.status,
        "valid_from": _date_text(version.valid_from),
        "valid_to": _date_text(version.valid_to),
        **_version_content(version, content=content),
    }


def _version_content(version: ProcedureVersion, *, content: bool) -> Doc:
    """Everything of a version but its number and lifecycle (what a draft update rewrites)."""
    return {
        "publication_ref": version.publication_ref,
        "name": version.name,
        "field": version.field.code,
        "audience": version.audience,
        "levels": list(version.levels),
        "competent_agency_kinds": list(version.competent_agency_kinds),
        "competent_authority": version.competent_authority,
        "legal_basis": version.legal_basis,
        "steps_text": version.steps_text,
        "conditions": version.conditions,
        "result_type": version.result_type,
        "online_mode": version.online_mode,
        "partial_justification": version.partial_justification,
        "cross_boundary": version.cross_boundary,
        "postal_allowed": version.postal_allowed,
        "handled_externally": version.handled_externally,
        "keywords": version.keywords,
        "unverified_note": version.unverified_note,
        # Optional keys, written only when set (documents without them stay valid).
        **({"supplement_rule": version.supplement_rule} if version.supplement_rule else {}),
        **_upload_limits_doc(version.upload_max_mb, []),
        "variants": [_variant_doc(v, content=content) for v in version.variants.all()],
    }


def _variant_doc(variant: ProcedureVariant, *, content: bool) -> Doc:
    return {
        "code": variant.code,
        "name": variant.name,
        "question": variant.question,
        "order": variant.order,
        "duration": _decimal_text(variant.duration),
        "duration_unit": variant.duration_unit,
        "online_duration": _decimal_text(variant.online_duration),
        "online_duration_unit": variant.online_duration_unit,
        "workflow": variant.workflow.name if variant.workflow else None,
        "eform": variant.eform,
        "components": [
            {
                "order": c.order,
                "code": c.code,
                "name": c.name,
                "required": c.required,
                "condition_text": c.condition_text,
                "originals": c.originals,
                "certified_copies": c.certified_copies,
                "copies": c.copies,
                "replaced_by_eform": c.replaced_by_eform,
                "replaced_by_database": c.replaced_by_database,
                "template_file": _file_doc(c.template_file, content=content),
                **_upload_limits_doc(c.upload_max_mb, c.upload_types),
            }
            for c in variant.components.all()
        ],
        "fees": [
            {
                "kind": f.kind,
                "name": f.name,
                "amount": f.amount,
                "rule": f.rule,
                "collection": f.collection,
                "exemption_groups": f.exemption_groups,
            }
            for f in variant.fees.all()
        ],
    }


def _file_doc(file: FieldFile, *, content: bool) -> Doc | None:
    """A blank form: embedded for export; for comparison only its name and digest.

    A content-addressed name carries its digest, so comparing costs no read.
    """
    if not file.name:
        return None
    match = _STORED_NAME.match(file.name)
    if not content and match:
        return {"name": match["name"], "digest": match["digest"]}
    with file.storage.open(file.name, "rb") as handle:
        data = handle.read()
    name = match["name"] if match else posixpath.basename(file.name)
    sha256 = hashlib.sha256(data).hexdigest()
    if not content:
        return {"name": name, "digest": sha256[:DIGEST_LENGTH]}
    return {
        "name": name,
        "media_type": _media_type(name),
        "sha256": sha256,
        "content_base64": base64.b64encode(data).decode("ascii"),
    }


def _media_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _offering_doc(offering: ProcedureOffering) -> Doc:
    return {
        **_agency_ref(offering.agency),
        "national_code": offering.procedure.national_code,
        "local_code": offering.local_code,
        "counter_field": offering.counter_field.code if offering.counter_field else None,
        "online_open": offering.online_open,
        "is_active": offering.is_active,
    }


def _upload_limits_doc(max_mb: Decimal | None, types: Sequence[str]) -> Doc:
    """The optional upload-limit keys (gh-4 item 2), present only when set."""
    return {
        **({"upload_max_mb": _decimal_text(max_mb)} if max_mb is not None else {}),
        **({"upload_types": list(types)} if types else {}),
    }


def _normalise_upload_limits(
    check: _Checker, data: Mapping[str, Any], path: str, *, types: bool
) -> Doc:
    """``upload_max_mb`` (> 0, two decimals) and, for components, ``upload_types``."""
    max_mb = check.decimal(data, "upload_max_mb", path)
    if max_mb is not None and Decimal(max_mb) <= 0:
        check.add(f"{path}.upload_max_mb", _("phải lớn hơn 0"))
    upload_types = (
        check.string_list(data, "upload_types", path, UploadFileType.values) if types else []
    )
    return _upload_limits_doc(_decimal(max_mb), upload_types)


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _date_text(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


# --- Validation: structure and values, with JSON paths ---------------------------------------
class _Checker:
    """Collects "path: message" problems while normalising the document to the export form."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value: object, path: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.add(path, _("phải là một đối tượng JSON"))
        return None

    def items(self, parent: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Any]]:
        value = parent.get(key, [])
        if not isinstance(value, list):
            self.add(f"{path}{key}", _("phải là một danh sách"))
            return []
        return [(f"{path}{key}[{i}]", item) for i, item in enumerate(value)]

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        model_field: tuple[type[models.Model], str] | None = None,
        required: bool = False,
        default: str = "",
    ) -> str:
        value = data.get(key, default)
        if value is None and not required:
            value = default
        if not isinstance(value, str):
            self.add(f"{path}.{key}", _("phải là chuỗi ký tự"))
            return default
        if required and not value.strip():
            self.add(f"{path}.{key}", _("bắt buộc"))
        if model_field is not None:
            model, name = model_field
            limit = cast(models.Field[Any, Any], model._meta.get_field(name)).max_length
            if limit is not None and len(value) > limit:
                self.add(
                    f"{path}.{key}",
                    _("dài quá %(limit)d ký tự") % {"limit": limit},
                )
        return value

    def choice(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        choices: Iterable[str],
        *,
        default: str | None = None,
    ) -> str:
        value = data.get(key, default)
        allowed = list(choices)
        if value not in allowed:
            self.add(
                f"{path}.{key}",
                _("không hợp lệ (chấp nhận: %(values)s)") % {"values": ", ".join(allowed)},
            )
            return allowed[0]
        return cast(str, value)

    def boolean(self, data: Mapping[str, Any], key: str, path: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.add(f"{path}.{key}", _("phải là true hoặc false"))
            return default
        return value

    def integer(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        default: int | None = 0,
        minimum: int = 0,
        nullable: bool = False,
    ) -> int | None:
        value = data.get(key, default)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.add(f"{path}.{key}", _("phải là số nguyên từ %(min)d trở lên") % {"min": minimum})
            return default
        return value

    def decimal(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            number = Decimal(str(value)) if isinstance(value, str | int | float) else None
        except InvalidOperation:
            number = None
        if (
            number is None
            or isinstance(value, bool)
            or not number.is_finite()
            or number < 0
            or number != number.quantize(Decimal("0.01"))
        ):
            self.add(f"{path}.{key}", _("phải là số không âm, tối đa hai chữ số thập phân"))
            return None
        return f"{number:.2f}"

    def date(
        self, data: Mapping[str, Any], key: str, path: str, *, nullable: bool = True
    ) -> str | None:
        value = data.get(key)
        if value is None and nullable:
            return None
        try:
            return dt.date.fromisoformat(value).isoformat() if isinstance(value, str) else None
        except ValueError:
            pass
        self.add(f"{path}.{key}", _("phải là ngày dạng YYYY-MM-DD"))
        return None

    def string_list(
        self, data: Mapping[str, Any], key: str, path: str, choices: Iterable[str]
    ) -> list[str]:
        value = data.get(key, [])
        allowed = set(choices)
        if not isinstance(value, list) or any(v not in allowed for v in value):
            self.add(
                f"{path}.{key}",
                _("phải là danh sách các giá trị: %(values)s")
                % {"values": ", ".join(sorted(allowed))},
            )
            return []
        return list(value)


def _normalise(document: Mapping[str, Any]) -> tuple[Doc, dict[str, bytes]]:
    """Check ``document`` and return it in the export form, plus the decoded files by digest.

    Lists are put in export order (steps by order; variants by order and code;
    components by order; fees by kind) so that comparing with the database is
    comparing with an export. Raises ``ValidationError`` listing every problem.
    """
    check = _Checker()
    files: dict[str, bytes] = {}
    if document.get("format") != FORMAT:
        check.add("format", _("phải là “%(format)s”") % {"format": FORMAT})
    if document.get("version") != FORMAT_VERSION:
        check.add(
            "version",
            _("phiên bản định dạng không được hỗ trợ (cần %(v)d)") % {"v": FORMAT_VERSION},
        )
    fields = []
    for path, item in check.items(document, "fields", ""):
        data = check.obj(item, path)
        if data is not None:
            fields.append(
                {
                    "code": check.text(
                        data, "code", path, model_field=(ProcedureField, "code"), required=True
                    ),
                    "name": check.text(
                        data, "name", path, model_field=(ProcedureField, "name"), required=True
                    ),
                    "name_en": check.text(
                        data, "name_en", path, model_field=(ProcedureField, "name_en")
                    ),
                }
            )
    workflows = [
        wf
        for path, item in check.items(document, "workflows", "")
        if (wf := _normalise_workflow(check, item, path)) is not None
    ]
    procedures = [
        p
        for path, item in check.items(document, "procedures", "")
        if (p := _normalise_procedure(check, item, path, files)) is not None
    ]
    offerings = [
        o
        for path, item in check.items(document, "offerings", "")
        if (o := _normalise_offering(check, item, path)) is not None
    ]
    for key, values in (
        ("fields", [f["code"] for f in fields]),
        ("workflows", [w["name"] for w in workflows]),
        ("procedures", [p["national_code"] for p in procedures]),
    ):
        for value in sorted({v for v in values if values.count(v) > 1}):
            check.add(key, _("“%(value)s” xuất hiện nhiều lần") % {"value": value})
    if check.problems:
        raise ValidationError(check.problems)
    return {
        "fields": fields,
        "workflows": workflows,
        "procedures": procedures,
        "offerings": offerings,
    }, files


def _normalise_workflow(check: _Checker, item: object, path: str) -> Doc | None:
    data = check.obj(item, path)
    if data is None:
        return None
    steps: list[Doc] = []
    for step_path, step_item in check.items(data, "steps", f"{path}."):
        s = check.obj(step_item, step_path)
        if s is None:
            continue
        department = s.get("department")
        department_doc = None
        if department is not None:
            dep = check.obj(department, f"{step_path}.department")
            if dep is not None:
                department_doc = {
                    **_normalise_agency_ref(check, dep, f"{step_path}.department"),
                    "name": check.text(dep, "name", f"{step_path}.department", required=True),
                }
        actions = check.string_list(s, "actions", step_path, StepAction.values)
        steps.append(
            {
                "order": check.integer(s, "order", step_path, minimum=1, default=1),
                "name": check.text(
                    s, "name", step_path, model_field=(WorkflowStep, "name"), required=True
                ),
                "role": check.choice(s, "role", step_path, Role.values),
                "department": department_doc,
                "budget_hours": _required_decimal(check, s, "budget_hours", step_path),
                "actions": actions,
                "notification": check.choice(
                    s, "notification", step_path, StepNotification.values, default="handler"
                ),
                "signature_required": check.boolean(
                    s, "signature_required", step_path, default=False
                ),
            }
        )
    orders = [s["order"] for s in steps]
    for dup in sorted({o for o in orders if orders.count(o) > 1}):
        check.add(f"{path}.steps", _("hai bước cùng thứ tự %(order)d") % {"order": dup})
    steps.sort(key=lambda s: s["order"])
    return {
        "name": check.text(
            data, "name", path, model_field=(WorkflowTemplate, "name"), required=True
        ),
        "description": check.text(data, "description", path),
        "steps": steps,
    }


def _required_decimal(check: _Checker, data: Mapping[str, Any], key: str, path: str) -> str | None:
    if data.get(key) is None:
        check.add(f"{path}.{key}", _("bắt buộc"))
        return None
    return check.decimal(data, key, path)


def _normalise_agency_ref(check: _Checker, data: Mapping[str, Any], path: str) -> Doc:
    if data.get("agency_code"):
        return {"agency_code": check.text(data, "agency_code", path)}
    if data.get("agency_name"):
        return {"agency_name": check.text(data, "agency_name", path)}
    check.add(path, _("cần “agency_code” hoặc “agency_name”"))
    return {"agency_code": ""}


def _normalise_procedure(
    check: _Checker, item: object, path: str, files: dict[str, bytes]
) -> Doc | None:
    data = check.obj(item, path)
    if data is None:
        return None
    code = check.text(
        data, "national_code", path, model_field=(Procedure, "national_code"), required=True
    )
    linked = data.get("linked", [])
    if not isinstance(linked, list) or not all(isinstance(c, str) for c in linked):
        check.add(f"{path}.linked", _("phải là danh sách mã thủ tục"))
        linked = []
    versions = [
        v
        for v_path, v_item in check.items(data, "versions", f"{path}.")
        if (v := _normalise_version(check, v_item, v_path, files)) is not None
    ]
    numbers = [v["number"] for v in versions]
    if len(numbers) != len(set(numbers)):
        check.add(f"{path}.versions", _("có hai phiên bản cùng số"))
    current = [
        v["number"]
        for v in versions
        if v["status"] == VersionStatus.PUBLISHED and not v["valid_to"]
    ]
    if len(current) > 1:
        # Publishing the later one ends the earlier: the document would contradict itself.
        check.add(
            f"{path}.versions",
            _("chỉ một phiên bản được ở trạng thái đã công bố mà không có ngày hết hiệu lực"),
        )
    versions.sort(key=lambda v: v["number"])
    return {"national_code": code, "linked": sorted(set(linked)), "versions": versions}


def _normalise_version(
    check: _Checker, item: object, path: str, files: dict[str, bytes]
) -> Doc | None:
    data = check.obj(item, path)
    if data is None:
        return None
    text = check.text
    variants = [
        v
        for v_path, v_item in check.items(data, "variants", f"{path}.")
        if (v := _normalise_variant(check, v_item, v_path, files)) is not None
    ]
    codes = [v["code"] for v in variants]
    for dup in sorted({c for c in codes if codes.count(c) > 1}):
        check.add(f"{path}.variants", _("mã trường hợp “%(code)s” bị trùng") % {"code": dup})
    variants.sort(key=lambda v: (v["order"], v["code"]))
    levels = data.get("levels", [])
    if not isinstance(levels, list) or any(lv not in UnitLevel.values for lv in levels):
        check.add(f"{path}.levels", _("phải là danh sách cấp: 1, 2 hoặc 3"))
        levels = []
    status = check.choice(data, "status", path, VersionStatus.values, default="draft")
    valid_from = check.date(data, "valid_from", path)
    valid_to = check.date(data, "valid_to", path)
    if status != VersionStatus.DRAFT and valid_from is None:
        check.add(f"{path}.valid_from", _("bắt buộc với phiên bản đã công bố"))
    if status == VersionStatus.RETIRED and valid_to is None:
        check.add(f"{path}.valid_to", _("bắt buộc với phiên bản hết hiệu lực"))
    if valid_from and valid_to and valid_to < valid_from:
        check.add(f"{path}.valid_to", _("phải sau ngày hiệu lực"))
    number = check.integer(data, "number", path, minimum=1, default=1)
    supplement_rule = check.choice(
        data, "supplement_rule", path, ["", "restart", "extend"], default=""
    )
    V = ProcedureVersion
    return {
        "number": number,
        "status": status,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "publication_ref": text(data, "publication_ref", path, model_field=(V, "publication_ref")),
        "name": text(data, "name", path, required=True),
        "field": text(data, "field", path, required=True),
        "audience": check.choice(data, "audience", path, Audience.values, default="citizen"),
        "levels": levels,
        "competent_agency_kinds": check.string_list(
            data, "competent_agency_kinds", path, AgencyKind.values
        ),
        "competent_authority": text(
            data, "competent_authority", path, model_field=(V, "competent_authority")
        ),
        "legal_basis": text(data, "legal_basis", path),
        "steps_text": text(data, "steps_text", path),
        "conditions": text(data, "conditions", path),
        "result_type": text(data, "result_type", path, model_field=(V, "result_type")),
        "online_mode": check.choice(data, "online_mode", path, OnlineMode.values, default="full"),
        "partial_justification": text(data, "partial_justification", path),
        "cross_boundary": check.boolean(data, "cross_boundary", path, default=False),
        "postal_allowed": check.boolean(data, "postal_allowed", path, default=True),
        "handled_externally": check.boolean(data, "handled_externally", path, default=False),
        "keywords": text(data, "keywords", path),
        "unverified_note": text(data, "unverified_note", path),
        # Optional: the D6 rule of this procedure; absent or "" = the installation's.
        **({"supplement_rule": supplement_rule} if supplement_rule else {}),
        # Optional: the default maximum size of each uploaded file.
        **_normalise_upload_limits(check, data, path, types=False),
        "variants": variants,
    }


def _normalise_variant(
    check: _Checker, item: object, path: str, files: dict[str, bytes]
) -> Doc | None:
    data = check.obj(item, path)
    if data is None:
        return None
    eform = data.get("eform")
    if eform is not None and not isinstance(eform, Mapping):
        check.add(f"{path}.eform", _("phải là một đối tượng JSON hoặc null"))
        eform = None
    workflow = data.get("workflow")
    if workflow is not None and not isinstance(workflow, str):
        check.add(f"{path}.workflow", _("phải là tên quy trình hoặc null"))
        workflow = None
    online_unit = data.get("online_duration_unit") or ""
    if online_unit and online_unit not in DurationUnit.values:
        check.add(f"{path}.online_duration_unit", _("không hợp lệ"))
    components: list[Doc] = []
    for c_path, c_item in check.items(data, "components", f"{path}."):
        c = check.obj(c_item, c_path)
        if c is None:
            continue
        components.append(
            {
                "order": check.integer(c, "order", c_path, minimum=0, default=1),
                "code": check.text(c, "code", c_path, model_field=(ComponentSpec, "code")),
                "name": check.text(c, "name", c_path, required=True),
                "required": check.boolean(c, "required", c_path, default=True),
                "condition_text": check.text(
                    c, "condition_text", c_path, model_field=(ComponentSpec, "condition_text")
                ),
                "originals": check.integer(c, "originals", c_path),
                "certified_copies": check.integer(c, "certified_copies", c_path),
                "copies": check.integer(c, "copies", c_path),
                "replaced_by_eform": check.boolean(c, "replaced_by_eform", c_path, default=False),
                "replaced_by_database": check.text(
                    c,
                    "replaced_by_database",
                    c_path,
                    model_field=(ComponentSpec, "replaced_by_database"),
                ),
                "template_file": _normalise_file(
                    check, c.get("template_file"), f"{c_path}.template_file", files
                ),
                # Optional: this component's maximum file size and accepted types.
                **_normalise_upload_limits(check, c, c_path, types=True),
            }
        )
    components.sort(key=lambda c: c["order"])
    fees: list[Doc] = []
    for f_path, f_item in check.items(data, "fees", f"{path}."):
        f = check.obj(f_item, f_path)
        if f is None:
            continue
        fees.append(
            {
                "kind": check.choice(f, "kind", f_path, FeeKind.values),
                "name": check.text(f, "name", f_path, model_field=(FeeRule, "name"), required=True),
                "amount": check.integer(f, "amount", f_path, default=None, nullable=True),
                "rule": check.text(f, "rule", f_path),
                "collection": check.choice(
                    f, "collection", f_path, FeeCollection.values, default="upfront"
                ),
                "exemption_groups": check.text(f, "exemption_groups", f_path),
            }
        )
    fees.sort(key=lambda f: f["kind"])
    return {
        "code": check.text(
            data, "code", path, model_field=(ProcedureVariant, "code"), required=True
        ),
        "name": check.text(
            data, "name", path, model_field=(ProcedureVariant, "name"), required=True
        ),
        "question": check.text(data, "question", path, model_field=(ProcedureVariant, "question")),
        "order": check.integer(data, "order", path, default=1),
        "duration": check.decimal(data, "duration", path),
        "duration_unit": check.choice(data, "duration_unit", path, DurationUnit.values),
        "online_duration": check.decimal(data, "online_duration", path),
        "online_duration_unit": online_unit if online_unit in DurationUnit.values else "",
        "workflow": workflow,
        "eform": dict(eform) if eform is not None else None,
        "components": components,
        "fees": fees,
    }


def _normalise_file(
    check: _Checker, value: object, path: str, files: dict[str, bytes]
) -> Doc | None:
    """A blank form as ``{"name", "digest"}``; its bytes go to ``files`` by digest."""
    if value is None:
        return None
    data = check.obj(value, path)
    if data is None:
        return None
    name = check.text(data, "name", path, required=True)
    safe = get_valid_filename(name) if name else ""
    limit = (ComponentSpec._meta.get_field("template_file").max_length or 100) - len(
        f"{FILES_DIR}/{'0' * DIGEST_LENGTH}/"
    )
    if name and (safe != name or len(name) > limit):
        check.add(
            f"{path}.name",
            _("tên tệp chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới và dài tối đa %(n)d ký tự")
            % {"n": limit},
        )
    try:
        content = base64.b64decode(str(data.get("content_base64", "")), validate=True)
    except (binascii.Error, ValueError):
        check.add(f"{path}.content_base64", _("không phải dữ liệu base64 hợp lệ"))
        return None
    sha256 = hashlib.sha256(content).hexdigest()
    if data.get("sha256") != sha256:
        check.add(f"{path}.sha256", _("không khớp với nội dung tệp"))
        return None
    files[sha256[:DIGEST_LENGTH]] = content
    return {"name": name, "digest": sha256[:DIGEST_LENGTH]}


def _normalise_offering(check: _Checker, item: object, path: str) -> Doc | None:
    data = check.obj(item, path)
    if data is None:
        return None
    counter_field = data.get("counter_field")
    if counter_field is not None and not isinstance(counter_field, str):
        check.add(f"{path}.counter_field", _("phải là mã lĩnh vực hoặc null"))
        counter_field = None
    return {
        **_normalise_agency_ref(check, data, path),
        "national_code": check.text(data, "national_code", path, required=True),
        "local_code": check.text(
            data, "local_code", path, model_field=(ProcedureOffering, "local_code")
        ),
        "counter_field": counter_field,
        "online_open": check.boolean(data, "online_open", path, default=True),
        "is_active": check.boolean(data, "is_active", path, default=True),
    }


# --- Import ---------------------------------------------------------------------------------
OFFERING_RELATIONS = ["agency", "procedure", "counter_field"]


class _DryRun(Exception):
    pass


def catalogue_import(
    document: Mapping[str, Any], *, publish: bool = True, dry_run: bool = False
) -> ImportSummary:
    """Create or bring up to date the catalogue from ``document`` (see the module docstring).

    ``publish=False`` imports every new or draft version as a draft, whatever
    the document says. ``dry_run`` runs every check and write, reports what
    would change and rolls everything back; it stores no file. Raises
    ``ValidationError`` (every message prefixed with its JSON path where it
    has one) and leaves the database unchanged on any problem.
    """
    normalised, files = _normalise(document)
    summary = ImportSummary(dry_run=dry_run)
    try:
        with transaction.atomic():
            _Importer(normalised, files, summary, publish=publish, dry_run=dry_run).run()
            if summary.version_ids:
                _after_import(sorted(set(summary.version_ids)))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return summary


def _after_import(version_ids: Sequence[int]) -> None:
    """Runs inside the import transaction once versions were created or changed.

    The single place where other parts of the catalogue react to an import
    (the search index is refreshed here); a rolled-back or dry-run import
    rolls this back too. Not called when nothing changed.
    """
    procedure_search_reindex(version_ids=version_ids)


class _Importer:
    def __init__(
        self,
        document: Doc,
        files: dict[str, bytes],
        summary: ImportSummary,
        *,
        publish: bool,
        dry_run: bool,
    ) -> None:
        self.doc = document
        self.files = files
        self.summary = summary
        self.publish = publish
        self.dry_run = dry_run
        self.problems: list[str] = []
        self.fields: dict[str, ProcedureField] = {}
        self.workflows: dict[str, WorkflowTemplate] = {}
        self.procedures: dict[str, Procedure] = {}
        self.stored: set[str] = set()

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def raise_problems(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)

    def run(self) -> None:
        self.import_fields()
        self.import_workflows()
        self.raise_problems()
        self.import_procedures()
        self.raise_problems()
        self.import_links()
        self.import_offerings()
        self.raise_problems()

    # Fields ---------------------------------------------------------------------------------
    def import_fields(self) -> None:
        codes = [f["code"] for f in self.doc["fields"]]
        codes += [v["field"] for p in self.doc["procedures"] for v in p["versions"]]
        codes += [o["counter_field"] for o in self.doc["offerings"] if o["counter_field"]]
        self.fields = {f.code: f for f in ProcedureField.objects.filter(code__in=set(codes))}
        for row in self.doc["fields"]:
            existing = self.fields.get(row["code"])
            obj = existing or ProcedureField(code=row["code"])
            changed = assign_changed(obj, {"name": row["name"], "name_en": row["name_en"]})
            self.summary.fields_created += existing is None
            self.summary.fields_updated += existing is not None and changed
            save_if_changed(obj, changed)
            self.fields[obj.code] = obj

    # Workflows ------------------------------------------------------------------------------
    def import_workflows(self) -> None:
        names = {w["name"] for w in self.doc["workflows"]}
        names |= {
            var["workflow"]
            for p in self.doc["procedures"]
            for v in p["versions"]
            for var in v["variants"]
            if var["workflow"]
        }
        templates = _workflows_with_steps().filter(name__in=names)
        self.workflows = {}
        for template in templates:
            self.workflows.setdefault(template.name, template)
        used_by_history = set(
            ProcedureVariant.objects.filter(workflow__name__in=names)
            .exclude(version__status=VersionStatus.DRAFT)
            .values_list("workflow__name", flat=True)
        )
        for index, row in enumerate(self.doc["workflows"]):
            path = f"workflows[{index}]"
            existing = self.workflows.get(row["name"])
            if existing is not None and _workflow_doc(existing) == row:
                continue
            if existing is not None and row["name"] in used_by_history:
                self.fail(
                    path,
                    _(
                        "quy trình “%(name)s” đang được phiên bản đã công bố sử dụng; muốn thay"
                        " đổi thì đặt tên quy trình mới"
                    )
                    % {"name": row["name"]},
                )
                continue
            steps = [self.build_step(s, f"{path}.steps[{i}]") for i, s in enumerate(row["steps"])]
            if any(s is None for s in steps):
                continue
            template = existing or WorkflowTemplate(name=row["name"])
            template.description = row["description"]
            self.clean(template, path)
            template.save()
            if existing is not None:
                template.steps.all().delete()
            for s in steps:
                assert s is not None
                s.template = template
                self.clean(s, path, exclude=["template"])
                s.save()
            self.summary.workflows_created += existing is None
            self.summary.workflows_updated += existing is not None
            self.workflows[template.name] = template

    def build_step(self, row: Doc, path: str) -> WorkflowStep | None:
        department = None
        if row["department"] is not None:
            ref = row["department"]
            department = (
                Department.objects.filter(name=ref["name"], **self.agency_lookup(ref))
                .select_related("agency")
                .first()
            )
            if department is None:
                self.fail(
                    f"{path}.department",
                    _("không tìm thấy phòng “%(name)s” của cơ quan %(agency)s")
                    % {
                        "name": ref["name"],
                        "agency": ref.get("agency_code") or ref.get("agency_name"),
                    },
                )
                return None
        return WorkflowStep(
            order=row["order"],
            name=row["name"],
            role=row["role"],
            department=department,
            budget_hours=Decimal(row["budget_hours"]),
            actions=row["actions"],
            notification=row["notification"],
            signature_required=row["signature_required"],
        )

    @staticmethod
    def agency_lookup(ref: Doc, prefix: str = "agency__") -> dict[str, str]:
        if ref.get("agency_code"):
            return {f"{prefix}code": ref["agency_code"]}
        return {f"{prefix}name": ref["agency_name"]}

    # Procedures and versions ----------------------------------------------------------------
    def import_procedures(self) -> None:
        codes = [p["national_code"] for p in self.doc["procedures"]]
        existing = Procedure.objects.filter(national_code__in=codes).prefetch_related(
            Prefetch(
                "versions", queryset=_with_content(ProcedureVersion.objects.order_by("number"))
            )
        )
        self.procedures = {p.national_code: p for p in existing}
        for index, row in enumerate(self.doc["procedures"]):
            path = f"procedures[{index}]"
            procedure = self.procedures.get(row["national_code"])
            if procedure is None:
                procedure = Procedure(national_code=row["national_code"])
                if not self.clean(procedure, path):
                    continue
                procedure.save()
                self.summary.procedures_created += 1
                self.procedures[procedure.national_code] = procedure
                versions: dict[int, ProcedureVersion] = {}
            else:
                versions = {v.number: v for v in procedure.versions.all()}
            for v_index, v_row in enumerate(row["versions"]):
                self.import_version(
                    procedure, versions.get(v_row["number"]), v_row, f"{path}.versions[{v_index}]"
                )

    def import_version(
        self,
        procedure: Procedure,
        version: ProcedureVersion | None,
        row: Doc,
        path: str,
    ) -> None:
        label = _("thủ tục %(code)s, phiên bản %(number)d") % {
            "code": procedure.national_code,
            "number": row["number"],
        }
        if row["field"] not in self.fields:
            self.fail(
                f"{path}.field", _("không có lĩnh vực mã “%(code)s”") % {"code": row["field"]}
            )
            return
        for v_index, variant in enumerate(row["variants"]):
            if variant["workflow"] and variant["workflow"] not in self.workflows:
                self.fail(
                    f"{path}.variants[{v_index}].workflow",
                    _("không có quy trình “%(name)s”") % {"name": variant["workflow"]},
                )
        if self.problems:
            return
        content = {
            k: v for k, v in row.items() if k not in ("number", "status", "valid_from", "valid_to")
        }
        wants = VersionStatus(row["status"]) if self.publish else VersionStatus.DRAFT
        if version is not None and version.status != VersionStatus.DRAFT:
            self.check_history(version, row, content, path, label)
            return
        if version is None:
            version = ProcedureVersion(procedure=procedure, number=row["number"])
            self.write_version(version, content, path, created=True)
            self.summary.versions_created += 1
        elif _version_content(version, content=False) != content:
            self.write_version(version, content, path, created=False)
            self.summary.versions_updated += 1
        else:
            if wants == VersionStatus.DRAFT:
                self.summary.versions_unchanged += 1
                return
        if not self.problems and wants != VersionStatus.DRAFT:
            self.make_public(version, row, path, label)
        if version.pk is not None:
            self.summary.version_ids.append(version.pk)

    def check_history(
        self, version: ProcedureVersion, row: Doc, content: Doc, path: str, label: str
    ) -> None:
        """A published or retired version: identical, or retired by a newer export; else refused."""
        if _version_content(version, content=False) != content:
            self.fail(
                path,
                _(
                    "%(version)s đã công bố nên không được sửa; nội dung khác phải được đưa vào"
                    " dưới một số phiên bản mới"
                )
                % {"version": label},
            )
            return
        here = (version.status, _date_text(version.valid_from), _date_text(version.valid_to))
        there = (row["status"], row["valid_from"], row["valid_to"])
        if not self.publish or here == there:
            self.summary.versions_unchanged += 1
            return
        if (
            version.status == VersionStatus.PUBLISHED
            and version.valid_to is None
            and row["status"] == VersionStatus.RETIRED
            and row["valid_from"] == here[1]
        ):
            try:
                procedure_version_retire(
                    version_id=version.pk, valid_to=dt.date.fromisoformat(row["valid_to"])
                )
            except ValidationError as error:
                self.fail(path, "; ".join(error.messages))
                return
            self.summary.versions_retired += 1
            self.summary.version_ids.append(version.pk)
            return
        self.fail(
            path,
            _(
                "%(version)s đã có hiệu lực %(here)s ở đây, tài liệu ghi %(there)s; lịch sử"
                " công bố không được ghi đè"
            )
            % {"version": label, "here": _lifecycle_text(*here), "there": _lifecycle_text(*there)},
        )

    def write_version(
        self, version: ProcedureVersion, content: Doc, path: str, *, created: bool
    ) -> None:
        """Write a draft's content; its variants are replaced whole when they differ."""
        scalars = {
            "supplement_rule": "",  # optional keys: absent means blank
            "upload_max_mb": None,
            **{k: v for k, v in content.items() if k not in ("field", "variants")},
        }
        scalars["upload_max_mb"] = _decimal(scalars["upload_max_mb"])
        assign_changed(version, {**scalars, "field": self.fields[content["field"]]})
        if not self.clean(version, path, exclude=["procedure"]):
            return
        version.save()
        if (
            not created
            and [_variant_doc(v, content=False) for v in version.variants.all()]
            == content["variants"]
        ):
            return
        if not created:
            version.variants.all().delete()
        for index, row in enumerate(content["variants"]):
            self.write_variant(version, row, f"{path}.variants[{index}]")

    def write_variant(self, version: ProcedureVersion, row: Doc, path: str) -> None:
        variant = ProcedureVariant(
            version=version,
            code=row["code"],
            name=row["name"],
            question=row["question"],
            order=row["order"],
            duration=_decimal(row["duration"]),
            duration_unit=row["duration_unit"],
            online_duration=_decimal(row["online_duration"]),
            online_duration_unit=row["online_duration_unit"],
            workflow=self.workflows[row["workflow"]] if row["workflow"] else None,
            eform=row["eform"],
        )
        if not self.clean(variant, path, exclude=["version"]):
            return
        variant.save()
        components = []
        for index, c in enumerate(row["components"]):
            values = {k: v for k, v in c.items() if k != "template_file"}
            values["upload_max_mb"] = _decimal(values.get("upload_max_mb"))
            component = ComponentSpec(
                variant=variant, **values, template_file=self.store(c["template_file"])
            )
            if self.clean(component, f"{path}.components[{index}]", exclude=["variant"]):
                components.append(component)
        ComponentSpec.objects.bulk_create(components)
        fees = []
        for index, f in enumerate(row["fees"]):
            fee = FeeRule(variant=variant, **f)
            if self.clean(fee, f"{path}.fees[{index}]", exclude=["variant"]):
                fees.append(fee)
        FeeRule.objects.bulk_create(fees)

    def store(self, file: Doc | None) -> str:
        """The storage name of a blank form; the bytes are written once per content."""
        if file is None:
            return ""
        name = f"{FILES_DIR}/{file['digest']}/{file['name']}"
        if self.dry_run or name in self.stored:
            return name
        if not default_storage.exists(name):
            saved = default_storage.save(name, ContentFile(self.files[file["digest"]]))
            assert saved == name, "content-addressed names never collide"
            self.summary.files_stored += 1
        self.stored.add(name)
        return name

    def make_public(self, version: ProcedureVersion, row: Doc, path: str, label: str) -> None:
        valid_from = dt.date.fromisoformat(row["valid_from"])
        if row["status"] == VersionStatus.PUBLISHED and row["valid_to"] is None:
            try:
                procedure_version_publish(version_id=version.pk, valid_from=valid_from)
            except ValidationError as error:
                self.fail(
                    path,
                    _("%(version)s chưa công bố được: ") % {"version": label}
                    + "; ".join(error.messages),
                )
                return
        else:
            # An exact copy of history: the end date is already known.
            problems = version_problems(_version_for_check(version.pk))
            if problems:
                self.fail(
                    path, _("%(version)s chưa đầy đủ: ") % {"version": label} + "; ".join(problems)
                )
                return
            version.status = row["status"]
            version.valid_from = valid_from
            version.valid_to = dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
            if not self.clean(version, path, exclude=["procedure"]):
                return
            version.save(update_fields=["status", "valid_from", "valid_to"])
        self.summary.versions_published += 1

    # Links and offerings --------------------------------------------------------------------
    def import_links(self) -> None:
        """Add the links the document names (links are symmetric and never removed here)."""
        wanted = {
            frozenset((p["national_code"], other))
            for p in self.doc["procedures"]
            for other in p["linked"]
            if other != p["national_code"]
        }
        codes = {code for pair in wanted for code in pair}
        known = {p.national_code: p for p in Procedure.objects.filter(national_code__in=codes)}
        for index, p in enumerate(self.doc["procedures"]):
            for other in p["linked"]:
                if other not in known:
                    self.fail(
                        f"procedures[{index}].linked",
                        _("không có thủ tục mã “%(code)s”") % {"code": other},
                    )
        if self.problems:
            return
        through = Procedure.linked.through
        have = {
            frozenset((a, b))
            for a, b in through.objects.filter(from_procedure__national_code__in=codes).values_list(
                "from_procedure__national_code", "to_procedure__national_code"
            )
        }
        for pair in sorted(wanted - have, key=sorted):
            first, second = sorted(pair)
            known[first].linked.add(known[second])
            self.summary.links_added += 1

    def import_offerings(self) -> None:
        rows = self.doc["offerings"]
        if not rows:
            return
        agency_codes = {r["agency_code"] for r in rows if r.get("agency_code")}
        agency_names = {r["agency_name"] for r in rows if r.get("agency_name")}
        agencies = Agency.objects.filter(
            models.Q(code__in=agency_codes) | models.Q(name__in=agency_names)
        )
        by_code = {a.code: a for a in agencies if a.code}
        by_name: dict[str, list[Agency]] = {}
        for a in agencies:
            by_name.setdefault(a.name, []).append(a)
        codes = {r["national_code"] for r in rows}
        procedures = {p.national_code: p for p in Procedure.objects.filter(national_code__in=codes)}
        existing = {
            (o.agency_id, o.procedure_id): o
            for o in ProcedureOffering.objects.filter(
                agency__in=list(agencies), procedure__in=list(procedures.values())
            )
        }
        new: list[ProcedureOffering] = []
        for index, row in enumerate(rows):
            path = f"offerings[{index}]"
            if row.get("agency_code"):
                agency = by_code.get(row["agency_code"])
            else:
                matches = by_name.get(row["agency_name"], [])
                agency = matches[0] if len(matches) == 1 else None
            procedure = procedures.get(row["national_code"])
            counter_field = self.fields.get(row["counter_field"]) if row["counter_field"] else None
            if agency is None:
                self.fail(path, _("không tìm thấy (duy nhất) cơ quan tiếp nhận"))
            if procedure is None:
                self.fail(
                    f"{path}.national_code",
                    _("không có thủ tục mã “%(code)s”") % {"code": row["national_code"]},
                )
            if row["counter_field"] and counter_field is None:
                self.fail(
                    f"{path}.counter_field",
                    _("không có lĩnh vực mã “%(code)s”") % {"code": row["counter_field"]},
                )
            if (
                agency is None
                or procedure is None
                or (row["counter_field"] and counter_field is None)
            ):
                continue
            values = {
                "local_code": row["local_code"],
                "counter_field": counter_field,
                "online_open": row["online_open"],
                "is_active": row["is_active"],
            }
            offering = existing.get((agency.pk, procedure.pk))
            if offering is None:
                offering = ProcedureOffering(agency=agency, procedure=procedure, **values)
                # Uniqueness was checked against `existing` above and the related rows
                # were just read: re-checking them costs queries per row (the demo
                # offers the catalogue 40 times).
                if self.clean(offering, path, exclude=OFFERING_RELATIONS, validate_unique=False):
                    new.append(offering)
                    existing[(agency.pk, procedure.pk)] = offering
            elif assign_changed(offering, values) and self.clean(
                offering, path, exclude=OFFERING_RELATIONS, validate_unique=False
            ):
                offering.save()
                self.summary.offerings_updated += 1
        ProcedureOffering.objects.bulk_create(new)
        self.summary.offerings_created += len(new)

    # Helpers --------------------------------------------------------------------------------
    def clean(
        self,
        obj: models.Model,
        path: str,
        *,
        exclude: list[str] | None = None,
        validate_unique: bool = True,
    ) -> bool:
        """``full_clean`` with the JSON path in front of each message; False when refused."""
        try:
            obj.full_clean(
                exclude=exclude,
                validate_unique=validate_unique,
                validate_constraints=validate_unique,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                where = path if name == "__all__" else f"{path}.{name}"
                for message in messages:
                    self.fail(where, message)
            return False
        return True


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _lifecycle_text(status: str, valid_from: str | None, valid_to: str | None) -> str:
    return f"{VersionStatus(status).label} {valid_from or '…'} – {valid_to or '…'}"


# For the management commands: one place that knows how to read a document.
def catalogue_load(text: str | bytes) -> Doc:
    """Parse a catalogue document; ``ValidationError`` if it is not a JSON object."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValidationError(
            _("Tệp không phải JSON hợp lệ: %(error)s") % {"error": error}
        ) from error
    if not isinstance(document, dict):
        raise ValidationError(_("Tài liệu danh mục phải là một đối tượng JSON."))
    return document


__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "ImportSummary",
    "catalogue_dumps",
    "catalogue_export",
    "catalogue_import",
    "catalogue_load",
]
