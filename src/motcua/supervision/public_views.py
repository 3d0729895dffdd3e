"""The public transparency page (gh-8 item 7; NĐ 61 Art 32; TT 01/2018 Art 15).

No sign-in. Per agency and month: dossiers received and finished, the
on-time rate, the online share, satisfaction, and the six QĐ 766 groups.
Counts only: no name, no identity number, no dossier code.

Cacheable: ``Cache-Control: public, max-age`` for browsers and proxies, and
Django's per-view cache. The page is rendered as for an anonymous visitor
whoever asks (the header shows no account), so one cached copy fits everyone.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control, cache_page
from django.views.decorators.http import require_GET

from motcua.dossiers.models import Dossier
from motcua.organisations.models import Agency
from motcua.organisations.selectors import agency_list

from .indices import index_766_by_agency
from .periods import Period
from .scope import scope_of
from .summary import total_of, unit_figures

CACHE_SECONDS = 15 * 60


def _month(request: HttpRequest) -> Period:
    today = timezone.localdate()
    # Default: the last full month (the current one is still moving).
    last = today.replace(day=1) - dt.timedelta(days=1)
    try:
        year = int(request.GET.get("nam", last.year))
        month = int(request.GET.get("thang", last.month))
        if not (2000 <= year <= today.year + 1):
            raise ValueError
        return Period.month(year, month)
    except ValueError:
        return Period.month(last.year, last.month)


def public_agencies(period: Period) -> list[Agency]:
    """Agencies that received or finished dossiers in ``period`` (those with something to show)."""
    lo, hi = period.bounds()
    ids = (
        Dossier.objects.filter(
            Q(received_at__gte=lo, received_at__lt=hi) | Q(finished_at__gte=lo, finished_at__lt=hi)
        )
        .values("competent_agency_id")
        .distinct()
    )
    return list(agency_list().filter(id__in=ids))


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
@cache_page(CACHE_SECONDS)
def transparency(request: HttpRequest) -> HttpResponse:
    request.user = AnonymousUser()
    period = _month(request)
    agencies = public_agencies(period)
    rows = unit_figures(agencies=agencies, period=period)
    indices = index_766_by_agency(scopes={a.pk: scope_of([a]) for a in agencies}, period=period)
    for row in rows:
        row.extra["index"] = indices[row.agency_id]
    today = timezone.localdate()
    return render(
        request,
        "supervision/public.html",
        {
            "period": period,
            "rows": rows,
            "total": total_of(rows, "") if rows else None,
            "years": range(today.year, today.year - 6, -1),
            "months": range(1, 13),
            # Nothing from the visitor's session: one cached copy fits everyone.
            "messages": [],
        },
    )
