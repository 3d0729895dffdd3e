"""The online-filing wizard's pages (gh-5 items 2–3).

Every step is a plain server-rendered form that works without JavaScript.
Views parse, call ``portal.filing`` and render; the draft is saved on every
POST, so "Quay lại" and "Tiếp tục" never lose anything. When the session has
expired, a POSTed step is kept in the new session and offered again after
sign-in on the same step (``citizen_required``); only files must be chosen
again, and the page says so.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.accounts.validators import national_phone
from motcua.datastore.selectors import store_list
from motcua.dossiers.constants import ReturnMode
from motcua.dossiers.uploads import UploadRejected
from motcua.payments.registry import ProviderUnavailable, payment_providers
from motcua.payments.selectors import payment_list_for_dossier

from . import filing
from .forms_filing import DeliveryForm, OwnerForm
from .models import FilingStep, OnlineDraft

PENDING_KEY = "motcua.pending_post"


def citizen_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign-in required; a POST that arrives after the session expired is kept, not lost.

    The posted fields (never files) are kept in the new anonymous session with
    the path they were sent to; after sign-in the citizen lands on the same
    step, where the view offers them again (``pending_post``). Staff accounts
    are refused: they file on a citizen's behalf from the workspace.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            if request.method == "POST":
                data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
                request.session[PENDING_KEY] = {"path": request.path, "data": data}
                messages.info(
                    request,
                    _(
                        "Phiên đăng nhập đã hết hạn. Nội dung bạn vừa nhập đã được giữ lại;"
                        " hãy đăng nhập để tiếp tục đúng bước đang làm."
                    ),
                )
            return redirect_to_login(request.path)
        if not isinstance(user, User) or user.kind == UserKind.STAFF:
            raise PermissionDenied(_("Tài khoản cán bộ không nộp hồ sơ trực tuyến tại đây."))
        return view(request, *args, **kwargs)

    return wrapper


def pending_post(request: HttpRequest) -> QueryDict | None:
    """The fields kept from a POST to this path made while signed out (once)."""
    pending = request.session.get(PENDING_KEY)
    if not pending or pending.get("path") != request.path:
        return None
    del request.session[PENDING_KEY]
    data = QueryDict(mutable=True)
    for key, values in pending.get("data", {}).items():
        data.setlist(key, values)
    return data


def _draft(request: HttpRequest, draft_id: Any) -> OnlineDraft:
    assert isinstance(request.user, User)
    draft = filing.draft_get(user=request.user, draft_id=draft_id)
    if draft is None:
        raise Http404(_("Không tìm thấy bản khai hồ sơ này trong tài khoản của bạn."))
    return draft


def _step_url(draft: OnlineDraft, step: FilingStep) -> str:
    return reverse("portal:filing-step", args=[draft.pk, step.value])


def _next_step(draft: OnlineDraft, step: FilingStep) -> FilingStep:
    steps = filing.draft_steps(draft)
    index = steps.index(step)
    return steps[min(index + 1, len(steps) - 1)]


def _context(draft: OnlineDraft, step: FilingStep, **extra: Any) -> dict[str, Any]:
    steps = filing.draft_steps(draft)
    reached = filing.STEP_ORDER.index(FilingStep(draft.reached))
    index = steps.index(step)
    return {
        "draft": draft,
        "version": draft.procedure_version,
        "step": step,
        "steps": [
            {
                "step": s,
                "number": n,
                "url": _step_url(draft, s),
                "open": filing.STEP_ORDER.index(s) <= reached,
                "current": s == step,
            }
            for n, s in enumerate(steps, start=1)
        ],
        "step_number": index + 1,
        "step_count": len(steps),
        "previous_url": _step_url(draft, steps[index - 1]) if index > 0 else None,
        **extra,
    }


@require_POST
@citizen_required
def filing_start(request: HttpRequest, code: str) -> HttpResponse:
    assert isinstance(request.user, User)
    try:
        draft = filing.draft_start(user=request.user, procedure_code=code)
    except filing.FilingClosed as error:
        raise Http404(_("Thủ tục này hiện không nhận hồ sơ trực tuyến.")) from error
    return redirect(_step_url(draft, filing.draft_steps(draft)[0]))


@require_http_methods(["GET", "POST"])
@citizen_required
def filing_step(request: HttpRequest, draft_id: Any, step: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    if draft.dossier_id is not None:
        return redirect("portal:filing-done", draft_id=draft.pk)
    try:
        current = FilingStep(step)
    except ValueError as error:
        raise Http404(_("Không có bước này.")) from error
    steps = filing.draft_steps(draft)
    if current not in steps:
        return redirect(_step_url(draft, steps[0]))
    if filing.STEP_ORDER.index(current) > filing.STEP_ORDER.index(FilingStep(draft.reached)):
        messages.info(request, _("Hãy hoàn thành bước này trước."))
        return redirect(_step_url(draft, FilingStep(draft.reached)))
    kept = pending_post(request) if request.method == "GET" else None
    if kept is not None:
        messages.info(
            request,
            _(
                "Đây là nội dung bạn nhập trước khi phiên đăng nhập hết hạn;"
                " hãy kiểm tra và bấm “Lưu và tiếp tục”."
            ),
        )
    data = request.POST if request.method == "POST" else kept
    handler = STEP_HANDLERS[current]
    return handler(request, draft, data)


def _variant_step(request: HttpRequest, draft: OnlineDraft, data: QueryDict | None) -> HttpResponse:
    error = ""
    if request.method == "POST" and data is not None:
        try:
            dropped = filing.draft_set_variant(draft=draft, variant_id=_int(data.get("variant")))
        except ValidationError as problem:
            error = problem.message_dict["variant"][0]
        else:
            if dropped:
                messages.warning(
                    request,
                    _("Đã bỏ các tệp không thuộc trường hợp mới: %(names)s.")
                    % {"names": ", ".join(dropped)},
                )
            return redirect(_step_url(draft, _next_step(draft, FilingStep.VARIANT)))
    variants = filing.version_variants(draft.procedure_version)
    chosen = _int(data.get("variant")) if data is not None else draft.variant_id
    context = _context(draft, FilingStep.VARIANT, variants=variants, chosen=chosen, error=error)
    return render(request, "portal/filing/variant.html", context, status=400 if error else 200)


def _agency_step(request: HttpRequest, draft: OnlineDraft, data: QueryDict | None) -> HttpResponse:
    error = ""
    if request.method == "POST" and data is not None:
        try:
            filing.draft_set_agency(draft=draft, agency_id=_int(data.get("agency")))
        except ValidationError as problem:
            error = problem.message_dict["agency"][0]
        else:
            return redirect(_step_url(draft, _next_step(draft, FilingStep.AGENCY)))
    assert isinstance(request.user, User)
    choices = filing.agencies_for(version=draft.procedure_version, user=request.user)
    chosen = _int(data.get("agency")) if data is not None else draft.agency_id
    context = _context(
        draft, FilingStep.AGENCY, choices=choices, chosen=chosen or None, error=error
    )
    return render(request, "portal/filing/agency.html", context, status=400 if error else 200)


def _declaration_step(
    request: HttpRequest, draft: OnlineDraft, data: QueryDict | None
) -> HttpResponse:
    definition: dict[str, Any] = (draft.variant.eform or {}) if draft.variant is not None else {}
    on_behalf = bool(data.get("on_behalf")) if data is not None else draft.on_behalf
    if data is not None:
        eform = filing.declaration_form(draft, data=data)
        owner_form = OwnerForm(data)
    else:
        eform = filing.declaration_form(draft)
        owner_form = OwnerForm(initial=draft.owner or None)
    if request.method == "POST" and data is not None:
        eform_ok = eform is None or eform.is_valid()
        owner_ok = not on_behalf or owner_form.is_valid()
        typed = {name: data.get(name, "") for name in definition.get("properties", {})}
        typed = {k: v for k, v in typed.items() if v != ""}
        owner = {k: data.get(f"owner-{k}", "") for k in filing.OWNER_FIELDS}
        filing.draft_save_declaration(
            draft=draft,
            form_data=typed,
            on_behalf=on_behalf,
            owner=owner,
            valid=eform_ok and owner_ok,
        )
        if eform_ok and owner_ok:
            return redirect(_step_url(draft, _next_step(draft, FilingStep.DECLARATION)))
    elif draft.form_data and eform is not None:
        eform.is_valid()  # a resumed draft shows what is still wrong
    has_errors = bool(eform is not None and eform.is_bound and eform.errors) or bool(
        on_behalf and owner_form.is_bound and owner_form.errors
    )
    assert isinstance(request.user, User)
    context = _context(
        draft,
        FilingStep.DECLARATION,
        eform=eform,
        owner_form=owner_form,
        on_behalf=on_behalf,
        me=request.user,
        me_phone=national_phone(request.user.phone) if request.user.phone else "",
        errors=_error_summary(eform, owner_form if on_behalf else None),
    )
    status = 400 if request.method == "POST" and has_errors else 200
    return render(request, "portal/filing/declaration.html", context, status=status)


def _error_summary(*forms: Any) -> list[dict[str, str]]:
    """Every field error with a link to its field, for the summary at the top of the page."""
    items: list[dict[str, str]] = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for name, errors in form.errors.items():
            if name == "__all__":
                items.extend({"id": "", "message": str(e)} for e in errors)
                continue
            bound = form[name]
            items.extend(
                {"id": bound.id_for_label, "label": str(bound.label), "message": str(e)}
                for e in errors
            )
    return items


def _documents_step(
    request: HttpRequest, draft: OnlineDraft, data: QueryDict | None
) -> HttpResponse:
    missing: list[str] = []
    if request.method == "POST":
        missing = filing.draft_documents_done(draft=draft)
        if not missing:
            return redirect(_step_url(draft, _next_step(draft, FilingStep.DOCUMENTS)))
    upload_errors = request.session.pop(f"motcua.upload_errors.{draft.pk}", {})
    components = filing.draft_components(draft)
    for state in components:
        state.error = upload_errors.get(str(state.spec.pk), "")
    assert isinstance(request.user, User)
    today = timezone.localdate()
    stored = [item for item in store_list(user=request.user) if not item.expired_on(today)]
    context = _context(
        draft,
        FilingStep.DOCUMENTS,
        components=components,
        missing=missing,
        max_mb=_max_mb(),
        stored=stored,
    )
    return render(request, "portal/filing/documents.html", context, status=400 if missing else 200)


def _max_mb() -> str:
    return f"{settings.MOTCUA_UPLOAD_MAX_BYTES / (1024 * 1024):g}"


def _delivery_step(
    request: HttpRequest, draft: OnlineDraft, data: QueryDict | None
) -> HttpResponse:
    fees = filing.draft_fees(draft)
    upfront = filing.upfront_total(fees)
    postal = draft.procedure_version.postal_allowed
    if data is not None:
        form = DeliveryForm(
            data, postal=postal, fees=bool(upfront), payment_options=filing.payment_options()
        )
    else:
        form = DeliveryForm(
            initial={
                "return_mode": draft.return_mode or ReturnMode.ELECTRONIC,
                "delivery_address": draft.delivery_address,
                "payment_choice": draft.payment_choice,
            },
            postal=postal,
            fees=bool(upfront),
            payment_options=filing.payment_options(),
        )
    if request.method == "POST" and data is not None:
        form.is_valid()
        try:
            filing.draft_set_delivery(
                draft=draft,
                return_mode=data.get("return_mode", ""),
                delivery_address=data.get("delivery_address", ""),
                payment_choice=data.get("payment_choice", ""),
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            return redirect(_step_url(draft, FilingStep.REVIEW))
    context = _context(
        draft,
        FilingStep.DELIVERY,
        form=form,
        fees=fees,
        upfront=upfront,
        expected_due=filing.draft_expected_due(draft),
        errors=_error_summary(form) if form.is_bound else [],
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/filing/delivery.html", context, status=status)


def _review_step(request: HttpRequest, draft: OnlineDraft, data: QueryDict | None) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, draft.pk)
    return _render_review(request, draft)


def _render_review(
    request: HttpRequest,
    draft: OnlineDraft,
    *,
    problems: list[filing.Problem] | None = None,
    engine_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    eform = filing.declaration_form(draft) if draft.variant else None
    fees = filing.draft_fees(draft)
    unpaid = filing.draft_unpaid(draft)
    answers = []
    if eform is not None:
        eform.is_valid()
        for bound in eform:
            value = draft.form_data.get(bound.name, eform.initial.get(bound.name, ""))
            shown = value
            choices = getattr(bound.field, "choices", None)
            if choices:
                shown = dict(choices).get(value, value)
            if bound.widget_type == "checkbox":
                shown = _("Có") if value else _("Không")
            answers.append({"label": bound.label, "value": shown})
    context = _context(
        draft,
        FilingStep.REVIEW,
        answers=answers,
        components=filing.draft_components(draft),
        fees=fees,
        upfront=filing.upfront_total(fees),
        expected_due=filing.draft_expected_due(draft),
        problems=problems if problems is not None else filing.draft_problems(draft),
        pay_online=filing.draft_pays_online(draft) and bool(unpaid),
        unpaid=unpaid,
        engine_errors=engine_errors or [],
        owner=draft.owner if draft.on_behalf else None,
    )
    return render(request, "portal/filing/review.html", context, status=status)


StepHandler = Callable[[HttpRequest, OnlineDraft, QueryDict | None], HttpResponse]
STEP_HANDLERS: dict[FilingStep, StepHandler] = {
    FilingStep.VARIANT: _variant_step,
    FilingStep.AGENCY: _agency_step,
    FilingStep.DECLARATION: _declaration_step,
    FilingStep.DOCUMENTS: _documents_step,
    FilingStep.DELIVERY: _delivery_step,
    FilingStep.REVIEW: _review_step,
}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
@citizen_required
def filing_upload(request: HttpRequest, draft_id: Any, component_id: int) -> HttpResponse:
    """One component's file: accepted, or refused with a message next to that component."""
    draft = _draft(request, draft_id)
    if draft.dossier_id is not None:
        return redirect("portal:filing-done", draft_id=draft.pk)
    upload = request.FILES.get("file")
    errors: dict[str, str] = {}
    if upload is None:
        errors[str(component_id)] = _("Hãy chọn tệp cần tải lên.")
    else:
        try:
            attachment = filing.draft_attach(draft=draft, component_id=component_id, file=upload)
        except UploadRejected as error:
            errors[str(component_id)] = error.messages[0]
        except ValidationError as error:
            errors[str(component_id)] = error.messages[0]
        else:
            messages.success(
                request,
                _("Đã tải lên “%(name)s” (%(size)s).")
                % {"name": attachment.upload.original_name, "size": _size(attachment.upload.size)},
            )
    if errors:
        request.session[f"motcua.upload_errors.{draft.pk}"] = errors
    return redirect(f"{_step_url(draft, FilingStep.DOCUMENTS)}#component-{component_id}")


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return _("%(n)s KB") % {"n": max(1, round(size / 1024))}
    return _("%(n)s MB") % {"n": f"{size / (1024 * 1024):.1f}".replace(".", ",")}


@require_POST
@citizen_required
def filing_pick(request: HttpRequest, draft_id: Any, component_id: int) -> HttpResponse:
    """Reuse a document from the data store for one component, instead of uploading it."""
    draft = _draft(request, draft_id)
    if draft.dossier_id is not None:
        return redirect("portal:filing-done", draft_id=draft.pk)
    try:
        attachment = filing.draft_attach_stored(
            draft=draft, component_id=component_id, item_id=request.POST.get("item", "")
        )
    except (UploadRejected, ValidationError) as error:
        request.session[f"motcua.upload_errors.{draft.pk}"] = {str(component_id): error.messages[0]}
    else:
        messages.success(
            request,
            _("Đã lấy “%(name)s” từ kho dữ liệu.") % {"name": attachment.upload.original_name},
        )
    return redirect(f"{_step_url(draft, FilingStep.DOCUMENTS)}#component-{component_id}")


@require_POST
@citizen_required
def filing_detach(request: HttpRequest, draft_id: Any, attachment_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    if draft.dossier_id is not None:
        return redirect("portal:filing-done", draft_id=draft.pk)
    try:
        name = filing.draft_detach(draft=draft, attachment_id=attachment_id)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã gỡ tệp “%(name)s”.") % {"name": name})
    return redirect(_step_url(draft, FilingStep.DOCUMENTS))


@require_POST
@citizen_required
def filing_submit(request: HttpRequest, draft_id: Any) -> HttpResponse:
    return _submit(request, draft_id)


@require_POST
@citizen_required
def filing_pay(request: HttpRequest, draft_id: Any) -> HttpResponse:
    """Pay the draft's upfront fees online; the gateway comes back to the review step."""
    draft = _draft(request, draft_id)
    review = _step_url(draft, FilingStep.REVIEW)
    try:
        url = filing.draft_pay_start(
            draft=draft,
            return_url=request.build_absolute_uri(
                reverse("payments:return", args=[draft.payment_choice])
            ),
            next_url=review,
            client_ip=request.META.get("REMOTE_ADDR", ""),
        )
    except (ValidationError, ProviderUnavailable) as error:
        messages.error(
            request,
            " ".join(error.messages)
            if isinstance(error, ValidationError)
            else _("Hình thức thanh toán này hiện không dùng được; hãy chọn cách khác."),
        )
        return redirect(review)
    return redirect(url or review)


def _submit(request: HttpRequest, draft_id: Any) -> HttpResponse:
    assert isinstance(request.user, User)
    try:
        filing.draft_submit(
            draft_id=draft_id,
            user=request.user,
            return_url=request.build_absolute_uri(reverse("portal:my-dossiers")),
        )
    except PermissionDenied as error:
        raise Http404(_("Không tìm thấy bản khai hồ sơ này trong tài khoản của bạn.")) from error
    except filing.NotReady as error:
        draft = _draft(request, draft_id)
        return _render_review(request, draft, problems=error.problems, status=400)
    except ValidationError as error:
        draft = _draft(request, draft_id)
        found = [str(m) for m in error.messages]
        return _render_review(request, draft, engine_errors=found, status=400)
    return redirect("portal:filing-done", draft_id=draft_id)


@citizen_required
def filing_done(request: HttpRequest, draft_id: Any) -> HttpResponse:
    draft = _draft(request, draft_id)
    if draft.dossier is None:
        return redirect(_step_url(draft, FilingStep(draft.reached)))
    dossier = draft.dossier
    lookup = (
        reverse("portal:lookup")
        + "?"
        + urlencode({"code": dossier.code, "key": dossier.lookup_key})
    )
    context = {
        "payments": [
            {"payment": p, "label": _provider_label(p.provider)}
            for p in payment_list_for_dossier(dossier=dossier)
        ],
        "draft": draft,
        "dossier": dossier,
        "version": draft.procedure_version,
        "expected_due": filing.draft_expected_due(draft),
        "lookup_url": lookup,
        "email": request.user.email if isinstance(request.user, User) else "",
    }
    return render(request, "portal/filing/done.html", context)


def _provider_label(key: str) -> str:
    if key not in payment_providers:
        return key
    return str(payment_providers[key].label)


@require_POST
@citizen_required
def filing_delete(request: HttpRequest, draft_id: Any) -> HttpResponse:
    draft = _draft(request, draft_id)
    try:
        filing.draft_delete(draft=draft)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã xóa bản khai hồ sơ."))
    return redirect("portal:my-dossiers")
