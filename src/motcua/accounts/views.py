"""The citizen's profile page on the portal (gh-5 item 1)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from allauth.account.models import EmailAddress

from .forms import ProfileForm
from .models import User
from .services import PROFILE_FIELDS, user_update_profile
from .validators import national_phone


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in PROFILE_FIELDS}
        try:
            user_update_profile(user=user, by=user, data=data)
        except ValidationError as error:
            # Everything typed stays in the form, with the error beside its field.
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã lưu hồ sơ của bạn."))
            return HttpResponseRedirect(reverse("accounts:profile"))
    if request.method == "POST":
        user.refresh_from_db()  # a refused save must not show half-applied values
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "profile_user": user,
            "emails": emails,
            "phone": national_phone(user.phone) if user.phone else "",
        },
        status=400 if form.errors else 200,
    )
