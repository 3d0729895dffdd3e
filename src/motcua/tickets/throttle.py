"""Abuse limits on taking tickets (gh-7 item 1): one phone cannot take 50 numbers.

Three simple limits, each with a clear message:

- per browser session: ``SESSION_LIMIT`` tickets per ``WINDOW`` (a phone);
- per client address: ``MOTCUA_QUEUE_TAKE_PER_ADDRESS`` per ``WINDOW``
  (phones behind one address; kiosk addresses listed in
  ``MOTCUA_QUEUE_KIOSK_ADDRESSES`` are exempt: a kiosk serves everyone);
- per phone number: ``PHONE_LIMIT`` tickets still waiting at the center.

Counts live in the cache (Redis in production, local memory in the embedded
mode), so they survive nothing important and cost no database writes.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.accounts.validators import normalise_phone
from motcua.core.http import client_address

from .constants import QUEUED
from .models import Ticket
from .selectors import local_day

WINDOW = 30 * 60  # seconds
SESSION_LIMIT = 3
PHONE_LIMIT = 2
SESSION_KEY = "tickets_taken"


def _address_key(request: HttpRequest, center_id: int) -> str:
    return f"tickets:take:{center_id}:{client_address(request)}"


def _is_kiosk(request: HttpRequest) -> bool:
    return client_address(request) in set(settings.MOTCUA_QUEUE_KIOSK_ADDRESSES)


def _recent(request: HttpRequest) -> list[float]:
    now = time.time()
    return [t for t in request.session.get(SESSION_KEY, []) if now - t < WINDOW]


def check(request: HttpRequest, *, center_id: int, phone_mode: bool, phone: str) -> str:
    """Why this request may not take a ticket now ("" when it may)."""
    minutes = WINDOW // 60
    if phone_mode and len(_recent(request)) >= SESSION_LIMIT:
        return _(
            "Bạn đã lấy %(n)d số trong %(m)d phút qua. Mỗi điện thoại chỉ lấy được %(n)d số;"
            " hãy chờ đến lượt hoặc hỏi cán bộ hướng dẫn."
        ) % {"n": SESSION_LIMIT, "m": minutes}
    limit = settings.MOTCUA_QUEUE_TAKE_PER_ADDRESS
    if not _is_kiosk(request) and int(cache.get(_address_key(request, center_id), 0)) >= limit:
        return _(
            "Đã có quá nhiều số được lấy từ mạng của bạn trong %(m)d phút qua. Hãy lấy số tại"
            " ki-ốt của trung tâm hoặc hỏi cán bộ hướng dẫn."
        ) % {"m": minutes}
    if phone.strip():
        try:
            normalised = normalise_phone(phone)
        except ValidationError:  # the service reports the bad number next to its field
            return ""
        held = Ticket.objects.filter(
            center_id=center_id, day=local_day(), phone=normalised, status__in=QUEUED
        ).count()
        if held >= PHONE_LIMIT:
            return _("Số điện thoại này đã có %(n)d số đang chờ. Hãy chờ đến lượt các số đó.") % {
                "n": held
            }
    return ""


def record(request: HttpRequest, *, center_id: int) -> None:
    """Count a ticket just taken against the session and the address."""
    request.session[SESSION_KEY] = [*_recent(request), time.time()]
    key = _address_key(request, center_id)
    if cache.add(key, 1, timeout=WINDOW) is False:
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.add(key, 1, timeout=WINDOW)
