"""The citizen's notification list (gh-5 item 10); the portal's account pages will link here."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts.models import User
from motcua.dossiers.forms_official import lookup_url

from .models import Notification
from .selectors import notification_list, notification_unread_count
from .services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 20


@dataclass(frozen=True)
class Item:
    notification: Notification
    lookup_path: str


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@require_GET
@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(notification_list(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    items = [Item(n, lookup_url(dossier=n.dossier)) for n in page.object_list]
    context = {"page_obj": page, "items": items, "unread": notification_unread_count(user=user)}
    return render(request, "notifications/list.html", context)


@require_POST
@login_required
def notification_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notification_mark_read(user=_user(request), notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404(_("Không có thông báo này.")) from None
    return HttpResponseRedirect(reverse("notifications:list") + f"#thong-bao-{pk}")


@require_POST
@login_required
def notification_read_all_view(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=_user(request))
    messages.success(request, _("Đã đánh dấu %(count)d thông báo là đã đọc.") % {"count": count})
    return HttpResponseRedirect(reverse("notifications:list"))
