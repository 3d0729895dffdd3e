"""Reception at the counter (gh-6 items 3–4): the form, its reads and the glue to the engine.

One page receives a dossier in person (T5), prints a supplement guidance
sheet instead (T5b, Mẫu 02, no dossier is created), refuses it (T5c, Mẫu 03)
or hands an immediate-result procedure over in one sitting (T5d). The same
page files online *in the citizen's name* when an officer helps a citizen
at the centre (assisted filing, domain.md §5.1): channel ONLINE, the citizen
is the owner, the officer is the actor of the submission event and the
dossier records where the help was given (``Dossier.assisted_at``).

Everything that writes goes through the dossier engine
(:func:`~motcua.dossiers.services.dossier_receive`,
:func:`~motcua.dossiers.services.dossier_refuse_at_counter`,
:func:`~motcua.dossiers.services.dossier_receive_immediate`), the two-stage
uploads (:func:`~motcua.dossiers.uploads.upload_store` at every post, so a
file survives an error and is kept by its id; ``upload_attach`` on receipt)
and the payments service (:func:`~motcua.payments.services.payment_record_counter`).
What the counter officer types is validated by a Django form with the same
limits as the API's receive serializer (``PartyInputSerializer``); the
engine then checks the rest and its errors are put back next to the fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.accounts.validators import validate_cccd, validate_tax_code
from motcua.calendars.constants import DurationUnit
from motcua.core.text import fold
from motcua.dossiers.constants import Channel, PartyKind, ReturnMode
from motcua.dossiers.forms_official import (
    OfficialForm,
    form_render,
    html_to_pdf,
    issuer_context,
    place_date,
    short_instant,
)
from motcua.dossiers.models import Dossier, IdempotencyRecord, TemporaryUpload
from motcua.dossiers.selectors import dossier_access_q
from motcua.dossiers.services import (
    IMMEDIATE_UNITS,
    IdempotencyConflict,
    PartyData,
    ReceivedComponent,
    dossier_receive,
    dossier_receive_immediate,
    dossier_refuse_at_counter,
)
from motcua.dossiers.uploads import UploadRejected, upload_attach, upload_store
from motcua.organisations.constants import Role
from motcua.organisations.models import Agency
from motcua.payments.services import payment_record_counter
from motcua.procedures.constants import FeeCollection
from motcua.procedures.eforms import (
    PREFILL_SOURCES,
    EformForm,
    eform_form_class,
    eform_prefill,
)
from motcua.procedures.models import ComponentSpec, FeeRule, ProcedureVariant, ProcedureVersion
from motcua.procedures.selectors import procedure_version_list_current

from .selectors import memberships_today

# How many procedures the choice list shows at most (the search narrows it).
PROCEDURE_LIMIT = 300
EFORM_PREFIX = "tk"
BATCH_SESSION_KEY = "workspace_reception_batch"


class Action:
    """What the officer asked for with the button they pressed (``name="action"``)."""

    UPDATE = "update"  # find the applicant, search or choose the procedure: nothing written
    RECEIVE = "receive"
    GUIDE = "guide"  # Mẫu 02 instead of receiving
    REFUSE = "refuse"  # Mẫu 03 instead of receiving


CHANNEL_COUNTER = "counter"
CHANNEL_ASSISTED = "assisted"
FEE_NOW = "now"
FEE_LATER = "later"


# --- reads -----------------------------------------------------------------------------------


def reception_agencies(*, user: User) -> list[Agency]:
    """The agencies where ``user`` is a reception (one-stop) officer today, by name."""
    ids = memberships_today(user=user, roles=[Role.RECEPTION_OFFICER]).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids).select_related("unit").order_by("name", "id"))


def citizen_by_identity(identity_number: str) -> User | None:
    """The portal account of a citizen with this CCCD, if any (unique by constraint)."""
    number = identity_number.strip()
    if not number:
        return None
    return User.objects.filter(identity_number=number, kind=UserKind.CITIZEN).first()


def offered_versions(*, agency: Agency) -> list[ProcedureVersion]:
    """The procedures in force that ``agency`` receives (its active offerings), by name."""
    return list(
        procedure_version_list_current()
        .filter(procedure__offerings__agency=agency, procedure__offerings__is_active=True)
        .order_by("name", "id")
        .distinct()[:2000]
    )


def procedure_matches(versions: Sequence[ProcedureVersion], query: str) -> list[ProcedureVersion]:
    """``versions`` whose code or name contains ``query`` (diacritic-insensitive)."""
    text = query.strip()
    if not text:
        return list(versions)
    folded = fold(text)
    return [
        v
        for v in versions
        if text in v.procedure.national_code or (folded and folded in fold(v.name))
    ]


def variants_of(version: ProcedureVersion) -> list[ProcedureVariant]:
    return list(version.variants.order_by("order", "id"))


@dataclass
class KeptFile:
    id: str
    name: str
    size: int


@dataclass
class ChecklistRow:
    """One component of the variant as the counter officer sees it."""

    spec: ComponentSpec
    got: bool = False  # ticked "Đã nhận"
    files: list[KeptFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def must_bring(self) -> bool:
        """Required on paper or as a file (not declared on the e-form, not read from a database)."""
        return (
            self.spec.required
            and not self.spec.replaced_by_eform
            and not self.spec.replaced_by_database
        )

    @property
    def forms_text(self) -> str:
        return component_forms(self.spec)


def component_forms(spec: ComponentSpec) -> str:
    """ "1 bản chính, 1 bản sao chứng thực" from the catalogue's counts."""
    parts = []
    if spec.originals:
        parts.append(_("%(n)d bản chính") % {"n": spec.originals})
    if spec.certified_copies:
        parts.append(_("%(n)d bản sao có chứng thực") % {"n": spec.certified_copies})
    if spec.copies:
        parts.append(_("%(n)d bản sao") % {"n": spec.copies})
    return ", ".join(parts)


def payable_now(fees: Sequence[FeeRule]) -> list[FeeRule]:
    """The fee lines collected when the dossier is filed (the counter can take them now)."""
    return [f for f in fees if f.collection == FeeCollection.UPFRONT and (f.amount or 0) > 0]


def immediate_possible(variant: ProcedureVariant | None) -> bool:
    """NĐ 61 Art 17(4): "same day" / "no appointment" variants may be handed over at once."""
    if variant is None:
        return False
    return DurationUnit(variant.duration_unit) in IMMEDIATE_UNITS or not variant.duration


# --- the form --------------------------------------------------------------------------------


def _text(label: Any, max_length: int, **kwargs: Any) -> forms.CharField:
    # A lazy label stays lazy: the field is translated when the page renders.
    return forms.CharField(label=label, max_length=max_length, required=False, **kwargs)


class ReceptionForm(forms.Form):
    """Everything typed at the counter except the e-form and the files (see module docstring).

    Field limits mirror ``dossiers.api.serializers.PartyInputSerializer`` and
    the receive serializer; which fields are required depends on the button,
    so ``clean_for`` checks them per action and the engine checks the rest.
    """

    agency = forms.TypedChoiceField(label=gettext_lazy("Nơi tiếp nhận"), coerce=int)
    # One key per reception screen, kept across re-renders: a double Ctrl+Enter, a retry
    # or Back-and-resubmit receives once (dossier_receive's idempotency, gh-4 item 7).
    key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        label=gettext_lazy("Hình thức nộp"),
        choices=[
            (CHANNEL_COUNTER, gettext_lazy("Nộp trực tiếp tại quầy")),
            (
                CHANNEL_ASSISTED,
                gettext_lazy("Cán bộ hỗ trợ nộp trực tuyến thay mặt công dân (đứng tên công dân)"),
            ),
        ],
        initial=CHANNEL_COUNTER,
        widget=forms.RadioSelect,
    )
    applicant_identity = _text(
        gettext_lazy("Số CCCD của người nộp"),
        12,
        validators=[validate_cccd],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=gettext_lazy("Nhập 12 số rồi bấm Enter để tìm công dân đã có tài khoản."),
    )
    applicant_name = _text(gettext_lazy("Họ và tên người nộp"), 200)
    applicant_phone = _text(
        gettext_lazy("Điện thoại"), 20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    applicant_email = forms.EmailField(label=gettext_lazy("Thư điện tử"), required=False)
    applicant_address = _text(gettext_lazy("Địa chỉ"), 500)
    on_behalf = forms.BooleanField(
        label=gettext_lazy("Nộp thay cho người khác (chủ hồ sơ khác người nộp)"), required=False
    )
    owner_kind = forms.ChoiceField(
        label=gettext_lazy("Chủ hồ sơ là"), choices=PartyKind.choices, initial=PartyKind.CITIZEN
    )
    owner_identity = _text(
        gettext_lazy("Số CCCD của chủ hồ sơ"),
        12,
        validators=[validate_cccd],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    owner_tax_code = _text(
        gettext_lazy("Mã số thuế (doanh nghiệp, tổ chức)"), 14, validators=[validate_tax_code]
    )
    owner_name = _text(gettext_lazy("Họ và tên / tên chủ hồ sơ"), 200)
    owner_phone = _text(
        gettext_lazy("Điện thoại của chủ hồ sơ"),
        20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    owner_address = _text(gettext_lazy("Địa chỉ của chủ hồ sơ"), 500)
    procedure_query = _text(
        gettext_lazy("Tìm thủ tục theo mã hoặc tên"),
        200,
        help_text=gettext_lazy("Gõ mã hoặc vài chữ của tên (không cần dấu) rồi bấm Enter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )
    procedure_code = forms.ChoiceField(label=gettext_lazy("Thủ tục"), required=False)
    variant_code = forms.ChoiceField(label=gettext_lazy("Trường hợp"), required=False)
    return_mode = forms.ChoiceField(
        label=gettext_lazy("Hình thức nhận kết quả"),
        choices=ReturnMode.choices,
        initial=ReturnMode.COUNTER,
        widget=forms.RadioSelect,
    )
    delivery_address = _text(
        gettext_lazy("Địa chỉ nhận kết quả qua bưu chính"),
        500,
        help_text=gettext_lazy("Chỉ khi nhận kết quả qua bưu chính."),
    )
    fee_mode = forms.ChoiceField(
        label=gettext_lazy("Thu phí, lệ phí"),
        choices=[
            (FEE_NOW, gettext_lazy("Thu ngay tại quầy")),
            (FEE_LATER, gettext_lazy("Thu sau (chuyển khoản, trực tuyến hoặc khi trả kết quả)")),
        ],
        initial=FEE_LATER,
        widget=forms.RadioSelect,
    )
    receipt_number = _text(
        gettext_lazy("Số biên lai đã cấp"), 50, help_text=gettext_lazy("Khi thu ngay tại quầy.")
    )
    immediate = forms.BooleanField(
        label=gettext_lazy("Trả kết quả ngay trong lần tiếp nhận này"), required=False
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do (cho Phiếu hướng dẫn bổ sung hoặc Phiếu từ chối)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    other_missing = forms.CharField(
        label=gettext_lazy("Nội dung khác cần bổ sung, hoàn thiện (mỗi dòng một nội dung)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        agencies: Sequence[Agency],
        versions: Sequence[ProcedureVersion],
        variants: Sequence[ProcedureVariant],
        specs: Sequence[ComponentSpec],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._choice("agency").choices = [(a.pk, a.name) for a in agencies]
        self._choice("procedure_code").choices = [
            ("", _("— Chọn thủ tục —")),
            *[
                (v.procedure.national_code, f"{v.procedure.national_code} – {v.name}")
                for v in versions
            ],
        ]
        self._choice("variant_code").choices = [(v.code, v.name or v.code) for v in variants]
        self.specs = list(specs)
        for spec in self.specs:
            self.fields[f"got_{spec.pk}"] = forms.BooleanField(label=_("Đã nhận"), required=False)

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field


def _flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    """A QueryDict as initial values: one value per key (what the fields hold)."""
    getter = getattr(data, "get", None)
    return {key: getter(key) if getter else data[key] for key in data}


# --- state of one screen ---------------------------------------------------------------------


@dataclass
class Screen:
    """Everything the reception page shows, bound to what was typed (nothing is lost)."""

    form: ReceptionForm
    agency: Agency
    agencies: list[Agency]
    versions: list[ProcedureVersion]
    version: ProcedureVersion | None
    variants: list[ProcedureVariant]
    variant: ProcedureVariant | None
    checklist: list[ChecklistRow]
    fees: list[FeeRule]
    eform: EformForm | None
    known_applicant: User | None
    known_owner: User | None
    errors: list[str] = field(default_factory=list)
    focus: str = ""  # the name of the field to focus when the page opens

    @property
    def payable(self) -> list[FeeRule]:
        return payable_now(self.fees)

    @property
    def payable_total(self) -> int:
        return sum(f.amount or 0 for f in self.payable)

    @property
    def immediate_possible(self) -> bool:
        return immediate_possible(self.variant)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.errors
            or self.form.errors
            or any(r.errors for r in self.checklist)
            or (self.eform is not None and self.eform.is_bound and self.eform.errors)
        )


def _value(data: Mapping[str, Any], key: str) -> str:
    raw = data.get(key)
    return str(raw).strip() if raw is not None else ""


def _kept_files(*, data: Any, user: User, spec_ids: Sequence[int]) -> dict[int, list[KeptFile]]:
    """The files uploaded at an earlier post of this screen, by component (one query).

    Only the officer's own, not yet attached uploads count; "Gỡ" (``drop``)
    leaves one out.
    """
    wanted: dict[str, int] = {}
    getlist = getattr(data, "getlist", None)
    dropped = set(getlist("drop")) if getlist else set()
    for spec_id in spec_ids:
        values = getlist(f"kept_{spec_id}") if getlist else []
        for value in values:
            try:
                key = str(uuid.UUID(str(value)))
            except ValueError:
                continue
            if key not in dropped:
                wanted[key] = spec_id
    kept: dict[int, list[KeptFile]] = {spec_id: [] for spec_id in spec_ids}
    if not wanted:
        return kept
    rows = TemporaryUpload.objects.filter(
        pk__in=list(wanted), uploaded_by=user, attached_at__isnull=True
    ).order_by("created_at")
    for row in rows:
        kept[wanted[str(row.pk)]].append(
            KeptFile(id=str(row.pk), name=row.original_name, size=row.size)
        )
    return kept


def screen_build(
    *,
    user: User,
    data: Mapping[str, Any] | None,
    files: Mapping[str, Any] | None = None,
    initial: Mapping[str, Any] | None = None,
    show_errors: bool,
) -> Screen:
    """The reception screen for ``user``: reads the agency, procedure, variant, checklist.

    ``data`` is what was posted (or the GET parameters); with ``show_errors``
    the form is bound and validated (a receive, guide or refuse), otherwise
    the values only fill the fields (an update: nothing is validated yet).
    New files in ``files`` are stored now (``upload_store``) and kept by id.
    Raises ``PermissionDenied`` when ``user`` is nowhere a reception officer.
    """
    agencies = reception_agencies(user=user)
    if not agencies:
        raise PermissionDenied(_("Chỉ cán bộ một cửa được tiếp nhận hồ sơ."))
    values: dict[str, Any] = {**(initial or {}), **_flatten(data or {})}
    by_id = {a.pk: a for a in agencies}
    try:
        agency = by_id.get(int(values.get("agency") or 0)) or agencies[0]
    except ValueError:
        agency = agencies[0]
    values["agency"] = agency.pk
    if not _value(values, "key"):
        values["key"] = str(uuid.uuid4())

    # The applicant and the owner: a known citizen fills the blanks.
    known_applicant = citizen_by_identity(_value(values, "applicant_identity"))
    if known_applicant is not None:
        for name, source in (
            ("applicant_name", known_applicant.full_name),
            ("applicant_phone", known_applicant.phone),
            ("applicant_email", known_applicant.email),
            ("applicant_address", _profile_address(known_applicant)),
        ):
            if not _value(values, name) and source:
                values[name] = source
    on_behalf = _ticked(values.get("on_behalf"))
    known_owner = known_applicant
    if on_behalf:
        known_owner = citizen_by_identity(_value(values, "owner_identity"))
        if known_owner is not None:
            for name, source in (
                ("owner_name", known_owner.full_name),
                ("owner_phone", known_owner.phone),
                ("owner_address", _profile_address(known_owner)),
            ):
                if not _value(values, name) and source:
                    values[name] = source

    # The procedure: the search narrows the list; one match is chosen at once.
    versions = offered_versions(agency=agency)
    matches = procedure_matches(versions, _value(values, "procedure_query"))
    chosen_code = _value(values, "procedure_code")
    version = next((v for v in versions if v.procedure.national_code == chosen_code), None)
    if _value(values, "procedure_query") and len(matches) == 1:
        version = matches[0]
    if version is not None and version not in matches:
        matches.insert(0, version)
    values["procedure_code"] = version.procedure.national_code if version else ""
    variants = variants_of(version) if version is not None else []
    variant = next((v for v in variants if v.code == _value(values, "variant_code")), None)
    if variant is None and variants:
        variant = variants[0]
    values["variant_code"] = variant.code if variant else ""
    specs = list(variant.components.order_by("order", "id")) if variant else []
    fees = list(variant.fees.order_by("kind", "id")) if variant else []

    form_kwargs: dict[str, Any] = {
        "agencies": agencies,
        "versions": matches[:PROCEDURE_LIMIT],
        "variants": variants,
        "specs": specs,
    }
    if show_errors:
        bound = dict(values)
        query = getattr(data, "copy", None)
        form = ReceptionForm(_merge(data, bound) if query else bound, **form_kwargs)
    else:
        form = ReceptionForm(initial=values, **form_kwargs)

    eform: EformForm | None = None
    if variant is not None and variant.eform:
        form_class = eform_form_class(variant.eform)
        prefill = eform_prefill(variant.eform, user=known_owner) if known_owner else {}
        if show_errors:
            eform = form_class(data=data, prefix=EFORM_PREFIX, initial=prefill)
        else:
            typed = {
                name: values[f"{EFORM_PREFIX}-{name}"]
                for name in variant.eform.get("properties", {})
                if values.get(f"{EFORM_PREFIX}-{name}") not in (None, "")
            }
            eform = form_class(prefix=EFORM_PREFIX, initial={**prefill, **typed})

    kept = _kept_files(data=data or {}, user=user, spec_ids=[s.pk for s in specs])
    checklist = [
        ChecklistRow(spec=spec, got=_ticked(values.get(f"got_{spec.pk}")), files=kept[spec.pk])
        for spec in specs
    ]
    screen = Screen(
        form=form,
        agency=agency,
        agencies=agencies,
        versions=matches,
        version=version,
        variants=variants,
        variant=variant,
        checklist=checklist,
        fees=fees,
        eform=eform,
        known_applicant=known_applicant,
        known_owner=known_owner,
    )
    _store_new_files(screen, files=files, user=user)
    screen.focus = _focus_after_update(screen, values)
    return screen


def _ticked(value: Any) -> bool:
    """A checkbox as posted ("on") or as a Python value."""
    return value in ("on", "true", "True", True, "1")


def _merge(data: Any, values: dict[str, Any]) -> Any:
    """The posted QueryDict with the values the screen decided (agency, procedure, prefill)."""
    merged = data.copy()
    for key in ("agency", "procedure_code", "variant_code", "key"):
        merged[key] = values[key]
    for key, value in values.items():
        if key.startswith(("applicant_", "owner_")) and not merged.get(key) and value:
            merged[key] = value
    return merged


def _profile_address(user: User) -> str:
    """The profile's address as the e-forms prefill it (street, then the unit's name)."""
    return PREFILL_SOURCES["profile.address"](user)


def _focus_after_update(screen: Screen, values: Mapping[str, Any]) -> str:
    """Where the keyboard goes next: the first thing still to do, in the page's order."""
    if not _value(values, "applicant_identity") and not _value(values, "applicant_name"):
        return "id_applicant_identity"
    if screen.version is None:
        return "id_procedure_query"
    for row in screen.checklist:
        return f"id_got_{row.spec.pk}"
    if screen.eform is not None:
        first = next(iter(screen.eform.fields), None)
        if first:
            return f"id_{EFORM_PREFIX}-{first}"
    return "id_return_mode_0"


def _store_new_files(screen: Screen, *, files: Mapping[str, Any] | None, user: User) -> None:
    """Keep every file sent with this post as a temporary upload; errors go next to its row."""
    if not files:
        return
    getlist = getattr(files, "getlist", None)
    for row in screen.checklist:
        sent: list[UploadedFile[bytes]] = getlist(f"file_{row.spec.pk}") if getlist else []
        for file in sent:
            try:
                upload = upload_store(file=file, user=user)
            except UploadRejected as error:
                row.errors.append(error.messages[0])
                continue
            row.files.append(
                KeptFile(id=str(upload.pk), name=upload.original_name, size=upload.size)
            )


# --- validation per action -------------------------------------------------------------------

PARTY_FIELDS = {
    "full_name": "name",
    "identity_number": "identity",
    "tax_code": "tax_code",
    "phone": "phone",
    "email": "email",
    "address": "address",
}


@dataclass
class Parties:
    owner: PartyData
    submitter: PartyData | None


def _parties(screen: Screen) -> Parties:
    data = screen.form.cleaned_data
    applicant = PartyData(
        full_name=data.get("applicant_name", ""),
        kind=PartyKind.CITIZEN,
        identity_number=data.get("applicant_identity", ""),
        phone=data.get("applicant_phone", ""),
        email=data.get("applicant_email", ""),
        address=data.get("applicant_address", ""),
        user=screen.known_applicant,
    )
    if not data.get("on_behalf"):
        return Parties(owner=applicant, submitter=None)
    owner = PartyData(
        full_name=data.get("owner_name", ""),
        kind=PartyKind(data.get("owner_kind") or PartyKind.CITIZEN),
        identity_number=data.get("owner_identity", ""),
        tax_code=data.get("owner_tax_code", ""),
        phone=data.get("owner_phone", ""),
        address=data.get("owner_address", ""),
        user=screen.known_owner,
    )
    return Parties(owner=owner, submitter=applicant)


def _require(screen: Screen, name: str, message: str) -> None:
    if name in screen.form.errors:
        return  # its own message already says what to fix
    if not screen.form.cleaned_data.get(name):
        screen.form.add_error(name, message)


def _check_common(screen: Screen) -> bool:
    """What every action needs: a valid form, an applicant, an owner, a procedure."""
    form = screen.form
    form.is_valid()  # field errors first; the checks below still run (all problems at once)
    _require(screen, "applicant_name", _("Nhập họ và tên người nộp hồ sơ."))
    if form.cleaned_data.get("on_behalf"):
        _require(screen, "owner_name", _("Nhập họ và tên (hoặc tên) của chủ hồ sơ."))
    if screen.version is None:
        form.add_error("procedure_code", _("Chọn thủ tục."))
    return not form.errors


def _missing_rows(screen: Screen) -> list[ChecklistRow]:
    data = screen.form.cleaned_data
    return [
        row
        for row in screen.checklist
        if row.must_bring and not data.get(f"got_{row.spec.pk}") and not row.files
    ]


def _place_engine_errors(screen: Screen, error: ValidationError, *, on_behalf: bool) -> None:
    """The engine's field names (``owner.full_name``, ``form_data.x``…) → this page's fields."""
    if not hasattr(error, "error_dict"):
        screen.errors.extend(error.messages)
        return
    for name, messages in error.message_dict.items():
        head, _dot, rest = name.partition(".")
        target = ""
        if head in ("owner", "submitter") and rest in PARTY_FIELDS:
            who = "owner" if head == "owner" and on_behalf else "applicant"
            candidate = f"{who}_{PARTY_FIELDS[rest]}"
            target = candidate if candidate in screen.form.fields else ""
        elif head == "form_data" and screen.eform is not None and rest in screen.eform.fields:
            for message in messages:
                screen.eform.add_error(rest, message)
            continue
        elif name in ("delivery_address", "variant_code", "procedure_code", "receipt_number"):
            target = name
        elif name in ("agency", "agency_code", "competent_agency", "channel"):
            target = ""
        if target:
            for message in messages:
                screen.form.add_error(target, message)
        else:
            screen.errors.extend(messages)


# --- writes ----------------------------------------------------------------------------------


def _client(by: User) -> str:
    return f"user:{by.pk}"  # dossier_receive's own default client for a staff actor


def reception_replayed(*, key: str, by: User) -> Dossier | None:
    """The dossier this screen (its key) already received, if the officer posts it again."""
    if not key:
        return None
    record = (
        IdempotencyRecord.objects.filter(key=key, client=_client(by))
        .select_related("dossier")
        .first()
    )
    return record.dossier if record is not None else None


def reception_receive(*, screen: Screen, by: User) -> Dossier | None:
    """Receive the dossier the screen describes; ``None`` with the errors on the screen.

    One transaction: the dossier (or the immediate hand-over), its files, the
    assisted-filing mark and the fee collected now. Any error rolls it all
    back and keeps the files as temporary uploads, still listed on the page.
    """
    _check_common(screen)
    data = screen.form.cleaned_data
    key = str(data["key"]) if data.get("key") else ""
    # Posted again (double Ctrl+Enter, Back and resubmit): dossier_receive answers with
    # the first dossier when nothing changed (or refuses a changed one), and the files
    # and the fee were handled the first time.
    replay = reception_replayed(key=key, by=by) is not None
    assisted = data.get("channel") == CHANNEL_ASSISTED
    missing = _missing_rows(screen)
    for row in missing:
        row.errors.append(_("Chưa nhận thành phần bắt buộc này."))
    if missing:
        screen.errors.append(
            _(
                "Còn thiếu %(n)d thành phần hồ sơ bắt buộc. Đánh dấu “Đã nhận” khi người nộp đã"
                " nộp, hoặc in Phiếu hướng dẫn bổ sung (Mẫu 02) liệt kê mọi thứ còn thiếu."
            )
            % {"n": len(missing)}
        )
    if screen.eform is not None and not screen.eform.is_valid():
        screen.errors.append(_("Tờ khai chưa hợp lệ; xem thông báo bên cạnh từng trường."))
    fee_now = data.get("fee_mode") == FEE_NOW and bool(screen.payable)
    if fee_now and not data.get("receipt_number"):
        screen.form.add_error(
            "receipt_number", _("Nhập số biên lai đã cấp cho người nộp khi thu tiền ngay.")
        )
    if data.get("return_mode") == ReturnMode.POSTAL and not data.get("delivery_address"):
        screen.form.add_error("delivery_address", _("Cần địa chỉ nhận kết quả qua bưu chính."))
    parties = _parties(screen)
    if assisted and parties.owner.user is None:
        field_name = "owner_identity" if data.get("on_behalf") else "applicant_identity"
        screen.form.add_error(
            field_name,
            _(
                "Nộp trực tuyến thay mặt công dân cần tài khoản của chủ hồ sơ trên Cổng:"
                " nhập số CCCD của công dân đã có tài khoản."
            ),
        )
    immediate = (
        bool(data.get("immediate")) and screen.immediate_possible and not assisted and not replay
    )
    if screen.has_errors:
        return None
    assert screen.version is not None
    form_data = screen.eform.cleaned_json() if screen.eform is not None else None
    # Mẫu 01 lists what the officer ticked (or scanned), with the catalogue's counts;
    # an assisted online filing hands over nothing on paper.
    received = (
        []
        if assisted
        else [
            ReceivedComponent(
                component_id=row.spec.pk,
                originals=row.spec.originals or 0,
                certified=row.spec.certified_copies or 0,
                copies=row.spec.copies or 0,
            )
            for row in screen.checklist
            if row.got or row.files
        ]
    )
    try:
        with transaction.atomic():
            if immediate:
                dossier = dossier_receive_immediate(
                    by=by,
                    agency=screen.agency,
                    procedure_code=screen.version.procedure.national_code,
                    variant_code=screen.variant.code if screen.variant else None,
                    owner=parties.owner,
                    submitter=parties.submitter,
                    form_data=form_data,
                    received_components=received,
                )
            else:
                dossier = dossier_receive(
                    by=by,
                    agency=screen.agency,
                    procedure_code=screen.version.procedure.national_code,
                    variant_code=screen.variant.code if screen.variant else None,
                    channel=Channel.ONLINE if assisted else Channel.COUNTER,
                    owner=parties.owner,
                    submitter=parties.submitter,
                    form_data=form_data,
                    return_mode=ReturnMode(data.get("return_mode") or ReturnMode.COUNTER),
                    delivery_address=data.get("delivery_address", ""),
                    idempotency_key=key,
                    client=_client(by),
                    received_components=received,
                    assisted_at=screen.agency if assisted else None,
                )
            if replay:
                return dossier
            for row in screen.checklist:
                for kept in row.files:
                    try:
                        upload_attach(
                            upload_id=uuid.UUID(kept.id),
                            dossier=dossier,
                            name=row.spec.name[:500],
                            component=row.spec,
                            user=by,
                            digitised=not assisted,
                        )
                    except UploadRejected as error:
                        row.errors.append(error.messages[0])
                        raise
            if fee_now:
                payment_record_counter(
                    dossier=dossier, by=by, receipt_number=data.get("receipt_number", "")
                )
    except IdempotencyConflict:
        # The same screen was received with other values (edited after Back): a new key.
        screen.errors.append(
            _("Màn hình này đã được tiếp nhận với nội dung khác; hãy kiểm tra lại rồi tiếp nhận.")
        )
        posted: Any = screen.form.data  # the view's QueryDict (a mutable copy, see _merge)
        fresh = posted.copy()
        fresh["key"] = str(uuid.uuid4())
        screen.form.data = fresh
        return None
    except UploadRejected:
        screen.errors.append(_("Một tệp không đính kèm được; xem thành phần hồ sơ được đánh dấu."))
        return None
    except PermissionDenied as error:
        screen.errors.append(str(error) or _("Bạn không có quyền tiếp nhận hồ sơ tại cơ quan này."))
        return None
    except ValidationError as error:
        _place_engine_errors(screen, error, on_behalf=bool(data.get("on_behalf")))
        if not screen.has_errors:
            screen.errors.extend(error.messages)
        return None
    return dossier


def reception_refuse(*, screen: Screen, by: User) -> Dossier | None:
    """T5c: refuse at the counter with the reason of Mẫu 03; ``None`` with the errors."""
    if not _check_common(screen):
        return None
    if not screen.form.cleaned_data.get("reason"):
        screen.form.add_error("reason", _("Nêu rõ lý do từ chối tiếp nhận (NĐ 61 Điều 17)."))
        return None
    assert screen.version is not None
    parties = _parties(screen)
    try:
        return dossier_refuse_at_counter(
            by=by,
            agency=screen.agency,
            procedure_code=screen.version.procedure.national_code,
            variant_code=screen.variant.code if screen.variant else None,
            owner=parties.owner,
            submitter=parties.submitter,
            reason=screen.form.cleaned_data["reason"],
        )
    except PermissionDenied as error:
        screen.errors.append(str(error) or _("Bạn không có quyền tiếp nhận hồ sơ tại cơ quan này."))
    except ValidationError as error:
        _place_engine_errors(
            screen, error, on_behalf=bool(screen.form.cleaned_data.get("on_behalf"))
        )
    return None


def _guidance_items(screen: Screen) -> list[dict[str, Any]]:
    """Everything missing at once (NĐ 61 Art 15(3)): unticked components, then typed lines."""
    rows: list[dict[str, Any]] = []
    data = screen.form.cleaned_data
    # The same rows as "missing" blocks receiving: the sheet lists what receipt would need.
    for row in _missing_rows(screen):
        spec = row.spec
        rows.append(
            {
                "name": spec.name,
                "quantity": (spec.originals + spec.certified_copies + spec.copies) or "",
                "kind": component_forms(spec),
                "note": spec.condition_text,
            }
        )
    for line in (data.get("other_missing") or "").splitlines():
        if line.strip():
            rows.append({"name": line.strip(), "quantity": "", "kind": "", "note": ""})
    for i, item in enumerate(rows, start=1):
        item["no"] = i
    return rows


def reception_guidance(*, screen: Screen, by: User, base_url: str = "") -> tuple[str, bytes] | None:
    """T5b: Mẫu 02 for an incomplete application, as (HTML, PDF); ``None`` with the errors.

    No dossier is created (domain.md §6, T5b): the sheet is printed from what
    is on the screen — every unticked required component plus the lines the
    officer typed, all at once (NĐ 61 Art 15(3) "once and complete").
    """
    if not _check_common(screen):
        return None
    items = _guidance_items(screen)
    if not items:
        screen.form.add_error(
            "other_missing",
            _(
                "Không có gì còn thiếu: bỏ dấu “Đã nhận” ở thành phần còn thiếu"
                " hoặc ghi nội dung cần bổ sung."
            ),
        )
        return None
    assert screen.version is not None
    parties = _parties(screen)
    now = timezone.now()
    ctx = {
        "form": OfficialForm.FORM_02,
        "title": OfficialForm.FORM_02.label,
        "code": "",
        **issuer_context(screen.agency),
        "place_date": place_date(screen.agency.unit.name, timezone.localdate(now)),
        "qr": "",
        "owner": parties.owner,
        "submitter": parties.submitter,
        "applicant": parties.submitter or parties.owner,
        "proxy": parties.submitter is not None,
        "summary": screen.version.name,
        "receiving": screen.agency,
        "items": items,
        "reason": screen.form.cleaned_data.get("reason")
        or _("Hồ sơ chưa đầy đủ theo quy định của thủ tục."),
        "respond_by": "",
        "officer": by.full_name or by.get_username(),
        "officer_phone": by.phone,
    }
    html = form_render("dossiers/forms/mau-02.html", ctx, for_pdf=False)
    pdf = html_to_pdf(
        form_render("dossiers/forms/mau-02.html", ctx, for_pdf=True), base_url=base_url
    )
    return html, pdf


# --- batch reception (gh-6 item 4) -----------------------------------------------------------


def _applicant_key(values: Mapping[str, Any]) -> str:
    return _value(values, "applicant_identity") or fold(_value(values, "applicant_name"))


def batch_add(*, session: SessionBase, screen: Screen, dossier: Dossier) -> list[str]:
    """Add ``dossier`` to the applicant's batch in the session (a new applicant starts one)."""
    data = screen.form.cleaned_data
    applicant = {
        name: data.get(name, "")
        for name in (
            "applicant_identity",
            "applicant_name",
            "applicant_phone",
            "applicant_email",
            "applicant_address",
        )
    }
    batch = session.get(BATCH_SESSION_KEY) or {}
    if batch.get("key") != _applicant_key(applicant) or batch.get("agency") != screen.agency.pk:
        batch = {"key": _applicant_key(applicant), "agency": screen.agency.pk, "codes": []}
    batch["applicant"] = applicant
    if dossier.code not in batch["codes"]:
        batch["codes"].append(dossier.code)
    session[BATCH_SESSION_KEY] = batch
    return list(batch["codes"])


def batch_get(session: SessionBase) -> dict[str, Any]:
    return dict(session.get(BATCH_SESSION_KEY) or {})


def batch_clear(session: SessionBase) -> None:
    session.pop(BATCH_SESSION_KEY, None)


def batch_dossiers(*, user: User, codes: Sequence[str]) -> list[Dossier]:
    """The batch's dossiers ``user`` may see, in the order they were received (one query)."""
    rows = {
        d.code: d
        for d in Dossier.objects.filter(dossier_access_q(user=user))
        .filter(code__in=list(codes))
        .select_related("procedure_version", "received_by__unit", "received_by__parent")
    }
    return [rows[c] for c in codes if c in rows]


def batch_receipt_context(*, user: User, session: SessionBase) -> dict[str, Any] | None:
    """The combined receipt: every code, procedure and appointment of the applicant's batch."""
    batch = batch_get(session)
    dossiers = batch_dossiers(user=user, codes=batch.get("codes") or [])
    if not dossiers:
        return None
    agency = dossiers[0].received_by
    now = timezone.now()
    return {
        "title": _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả (nhiều hồ sơ)"),
        "code": "",
        **issuer_context(agency),
        "place_date": place_date(agency.unit.name, timezone.localdate(now)),
        "applicant": batch.get("applicant") or {},
        "receiving": agency,
        "rows": [
            {
                "no": i,
                "dossier": d,
                "received": short_instant(d.received_at or d.submitted_at),
                "due": short_instant(d.due_at),
            }
            for i, d in enumerate(dossiers, start=1)
        ],
        "officer": user.full_name or user.get_username(),
        "copies": [_("Bản lưu tại Bộ phận Một cửa"), _("Bản giao người nộp hồ sơ")],
    }


def batch_receipt_pdf(ctx: dict[str, Any], *, base_url: str = "") -> bytes:
    return html_to_pdf(
        form_render("workspace/reception/batch_receipt.html", ctx, for_pdf=True), base_url=base_url
    )


def batch_receipt_html(ctx: dict[str, Any]) -> str:
    return form_render("workspace/reception/batch_receipt.html", ctx, for_pdf=False)


def initial_from_batch(session: SessionBase) -> dict[str, Any]:
    """The applicant of the current batch, to file another dossier for the same person."""
    return dict(batch_get(session).get("applicant") or {})


__all__ = [
    "Action",
    "ReceptionForm",
    "Screen",
    "batch_add",
    "batch_receipt_context",
    "reception_guidance",
    "reception_receive",
    "reception_refuse",
    "screen_build",
]
