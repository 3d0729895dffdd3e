"""The citizen's rating page: /ho-so-cua-toi/<code>/danh-gia/ (gh-5 item 11)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts.models import User
from motcua.portal.filing_views import citizen_required

from . import selectors, services
from .constants import CRITERIA
from .forms import RatingForm


@citizen_required
@require_http_methods(["GET", "POST"])
def rating_page(request: HttpRequest, code: str) -> HttpResponseBase:
    """GET: the form (or the rating, read-only, with why). POST: save, then back to the dossier.

    An invalid POST shows every answer again with the error next to its
    field (status 400); a POST when rating is no longer allowed shows why
    (status 403) and keeps nothing stored changed.
    """
    assert isinstance(request.user, User)
    user = request.user
    dossier = selectors.rating_dossier_get(user=user, code=code)
    if dossier is None:
        raise Http404(code)
    rating = selectors.rating_of(dossier=dossier)
    state = selectors.rating_state(user=user, dossier=dossier, rating=rating)
    status = 200
    form: RatingForm | None = None
    refusal = ""
    if request.method == "POST" and not state.open:
        refusal, status = state.closed_message, 403
    elif request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            answers: dict[str, Any] = {
                "user": user,
                "code": dossier.code,
                "level": form.cleaned_data["level"],
                "reason": form.cleaned_data["reason"],
                "criteria": {c.field: form.cleaned_data[c.field] for c in CRITERIA},
                "extra_cost": form.cleaned_data["extra_cost"],
            }
            try:
                if rating is None:
                    services.rating_submit(**answers)
                else:
                    services.rating_change(**answers)
            except services.RatingRefused as error:
                refusal, status = error.messages[0], 409
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(
                    request,
                    _("Cảm ơn bạn đã đánh giá. Ý kiến của bạn được gửi đến cơ quan giải quyết.")
                    if rating is None
                    else _("Đã lưu thay đổi đánh giá của bạn."),
                )
                return redirect("portal:my-dossier", dossier.code)
        if form.errors:
            status = 400
    elif state.open:
        form = RatingForm(initial=RatingForm.initial_from(rating) if rating else None)
    context = {
        "dossier": dossier,
        "state": state,
        "rating": rating,
        "form": form if state.open else None,
        "refusal": refusal,
        "criteria": CRITERIA,
    }
    response: HttpResponse = render(request, "ratings/rate.html", context, status=status)
    return response
