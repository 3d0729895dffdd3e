"""Public procedure catalogue API: search and list, and one procedure (gh-3 item 12)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from motcua.api.serializers import ValidationErrorSerializer
from motcua.api.throttling import AnonRateThrottle
from motcua.organisations.constants import UnitLevel
from motcua.procedures.constants import Audience, OnlineMode
from motcua.procedures.models import ComponentSpec, FeeRule, ProcedureVariant, ProcedureVersion
from motcua.procedures.search import procedure_search
from motcua.procedures.selectors import procedure_version_get_current

from .serializers import (
    FieldSerializer,
    ProcessingTimeSerializer,
    VariantSerializer,
    page_of,
    processing_time,
)

PAGE_SIZE = 20
MAX_PAGE = 10_000


def _first_variant(version: ProcedureVersion) -> ProcedureVariant | None:
    variants = list(version.variants.all())  # prefetched, ordered
    return variants[0] if variants else None


class ProcedureListApi(APIView):
    """Search or list the procedures in force today (public)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema_serializer(component_name="ProcedureListQuery")
    class InputSerializer(serializers.Serializer[dict[str, Any]]):
        q = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=200,
            help_text=_lazy(
                "Nội dung tìm kiếm: tên thủ tục (có hoặc không dấu, viết hoa hay thường,"
                " từ theo thứ tự bất kỳ, từ cuối có thể gõ dở) hoặc mã thủ tục."
            ),
            error_messages={"max_length": _lazy("q dài tối đa 200 ký tự.")},
        )
        field = serializers.CharField(
            required=False,
            max_length=40,
            help_text=_lazy("Mã lĩnh vực, ví dụ G15-TP07 (Hộ tịch)."),
            error_messages={"max_length": _lazy("field dài tối đa 40 ký tự.")},
        )
        agency = serializers.CharField(
            required=False,
            max_length=40,
            help_text=_lazy("Mã định danh cơ quan tiếp nhận, ví dụ 000.00.31.H57."),
            error_messages={"max_length": _lazy("agency dài tối đa 40 ký tự.")},
        )
        level = serializers.ChoiceField(
            required=False,
            choices=UnitLevel.choices,
            help_text=_lazy("Cấp thực hiện: 1 = tỉnh, 2 = huyện (trước 01/07/2025), 3 = xã."),
            error_messages={"invalid_choice": _lazy("level phải là 1, 2 hoặc 3.")},
        )
        audience = serializers.ChoiceField(
            required=False,
            choices=Audience.choices,
            help_text=_lazy("Đối tượng thực hiện."),
            error_messages={
                "invalid_choice": _lazy("audience phải là một trong: citizen, business, both.")
            },
        )
        online = serializers.BooleanField(
            required=False,
            default=False,
            help_text=_lazy(
                "true: chỉ các thủ tục nộp được trực tuyến (toàn trình hoặc một phần)."
            ),
            error_messages={"invalid": _lazy("online phải là true hoặc false.")},
        )
        page = serializers.IntegerField(
            required=False,
            default=1,
            min_value=1,
            max_value=MAX_PAGE,
            help_text=_lazy("Số trang, từ 1; mỗi trang 20 thủ tục."),
            error_messages={
                "invalid": _lazy("page phải là một số nguyên từ 1."),
                "min_value": _lazy("page phải là một số nguyên từ 1."),
                "max_value": _lazy("page không được lớn hơn 10000."),
                "max_string_length": _lazy("page không được lớn hơn 10000."),
            },
        )

    @extend_schema_serializer(component_name="ProcedureListItem")
    class OutputSerializer(serializers.Serializer[ProcedureVersion]):
        code = serializers.CharField(
            source="procedure.national_code", help_text=_lazy("Mã thủ tục trên CSDL quốc gia.")
        )
        name = serializers.CharField(help_text=_lazy("Tên thủ tục."))
        field = FieldSerializer(help_text=_lazy("Lĩnh vực."))
        processing_time = serializers.SerializerMethodField(
            help_text=_lazy(
                "Thời hạn giải quyết khi nộp trực tiếp của trường hợp đầu tiên"
                " (chi tiết từng trường hợp ở trang chi tiết)."
            )
        )
        online_mode = serializers.ChoiceField(
            choices=OnlineMode.choices, help_text=_lazy("Mức độ cung cấp dịch vụ trực tuyến.")
        )
        audience = serializers.ChoiceField(
            choices=Audience.choices, help_text=_lazy("Đối tượng thực hiện.")
        )
        levels = serializers.ListField(
            child=serializers.IntegerField(), help_text=_lazy("Cấp thực hiện (1 tỉnh, 3 xã).")
        )

        @extend_schema_field(ProcessingTimeSerializer(allow_null=True))
        def get_processing_time(self, version: ProcedureVersion) -> dict[str, Any] | None:
            variant = _first_variant(version)
            if variant is None:
                return None
            return processing_time(variant.duration, variant.duration_unit)

    PageSerializer = extend_schema_serializer(component_name="PaginatedProcedureList")(
        page_of(OutputSerializer)
    )

    @extend_schema(
        operation_id="procedure_list",
        summary="Search and list procedures",
        description=(
            "The administrative procedures in force today, 20 per page. With `q`, in"
            " relevance order: the query matches with or without Vietnamese diacritics"
            " (đ = d), in any case, NFC or NFD, either tone-mark placement (hoà = hòa),"
            " both spellings of i/y (kí = ký), words in any order and the last word"
            " partly typed; a query of digits and dots searches national codes (also"
            " partly). Exact-diacritic and whole-phrase matches in the name come first;"
            " when no procedure has every word, `results` holds up to 20 suggestions"
            " with most of the words (and `count` their number)."
            " Without `q`, in name order. `field`, `agency`, `level`, `audience` and"
            " `online` filter both. A 400 response names the offending parameter under"
            " `errors`; a page past the last one is a 404."
        ),
        parameters=[InputSerializer],
        responses={
            200: PageSerializer,
            400: OpenApiResponse(ValidationErrorSerializer, description="A parameter is invalid."),
            404: OpenApiResponse(description="The page is past the last one."),
        },
        examples=[
            OpenApiExample(
                "Search without diacritics",
                description="GET /api/v1/procedures/?q=dang+ky+khai+sinh",
                value={
                    "count": 5,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "code": "1.001193",
                            "name": "Đăng ký khai sinh",
                            "field": {"code": "G15-TP07", "name": "Hộ tịch"},
                            "processing_time": {
                                "amount": None,
                                "unit": "same_day",
                                "unit_label": "trong ngày",
                            },
                            "online_mode": "full",
                            "audience": "citizen",
                            "levels": [3],
                        }
                    ],
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Invalid level",
                value={"errors": {"level": ["level phải là 1, 2 hoặc 3."]}},
                response_only=True,
                status_codes=["400"],
            ),
        ],
        tags=["procedures"],
    )
    def get(self, request: Request) -> Response:
        # An empty parameter (a form's "any" option: ?field=&level=) means no filter.
        given = {
            key: value
            for key, value in request.query_params.items()
            if isinstance(value, str) and value.strip()
        }
        params = self.InputSerializer(data=given)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        number = data["page"]
        page = procedure_search(
            query=data.get("q", ""),
            field_code=data.get("field"),
            agency_code=data.get("agency"),
            level=data.get("level"),
            audience=data.get("audience"),
            online_only=data["online"],
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
        )
        if number > 1 and not page.results:
            raise NotFound(_("Không có trang %(number)s.") % {"number": number})
        prefetch_related_objects(
            page.results,
            Prefetch("variants", queryset=ProcedureVariant.objects.order_by("order", "id")),
        )
        url = request.build_absolute_uri()
        last = max(1, -(-page.total // PAGE_SIZE))
        previous = None
        if number > 1:
            previous = (
                remove_query_param(url, "page")
                if number == 2
                else replace_query_param(url, "page", number - 1)
            )
        body = {
            "count": page.total,
            "next": replace_query_param(url, "page", number + 1) if number < last else None,
            "previous": previous,
            "results": page.results,
        }
        return Response(self.PageSerializer(body).data)


class ProcedureDetailApi(APIView):
    """One procedure as in force today, with its variants, components and fees (public)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema_serializer(component_name="ProcedureDetail")
    class OutputSerializer(serializers.Serializer[ProcedureVersion]):
        code = serializers.CharField(
            source="procedure.national_code", help_text=_lazy("Mã thủ tục trên CSDL quốc gia.")
        )
        name = serializers.CharField(help_text=_lazy("Tên thủ tục."))
        field = FieldSerializer(help_text=_lazy("Lĩnh vực."))
        audience = serializers.ChoiceField(
            choices=Audience.choices, help_text=_lazy("Đối tượng thực hiện.")
        )
        levels = serializers.ListField(
            child=serializers.IntegerField(), help_text=_lazy("Cấp thực hiện (1 tỉnh, 3 xã).")
        )
        competent_authority = serializers.CharField(
            help_text=_lazy("Cơ quan có thẩm quyền giải quyết.")
        )
        valid_from = serializers.DateField(help_text=_lazy("Ngày phiên bản này có hiệu lực."))
        legal_basis = serializers.SerializerMethodField(
            help_text=_lazy("Căn cứ pháp lý, mỗi văn bản một phần tử.")
        )
        conditions = serializers.CharField(help_text=_lazy("Yêu cầu, điều kiện thực hiện."))
        result_type = serializers.CharField(help_text=_lazy("Kết quả thực hiện."))
        online_mode = serializers.ChoiceField(
            choices=OnlineMode.choices, help_text=_lazy("Mức độ cung cấp dịch vụ trực tuyến.")
        )
        partial_justification = serializers.CharField(
            help_text=_lazy("Lý do chỉ cung cấp trực tuyến một phần (NĐ 224/2026 Điều 14).")
        )
        cross_boundary = serializers.BooleanField(
            help_text=_lazy("Tiếp nhận không phụ thuộc địa giới hành chính trong tỉnh.")
        )
        postal_allowed = serializers.BooleanField(
            help_text=_lazy("Nộp hồ sơ, nhận kết quả qua bưu chính công ích.")
        )
        unverified_note = serializers.CharField(
            help_text=_lazy("Thông tin trong dữ liệu chưa được đối chiếu văn bản chính thức.")
        )
        variants = VariantSerializer(many=True, help_text=_lazy("Các trường hợp của thủ tục."))

        def get_legal_basis(self, version: ProcedureVersion) -> list[str]:
            return [line.strip() for line in version.legal_basis.splitlines() if line.strip()]

    @extend_schema(
        operation_id="procedure_detail",
        summary="One procedure with its variants, components and fees",
        description=(
            "The version of the procedure with national code `code` in force today: what"
            " a citizen needs to prepare, per variant (trường hợp): processing time (for"
            " counter and, when different, online submission), required components with"
            " their blank forms, and fees. `unverified_note` lists values of the catalogue"
            " not yet checked against an official text. 404 for an unknown code."
        ),
        responses={
            200: OutputSerializer,
            404: OpenApiResponse(description="No procedure with this code is in force."),
        },
        examples=[
            OpenApiExample(
                "Birth registration",
                description="GET /api/v1/procedures/1.001193/ (abridged)",
                value={
                    "code": "1.001193",
                    "name": "Đăng ký khai sinh",
                    "field": {"code": "G15-TP07", "name": "Hộ tịch"},
                    "audience": "citizen",
                    "levels": [3],
                    "competent_authority": "Ủy ban nhân dân cấp xã",
                    "valid_from": "2025-07-01",
                    "legal_basis": ["Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014"],
                    "conditions": "",
                    "result_type": "Giấy khai sinh",
                    "online_mode": "full",
                    "partial_justification": "",
                    "cross_boundary": True,
                    "postal_allowed": True,
                    "unverified_note": "",
                    "variants": [
                        {
                            "code": "co-giay-chung-sinh",
                            "name": "Đăng ký khai sinh có Giấy chứng sinh",
                            "question": "",
                            "processing_time": {
                                "amount": None,
                                "unit": "same_day",
                                "unit_label": "trong ngày",
                            },
                            "online_processing_time": None,
                            "components": [
                                {
                                    "name": "Tờ khai đăng ký khai sinh",
                                    "required": True,
                                    "condition_text": "",
                                    "originals": 1,
                                    "certified_copies": 0,
                                    "copies": 0,
                                    "form_url": "https://motcua.example/media/catalogue/forms/to-khai.html",
                                    "replaced_by_eform": True,
                                    "replaced_by_database": "",
                                }
                            ],
                            "fees": [
                                {
                                    "kind": "levy",
                                    "name": "Lệ phí đăng ký khai sinh",
                                    "amount": 0,
                                    "rule": "",
                                    "collection": "exempt",
                                    "exemption_groups": "Đăng ký đúng hạn",
                                }
                            ],
                        }
                    ],
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Unknown code",
                value={"detail": "Không tìm thấy thủ tục hành chính có mã “9.999999”."},
                response_only=True,
                status_codes=["404"],
            ),
        ],
        tags=["procedures"],
    )
    def get(self, request: Request, code: str) -> Response:
        version = procedure_version_get_current(national_code=code)
        if version is None:
            raise NotFound(
                _("Không tìm thấy thủ tục hành chính có mã “%(code)s”.") % {"code": code}
            )
        prefetch_related_objects(
            [version],
            Prefetch("variants", queryset=ProcedureVariant.objects.order_by("order", "id")),
            Prefetch(
                "variants__components", queryset=ComponentSpec.objects.order_by("order", "id")
            ),
            Prefetch("variants__fees", queryset=FeeRule.objects.order_by("id")),
        )
        return Response(self.OutputSerializer(version, context={"request": request}).data)
