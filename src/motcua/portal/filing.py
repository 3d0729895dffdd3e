"""Online filing (gh-5 items 2–3): the wizard's services and the reads it needs.

The wizard saves a draft (``OnlineDraft``) at every step, so nothing a citizen
typed is lost: values that fail validation are stored as typed and shown again
with the messages next to the fields. A draft becomes a dossier only through
:func:`draft_submit`, which hands it to the dossier engine
(``dossier_receive``, channel ONLINE) with the draft's id as idempotency key:
a double click, a retried request or two tabs submit once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.calendars.selectors import due_date_preview
from motcua.datastore.selectors import store_get
from motcua.datastore.services import store_item_to_upload
from motcua.dossiers.constants import Channel, PartyKind, ReturnMode
from motcua.dossiers.deadlines import duration_for
from motcua.dossiers.models import Dossier, TemporaryUpload
from motcua.dossiers.services import PartyData, dossier_receive
from motcua.dossiers.uploads import UploadRejected, upload_attach, upload_store
from motcua.organisations.constants import AgencyKind
from motcua.organisations.models import AdminUnit, Agency
from motcua.organisations.selectors import agency_list
from motcua.payments.registry import ProviderUnavailable, provider_get, provider_list
from motcua.payments.selectors import DraftFees, fees_blocking_submission
from motcua.payments.services import payment_start, payments_attach_draft
from motcua.procedures.constants import FeeCollection, OnlineMode
from motcua.procedures.eforms import eform_form_class, eform_locked_fields, eform_prefill
from motcua.procedures.models import (
    ComponentSpec,
    ProcedureOffering,
    ProcedureVariant,
    ProcedureVersion,
)
from motcua.procedures.selectors import procedure_version_get_current

from .models import DraftAttachment, FilingStep, OnlineDraft

STEP_ORDER = list(FilingStep)


class FilingClosed(Exception):
    """The procedure does not (or no longer) take online dossiers."""


# --- reads ---------------------------------------------------------------------------------


def draft_get(*, user: User, draft_id: Any) -> OnlineDraft | None:
    """The user's own unsubmitted or submitted draft, with what every step shows."""
    return (
        OnlineDraft.objects.filter(pk=draft_id, user=user)
        .select_related("procedure_version__procedure", "variant", "agency__unit")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=DraftAttachment.objects.select_related("upload", "component"),
            )
        )
        .first()
    )


def drafts_open(*, user: User) -> QuerySet[OnlineDraft]:
    """Drafts not yet submitted, newest first ("My dossiers", resumable anywhere)."""
    return OnlineDraft.objects.filter(user=user, dossier__isnull=True).select_related(
        "procedure_version", "agency"
    )


def version_variants(version: ProcedureVersion) -> list[ProcedureVariant]:
    return list(version.variants.order_by("order", "id"))


def draft_steps(draft: OnlineDraft) -> list[FilingStep]:
    """The steps this draft goes through: the variant question only when there is a choice."""
    steps = list(STEP_ORDER)
    if len(version_variants(draft.procedure_version)) <= 1:
        steps.remove(FilingStep.VARIANT)
    return steps


def _unit_ancestors(unit: AdminUnit | None) -> list[int]:
    """``unit`` and the units above it, nearest first (at most 3 levels)."""
    ids: list[int] = []
    while unit is not None and len(ids) < 5:
        ids.append(unit.pk)
        unit = unit.parent
    return ids


@dataclass(frozen=True)
class AgencyChoices:
    """Where this citizen may file: the agencies, the default and why it is the default."""

    agencies: list[Agency]
    default: Agency | None
    by_address: bool
    cross_boundary: bool


def agencies_for(*, version: ProcedureVersion, user: User) -> AgencyChoices:
    """Agencies that take this procedure online; the default serves the citizen's address.

    Agencies with an active offering open online; when the procedure allows
    cross-boundary reception (NĐ 118), any service centre too. The default is
    the agency whose unit is nearest above the citizen's commune.
    """
    offerings = ProcedureOffering.objects.filter(
        procedure_id=version.procedure_id, is_active=True, online_open=True
    ).values_list("agency_id", flat=True)
    where = Q(pk__in=list(offerings))
    if version.cross_boundary:
        where |= Q(kind=AgencyKind.SERVICE_CENTER)
    found = list(agency_list().filter(where).select_related("unit").order_by("unit__level", "name"))
    ancestors = _unit_ancestors(user.address_unit)
    default = None
    for unit_id in ancestors:
        default = next((a for a in found if a.unit_id == unit_id), None)
        if default is not None:
            break
    if default is None and len(found) == 1:
        default = found[0]
    return AgencyChoices(
        agencies=found,
        default=default,
        by_address=default is not None and bool(ancestors),
        cross_boundary=version.cross_boundary,
    )


def _components(draft: OnlineDraft) -> list[ComponentSpec]:
    if draft.variant_id is None:
        return []
    return list(ComponentSpec.objects.filter(variant_id=draft.variant_id).order_by("order", "id"))


@dataclass
class ComponentState:
    """A component of the chosen variant with the files attached to the draft for it."""

    spec: ComponentSpec
    files: list[DraftAttachment] = field(default_factory=list)
    error: str = ""  # the last refused upload's message, shown next to this component

    @property
    def needs_file(self) -> bool:
        """Required and not replaced by the e-form or by a national database."""
        spec = self.spec
        return spec.required and not spec.replaced_by_eform and not spec.replaced_by_database

    @property
    def uploadable(self) -> bool:
        return not self.spec.replaced_by_eform and not self.spec.replaced_by_database

    @property
    def missing(self) -> bool:
        return self.needs_file and not self.files


def draft_components(draft: OnlineDraft) -> list[ComponentState]:
    attached: dict[int, list[DraftAttachment]] = {}
    for attachment in draft.attachments.all():
        attached.setdefault(attachment.component_id, []).append(attachment)
    return [ComponentState(spec=c, files=attached.get(c.pk, [])) for c in _components(draft)]


@dataclass(frozen=True)
class FeeLine:
    name: str
    kind_label: str
    amount: int | None
    rule: str
    collection: FeeCollection

    @property
    def upfront(self) -> bool:
        return self.collection == FeeCollection.UPFRONT and bool(self.amount)


def draft_fees(draft: OnlineDraft) -> list[FeeLine]:
    if draft.variant is None:
        return []
    return [
        FeeLine(
            name=rule.name,
            kind_label=str(rule.get_kind_display()),
            amount=rule.amount,
            rule=rule.rule,
            collection=FeeCollection(rule.collection),
        )
        for rule in draft.variant.fees.all()
    ]


def upfront_total(fees: list[FeeLine]) -> int:
    """What must be paid (or promised) before submission, of the given fee lines."""
    return sum(line.amount or 0 for line in fees if line.upfront)


def draft_upfront_total(draft: OnlineDraft) -> int:
    return upfront_total(draft_fees(draft))


def draft_fee_subject(draft: OnlineDraft) -> DraftFees | None:
    """The draft as the payments app sees it before it is a dossier (the draft id as reference)."""
    if draft.variant_id is None:
        return None
    return DraftFees(variant_id=draft.variant_id, draft_ref=str(draft.pk))


def draft_unpaid(draft: OnlineDraft) -> int:
    """Upfront fees still blocking the submission: not paid, and no pay-later choice made."""
    subject = draft_fee_subject(draft)
    if subject is None:
        return 0
    return sum(fee.amount for fee in fees_blocking_submission(subject))


def payment_options() -> list[tuple[str, str]]:
    """The payment providers offered to citizens, as (key, label)."""
    return [(p.key, str(p.label)) for p in provider_list()]


def draft_pays_online(draft: OnlineDraft) -> bool:
    """The citizen chose a gateway that must confirm the payment before submission."""
    if not draft.payment_choice:
        return False
    try:
        return not provider_get(draft.payment_choice).settles_later
    except ProviderUnavailable:
        return False


def draft_expected_due(draft: OnlineDraft, *, at: dt.datetime | None = None) -> dt.datetime | None:
    """The appointment the citizen would get if the one-stop accepted the dossier at ``at``."""
    if draft.variant is None:
        return None
    variant = draft.variant
    amount, unit = duration_for(
        channel=Channel.ONLINE,
        duration=variant.duration,
        duration_unit=variant.duration_unit,
        online_duration=variant.online_duration,
        online_duration_unit=variant.online_duration_unit,
    )
    try:
        preview = due_date_preview(
            received_at=at or timezone.now(), amount=amount, unit=unit, agency=draft.agency
        )
    except ValueError:
        return None
    return preview.due_at


def declaration_form(draft: OnlineDraft, *, data: Mapping[str, Any] | None = None) -> Any:
    """The variant's e-form bound to ``data`` (or to what the draft holds), prefilled."""
    assert draft.variant is not None
    definition = draft.variant.eform
    if not definition:
        return None
    form_class = eform_form_class(definition)
    initial = eform_prefill(definition, user=draft.user)
    locked = eform_locked_fields(definition, user=draft.user)
    bound = data if data is not None else (draft.form_data or None)
    return form_class(data=bound, initial=initial, locked=locked)


# --- problems: what still stops the submission --------------------------------------------


@dataclass(frozen=True)
class Problem:
    step: FilingStep
    message: str


def draft_problems(draft: OnlineDraft) -> list[Problem]:
    """Everything that still stops the submission, each with the step that fixes it."""
    problems: list[Problem] = []
    if draft.variant is None:
        problems.append(Problem(FilingStep.VARIANT, _("Chưa chọn trường hợp thủ tục.")))
        return problems
    if draft.agency is None:
        problems.append(Problem(FilingStep.AGENCY, _("Chưa chọn nơi nộp hồ sơ.")))
    form = declaration_form(draft)
    if form is not None and not form.is_valid():
        problems.append(
            Problem(
                FilingStep.DECLARATION,
                _("Tờ khai còn %(count)d trường cần sửa hoặc bổ sung.")
                % {"count": len(form.errors)},
            )
        )
    if draft.on_behalf and not (draft.owner or {}).get("full_name"):
        problems.append(Problem(FilingStep.DECLARATION, _("Chưa nhập thông tin chủ hồ sơ.")))
    for state in draft_components(draft):
        if state.missing:
            problems.append(
                Problem(
                    FilingStep.DOCUMENTS,
                    _("Chưa đính kèm “%(name)s”.") % {"name": state.spec.name},
                )
            )
    if not draft.return_mode:
        problems.append(Problem(FilingStep.DELIVERY, _("Chưa chọn hình thức nhận kết quả.")))
    elif draft.return_mode == ReturnMode.POSTAL and not draft.delivery_address.strip():
        problems.append(Problem(FilingStep.DELIVERY, _("Chưa nhập địa chỉ nhận kết quả.")))
    if draft_upfront_total(draft):
        if draft.payment_choice not in dict(payment_options()):
            problems.append(Problem(FilingStep.DELIVERY, _("Chưa chọn cách nộp phí, lệ phí.")))
        elif draft_pays_online(draft) and draft_unpaid(draft):
            problems.append(
                Problem(
                    FilingStep.REVIEW,
                    _("Chưa thanh toán phí, lệ phí trực tuyến; bấm “Thanh toán” ở dưới."),
                )
            )
    return problems


# --- writes --------------------------------------------------------------------------------


def _reach(draft: OnlineDraft, step: FilingStep) -> None:
    if STEP_ORDER.index(step) > STEP_ORDER.index(FilingStep(draft.reached)):
        draft.reached = step


def draft_start(*, user: User, procedure_code: str) -> OnlineDraft:
    """A new draft for the procedure's current version; refuses what is not filed online."""
    if not user.is_authenticated or user.kind == UserKind.STAFF:
        raise PermissionDenied("Only citizens and businesses file online here.")
    version = procedure_version_get_current(national_code=procedure_code)
    if version is None or version.online_mode == OnlineMode.NONE:
        raise FilingClosed(procedure_code)
    if not ProcedureOffering.objects.filter(
        procedure_id=version.procedure_id, is_active=True, online_open=True
    ).exists():
        raise FilingClosed(procedure_code)
    variants = version_variants(version)
    draft = OnlineDraft(user=user, procedure_version=version)
    if len(variants) == 1:
        draft.variant = variants[0]
        draft.reached = FilingStep.AGENCY
    choices = agencies_for(version=version, user=user)
    if choices.default is not None:
        draft.agency = choices.default
    if user.address_street or user.address_unit_id:
        draft.delivery_address = _profile_address(user)
    draft.save(force_insert=True)
    return draft


def _profile_address(user: User) -> str:
    parts = [user.address_street.strip()]
    if user.address_unit is not None:
        parts.append(user.address_unit.display_name)
    return ", ".join(p for p in parts if p)[:300]


def _editable(draft: OnlineDraft) -> None:
    if draft.dossier_id is not None:
        raise ValidationError(_("Hồ sơ này đã được nộp; không sửa được bản khai nữa."))


def draft_set_variant(*, draft: OnlineDraft, variant_id: int | None) -> list[str]:
    """Choose the variant; files of components the new variant lacks are let go (named)."""
    _editable(draft)
    variant = next(
        (v for v in version_variants(draft.procedure_version) if v.pk == variant_id), None
    )
    if variant is None:
        raise ValidationError({"variant": _("Hãy chọn một trường hợp trong danh sách.")})
    dropped: list[str] = []
    with transaction.atomic():
        if draft.variant_id != variant.pk:
            stale = draft.attachments.exclude(component__variant=variant).select_related("upload")
            dropped = [a.upload.original_name for a in stale]
            TemporaryUpload.objects.filter(pk__in=[a.upload_id for a in stale]).delete()
            draft.form_data = {}
        draft.variant = variant
        _reach(draft, FilingStep.AGENCY)
        draft.save()
    return dropped


def draft_set_agency(*, draft: OnlineDraft, agency_id: int | None) -> None:
    _editable(draft)
    choices = agencies_for(version=draft.procedure_version, user=draft.user)
    agency = next((a for a in choices.agencies if a.pk == agency_id), None)
    if agency is None:
        raise ValidationError({"agency": _("Hãy chọn nơi nộp hồ sơ trong danh sách.")})
    draft.agency = agency
    _reach(draft, FilingStep.DECLARATION)
    draft.save()


OWNER_FIELDS = ("full_name", "identity_number", "tax_code", "phone", "email", "address", "kind")


def draft_save_declaration(
    *,
    draft: OnlineDraft,
    form_data: Mapping[str, Any],
    on_behalf: bool,
    owner: Mapping[str, Any],
    valid: bool,
) -> None:
    """Keep what was typed, valid or not; move on only when ``valid``."""
    _editable(draft)
    draft.form_data = dict(form_data)
    draft.on_behalf = on_behalf
    draft.owner = {k: str(owner.get(k, "")) for k in OWNER_FIELDS} if on_behalf else {}
    if valid:
        _reach(draft, FilingStep.DOCUMENTS)
    draft.save()


def draft_attach(
    *, draft: OnlineDraft, component_id: int, file: UploadedFile[bytes]
) -> DraftAttachment:
    """Validate and keep ``file`` for one component (raises ``UploadRejected``).

    A failed upload changes nothing else: the other files stay attached and
    the citizen retries this one alone.
    """
    _editable(draft)
    component = next((c for c in _components(draft) if c.pk == component_id), None)
    if component is None:
        raise UploadRejected(_("Thành phần hồ sơ không thuộc trường hợp đã chọn."))
    with transaction.atomic():
        upload = upload_store(file=file, user=draft.user)
        attachment = DraftAttachment.objects.create(draft=draft, component=component, upload=upload)
        OnlineDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    return attachment


def draft_attach_stored(*, draft: OnlineDraft, component_id: int, item_id: Any) -> DraftAttachment:
    """Reuse a document from the citizen's data store for one component (NĐ 45/2020).

    The stored file is copied into a fresh temporary upload through the same
    checks as a new upload; the dossier's document is marked ``reused``.
    """
    _editable(draft)
    component = next((c for c in _components(draft) if c.pk == component_id), None)
    if component is None:
        raise UploadRejected(_("Thành phần hồ sơ không thuộc trường hợp đã chọn."))
    try:
        item = store_get(user=draft.user, item_id=uuid.UUID(str(item_id)))
    except ValueError:
        item = None
    if item is None:
        raise UploadRejected(_("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn."))
    if item.expired_on(timezone.localdate()):
        raise UploadRejected(
            _("“%(name)s” đã hết hiệu lực; hãy tải lên bản còn hiệu lực.") % {"name": item.name}
        )
    with transaction.atomic():
        upload = store_item_to_upload(user=draft.user, item=item)
        attachment = DraftAttachment.objects.create(
            draft=draft, component=component, upload=upload, reused=True
        )
        OnlineDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    return attachment


def draft_detach(*, draft: OnlineDraft, attachment_id: int) -> str:
    _editable(draft)
    attachment = draft.attachments.select_related("upload").filter(pk=attachment_id).first()
    if attachment is None:
        raise ValidationError(_("Tệp này không còn trong hồ sơ."))
    name = attachment.upload.original_name
    file_name = str(attachment.upload.file.name)
    storage = attachment.upload.file.storage
    with transaction.atomic():
        attachment.upload.delete()  # cascades to the attachment
        if file_name:
            transaction.on_commit(lambda: storage.delete(file_name))
    return name


def draft_documents_done(*, draft: OnlineDraft) -> list[str]:
    """Move past the documents step; the names of required components still missing."""
    missing = [s.spec.name for s in draft_components(draft) if s.missing]
    if not missing:
        _reach(draft, FilingStep.DELIVERY)
        draft.save(update_fields=["reached", "updated_at"])
    return missing


def draft_set_delivery(
    *,
    draft: OnlineDraft,
    return_mode: str,
    delivery_address: str,
    payment_choice: str,
) -> None:
    _editable(draft)
    errors: dict[str, str] = {}
    if return_mode not in ReturnMode.values:
        errors["return_mode"] = _("Hãy chọn cách nhận kết quả.")
    elif return_mode == ReturnMode.POSTAL and not draft.procedure_version.postal_allowed:
        errors["return_mode"] = _("Thủ tục này không trả kết quả qua bưu chính.")
    draft.delivery_address = delivery_address.strip()[:300]
    if return_mode == ReturnMode.POSTAL and not draft.delivery_address:
        errors["delivery_address"] = _(
            "Cần địa chỉ nhận kết quả qua bưu chính: số nhà, đường, phường/xã."
        )
    if draft_upfront_total(draft):
        offered = dict(payment_options())
        if payment_choice not in offered:
            errors["payment_choice"] = _("Hãy chọn cách nộp phí, lệ phí.")
        draft.payment_choice = payment_choice if payment_choice in offered else ""
    else:
        draft.payment_choice = ""
    draft.return_mode = return_mode if return_mode in ReturnMode.values else ""
    if not errors:
        _reach(draft, FilingStep.REVIEW)
    draft.save()
    if errors:
        raise ValidationError(errors)


def _owner_data(draft: OnlineDraft) -> tuple[PartyData, PartyData | None]:
    user = draft.user
    me = PartyData(
        full_name=user.full_name or user.get_username(),
        kind=PartyKind.BUSINESS if user.kind == UserKind.BUSINESS else PartyKind.CITIZEN,
        identity_number=user.identity_number,
        tax_code=user.tax_code,
        phone=user.phone,
        email=user.email,
        address=_profile_address(user),
        user=user,
    )
    if not draft.on_behalf:
        return me, None
    given = draft.owner or {}
    kind = given.get("kind") or PartyKind.CITIZEN
    owner = PartyData(
        full_name=given.get("full_name", "").strip(),
        kind=PartyKind(kind) if kind in PartyKind.values else PartyKind.CITIZEN,
        identity_number=given.get("identity_number", "").strip(),
        tax_code=given.get("tax_code", "").strip(),
        phone=given.get("phone", "").strip(),
        email=given.get("email", "").strip(),
        address=given.get("address", "").strip(),
    )
    return owner, me


class NotReady(Exception):
    """The draft still has problems; ``problems`` says which and where."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(p.message for p in problems))
        self.problems = problems


def draft_pay_start(*, draft: OnlineDraft, return_url: str, next_url: str, client_ip: str) -> str:
    """Open the online payment of the draft's upfront fees; the gateway URL to send the browser.

    A pending payment of the same draft is cancelled first (the citizen came
    back and pays again). The payment is linked to the dossier at submission.
    """
    _editable(draft)
    subject = draft_fee_subject(draft)
    if subject is None or not draft_pays_online(draft):
        raise ValidationError(_("Bản khai này không thanh toán trực tuyến."))
    started = payment_start(
        subject=subject,
        provider=draft.payment_choice,
        return_url=return_url,
        by=draft.user,
        client_ip=client_ip,
        next_url=next_url,
        replace_pending=True,
    )
    return started.result.redirect_url or ""


def draft_submit(*, draft_id: Any, user: User, return_url: str = "") -> Dossier:
    """Hand the draft to the dossier engine; the same draft never makes two dossiers.

    The draft row is locked, so two concurrent clicks serialise: the second
    finds the dossier the first created and returns it. The engine validates
    the e-form again (the citizen's identity fields come from the verified
    profile) and the files are attached to their components. Raises
    ``NotReady`` while something is missing and ``ValidationError`` with the
    engine's field messages.
    """
    with transaction.atomic():
        draft = (
            OnlineDraft.objects.select_for_update(of=("self",))
            .filter(pk=draft_id, user=user)
            .select_related("procedure_version__procedure", "variant", "agency", "user")
            .first()
        )
        if draft is None:
            raise PermissionDenied("Not this user's draft.")
        if draft.dossier_id is not None:
            return Dossier.objects.get(pk=draft.dossier_id)
        problems = draft_problems(draft)
        if problems:
            raise NotReady(problems)
        assert draft.variant is not None
        assert draft.agency is not None
        subject = draft_fee_subject(draft)
        if subject is not None and draft.payment_choice and fees_blocking_submission(subject):
            # Pay at the counter or by transfer: a pending payment a collector settles later.
            payment_start(
                subject=subject, provider=draft.payment_choice, return_url=return_url, by=user
            )
        owner, submitter = _owner_data(draft)
        dossier = dossier_receive(
            by=user,
            agency=draft.agency,
            procedure_code=draft.procedure_version.procedure.national_code,
            variant_code=draft.variant.code,
            channel=Channel.ONLINE,
            owner=owner,
            submitter=submitter,
            form_data=draft.form_data,
            return_mode=ReturnMode(draft.return_mode),
            delivery_address=draft.delivery_address
            if draft.return_mode == ReturnMode.POSTAL
            else "",
            idempotency_key=f"draft:{draft.pk}",
            client=f"user:{user.pk}",
        )
        if dossier.variant_id != draft.variant_id:
            # The procedure got a new version since the draft began: the citizen
            # must check the new requirements rather than file against old ones.
            raise ValidationError(
                _(
                    "Thủ tục vừa được cập nhật phiên bản mới; vui lòng bắt đầu lại bản khai"
                    " để khai theo yêu cầu mới."
                )
            )
        for attachment in draft.attachments.select_related("upload", "component"):
            upload_attach(
                upload_id=attachment.upload_id,
                dossier=dossier,
                name=attachment.component.name[:255],
                component=attachment.component,
                user=user,
                reused=attachment.reused,
            )
        payments_attach_draft(draft_ref=str(draft.pk), dossier=dossier)
        draft.dossier = dossier
        draft.save(update_fields=["dossier", "updated_at"])
    return dossier


def draft_delete(*, draft: OnlineDraft) -> None:
    """Throw away an unsubmitted draft and its files."""
    _editable(draft)
    names = [str(a.upload.file.name) for a in draft.attachments.select_related("upload")]
    with transaction.atomic():
        TemporaryUpload.objects.filter(
            pk__in=list(draft.attachments.values_list("upload_id", flat=True))
        ).delete()
        draft.delete()
        transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)
