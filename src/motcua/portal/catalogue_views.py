"""The public procedure catalogue (gh-3 item 9): browse and search, procedure detail,
blank forms, agency pages and the online-filing entry point.

Views parse the request, read through the catalogue's selectors and the one
search function (``motcua.procedures.search.procedure_search``) and render;
they hold no search logic of their own. Every page works without JavaScript:
filters and the appointment-date preview are plain GET forms.

Anonymous GETs are meant to be served by a proxy or CDN (architecture.md, "two
ways to run"): they carry ``Cache-Control: public, max-age=300`` and an ETag
computed with one cheap query (``catalogue_fingerprint``), and a matching
``If-None-Match`` gets a 304 without rendering anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import posixpath
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache, wraps
from importlib import metadata
from pathlib import Path
from typing import Any

from django import forms
from django.db.models import (
    Count,
    IntegerField,
    Max,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag, urlencode
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from motcua.calendars.constants import DurationUnit
from motcua.calendars.selectors import DuePreview, due_date_preview
from motcua.core.durations import duration_text
from motcua.core.numbers import money
from motcua.organisations.constants import AgencyKind, UnitLevel
from motcua.organisations.models import Agency, Counter
from motcua.organisations.selectors import (
    agency_list,
    service_center_get_for_unit_level,
    today,
)
from motcua.procedures.constants import Audience, OnlineMode, VersionStatus
from motcua.procedures.models import (
    ComponentSpec,
    FeeRule,
    ProcedureField,
    ProcedureOffering,
    ProcedureVariant,
    ProcedureVersion,
)
from motcua.procedures.search import procedure_search
from motcua.procedures.selectors import (
    FieldFacet,
    field_facets,
    procedure_version_get_for_page,
    procedure_version_list_current,
    receiving_agencies,
)

from .views import directory_matches

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
CACHE_SECONDS = 300
# The page differs by language (the URL prefix decides, the header is kept for
# caches that ignore it) and by session (a signed-in user's name in the header).
VARY = ("Accept-Language", "Cookie")
# Above this many receiving agencies of one level, the list folds into a
# <details> ("the centres of the 40 wards and communes").
FOLD_AGENCIES_ABOVE = 6


# --- Caching ----------------------------------------------------------------------------------


def _scalar(queryset: Any) -> Subquery:
    return Subquery(queryset, output_field=IntegerField())


def catalogue_fingerprint() -> str:
    """What the public catalogue pages depend on, in one query.

    Published versions are immutable (a change is a new draft, published or
    retired through the services), so their count, last id, retirements and
    validity dates move whenever what citizens see moves. Offerings are not
    versioned: their count, last id and active / online flags ride along as
    scalar subqueries of the same statement. Edits in place that change none
    of these (an agency's phone number, a counter's fields) show once the
    ETag's day changes or the cache's five minutes pass without revalidation.
    """
    offerings = ProcedureOffering.objects.order_by().annotate(one=Value(1)).values("one")
    row = (
        ProcedureVersion.objects.exclude(status=VersionStatus.DRAFT)
        .order_by()
        .aggregate(
            versions=Count("id"),
            last=Max("id"),
            retired=Count("id", filter=Q(status=VersionStatus.RETIRED)),
            valid_from=Max("valid_from"),
            valid_to=Max("valid_to"),
            offerings=Max(_scalar(offerings.annotate(n=Count("id")).values("n"))),
            last_offering=Max(_scalar(offerings.annotate(n=Max("id")).values("n"))),
            active=Max(
                _scalar(offerings.annotate(n=Count("id", filter=Q(is_active=True))).values("n"))
            ),
            online=Max(
                _scalar(offerings.annotate(n=Count("id", filter=Q(online_open=True))).values("n"))
            ),
        )
    )
    return "|".join(f"{key}={value}" for key, value in sorted(row.items()))


@lru_cache(maxsize=1)
def _release_tag() -> str:
    """Changes when this code, its templates or the translations change (a deploy).

    Without it a client revalidating after a release would get a 304 for the
    old HTML until the catalogue itself changes.
    """
    here = Path(__file__).resolve().parent
    sources = [
        Path(__file__),
        *sorted((here / "templates" / "portal" / "catalogue").glob("*.html")),
        here.parent / "templates" / "base.html",
        *sorted((here.parent / "locale").glob("*/LC_MESSAGES/django.mo")),
    ]
    digest = hashlib.sha256()
    with suppress(metadata.PackageNotFoundError):  # running from a checkout
        digest.update(metadata.version("motcua").encode())
    for source in sources:
        if source.exists():
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def catalogue_etag(request: HttpRequest) -> str:
    """The ETag of an anonymous catalogue page: one query, no rendering."""
    parts = [
        _release_tag(),
        # The stylesheet's hashed name is in the HTML.
        static("portal/site.css"),
        # Versions become valid and expire by date, with no write to the database.
        today().isoformat(),
        get_language() or "",
        request.path,
        request.META.get("QUERY_STRING", ""),
        catalogue_fingerprint(),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def public_catalogue_cache(
    *, when: Callable[[HttpRequest], bool] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Make an anonymous GET cacheable by proxies: ETag, 304, ``public, max-age=300``.

    Signed-in users get ``Cache-Control: private`` and no ETag (their name is in
    the page). ``when`` may refuse public caching for a request (e.g. a preview
    computed from "now"). Only 200 answers are marked public; errors are not.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if request.user.is_authenticated or (when is not None and not when(request)):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True, max_age=0)
                patch_vary_headers(response, VARY)
                return response
            etag = quote_etag(catalogue_etag(request))
            not_modified = get_conditional_response(request, etag=etag)
            if not_modified is not None:
                response = not_modified
            else:
                response = view(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
            response.headers["ETag"] = etag
            patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
            patch_vary_headers(response, VARY)
            return response

        return wrapper

    return decorator


# --- Presentation helpers ---------------------------------------------------------------------


def _has_own_online_time(variant: ProcedureVariant) -> bool:
    return variant.online_duration is not None or bool(variant.online_duration_unit)


def online_duration_words(variant: ProcedureVariant) -> str | None:
    """The online processing time when it differs from the counter's, else None."""
    if not _has_own_online_time(variant):
        return None
    unit = variant.online_duration_unit or variant.duration_unit
    words = duration_text(variant.online_duration, unit)
    return None if words == duration_text(variant.duration, variant.duration_unit) else words


def version_duration_words(variants: Sequence[ProcedureVariant]) -> str:
    """One line for a result list: the variants' distinct times, in order."""
    options = list(dict.fromkeys(duration_text(v.duration, v.duration_unit) for v in variants))
    if not options:
        return ""
    if len(options) == 1:
        return options[0]
    return _("%(options)s, tùy trường hợp") % {"options": _(" hoặc ").join(options)}


def level_labels(levels: Iterable[Any]) -> list[str]:
    labels = []
    for level in levels:
        try:
            labels.append(str(UnitLevel(int(level)).label))
        except (TypeError, ValueError):
            continue
    return labels


def field_name(item: ProcedureField) -> str:
    if item.name_en and (get_language() or "").startswith("en"):
        return item.name_en
    return item.name


def _address(path: str, params: dict[str, str]) -> str:
    """``path`` with ``params`` as its query string (empty values left out)."""
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{path}?{query}" if query else path


@dataclass(frozen=True)
class ResultRow:
    """One procedure in a result list (search, browse, agency page)."""

    code: str
    name: str
    field: str
    time: str
    online_mode: str
    online_label: str
    levels: list[str]


def result_rows(versions: list[ProcedureVersion]) -> list[ResultRow]:
    """Rows for the shared result list; one query for the variants, whatever the page size.

    ``prefetch_related_objects`` skips what the search already loaded, so this
    costs nothing when ``procedure_search`` selected and prefetched them itself.
    """
    prefetch_related_objects(
        versions,
        "procedure",
        "field",
        Prefetch("variants", queryset=ProcedureVariant.objects.order_by("order", "id")),
    )
    return [
        ResultRow(
            code=v.procedure.national_code,
            name=v.name,
            field=field_name(v.field),
            time=version_duration_words(list(v.variants.all())),
            online_mode=v.online_mode,
            online_label=_online_badge(v.online_mode),
            levels=level_labels(v.levels),
        )
        for v in versions
    ]


def _online_badge(mode: str) -> str:
    if mode == OnlineMode.FULL:
        return _("Trực tuyến toàn trình")
    if mode == OnlineMode.PARTIAL:
        return _("Trực tuyến một phần")
    return ""


@dataclass(frozen=True)
class Pager:
    number: int
    pages: int
    total: int
    previous_url: str | None
    next_url: str | None
    links: list[tuple[int | None, str]] = field(default_factory=list)  # None = "…"

    @property
    def first_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def last_index(self) -> int:
        return min(self.number * PAGE_SIZE, self.total)


def _pagenumber_text(request: HttpRequest) -> int:
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return max(number, 1)


def _pager(request: HttpRequest, *, number: int, total: int, params: dict[str, str]) -> Pager:
    """Page links that keep the page's (valid) filters and drop everything else."""
    pages = max(math.ceil(total / PAGE_SIZE), 1)
    if number > pages:
        raise Http404(_("Không có trang %(number)s.") % {"number": number})

    def url(n: int) -> str:
        return _address(request.path, {**params, "page": str(n) if n > 1 else ""})

    shown = sorted({1, pages, *range(max(number - 2, 1), min(number + 2, pages) + 1)})
    links: list[tuple[int | None, str]] = []
    for i, n in enumerate(shown):
        if i and n - shown[i - 1] > 1:
            links.append((None, ""))
        links.append((n, url(n)))
    return Pager(
        number=number,
        pages=pages,
        total=total,
        previous_url=url(number - 1) if number > 1 else None,
        next_url=url(number + 1) if number < pages else None,
        links=links,
    )


# --- Catalogue home and search ----------------------------------------------------------------

AUDIENCE_CHOICES = [
    (Audience.CITIZEN.value, gettext_lazy("Công dân")),
    (Audience.BUSINESS.value, gettext_lazy("Doanh nghiệp, tổ chức")),
]
LEVEL_CHOICES = [
    (str(UnitLevel.PROVINCE.value), UnitLevel.PROVINCE.label),
    (str(UnitLevel.COMMUNE.value), UnitLevel.COMMUNE.label),
]


def _level_groups(agencies: list[Agency]) -> list[tuple[str, list[Agency]]]:
    grouped: dict[str, list[Agency]] = {}
    for agency in agencies:
        grouped.setdefault(str(UnitLevel(agency.unit.level).label), []).append(agency)
    return list(grouped.items())


class CatalogueFilterForm(forms.Form):
    """The catalogue's GET filters; a value that does not parse is ignored, not an error page."""

    q = forms.CharField(label=gettext_lazy("Tìm thủ tục"), required=False)
    audience = forms.ChoiceField(
        label=gettext_lazy("Đối tượng"),
        required=False,
        choices=[("", gettext_lazy("Tất cả")), *AUDIENCE_CHOICES],
        widget=forms.RadioSelect,
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Cấp thực hiện"),
        required=False,
        choices=[("", gettext_lazy("Tất cả")), *LEVEL_CHOICES],
        widget=forms.RadioSelect,
    )
    field = forms.ChoiceField(label=gettext_lazy("Lĩnh vực"), required=False)
    agency = forms.ChoiceField(label=gettext_lazy("Cơ quan tiếp nhận"), required=False)
    online = forms.BooleanField(label=gettext_lazy("Chỉ thủ tục nộp trực tuyến"), required=False)

    def __init__(
        self, data: QueryDict, *, facets: list[FieldFacet], agencies: list[Agency]
    ) -> None:
        data = data.copy()
        for key in ("audience", "level"):
            data.setdefault(key, "")  # so that "Tất cả" shows as chosen
        super().__init__(data)
        field_choices = [(f.code, f"{f.name} ({f.count})") for f in facets]
        self._set_choices("field", [("", _("Tất cả lĩnh vực")), *field_choices])
        grouped = [
            (level, [(a.code, a.display_name) for a in members])
            for level, members in _level_groups(agencies)
        ]
        self._set_choices("agency", [("", _("Tất cả cơ quan")), *grouped])

    def _set_choices(self, name: str, choices: list[Any]) -> None:
        widget_field = self.fields[name]
        assert isinstance(widget_field, forms.ChoiceField)
        widget_field.choices = choices

    def filters(self) -> dict[str, str]:
        """The valid, non-empty filters (invalid ones are dropped)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters = {
            key: str(data[key])
            for key in ("q", "audience", "level", "field", "agency")
            if data.get(key)
        }
        if "q" in filters:
            filters["q"] = filters["q"][:MAX_QUERY_LENGTH]  # a pasted paragraph still searches
        return filters | ({"online": "1"} if data.get("online") else {})


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


def _chips(
    request: HttpRequest,
    filters: dict[str, str],
    *,
    facets: list[FieldFacet],
    agencies: list[Agency],
) -> list[Chip]:
    def without(key: str) -> str:
        return _address(request.path, {k: v for k, v in filters.items() if k != key})

    labels: dict[str, str] = {}
    if "audience" in filters:
        audience = dict(AUDIENCE_CHOICES)[filters["audience"]]
        labels["audience"] = _("Đối tượng: %(v)s") % {"v": audience}
    if "level" in filters:
        labels["level"] = str(dict(LEVEL_CHOICES)[filters["level"]])
    if "field" in filters:
        name = next(f.name for f in facets if f.code == filters["field"])
        labels["field"] = _("Lĩnh vực: %(v)s") % {"v": name}
    if "agency" in filters:
        name = next(a.display_name for a in agencies if a.code == filters["agency"])
        labels["agency"] = _("Nơi tiếp nhận: %(v)s") % {"v": name}
    if "online" in filters:
        labels["online"] = _("Nộp trực tuyến")
    return [Chip(label, without(key)) for key, label in labels.items()]


@public_catalogue_cache()
def catalogue(request: HttpRequest) -> HttpResponse:
    """Browse (no ``q``) and search (``q``) the procedures in force today, with filters."""
    facets = field_facets()
    agencies = receiving_agencies()
    form = CatalogueFilterForm(request.GET, facets=facets, agencies=agencies)
    filters = form.filters()
    query = filters.get("q", "")
    number = _pagenumber_text(request)
    page = procedure_search(
        query=query,
        field_code=filters.get("field"),
        agency_code=filters.get("agency"),
        level=int(filters["level"]) if "level" in filters else None,
        audience=filters.get("audience"),
        online_only="online" in filters,
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
    )
    if not page.results and number > 1:
        raise Http404(_("Không có trang %(number)s.") % {"number": number})
    pager = _pager(request, number=number, total=page.total, params=filters)
    chips = _chips(request, filters, facets=facets, agencies=agencies)
    # What is typed in the search box may be a place or an office ("kim long").
    agency_matches = directory_matches(query) if query else []
    context: dict[str, Any] = {
        "form": form,
        "query": query,
        "filters": filters,
        "chips": chips,
        "facets": facets,
        "rows": result_rows(page.results),
        "pager": pager,
        "clear_filters_url": _address(request.path, {"q": query}),
        "agency_groups": _level_groups(agencies) if not filters else [],
        "agency_matches": agency_matches,
        "agency_match_count": sum(len(agencies) for _level, agencies in agency_matches),
        # Help is shown only when nothing matched: one query then, none otherwise.
        "center": (
            service_center_get_for_unit_level(level=UnitLevel.PROVINCE) if not page.total else None
        ),
    }
    return render(request, "portal/catalogue/index.html", context)


# --- Procedure detail -------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentRow:
    id: int
    name: str
    required: bool
    condition: str
    originals: int
    certified_copies: int
    copies: int
    form_url: str | None
    form_type: str
    replaced_by_eform: bool
    replaced_by_database: str


@dataclass(frozen=True)
class FeeRow:
    kind: str
    name: str
    amount: str
    rule: str
    collection: str
    exemptions: str


@dataclass(frozen=True)
class VariantBlock:
    id: int
    anchor: str
    name: str
    question: str
    time: str
    online_time: str | None
    components: list[ComponentRow]
    fees: list[FeeRow]


@dataclass(frozen=True)
class AgencyGroup:
    level: str
    summary: str
    agencies: list[Agency]
    folded: bool


# The databases that replace a paper component (domain.md §4.2; NĐ 224 Art 18(4)),
# by the codes the catalogue stores. An unknown code is shown as stored.
DATABASE_NAMES = {
    "population": gettext_lazy("Cơ sở dữ liệu quốc gia về dân cư"),
    "civil_status": gettext_lazy("Cơ sở dữ liệu hộ tịch điện tử"),
    "insurance": gettext_lazy("Cơ sở dữ liệu quốc gia về bảo hiểm"),
    "driving_licence": gettext_lazy("Cơ sở dữ liệu giấy phép lái xe"),
    "business": gettext_lazy("Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp"),
    "vehicle": gettext_lazy("Cơ sở dữ liệu đăng ký xe"),
    "land": gettext_lazy("Cơ sở dữ liệu quốc gia về đất đai"),
}


def _component_row(code: str, component: ComponentSpec) -> ComponentRow:
    name = component.template_file.name if component.template_file else ""
    return ComponentRow(
        id=component.pk,
        name=component.name,
        required=component.required,
        condition=component.condition_text,
        originals=component.originals,
        certified_copies=component.certified_copies,
        copies=component.copies,
        form_url=(reverse("portal:component-form", args=[code, component.pk]) if name else None),
        form_type=posixpath.splitext(name)[1].lstrip(".").upper() if name else "",
        replaced_by_eform=component.replaced_by_eform,
        replaced_by_database=str(
            DATABASE_NAMES.get(component.replaced_by_database, component.replaced_by_database)
        ),
    )


def _fee_row(fee: FeeRule) -> FeeRow:
    return FeeRow(
        kind=fee.get_kind_display(),
        name=fee.name,
        amount=money(fee.amount) if fee.amount is not None else "",
        rule=fee.rule,
        collection=fee.get_collection_display(),
        exemptions=fee.exemption_groups,
    )


def _variant_blocks(code: str, variants: list[ProcedureVariant]) -> list[VariantBlock]:
    return [
        VariantBlock(
            id=v.pk,
            anchor=f"truong-hop-{v.code}",
            name=v.name,
            question=v.question,
            time=duration_text(v.duration, v.duration_unit),
            online_time=online_duration_words(v),
            components=[_component_row(code, c) for c in v.components.all()],
            fees=[_fee_row(f) for f in v.fees.all()],
        )
        for v in variants
    ]


def _agency_groups(offerings: list[ProcedureOffering]) -> list[AgencyGroup]:
    by_level: dict[int, list[Agency]] = {}
    for offering in offerings:
        by_level.setdefault(offering.agency.unit.level, []).append(offering.agency)
    return [
        AgencyGroup(
            level=str(UnitLevel(level).label),
            summary=_agency_group_summary(level, agencies),
            agencies=agencies,
            folded=len(agencies) > FOLD_AGENCIES_ABOVE,
        )
        for level, agencies in sorted(by_level.items())
    ]


def _agency_group_summary(level: int, agencies: list[Agency]) -> str:
    n = len(agencies)
    if level == UnitLevel.COMMUNE and all(a.kind == AgencyKind.SERVICE_CENTER for a in agencies):
        return ngettext(
            "Trung tâm Phục vụ hành chính công của %(n)s phường, xã",
            "Trung tâm Phục vụ hành chính công của %(n)s phường, xã",
            n,
        ) % {"n": n}
    return ngettext("%(level)s: %(n)s nơi tiếp nhận", "%(level)s: %(n)s nơi tiếp nhận", n) % {
        "level": UnitLevel(level).label,
        "n": n,
    }


def _linked(version: ProcedureVersion) -> list[tuple[str, str]]:
    rows = []
    for procedure in version.procedure.linked.all():
        current = getattr(procedure, "current_versions", [])
        if current:
            rows.append((procedure.national_code, current[0].name))
    return rows


class ProcedurePreviewForm(forms.Form):
    """The appointment-date preview of one procedure (a GET form; works without JS)."""

    received_at = forms.DateTimeField(
        label=gettext_lazy("Thời điểm nộp hồ sơ"),
        required=False,
        help_text=gettext_lazy("Để trống nếu nộp ngay bây giờ."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={
            "invalid": gettext_lazy("Ngày giờ nộp không hợp lệ; nhập theo dạng 26/11/2026 09:30."),
        },
    )
    variant = forms.ChoiceField(label=gettext_lazy("Trường hợp"), required=False)
    channel = forms.ChoiceField(
        label=gettext_lazy("Cách nộp"),
        required=False,
        choices=[
            ("counter", gettext_lazy("Nộp trực tiếp")),
            ("online", gettext_lazy("Nộp trực tuyến")),
        ],
    )
    agency = forms.ChoiceField(label=gettext_lazy("Nơi nộp"), required=False)

    def __init__(
        self,
        data: QueryDict | None,
        *,
        variants: list[ProcedureVariant],
        agencies: list[Agency],
        online: bool,
    ) -> None:
        super().__init__(data)
        self.variants = {str(v.pk): v for v in variants}
        self.agencies = {a.code: a for a in agencies if a.code}
        if len(variants) > 1:
            self._choices("variant", [(str(v.pk), v.name) for v in variants])
        else:
            del self.fields["variant"]
        if not (online and any(_has_own_online_time(v) for v in variants)):
            del self.fields["channel"]
        if self.agencies:
            self._choices(
                "agency",
                [("", _("Lịch làm việc chung"))]
                + [(a.code, a.display_name) for a in self.agencies.values()],
            )
        else:
            del self.fields["agency"]

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        item = self.fields[name]
        assert isinstance(item, forms.ChoiceField)
        item.choices = choices

    def selected_variant(self) -> ProcedureVariant:
        key = self.cleaned_data.get("variant") or ""
        return self.variants.get(key) or next(iter(self.variants.values()))


@dataclass(frozen=True)
class PreviewResult:
    received_at: dt.datetime
    variant: str
    time: str
    agency: str
    preview: DuePreview | None  # None: the procedure has no appointment date


def _preview(form: ProcedurePreviewForm) -> PreviewResult | None:
    if not form.is_valid():
        return None
    variant = form.selected_variant()
    online = form.cleaned_data.get("channel") == "online" and _has_own_online_time(variant)
    if online:
        amount = variant.online_duration
        unit = variant.online_duration_unit or variant.duration_unit
    else:
        amount, unit = variant.duration, variant.duration_unit
    received_at = form.cleaned_data.get("received_at") or timezone.localtime().replace(
        second=0, microsecond=0
    )
    agency = form.agencies.get(form.cleaned_data.get("agency") or "")
    preview: DuePreview | None = None
    if unit != DurationUnit.NO_APPOINTMENT and (
        amount is not None or unit == DurationUnit.SAME_DAY
    ):
        try:
            preview = due_date_preview(
                received_at=received_at,
                amount=amount if amount is not None else Decimal(0),
                unit=DurationUnit(unit),
                agency=agency,
            )
        except ValueError:
            form.add_error(None, _("Không tính được ngày hẹn với thời hạn của trường hợp này."))
            return None
    return PreviewResult(
        received_at=timezone.localtime(received_at),
        variant=variant.name,
        time=duration_text(amount, unit),
        agency=agency.display_name if agency else "",
        preview=preview,
    )


def _is_plain_page(request: HttpRequest) -> bool:
    # A preview is computed from "now" and from the calendar the administrators
    # edit; it is the asker's own answer, not a page for a shared cache.
    return "received_at" not in request.GET


def _not_found(request: HttpRequest, *, code: str, kind: str) -> HttpResponse:
    """A 404 that says why (unknown, expired or not yet in force) and where to get help."""
    upcoming: dt.date | None = None
    expired = False
    if kind == "procedure":
        latest = (
            ProcedureVersion.objects.filter(
                procedure__national_code=code,
                status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED],
            )
            .order_by("-valid_from")
            .values_list("valid_from", flat=True)
            .first()
        )
        if latest is not None and latest > today():
            upcoming = latest
        else:
            expired = latest is not None
    context = {
        "code": code,
        "kind": kind,
        "expired": expired,
        "upcoming": upcoming,
        "center": service_center_get_for_unit_level(level=UnitLevel.PROVINCE),
    }
    return render(request, "portal/catalogue/not_found.html", context, status=404)


@public_catalogue_cache(when=_is_plain_page)
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Everything a citizen needs to prepare one procedure, as in force today."""
    version = procedure_version_get_for_page(code=code)
    if version is None:
        return _not_found(request, code=code, kind="procedure")
    variants = list(version.variants.all())
    offerings: list[ProcedureOffering] = getattr(version.procedure, "active_offerings", [])
    online = version.online_mode != OnlineMode.NONE
    form = ProcedurePreviewForm(
        request.GET if "received_at" in request.GET else None,
        variants=variants,
        agencies=[o.agency for o in offerings],
        online=online,
    )
    context = {
        "version": version,
        "code": version.procedure.national_code,
        "field_name": field_name(version.field),
        "levels": level_labels(version.levels),
        "online_label": _online_badge(version.online_mode),
        "variants": _variant_blocks(version.procedure.national_code, variants),
        "agency_groups": _agency_groups(offerings),
        "can_submit_online": online and any(o.online_open for o in offerings),
        "legal_basis": [line.strip() for line in version.legal_basis.splitlines() if line.strip()],
        "linked": _linked(version),
        "preview_form": form,
        "preview": _preview(form) if form.is_bound and variants else None,
    }
    return render(request, "portal/catalogue/detail.html", context)


def component_form(request: HttpRequest, code: str, component_id: int) -> FileResponse:
    """The blank form of a component of a procedure in force, as a download."""
    component = (
        ComponentSpec.objects.filter(
            pk=component_id,
            variant__version__in=procedure_version_list_current().filter(
                procedure__national_code=code
            ),
        )
        .exclude(template_file="")
        .first()
    )
    if component is None:
        raise Http404(_("Thủ tục này không có mẫu đơn, tờ khai đó."))
    stored = component.template_file
    name = stored.name or ""
    try:
        handle = stored.storage.open(name, "rb")
    except FileNotFoundError as missing:
        raise Http404(_("Tệp mẫu đơn, tờ khai không còn trên máy chủ.")) from missing
    return FileResponse(handle, as_attachment=True, filename=posixpath.basename(name))


@public_catalogue_cache()
def submit_online(request: HttpRequest, code: str) -> HttpResponse:
    """The online-filing entry point: what to prepare; filing itself opens in the next release."""
    version = procedure_version_get_for_page(code=code)
    if version is None:
        return _not_found(request, code=code, kind="procedure")
    offerings: list[ProcedureOffering] = getattr(version.procedure, "active_offerings", [])
    context = {
        "version": version,
        "code": version.procedure.national_code,
        "variants": _variant_blocks(version.procedure.national_code, list(version.variants.all())),
        "agency_groups": _agency_groups(offerings),
        "available": version.online_mode != OnlineMode.NONE
        and any(o.online_open for o in offerings),
    }
    return render(request, "portal/catalogue/submit_online.html", context)


# --- Agency pages -----------------------------------------------------------------------------


@public_catalogue_cache()
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An agency's contact details, counters and the procedures it receives."""
    agency = (
        agency_list()
        .filter(code=code)
        .prefetch_related(
            Prefetch(
                "counters",
                queryset=Counter.objects.filter(is_active=True)
                .select_related("operator")
                .prefetch_related("fields")
                .order_by("number"),
            )
        )
        .first()
    )
    if agency is None:
        return _not_found(request, code=code, kind="agency")
    number = _pagenumber_text(request)
    page = procedure_search(agency_code=code, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    counters = [
        (counter, [field_name(f) for f in counter.fields.all()])
        for counter in agency.counters.all()
    ]
    context = {
        "agency": agency,
        "level": UnitLevel(agency.unit.level).label,
        "counters": counters,
        "rows": result_rows(page.results),
        "pager": _pager(request, number=number, total=page.total, params={}),
    }
    return render(request, "portal/catalogue/agency.html", context)
