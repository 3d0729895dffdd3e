"""Staff sign-in requires a second factor (TOTP) — gh-2 item 11."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import user_must_enrol_second_factor

# Pages a staff member without TOTP may still reach: allauth's MFA pages (the
# enrolment, its re-authentication step, recovery codes), sign-out and the
# language switch. Anything else would loop back to the enrolment.
_ALLOWED_URL_NAMES = {"account_logout", "account_reauthenticate", "set_language"}
_ALLOWED_URL_PREFIX = "mfa_"


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.url_name if match is not None else None
        if name is not None and (
            name in _ALLOWED_URL_NAMES or name.startswith(_ALLOWED_URL_PREFIX)
        ):
            return None
        if not user_must_enrol_second_factor(user=user):
            return None
        # Say it once: the warning would pile up on every redirected request.
        if not request.session.get("mfa_enrol_warned"):
            request.session["mfa_enrol_warned"] = True
            messages.warning(
                request,
                _(
                    "Tài khoản cán bộ phải bật xác thực hai lớp. Hãy quét mã QR bằng ứng dụng"
                    " xác thực (TOTP) và nhập mã để tiếp tục."
                ),
            )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
