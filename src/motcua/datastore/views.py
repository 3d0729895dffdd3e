"""Pages of the personal data store under /kho-du-lieu/ (gh-5 item 9; NĐ 45/2020).

Citizens (and businesses) only, signed in; every page reads through the
selectors, which only ever return the user's own documents.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts.models import User
from motcua.dossiers.uploads import UploadRejected
from motcua.portal.filing_views import citizen_required

from . import selectors, services
from .archive import safe_name, zip_stream
from .constants import Source
from .forms import StoreUploadForm


def _private(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@citizen_required
@require_GET
def store_index(request: HttpRequest) -> HttpResponseBase:
    assert isinstance(request.user, User)
    items = list(selectors.store_list(user=request.user))
    context = {
        "items": items,
        "uploaded": [i for i in items if i.source == Source.UPLOADED],
        "issued": [i for i in items if i.source == Source.ISSUED],
    }
    return _private(render(request, "datastore/index.html", context))


@citizen_required
@require_http_methods(["GET", "POST"])
def store_upload_page(request: HttpRequest) -> HttpResponseBase:
    """GET: the form. POST: validate and store; on error every typed field stays filled.

    Browsers cannot refill a file input, so after an error the page says to
    choose the file again (status 400).
    """
    assert isinstance(request.user, User)
    form = StoreUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.store_upload(
                    user=request.user,
                    file=data["file"],
                    kind=data["kind"],
                    name=data["name"],
                    issuer=data["issuer"],
                    number=data["number"],
                    issued_on=data["issued_on"],
                    valid_until=data["valid_until"],
                )
            except UploadRejected as error:
                form.add_error("file", error.messages[0])
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(
                    request, _("Đã lưu “%(name)s” vào kho dữ liệu.") % {"name": item.name}
                )
                return redirect("datastore:index")
        status = 400
    return _private(render(request, "datastore/upload.html", {"form": form}, status=status))


@citizen_required
@require_http_methods(["GET", "POST"])
def store_delete_page(request: HttpRequest, item_id: uuid.UUID) -> HttpResponseBase:
    """GET: confirm. POST: delete an uploaded document; an issued result is refused clearly."""
    assert isinstance(request.user, User)
    item = selectors.store_get(user=request.user, item_id=item_id)
    if item is None:
        raise Http404(str(item_id))
    refusal = ""
    if item.source == Source.ISSUED and request.method == "GET":
        refusal = _(
            "“%(name)s” là kết quả do cơ quan nhà nước cấp nên không xóa được khỏi kho dữ liệu."
        ) % {"name": item.name}
    if request.method == "POST":
        try:
            services.store_delete(user=request.user, item_id=item.pk)
        except services.StoreRefused as error:
            refusal = error.messages[0]
        else:
            messages.success(
                request, _("Đã xóa “%(name)s” khỏi kho dữ liệu.") % {"name": item.name}
            )
            return redirect("datastore:index")
    return _private(
        render(
            request,
            "datastore/delete.html",
            {"item": item, "refusal": refusal},
            status=403 if refusal else 200,
        )
    )


@citizen_required
@require_GET
def store_download(request: HttpRequest, item_id: uuid.UUID) -> HttpResponseBase:
    assert isinstance(request.user, User)
    item = selectors.store_get(user=request.user, item_id=item_id)
    if item is None:
        raise Http404(str(item_id))
    extension = "." + item.original_name.rsplit(".", 1)[-1] if "." in item.original_name else ""
    return _private(
        FileResponse(
            item.file.open("rb"),
            as_attachment=request.GET.get("xem") is None,
            filename=safe_name(item.name, extension),
            content_type=item.media_type,
        )
    )


@citizen_required
@require_GET
def store_download_all(request: HttpRequest) -> HttpResponseBase:
    """Everything the citizen holds, as one ZIP streamed while it is built."""
    assert isinstance(request.user, User)
    items = list(selectors.store_list(user=request.user).order_by("source", "created_at", "id"))
    if not items:
        messages.info(request, _("Kho dữ liệu của bạn chưa có giấy tờ nào để tải về."))
        return redirect("datastore:index")
    response = StreamingHttpResponse(zip_stream(items), content_type="application/zip")
    day = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="kho-du-lieu-{day}.zip"'
    return _private(response)
