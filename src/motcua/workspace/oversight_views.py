"""Oversight pages for heads, leaders and supervisors (gh-6 item 11).

- ``giam-sat/``: the running dossiers by step and by officer, per lateness;
  every number links to its list;
- ``giam-sat/ho-so/?theo=…&nhom=…&muc=…``: the list of one cell;
- ``giam-sat/nguy-co/``: the daily list of dossiers at risk;
- ``giam-sat/ho-so/<code>/giao-lai/``: reassign through the engine's ``assign``
  action (heads and leaders of the competent agency; supervisors are read-only
  and get 403).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts.models import User
from motcua.dossiers.constants import EventAction

from .actions import ActionForm, action_form, action_perform
from .dossier import staff_dossier_get
from .oversight import (
    By,
    Lateness,
    Watch,
    at_risk_count,
    at_risk_q,
    cell_q,
    oversight_dossiers,
    oversight_table,
    watch_for,
)
from .selectors import assign_candidates
from .views import PAGE_SIZE, staff_required

A = EventAction


def _watch(request: HttpRequest) -> Watch:
    assert isinstance(request.user, User)
    watch = watch_for(user=request.user)
    if watch is None:
        raise PermissionDenied(
            _("Trang giám sát chỉ dành cho lãnh đạo phòng, lãnh đạo cơ quan và cán bộ giám sát.")
        )
    return watch


def _cell_query(by: By, key: int, lateness: Lateness | None) -> dict[str, str]:
    """The URL parameters of one cell of the table (read back by ``oversight_list``)."""
    query = {"theo": by.value, "nhom": str(key)}
    if lateness is not None:
        query["muc"] = lateness.value
    return query


def cell_url(by: By, key: int, lateness: Lateness | None) -> str:
    return f"{reverse('workspace:oversight-list')}?{urlencode(_cell_query(by, key, lateness))}"


@require_GET
@staff_required
def oversight_home(request: HttpRequest) -> HttpResponse:
    """The running dossiers of the official's units, by step and by officer, per lateness."""
    watch = _watch(request)
    tables = []
    for by in By:
        rows = oversight_table(watch=watch, by=by)
        tables.append(
            {
                "by": by,
                "rows": [
                    {
                        "row": row,
                        "cells": [
                            (lateness, n, cell_url(by, row.key, lateness))
                            for lateness, n in row.cells
                        ],
                        "total_url": cell_url(by, row.key, None),
                    }
                    for row in rows
                ],
            }
        )
    return render(
        request,
        "workspace/oversight/home.html",
        {
            "watch": watch,
            "tables": tables,
            "latenesses": list(Lateness),
            "at_risk": at_risk_count(watch=watch),
        },
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError as error:
        raise Http404(value) from error


def _list_page(
    request: HttpRequest, *, watch: Watch, q: Q, title: str, query: dict[str, str]
) -> HttpResponse:
    page = Paginator(oversight_dossiers(watch=watch, q=q), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    here = request.get_full_path()
    rows = [
        {
            "d": d,
            "reassign": watch.can_reassign(d)
            and f"{reverse('workspace:oversight-reassign', args=[d.code])}?"
            + urlencode({"tiep": here}),
        }
        for d in page.object_list
    ]
    return render(
        request,
        "workspace/oversight/list.html",
        {
            "watch": watch,
            "title": title,
            "page": page,
            "rows": rows,
            "count": page.paginator.count,
            "query": urlencode(query),
            "now": watch.now,
        },
    )


@require_GET
@staff_required
def oversight_list(request: HttpRequest) -> HttpResponse:
    """The dossiers of one cell of the oversight table."""
    watch = _watch(request)
    try:
        by = By(request.GET.get("theo", ""))
        lateness = Lateness(request.GET["muc"]) if request.GET.get("muc") else None
    except ValueError as error:
        raise Http404(str(error)) from error
    key = _int(request.GET.get("nhom"))
    q = cell_q(watch, by, key, lateness)
    title = (_("Hồ sơ theo bước xử lý") if by is By.STEP else _("Hồ sơ theo cán bộ xử lý")) + (
        f" – {lateness.label}" if lateness is not None else ""
    )
    return _list_page(request, watch=watch, q=q, title=title, query=_cell_query(by, key, lateness))


@require_GET
@staff_required
def oversight_at_risk(request: HttpRequest) -> HttpResponse:
    """The daily list: due within one working day and not at the last step."""
    watch = _watch(request)
    return _list_page(
        request,
        watch=watch,
        q=at_risk_q(watch),
        title=_("Hồ sơ có nguy cơ trễ hạn hôm nay"),
        query={},
    )


def _assign_form(form: ActionForm, candidates: list[User]) -> ActionForm:
    handler = form.field("handler")
    if handler is not None:
        handler.options = [(u.username, f"{u} ({u.username})") for u in candidates]
    return form


def _next(request: HttpRequest) -> str:
    target = request.POST.get("tiep") or request.GET.get("tiep") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("workspace:oversight")


@require_http_methods(["GET", "POST"])
@staff_required
def oversight_reassign(request: HttpRequest, code: str) -> HttpResponseBase:
    """Give the dossier's current step to another officer of the competent agency."""
    watch = _watch(request)
    dossier = staff_dossier_get(user=watch.user, code=code)  # 404 outside the jurisdiction
    if not watch.can_reassign(dossier):
        raise PermissionDenied(_("Bạn chỉ được xem, không được giao lại hồ sơ này."))
    candidates = assign_candidates(dossier=dossier)
    status = 200
    if request.method == "POST":
        event, form = action_perform(code=code, action=A.ASSIGN, by=watch.user, data=request.POST)
        if event is not None:
            messages.success(
                request,
                _("Đã giao hồ sơ %(code)s cho %(name)s.")
                % {"code": code, "name": str(event.to_handler or "")},
            )
            return redirect(_next(request))
        status = 400
    else:
        form = action_form(A.ASSIGN)
        handler = form.field("handler")
        if handler is not None and dossier.handler is not None:
            handler.value = dossier.handler.username
    context: dict[str, Any] = {
        "d": dossier,
        "form": _assign_form(form, candidates),
        "next": _next(request),
    }
    return render(request, "workspace/oversight/reassign.html", context, status=status)
