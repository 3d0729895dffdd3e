"""Task-oriented dossier API (gh-4 item 11; conventions §8).

Writes are business actions: ``POST uploads/``, ``POST dossiers/`` (receive)
and ``POST dossiers/<code>/actions/<action>/``, one class and one input
serializer per action, all through the dossier services. Reads are a
jurisdiction-filtered list, a detail and the history. ``GET lookup/`` is the
public lookup (code + key, or code + owner's identity number).

Authentication: ``Authorization: Bearer mc_…`` (see ``motcua.apiclients``) or
the staff session. A dossier outside the caller's jurisdiction answers 404,
exactly like an unknown code, so codes never reveal that a dossier exists.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, router, transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.api.serializers import ValidationErrorSerializer
from motcua.api.throttling import AnonRateThrottle
from motcua.apiclients.authentication import BearerTokenAuthentication, HasScope
from motcua.apiclients.constants import Scope
from motcua.apiclients.models import ApiToken
from motcua.calendars.constants import Timeliness
from motcua.core.rawrows import Converters, convert_row, converters_for
from motcua.core.refdata import snapshot as refdata_snapshot
from motcua.dossiers.constants import (
    PUBLIC_DOCUMENT_KINDS,
    Channel,
    DossierStatus,
    EventAction,
    PartyRole,
    ReturnMode,
)
from motcua.dossiers.forms_official import (
    FormNotApplicable,
    OfficialForm,
    control_sheet_rows,
    official_form_pdf,
)
from motcua.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    IdempotencyRecord,
    Party,
)
from motcua.dossiers.selectors import dossier_get_for_action, dossier_list, lookup_factor_matches
from motcua.dossiers.services import (
    IdempotencyConflict,
    LegData,
    PartyData,
    TransitionRefused,
    dossier_act,
    dossier_allowed_actions,
    dossier_receive,
)
from motcua.dossiers.uploads import (
    UploadRejected,
    UploadScanUnavailable,
    upload_attach,
    upload_store,
)
from motcua.organisations.models import Agency
from motcua.organisations.selectors import agency_get_by_code
from motcua.procedures.api.serializers import page_of
from motcua.procedures.models import ComponentSpec

from .serializers import (
    ActionRefusedSerializer,
    AgencyRefSerializer,
    DetailErrorSerializer,
    DossierSummarySerializer,
    PartyInputSerializer,
    action_slug,
)

PAGE_SIZE = 20
CODE = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="Dossier code, e.g. 000.00.06.H57-260310-0001.",
)
NOT_FOUND = OpenApiResponse(
    DetailErrorSerializer,
    description="No dossier with this code, or one outside the caller's jurisdiction (never"
    " distinguished).",
)
UNAUTHENTICATED = OpenApiResponse(
    DetailErrorSerializer, description="Missing, unknown, expired or revoked token."
)
FORBIDDEN = OpenApiResponse(
    DetailErrorSerializer, description="The token lacks the scope, or the user the role."
)
BAD_REQUEST = OpenApiResponse(
    ValidationErrorSerializer, description="Fields are invalid; each is named."
)


def _not_found(code: str) -> NotFound:
    return NotFound(_("Không tìm thấy hồ sơ có mã “%(code)s”.") % {"code": code})


def _visible_dossier(*, user: User, code: str, action: EventAction | None = None) -> Dossier:
    """The dossier if ``user`` may see it (or reach it for ``action``); 404 for unknown *and*
    out-of-jurisdiction codes. The rule is ``selectors.dossier_access_q``, as in the service."""
    try:
        return dossier_get_for_action(user=user, code=code, action=action)
    except (Dossier.DoesNotExist, DjangoPermissionDenied) as error:
        raise _not_found(code) from error


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as ``{"owner.full_name": [...], "upload_ids.0.id": [...]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
    elif isinstance(errors, list) and errors and not all(isinstance(e, str) for e in errors):
        for index, value in enumerate(errors):
            if value:
                flat.update(_flatten(value, f"{prefix}.{index}"))
    else:
        items = errors if isinstance(errors, list) else [errors]
        flat[prefix or "non_field_errors"] = [str(e) for e in items]
    return flat


def _service_errors(
    error: DjangoValidationError, rename: dict[str, str] | None = None
) -> serializers.ValidationError:
    """A service's ``ValidationError`` as a 400 naming each API field."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        detail = {
            rename.get(name, "non_field_errors" if name == "__all__" else name): messages
            for name, messages in error.message_dict.items()
        }
    else:
        detail = {"non_field_errors": list(error.messages)}
    return serializers.ValidationError(detail)


def _valid(serializer: serializers.Serializer[Any]) -> dict[str, Any]:
    if not serializer.is_valid():
        raise serializers.ValidationError(_flatten(serializer.errors))
    return dict(serializer.validated_data)


def _user(request: Request) -> User:
    """The authenticated user (``IsAuthenticated`` ran before the handler)."""
    user = request.user
    assert isinstance(user, User)
    return user


class _StaffApi(APIView):
    """Bearer token or staff session; the token's scope per HTTP method."""

    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, HasScope]
    required_scopes: ClassVar[dict[str, str]] = {}


# --- uploads ---------------------------------------------------------------------------------

# A clamd restart (signature reload) takes well under a minute.
UPLOAD_SCAN_RETRY_AFTER_SECONDS = 60


class UploadCreateApi(_StaffApi):
    """First stage of a two-stage upload: validate and keep a file, answer its id."""

    parser_classes = [MultiPartParser]
    required_scopes = {"POST": Scope.UPLOADS_WRITE}

    @extend_schema_serializer(component_name="UploadCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField(
            allow_empty_file=True,
            help_text=_lazy("Tệp PDF, JPEG, PNG, TIFF, DOCX, XLSX hoặc ODT."),
            error_messages={"required": _lazy("Cần chọn một tệp (trường file).")},
        )

    @extend_schema_serializer(component_name="Upload")
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.UUIDField(help_text=_lazy("Mã tệp tải lên, dùng trong upload_ids."))
        name = serializers.CharField(
            source="original_name", help_text=_lazy("Tên tệp (đã làm sạch).")
        )
        size = serializers.IntegerField(help_text=_lazy("Dung lượng (byte)."))
        media_type = serializers.CharField(help_text=_lazy("Kiểu tệp theo nội dung."))
        sha256 = serializers.CharField(help_text=_lazy("SHA-256 của nội dung."))

    @extend_schema(
        operation_id="upload_create",
        summary="Upload a component file (stage 1)",
        description=(
            "Stores one file sent as multipart field `file` and answers its temporary id,"
            " to be attached to a dossier with `upload_ids` when receiving it. Files are"
            " checked against an allow-list by extension and by content (magic bytes):"
            " PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT; at most 20 MB by default; office"
            " documents that would unpack to more than 200 MB or more than 100 times their"
            " size are refused (zip bombs). When the installation configures ClamAV, every"
            " file is scanned and one with malware is refused. A rejected file answers 400"
            " with a precise Vietnamese message under `errors.file`; when the virus scanner"
            " is unreachable the file is refused (fail closed) with 503 and `Retry-After`."
            " The procedure's own limits (a component's maximum size and file types) are"
            " checked when the upload is attached to a dossier. Scope: `uploads:write`."
        ),
        request={"multipart/form-data": InputSerializer},
        responses={
            201: OutputSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            503: OpenApiResponse(
                ValidationErrorSerializer,
                description="The virus scanner is unreachable; nothing was stored. Retry later.",
            ),
        },
        examples=[
            OpenApiExample(
                "Stored",
                value={
                    "id": "6f1c2b9e-2f57-4c86-9d3b-0f8c1d2e3a4b",
                    "name": "cccd.pdf",
                    "size": 48213,
                    "media_type": "application/pdf",
                    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                },
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "A renamed program",
                value={
                    "errors": {
                        "file": [
                            "Tệp “setup.pdf” không phải là PDF (nội dung là tệp chương trình)."
                        ]
                    }
                },
                response_only=True,
                status_codes=["400"],
            ),
            OpenApiExample(
                "Malware",
                value={
                    "errors": {
                        "file": [
                            "Tệp “don.pdf” chứa mã độc (Win.Test.EICAR_HDB-1) nên không được nhận."
                        ]
                    }
                },
                response_only=True,
                status_codes=["400"],
            ),
            OpenApiExample(
                "Scanner down",
                value={
                    "errors": {
                        "file": [
                            "Chưa kiểm tra được mã độc cho tệp “don.pdf” vì dịch vụ quét mã độc"
                            " đang tạm ngừng; tệp chưa được nhận. Vui lòng thử lại sau ít phút."
                        ]
                    }
                },
                response_only=True,
                status_codes=["503"],
            ),
        ],
        tags=["dossiers"],
    )
    def post(self, request: Request) -> Response:
        data = _valid(self.InputSerializer(data=request.data))
        try:
            upload = upload_store(file=data["file"], user=_user(request))
        except UploadScanUnavailable as error:
            return Response(
                {"errors": {"file": [error.messages[0]]}},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(UPLOAD_SCAN_RETRY_AFTER_SECONDS)},
            )
        except UploadRejected as error:
            raise serializers.ValidationError({"file": [error.messages[0]]}) from error
        return Response(self.OutputSerializer(upload).data, status=status.HTTP_201_CREATED)


# --- receive ---------------------------------------------------------------------------------


class DossierReceiveApi(_StaffApi):
    """Receive a dossier at the counter, by post, or forwarded from another system."""

    required_scopes = {"POST": Scope.DOSSIERS_WRITE}

    @extend_schema_serializer(component_name="DossierReceiveInput")
    class InputSerializer(serializers.Serializer[Any]):
        @extend_schema_serializer(component_name="DossierUploadRef")
        class UploadRefSerializer(serializers.Serializer[Any]):
            id = serializers.UUIDField(help_text=_lazy("Mã tệp từ POST /uploads/."))
            component_code = serializers.CharField(
                required=False,
                allow_blank=True,
                default="",
                help_text=_lazy("Mã thành phần hồ sơ trong danh mục (nếu có)."),
            )
            name = serializers.CharField(
                max_length=500, help_text=_lazy("Tên giấy tờ, ví dụ “Bản sao CCCD”.")
            )

        procedure_code = serializers.CharField(
            max_length=40, help_text=_lazy("Mã thủ tục trên CSDL quốc gia.")
        )
        variant_code = serializers.CharField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_lazy("Mã trường hợp; mặc định trường hợp đầu tiên."),
        )
        agency_code = serializers.CharField(
            max_length=40, help_text=_lazy("Mã định danh cơ quan tiếp nhận.")
        )
        channel = serializers.ChoiceField(
            choices=Channel.choices,
            help_text=_lazy("1 trực tiếp, 2 trực tuyến, 3 bưu chính, 4 Cổng DVCQG."),
        )
        owner = PartyInputSerializer(help_text=_lazy("Chủ hồ sơ."))
        submitter = PartyInputSerializer(
            required=False,
            allow_null=True,
            default=None,
            help_text=_lazy("Người nộp thay (nếu khác chủ hồ sơ)."),
        )
        form_data = serializers.DictField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_lazy("Nội dung biểu mẫu điện tử của trường hợp."),
        )
        upload_ids = UploadRefSerializer(
            many=True, required=False, default=list, help_text=_lazy("Các giấy tờ đính kèm.")
        )
        return_mode = serializers.ChoiceField(
            choices=ReturnMode.choices, help_text=_lazy("Hình thức nhận kết quả.")
        )
        delivery_address = serializers.CharField(
            max_length=500,
            required=False,
            allow_blank=True,
            default="",
            help_text=_lazy("Địa chỉ nhận kết quả qua bưu chính."),
        )
        received_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_lazy(
                "Thời điểm tiếp nhận của hồ sơ chuyển từ hệ thống khác; không được ở tương lai."
            ),
        )

    @extend_schema_serializer(component_name="DossierReceipt")
    class OutputSerializer(serializers.Serializer[Dossier]):
        code = serializers.CharField(help_text=_lazy("Mã hồ sơ."))
        lookup_key = serializers.CharField(help_text=_lazy("Mã tra cứu in trên giấy tiếp nhận."))
        status = serializers.ChoiceField(
            choices=DossierStatus.choices, help_text=_lazy("Trạng thái (mã quốc gia).")
        )
        received_at = serializers.DateTimeField(
            allow_null=True,
            help_text=_lazy("Thời điểm tiếp nhận; null khi chờ tiếp nhận trực tuyến."),
        )
        due_at = serializers.DateTimeField(
            allow_null=True, help_text=_lazy("Thời điểm hẹn trả; null nếu chưa tiếp nhận.")
        )

    @extend_schema(
        operation_id="dossier_receive",
        summary="Receive a dossier",
        description=(
            "Creates a dossier. Counter (1) and postal (3) dossiers are received now (or at"
            " `received_at`, never in the future) by the caller, who must be a reception"
            " officer of `agency_code`; the answer has the dossier code, the lookup key for"
            " the receipt and the due instant. Online (2) and national-portal (4)"
            " submissions wait for acceptance (status 1, no due instant). Files from"
            " `POST /uploads/` are attached by `upload_ids`. With an `Idempotency-Key`"
            " header, repeating the same request answers 200 with the same body and"
            " creates nothing; the same key with a different body answers 409. Errors"
            " name each field, nested ones with dots (`owner.full_name`). Scope:"
            " `dossiers:write`."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description=(
                    "Client-chosen key (≤ 200 characters) making the request safe to repeat."
                ),
            )
        ],
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            200: OpenApiResponse(OutputSerializer, description="Repeat of an Idempotency-Key."),
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            409: OpenApiResponse(
                ValidationErrorSerializer,
                description="The Idempotency-Key was used for a different request.",
            ),
        },
        examples=[
            OpenApiExample(
                "Counter reception",
                value={
                    "procedure_code": "1.001193",
                    "variant_code": "thong-thuong",
                    "agency_code": "000.00.06.H57",
                    "channel": 1,
                    "owner": {
                        "kind": "citizen",
                        "full_name": "Nguyễn Thị Hoa",
                        "identity_number": "046190000123",
                        "phone": "0905123456",
                    },
                    "upload_ids": [
                        {"id": "6f1c2b9e-2f57-4c86-9d3b-0f8c1d2e3a4b", "name": "Tờ khai"}
                    ],
                    "return_mode": "counter",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Received",
                value={
                    "code": "000.00.06.H57-260420-0001",
                    "lookup_key": "K7PM2QXA",
                    "status": 2,
                    "received_at": "2026-04-20T09:00:00+07:00",
                    "due_at": "2026-04-28T09:00:00+07:00",
                },
                response_only=True,
                status_codes=["201", "200"],
            ),
            OpenApiExample(
                "Missing owner name",
                value={"errors": {"owner.full_name": ["Trường này là bắt buộc."]}},
                response_only=True,
                status_codes=["400"],
            ),
        ],
        tags=["dossiers"],
    )
    def post(self, request: Request) -> Response:
        data = _valid(DossierReceiveApi.InputSerializer(data=request.data))
        user = _user(request)
        # Reference reads through the process cache, one generation read (core.refdata).
        ref = refdata_snapshot()
        agency = ref.get(
            ("agency_by_code", data["agency_code"], timezone.localdate()),
            lambda: agency_get_by_code(code=data["agency_code"]),
        )
        if agency is None:
            raise serializers.ValidationError(
                {
                    "agency_code": [
                        _("Không tìm thấy cơ quan có mã “%(code)s”.")
                        % {"code": data["agency_code"]}
                    ]
                }
            )
        token = request.auth if isinstance(request.auth, ApiToken) else None
        client = token.identity() if token is not None else f"user:{user.pk}"
        key = (request.headers.get("Idempotency-Key") or "").strip()
        if len(key) > 200:
            raise serializers.ValidationError(
                {"Idempotency-Key": [_("Idempotency-Key dài tối đa 200 ký tự.")]}
            )
        replay = bool(key) and IdempotencyRecord.objects.filter(key=key, client=client).exists()
        try:
            with transaction.atomic():
                dossier = dossier_receive(
                    by=user,
                    agency=agency,
                    procedure_code=data["procedure_code"],
                    variant_code=data["variant_code"] or None,
                    channel=Channel(data["channel"]),
                    owner=PartyData(**data["owner"]),
                    submitter=PartyData(**data["submitter"]) if data["submitter"] else None,
                    form_data=data["form_data"],
                    return_mode=ReturnMode(data["return_mode"]),
                    delivery_address=data["delivery_address"],
                    received_at=data["received_at"],
                    idempotency_key=key,
                    client=client,
                    uploads=data["upload_ids"],
                    ref=ref,
                )
                if not replay:
                    self._attach(dossier=dossier, uploads=data["upload_ids"], user=user)
        except IdempotencyConflict as error:
            return Response(
                {
                    "errors": {
                        "Idempotency-Key": [
                            _(
                                "Idempotency-Key “%(key)s” đã được dùng cho một yêu cầu khác"
                                " (hồ sơ %(code)s)."
                            )
                            % {"key": key, "code": error.dossier_code}
                        ]
                    }
                },
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(
                _("Chỉ cán bộ một cửa của cơ quan này được tiếp nhận hồ sơ.")
            ) from error
        except DjangoValidationError as error:
            raise _service_errors(error) from error
        return Response(
            DossierReceiveApi.OutputSerializer(dossier).data,
            status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED,
        )

    @staticmethod
    def _attach(*, dossier: Dossier, uploads: list[dict[str, Any]], user: User) -> None:
        if not uploads:
            return
        components = {
            c.code: c
            for c in ComponentSpec.objects.filter(variant_id=dossier.variant_id).exclude(code="")
        }
        for index, item in enumerate(uploads):
            component = None
            if item["component_code"]:
                component = components.get(item["component_code"])
                if component is None:
                    raise DjangoValidationError(
                        {
                            f"upload_ids.{index}.component_code": _(
                                "Trường hợp thủ tục không có thành phần hồ sơ mã “%(code)s”."
                            )
                            % {"code": item["component_code"]}
                        }
                    )
            try:
                upload_attach(
                    upload_id=uuid.UUID(str(item["id"])),
                    dossier=dossier,
                    name=item["name"],
                    component=component,
                    user=user,
                )
            except UploadRejected as error:
                raise DjangoValidationError(
                    {f"upload_ids.{index}.id": error.messages[0]}
                ) from error


class DossierListApi(_StaffApi):
    """Dossiers in the caller's jurisdiction, filtered and paginated."""

    required_scopes = {"GET": Scope.DOSSIERS_READ}

    @extend_schema_serializer(component_name="DossierListItem")
    class OutputSerializer(DossierSummarySerializer):
        pass

    class InputSerializer(serializers.Serializer[Any]):
        status = serializers.ChoiceField(
            required=False,
            choices=DossierStatus.choices,
            help_text=_lazy("Chỉ hồ sơ ở trạng thái này (mã quốc gia 1–10)."),
        )
        agency = serializers.CharField(
            required=False,
            max_length=40,
            help_text=_lazy("Mã định danh cơ quan tiếp nhận hoặc giải quyết."),
        )
        due_before = serializers.DateTimeField(
            required=False, help_text=_lazy("Hẹn trả trước thời điểm này.")
        )
        q = serializers.CharField(
            required=False,
            max_length=200,
            help_text=_lazy("Một phần mã hồ sơ, tên người nộp, hoặc số CCCD / mã số thuế."),
        )
        page = serializers.IntegerField(
            required=False, min_value=1, help_text=_lazy("Số trang, từ 1; mỗi trang 20 hồ sơ.")
        )

    PageSerializer = extend_schema_serializer(component_name="PaginatedDossierList")(
        page_of(OutputSerializer)
    )

    @extend_schema(
        operation_id="dossier_list",
        summary="List dossiers in the caller's jurisdiction",
        description=(
            "Dossiers received by or decided by an agency the caller may see, newest"
            " reception first, 20 per page, filtered by `status`, `agency`, `due_before`"
            " and `q`. The number of database queries does not grow with the page."
            " Scope: `dossiers:read`."
        ),
        parameters=[InputSerializer],
        responses={
            200: PageSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: OpenApiResponse(DetailErrorSerializer, description="Page past the last one."),
        },
        examples=[
            OpenApiExample(
                "One page",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "code": "000.00.06.H57-260420-0001",
                            "procedure_code": "1.001193",
                            "procedure_name": "Đăng ký khai sinh",
                            "variant_code": "thong-thuong",
                            "channel": 1,
                            "status": 4,
                            "status_label": "Đang xử lý",
                            "received_by": {"code": "000.00.06.H57", "name": "Trung tâm PVHCC"},
                            "competent_agency": {
                                "code": "000.00.06.H57",
                                "name": "Trung tâm PVHCC",
                            },
                            "received_at": "2026-04-20T09:00:00+07:00",
                            "due_at": "2026-04-28T09:00:00+07:00",
                            "current_step": "Thẩm định",
                            "handler": None,
                            "timeliness": "",
                        }
                    ],
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
        tags=["dossiers"],
    )
    def get(self, request: Request) -> Response:
        given = {k: v for k, v in request.query_params.items() if isinstance(v, str) and v.strip()}
        params = _valid(DossierListApi.InputSerializer(data=given))
        qs = dossier_list(
            user=_user(request),
            status=DossierStatus(params["status"]) if "status" in params else None,
            agency_code=params.get("agency"),
            due_before=params.get("due_before"),
            q=params.get("q"),
        ).select_related("procedure_version__procedure")
        paginator = PageNumberPagination()
        paginator.page_size = PAGE_SIZE
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            DossierListApi.OutputSerializer(page or [], many=True).data
        )


class DossiersApi(DossierReceiveApi, DossierListApi):  # type: ignore[misc]  # nested names
    """``/dossiers/``: GET is :class:`DossierListApi`, POST is :class:`DossierReceiveApi`."""

    required_scopes = {"GET": Scope.DOSSIERS_READ, "POST": Scope.DOSSIERS_WRITE}


# --- detail and history ----------------------------------------------------------------------


class DossierDetailApi(_StaffApi):
    """One dossier with its parties, documents and the actions allowed to the caller now."""

    required_scopes = {"GET": Scope.DOSSIERS_READ}

    @extend_schema_serializer(component_name="DossierParty")
    class PartySerializer(serializers.Serializer[Any]):
        role = serializers.ChoiceField(choices=PartyRole.choices, help_text=_lazy("Vai trò."))
        kind = serializers.CharField(help_text=_lazy("Loại."))
        full_name = serializers.CharField(help_text=_lazy("Họ và tên."))
        identity_number = serializers.CharField(help_text=_lazy("Số CCCD."))
        tax_code = serializers.CharField(help_text=_lazy("Mã số thuế."))
        phone = serializers.CharField(help_text=_lazy("Điện thoại."))
        email = serializers.CharField(help_text=_lazy("Thư điện tử."))
        address = serializers.CharField(help_text=_lazy("Địa chỉ."))

    @extend_schema_serializer(component_name="DossierDocument")
    class DocumentSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField(help_text=_lazy("Mã giấy tờ."))
        name = serializers.CharField(help_text=_lazy("Tên giấy tờ."))
        original_name = serializers.CharField(help_text=_lazy("Tên tệp gốc."))
        size = serializers.IntegerField(help_text=_lazy("Dung lượng (byte)."))
        media_type = serializers.CharField(help_text=_lazy("Kiểu tệp."))
        sha256 = serializers.CharField(help_text=_lazy("SHA-256."))

    @extend_schema_serializer(component_name="DossierDetail")
    class OutputSerializer(DossierSummarySerializer):
        lookup_key = serializers.CharField(help_text=_lazy("Mã tra cứu."))
        submitted_at = serializers.DateTimeField(
            allow_null=True, help_text=_lazy("Thời điểm nộp trực tuyến.")
        )
        original_due_at = serializers.DateTimeField(
            allow_null=True, help_text=_lazy("Hẹn trả ban đầu, nếu đã xin lỗi và hẹn lại.")
        )
        step_due_at = serializers.DateTimeField(
            allow_null=True, help_text=_lazy("Hạn của bước hiện tại.")
        )
        finished_at = serializers.DateTimeField(
            allow_null=True, help_text=_lazy("Thời điểm giải quyết xong.")
        )
        returned_at = serializers.DateTimeField(
            allow_null=True, help_text=_lazy("Thời điểm trả kết quả.")
        )
        summary = serializers.CharField(help_text=_lazy("Trích yếu."))
        parties = serializers.SerializerMethodField(help_text=_lazy("Chủ hồ sơ, người nộp."))
        documents = serializers.SerializerMethodField(help_text=_lazy("Giấy tờ đính kèm."))
        allowed_actions = serializers.SerializerMethodField(
            help_text=_lazy("Các thao tác người gọi được làm lúc này (dạng trong địa chỉ URL).")
        )

        @extend_schema_field(serializers.ListField(child=serializers.CharField()))
        def get_allowed_actions(self, dossier: Dossier) -> list[str]:
            return [action_slug(a) for a in self.context.get("allowed_actions", [])]

        def get_parties(self, dossier: Dossier) -> list[dict[str, Any]]:
            return list(DossierDetailApi.PartySerializer(dossier.parties.all(), many=True).data)

        def get_documents(self, dossier: Dossier) -> list[dict[str, Any]]:
            return list(
                DossierDetailApi.DocumentSerializer(dossier.documents.all(), many=True).data
            )

    @extend_schema(
        operation_id="dossier_detail",
        summary="One dossier",
        description=(
            "The dossier's state, parties, documents and `allowed_actions`: the action"
            " slugs the caller may `POST` to `…/actions/<action>/` now. A code outside the"
            " caller's jurisdiction answers 404 like an unknown code. Scope: `dossiers:read`."
        ),
        parameters=[CODE],
        responses={200: OutputSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "Unknown or not visible",
                value={"detail": "Không tìm thấy hồ sơ có mã “000.00.06.H57-260420-0099”."},
                response_only=True,
                status_codes=["404"],
            )
        ],
        tags=["dossiers"],
    )
    def get(self, request: Request, code: str) -> Response:
        user = _user(request)
        dossier = _visible_dossier(user=user, code=code)
        # Drafts of the result are internal (gh-6 item 6): the owner never sees them.
        documents = DossierDocument.objects.order_by("id")
        if user.kind != UserKind.STAFF:
            documents = documents.filter(kind__in=PUBLIC_DOCUMENT_KINDS)
        dossier = (
            Dossier.objects.select_related(
                "procedure_version__procedure",
                "variant",
                "received_by",
                "competent_agency",
                "current_step",
                "handler",
            )
            .prefetch_related(
                Prefetch("parties", queryset=Party.objects.order_by("role")),
                Prefetch("documents", queryset=documents),
            )
            .get(pk=dossier.pk)
        )
        allowed = dossier_allowed_actions(dossier=dossier, user=user)
        return Response(self.OutputSerializer(dossier, context={"allowed_actions": allowed}).data)


class DossierHistoryApi(_StaffApi):
    """The append-only history of one dossier, oldest first, with the hash chain."""

    required_scopes = {"GET": Scope.DOSSIERS_READ}

    @extend_schema_serializer(component_name="DossierEvent")
    class OutputSerializer(serializers.Serializer[Any]):
        seq = serializers.IntegerField(help_text=_lazy("Số thứ tự sự kiện."))
        at = serializers.DateTimeField(help_text=_lazy("Thời điểm."))
        action = serializers.CharField(help_text=_lazy("Thao tác."))
        action_label = serializers.CharField(
            source="get_action_display", help_text=_lazy("Tên thao tác.")
        )
        actor = serializers.CharField(
            source="actor.username", allow_null=True, default=None, help_text=_lazy("Người làm.")
        )
        actor_role = serializers.CharField(help_text=_lazy("Vai trò khi làm."))
        actor_agency = AgencyRefSerializer(allow_null=True, help_text=_lazy("Cơ quan."))
        from_status = serializers.IntegerField(allow_null=True, help_text=_lazy("Từ trạng thái."))
        to_status = serializers.IntegerField(help_text=_lazy("Sang trạng thái."))
        from_step = serializers.CharField(
            source="from_step.name", allow_null=True, default=None, help_text=_lazy("Từ bước.")
        )
        to_step = serializers.CharField(
            source="to_step.name", allow_null=True, default=None, help_text=_lazy("Sang bước.")
        )
        to_handler = serializers.CharField(
            source="to_handler.username",
            allow_null=True,
            default=None,
            help_text=_lazy("Giao cho."),
        )
        due_at = serializers.DateTimeField(allow_null=True, help_text=_lazy("Hạn hồ sơ sau đó."))
        step_due_at = serializers.DateTimeField(allow_null=True, help_text=_lazy("Hạn bước."))
        note = serializers.CharField(help_text=_lazy("Lý do, ý kiến."))
        details = serializers.DictField(source="data", help_text=_lazy("Chi tiết của thao tác."))
        prev_hash = serializers.CharField(help_text=_lazy("Băm sự kiện trước."))
        hash = serializers.CharField(help_text=_lazy("Băm SHA-256 của sự kiện."))

    @extend_schema(
        operation_id="dossier_history",
        summary="History of a dossier",
        description=(
            "Every event of the dossier (reception and each action), oldest first: actor,"
            " role, agency, instant, status and step change, deadlines after the event,"
            " note and details, with the SHA-256 chain (`prev_hash` → `hash`) that"
            " `manage.py verify_history` checks. Scope: `dossiers:read`."
        ),
        parameters=[CODE],
        responses={
            200: OutputSerializer(many=True),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
        tags=["dossiers"],
    )
    def get(self, request: Request, code: str) -> Response:
        user = _user(request)
        dossier = _visible_dossier(user=user, code=code)
        events = (
            DossierEvent.objects.filter(dossier=dossier)
            .select_related("actor", "actor_agency", "from_step", "to_step", "to_handler")
            .order_by("seq")
        )
        data = self.OutputSerializer(events, many=True).data
        if user.kind != UserKind.STAFF:
            # A forward's documents are drafts of the result, internal to the agency
            # (gh-6 item 6): the owner does not learn their names or digests either.
            for event in data:
                if event["action"] == A.FORWARD:
                    event["details"] = {
                        k: v for k, v in event["details"].items() if k != "documents"
                    }
        return Response(data)


# --- actions ---------------------------------------------------------------------------------


@extend_schema_serializer(component_name="DossierActionResult")
class ActionResultSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_lazy("Mã hồ sơ."))
    status = serializers.ChoiceField(
        choices=DossierStatus.choices, help_text=_lazy("Trạng thái sau thao tác.")
    )
    status_label = serializers.CharField(
        source="get_status_display", help_text=_lazy("Tên trạng thái.")
    )
    due_at = serializers.DateTimeField(allow_null=True, help_text=_lazy("Hẹn trả."))
    current_step = serializers.CharField(
        source="current_step.name", allow_null=True, default=None, help_text=_lazy("Bước.")
    )
    step_due_at = serializers.DateTimeField(allow_null=True, help_text=_lazy("Hạn của bước."))
    handler = serializers.CharField(
        source="handler.username", allow_null=True, default=None, help_text=_lazy("Người xử lý.")
    )
    event_seq = serializers.IntegerField(help_text=_lazy("Số thứ tự sự kiện vừa ghi."))
    allowed_actions = serializers.ListField(
        child=serializers.CharField(), help_text=_lazy("Các thao tác người gọi được làm tiếp.")
    )


def _note_field() -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=4000,
        help_text=_lazy("Ý kiến, ghi chú (không bắt buộc)."),
    )


def _upload_ids_field(help_text: Any) -> serializers.ListField:
    """Optional list of the caller's temporary uploads (``POST /api/v1/uploads/``) to attach."""
    return serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, help_text=help_text
    )


def _reason_field() -> serializers.CharField:
    return serializers.CharField(
        max_length=4000,
        help_text=_lazy("Lý do (bắt buộc)."),
        error_messages={
            "required": _lazy("Cần nêu lý do."),
            "blank": _lazy("Cần nêu lý do."),
        },
    )


@extend_schema_serializer(component_name="DossierNoteInput")
class NoteInputSerializer(serializers.Serializer[Any]):
    note = _note_field()


@extend_schema_serializer(component_name="DossierReasonInput")
class ReasonInputSerializer(serializers.Serializer[Any]):
    reason = _reason_field()


class _DossierActionApi(_StaffApi):
    """``POST dossiers/<code>/actions/<action>/`` through ``dossier_act``.

    Order of checks: the dossier must be visible (else 404, like an unknown
    code); the fields valid (400 naming each); the action possible now (409
    with the current status and the allowed actions); the caller's role (403).
    """

    action: ClassVar[EventAction]
    InputSerializer: ClassVar[type[serializers.Serializer[Any]]] = NoteInputSerializer
    # Service field name → API field name, for 400s raised by the service.
    rename: ClassVar[dict[str, str]] = {}
    required_scopes = {"POST": Scope.DOSSIERS_WRITE}

    def service_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return data

    def rename_for(self, data: dict[str, Any]) -> dict[str, str]:
        return self.rename

    def post(self, request: Request, code: str) -> Response:
        user = _user(request)
        _visible_dossier(user=user, code=code, action=self.action)
        data = _valid(self.InputSerializer(data=request.data))
        try:
            event = dossier_act(code=code, action=self.action, by=user, **self.service_fields(data))
        except TransitionRefused as refused:
            return Response(
                {
                    "errors": {
                        "action": [
                            _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
                            % {"action": refused.requested.label, "status": refused.current.label}
                        ]
                    },
                    "status": int(refused.current),
                    "allowed_actions": [action_slug(a) for a in refused.allowed],
                },
                status=status.HTTP_409_CONFLICT,
            )
        except Dossier.DoesNotExist as error:
            raise _not_found(code) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(
                _("Bạn không có quyền “%(action)s” đối với hồ sơ này.")
                % {"action": self.action.label}
            ) from error
        except DjangoValidationError as error:
            raise _service_errors(error, self.rename_for(data)) from error
        dossier = Dossier.objects.select_related("current_step", "handler").get(pk=event.dossier_id)
        body = ActionResultSerializer(
            {
                "code": dossier.code,
                "status": dossier.status,
                "get_status_display": dossier.get_status_display(),
                "due_at": dossier.due_at,
                "current_step": dossier.current_step,
                "step_due_at": dossier.step_due_at,
                "handler": dossier.handler,
                "event_seq": event.seq,
                "allowed_actions": [
                    action_slug(a) for a in dossier_allowed_actions(dossier=dossier, user=user)
                ],
            }
        ).data
        return Response(body)


def _action_schema(
    action: EventAction, summary: str, description: str, example: dict[str, Any]
) -> Callable[[type[_DossierActionApi]], type[_DossierActionApi]]:
    """Document one action endpoint: its own operation, request component and examples."""
    slug = action_slug(action)

    def decorate(cls: type[_DossierActionApi]) -> type[_DossierActionApi]:
        if "InputSerializer" in cls.__dict__:
            name = "".join(part.title() for part in action.value.split("_"))
            extend_schema_serializer(component_name=f"Dossier{name}Input")(cls.InputSerializer)
        base_post = cls.post

        def post(self: _DossierActionApi, request: Request, code: str) -> Response:
            return base_post(self, request, code)

        cls.post = extend_schema(  # type: ignore[method-assign]
            operation_id=f"dossier_action_{action.value}",
            summary=summary,
            description=(
                f"{description} Answers the dossier's new state. 400 names each invalid"
                " field; 403 when the caller's role or agency may not do this; 404 for an"
                " unknown code or one outside the caller's jurisdiction; 409 when the action"
                " is not possible in the current state, with `status` and the"
                " `allowed_actions` now. Scope: `dossiers:write`."
            ),
            parameters=[CODE],
            request=cls.InputSerializer,
            responses={
                200: ActionResultSerializer,
                400: BAD_REQUEST,
                401: UNAUTHENTICATED,
                403: FORBIDDEN,
                404: NOT_FOUND,
                409: OpenApiResponse(ActionRefusedSerializer, description="Not possible now."),
            },
            examples=[
                OpenApiExample(f"{slug} request", value=example, request_only=True),
                OpenApiExample(
                    "Not possible now",
                    value={
                        "errors": {
                            "action": [
                                f"Không thể “{action.label}” khi hồ sơ đang ở trạng thái"
                                " “Đã trả kết quả”."
                            ]
                        },
                        "status": 10,
                        "allowed_actions": [],
                    },
                    response_only=True,
                    status_codes=["409"],
                ),
            ],
            tags=["dossier actions"],
        )(post)
        return cls

    return decorate


A = EventAction


@_action_schema(
    A.ACCEPT,
    "Accept an online submission",
    "T2: the one-stop accepts; the clock starts.",
    {"note": ""},
)
class DossierAcceptApi(_DossierActionApi):
    action = A.ACCEPT


class SupplementItemField(serializers.JSONField):
    """One item of a supplement request: a string, or ``{name, field?, note?}``."""

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if isinstance(value, str) and value.strip() and len(value) <= 500:
            return value.strip()
        if isinstance(value, dict) and isinstance(value.get("name"), str) and value["name"]:
            extra = set(value) - {"name", "field", "note", "component", "quantity", "form"}
            if not extra and all(isinstance(v, str | int) for v in value.values()):
                return value
        raise serializers.ValidationError(
            _("Mỗi nội dung cần bổ sung là một chuỗi, hoặc đối tượng có name (và field, note).")
        )


@_action_schema(
    A.REQUEST_SUPPLEMENT,
    "Request a supplement",
    "T3/T12: ask for missing documents (Mẫu 02); during processing the clock pauses.",
    {
        "items": ["Bản sao CCCD"],
        "reason": "Thiếu giấy tờ",
        "respond_by": "2026-03-20T17:00:00+07:00",
    },
)
class DossierRequestSupplementApi(_DossierActionApi):
    action = A.REQUEST_SUPPLEMENT

    class InputSerializer(serializers.Serializer[Any]):
        items = serializers.ListField(
            child=SupplementItemField(),
            allow_empty=False,
            help_text=_lazy(
                "Các giấy tờ, nội dung cần bổ sung: chuỗi, hoặc đối tượng"
                " {name, field?, note?} — field là trường tờ khai người dân được sửa."
            ),
            error_messages={"empty": _lazy("Cần nêu ít nhất một nội dung cần bổ sung.")},
        )
        reason = _reason_field()
        respond_by = serializers.DateTimeField(
            required=False, allow_null=True, default=None, help_text=_lazy("Hạn bổ sung.")
        )


@_action_schema(
    A.SUBMIT_SUPPLEMENT,
    "Record a complete supplement",
    "T13: the supplement is received; the clock runs again (restart or extend).",
    {"note": "Đã nhận bản sao CCCD"},
)
class DossierSubmitSupplementApi(_DossierActionApi):
    action = A.SUBMIT_SUPPLEMENT


@_action_schema(
    A.REFUSE,
    "Refuse an online submission",
    "T4/T13b: refusal with its reason (Mẫu 03).",
    {"reason": "Không thuộc thẩm quyền"},
)
class DossierRefuseApi(_DossierActionApi):
    action = A.REFUSE
    InputSerializer = ReasonInputSerializer


@_action_schema(
    A.TRANSFER,
    "Transfer to the competent unit",
    "T7: enters the first workflow step.",
    {"note": ""},
)
class DossierTransferApi(_DossierActionApi):
    action = A.TRANSFER


@_action_schema(
    A.ASSIGN,
    "Assign the current step",
    "T8: a leader assigns an officer.",
    {"handler": "chuyenvien.tp", "note": ""},
)
class DossierAssignApi(_DossierActionApi):
    action = A.ASSIGN

    class InputSerializer(serializers.Serializer[Any]):
        handler = serializers.CharField(
            max_length=150, help_text=_lazy("Tên đăng nhập của cán bộ được giao.")
        )
        note = _note_field()

        def validate_handler(self, value: str) -> User:
            user = User.objects.filter(username=value, kind=UserKind.STAFF, is_active=True).first()
            if user is None:
                raise serializers.ValidationError(
                    _("Không có cán bộ có tên đăng nhập “%(name)s”.") % {"name": value}
                )
            return user


@_action_schema(
    A.FORWARD,
    "Forward to the next step",
    "T8: to the next workflow step, optionally with the draft result for review"
    " (`upload_ids`, attached as internal `draft` documents the applicant never sees).",
    {"note": "Đủ điều kiện"},
)
class DossierForwardApi(_DossierActionApi):
    action = A.FORWARD

    class InputSerializer(serializers.Serializer[Any]):
        note = _note_field()
        upload_ids = _upload_ids_field(
            _lazy(
                "Dự thảo kết quả gửi kèm để xem xét (không bắt buộc), đã tải lên"
                " (POST /api/v1/uploads/); chỉ cán bộ xem được."
            )
        )


@_action_schema(
    A.SEND_BACK,
    "Send back to the previous step",
    "T8b: with a reason.",
    {"reason": "Cần thẩm định lại"},
)
class DossierSendBackApi(_DossierActionApi):
    action = A.SEND_BACK
    InputSerializer = ReasonInputSerializer


@_action_schema(
    A.COORDINATE,
    "Ask another agency's opinion",
    "T9: a coordination request with its own deadline.",
    {
        "agency_code": "000.00.31.H57",
        "question": "Xin ý kiến về…",
        "due_at": "2026-03-13T17:00:00+07:00",
    },
)
class DossierCoordinateApi(_DossierActionApi):
    action = A.COORDINATE
    rename = {"agency": "agency_code"}

    class InputSerializer(serializers.Serializer[Any]):
        agency_code = serializers.CharField(
            max_length=40, help_text=_lazy("Mã định danh cơ quan được xin ý kiến.")
        )
        question = serializers.CharField(max_length=4000, help_text=_lazy("Nội dung xin ý kiến."))
        due_at = serializers.DateTimeField(help_text=_lazy("Hạn trả lời."))

        def validate_agency_code(self, value: str) -> Agency:
            agency = agency_get_by_code(code=value)
            if agency is None:
                raise serializers.ValidationError(
                    _("Không tìm thấy cơ quan có mã “%(code)s”.") % {"code": value}
                )
            return agency

    def service_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "agency": data["agency_code"],
            "question": data["question"],
            "due_at": data["due_at"],
        }


@_action_schema(A.APPROVE, "Approve", "T8: approval at a step that allows it.", {"note": "Đồng ý"})
class DossierApproveApi(_DossierActionApi):
    action = A.APPROVE


@_action_schema(A.SIGN, "Sign", "T8: signature at a step that allows it.", {"note": ""})
class DossierSignApi(_DossierActionApi):
    action = A.SIGN


@_action_schema(
    A.ISSUE_RESULT,
    "Issue the result",
    "T19: the signed result is issued; the dossier is classified early/on time/late.",
    {"note": "", "result": {"number": "123/QĐ-UBND"}},
)
class DossierIssueResultApi(_DossierActionApi):
    action = A.ISSUE_RESULT

    class InputSerializer(serializers.Serializer[Any]):
        note = _note_field()
        result = serializers.DictField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_lazy("Thông tin kết quả: số, ngày ký, title (tên kết quả)…"),
        )
        upload_ids = _upload_ids_field(
            _lazy("Tệp kết quả điện tử đã ký số, đã tải lên (POST /api/v1/uploads/).")
        )


@_action_schema(
    A.REFUSE_RESULT,
    "Refuse to grant",
    "T15: not eligible; the written refusal is the result.",
    {"reason": "Không đủ điều kiện"},
)
class DossierRefuseResultApi(_DossierActionApi):
    action = A.REFUSE_RESULT
    InputSerializer = ReasonInputSerializer


@_action_schema(
    A.APOLOGIZE,
    "Apologise and set a new appointment",
    "T16: Mẫu 04, once, at least one working day before the due instant.",
    {"reason": "Cần xác minh thêm", "new_due_at": "2026-03-20T09:00:00+07:00"},
)
class DossierApologizeApi(_DossierActionApi):
    action = A.APOLOGIZE

    class InputSerializer(serializers.Serializer[Any]):
        reason = _reason_field()
        new_due_at = serializers.DateTimeField(help_text=_lazy("Ngày hẹn trả mới."))


@_action_schema(
    A.PAUSE_FINANCIAL, "Wait for a financial obligation", "T14: the clock pauses.", {"note": ""}
)
class DossierPauseFinancialApi(_DossierActionApi):
    action = A.PAUSE_FINANCIAL


@_action_schema(
    A.RESUME, "Resume after payment", "T14: the due instant moves by the paused time.", {"note": ""}
)
class DossierResumeApi(_DossierActionApi):
    action = A.RESUME


@_action_schema(
    A.WITHDRAW,
    "Withdraw at the citizen's request",
    "T17: the clock stops.",
    {"reason": "Công dân rút hồ sơ"},
)
class DossierWithdrawApi(_DossierActionApi):
    action = A.WITHDRAW
    InputSerializer = ReasonInputSerializer


@_action_schema(
    A.STOP,
    "Stop processing",
    "T18: only while no result was issued (Mẫu 05).",
    {"reason": "Theo yêu cầu của cơ quan có thẩm quyền"},
)
class DossierStopApi(_DossierActionApi):
    action = A.STOP
    InputSerializer = ReasonInputSerializer


@_action_schema(
    A.RETURN_RESULT,
    "Return the result",
    "T20: handed over where the dossier was received; at the counter, with who received it"
    " (and for whom) and whether the originals were handed back.",
    {
        "note": "",
        "receiver_name": "Nguyễn Văn An",
        "receiver_identity": "046090001234",
        "on_behalf_of": "Nguyễn Thị Hoa",
        "originals_returned": True,
    },
)
class DossierReturnResultApi(_DossierActionApi):
    action = A.RETURN_RESULT

    class InputSerializer(serializers.Serializer[Any]):
        note = _note_field()
        receiver_name = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=200,
            help_text=_lazy("Họ tên người nhận kết quả (tại quầy)."),
        )
        receiver_identity = serializers.RegexField(
            r"^[0-9A-Za-z]{6,20}$",
            required=False,
            allow_blank=True,
            default="",
            max_length=20,
            help_text=_lazy("Số định danh cá nhân (CCCD) hoặc hộ chiếu của người nhận."),
            error_messages={
                "invalid": _lazy("Số giấy tờ gồm 6–20 chữ số hoặc chữ cái, không dấu cách.")
            },
        )
        on_behalf_of = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=200,
            help_text=_lazy("Nhận thay cho ai (để trống nếu chủ hồ sơ tự nhận)."),
        )
        originals_returned = serializers.BooleanField(
            required=False,
            default=False,
            help_text=_lazy("Đã trả lại bản chính giấy tờ người nộp đã xuất trình."),
        )


@_action_schema(
    A.DISPATCH,
    "Send the result by post",
    "T20a: the result is handed to the postal service with its waybill; it is returned"
    " when the delivery is recorded.",
    {"waybill": "MC1234567897", "note": ""},
)
class DossierDispatchApi(_DossierActionApi):
    action = A.DISPATCH

    class InputSerializer(serializers.Serializer[Any]):
        waybill = serializers.CharField(max_length=40, help_text=_lazy("Mã vận đơn."))
        note = _note_field()


@_action_schema(
    A.SWITCH_VARIANT,
    "Switch the procedure variant",
    "T8b: the due instant is recomputed from reception.",
    {"variant_code": "trong-ngay", "reason": "Nhầm trường hợp"},
)
class DossierSwitchVariantApi(_DossierActionApi):
    action = A.SWITCH_VARIANT

    class InputSerializer(serializers.Serializer[Any]):
        variant_code = serializers.CharField(max_length=60, help_text=_lazy("Mã trường hợp mới."))
        reason = _reason_field()


@_action_schema(
    A.RECALL,
    "Recall a forwarded dossier",
    "T8b: the officer who just forwarded takes it back before the next handler acts.",
    {"reason": "Chuyển nhầm"},
)
class DossierRecallApi(_DossierActionApi):
    action = A.RECALL

    class InputSerializer(serializers.Serializer[Any]):
        reason = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=4000,
            help_text=_lazy("Lý do thu hồi (không bắt buộc)."),
        )


@_action_schema(
    A.COORDINATION_ANSWER,
    "Answer a coordination request",
    "T9: the consulted agency answers; a late answer is flagged.",
    {"answer": "Thống nhất", "coordination_id": 12},
)
class DossierCoordinationAnswerApi(_DossierActionApi):
    action = A.COORDINATION_ANSWER

    class InputSerializer(serializers.Serializer[Any]):
        answer = serializers.CharField(
            max_length=4000,
            help_text=_lazy("Ý kiến trả lời."),
            error_messages={"required": _lazy("Cần nhập ý kiến trả lời.")},
        )
        coordination_id = serializers.IntegerField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_lazy("Yêu cầu phối hợp được trả lời; mặc định yêu cầu cũ nhất."),
        )


@_action_schema(
    A.LINK,
    "Send to linked agencies (liên thông)",
    "T10/T11: legs with the same order run in parallel, higher orders after.",
    {"legs": [{"agency_code": "000.00.31.H57", "budget_hours": "16", "order": 1}], "note": ""},
)
class DossierLinkApi(_DossierActionApi):
    action = A.LINK

    class InputSerializer(serializers.Serializer[Any]):
        @extend_schema_serializer(component_name="DossierLinkLegInput")
        class LegSerializer(serializers.Serializer[Any]):
            agency_code = serializers.CharField(
                max_length=40, help_text=_lazy("Mã định danh cơ quan liên thông.")
            )
            budget_hours = serializers.DecimalField(
                max_digits=7, decimal_places=2, help_text=_lazy("Thời hạn (giờ làm việc).")
            )
            order = serializers.IntegerField(
                default=1, help_text=_lazy("Thứ tự; bằng nhau là song song.")
            )
            external_code = serializers.CharField(
                required=False,
                allow_blank=True,
                default="",
                max_length=80,
                help_text=_lazy("Mã hồ sơ trên hệ thống của cơ quan đó."),
            )

            def validate_agency_code(self, value: str) -> Agency:
                agency = agency_get_by_code(code=value)
                if agency is None:
                    raise serializers.ValidationError(
                        _("Không tìm thấy cơ quan có mã “%(code)s”.") % {"code": value}
                    )
                return agency

        legs = LegSerializer(many=True, help_text=_lazy("Các cơ quan liên thông."))
        note = _note_field()

    def service_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        legs = [
            LegData(
                agency=leg["agency_code"],
                budget_hours=leg["budget_hours"],
                order=leg["order"],
                external_code=leg["external_code"],
            )
            for leg in data["legs"]
        ]
        return {"legs": legs, "note": data["note"]}

    def rename_for(self, data: dict[str, Any]) -> dict[str, str]:
        # The service names legs.<i>.agency; the API field is legs.<i>.agency_code.
        return {f"legs.{i}.agency": f"legs.{i}.agency_code" for i in range(len(data["legs"]))}


@_action_schema(
    A.LINK_DONE,
    "Record a linked agency's leg as done",
    "T10/T11: the leg is classified early, on time or late against its deadline.",
    {"leg_id": 7, "result_note": "Đã cấp", "external_code": ""},
)
class DossierLinkDoneApi(_DossierActionApi):
    action = A.LINK_DONE

    class InputSerializer(serializers.Serializer[Any]):
        leg_id = serializers.IntegerField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_lazy("Phần liên thông; mặc định phần đầu tiên người gọi được kết thúc."),
        )
        result_note = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=4000,
            help_text=_lazy("Kết quả."),
        )
        external_code = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=80,
            help_text=_lazy("Mã hồ sơ trên hệ thống khác."),
        )


@_action_schema(
    A.ACCEPT_TRANSFER,
    "Accept a dossier received elsewhere",
    "TX: the competent agency accepts a cross-boundary dossier; its first step starts.",
    {"note": ""},
)
class DossierAcceptTransferApi(_DossierActionApi):
    action = A.ACCEPT_TRANSFER


@_action_schema(
    A.RESUBMIT,
    "Re-submit after a supplement request before reception",
    "T3: the online dossier stays submitted; the request is marked answered.",
    {"note": "Đã bổ sung"},
)
class DossierResubmitApi(_DossierActionApi):
    action = A.RESUBMIT


@_action_schema(
    A.SEND_SUPPLEMENT,
    "Send the requested supplement (the owner)",
    "T13, first half: the owner sends the supplement online; the dossier keeps awaiting the"
    " one-stop's confirmation (submit-supplement) and the clock stays paused.",
    {"note": "Đã tải lên bản sao CCCD"},
)
class DossierSendSupplementApi(_DossierActionApi):
    action = A.SEND_SUPPLEMENT

    class InputSerializer(serializers.Serializer[Any]):
        note = _note_field()
        upload_ids = _upload_ids_field(_lazy("Tệp bổ sung đã tải lên (POST /api/v1/uploads/)."))
        form_changes = serializers.DictField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_lazy("Nội dung tờ khai được yêu cầu sửa: {tên trường: giá trị mới}."),
        )


ACTION_VIEWS: dict[EventAction, type[_DossierActionApi]] = {
    view.action: view
    for view in (
        DossierAcceptApi,
        DossierRequestSupplementApi,
        DossierSubmitSupplementApi,
        DossierRefuseApi,
        DossierTransferApi,
        DossierAssignApi,
        DossierForwardApi,
        DossierSendBackApi,
        DossierCoordinateApi,
        DossierApproveApi,
        DossierSignApi,
        DossierIssueResultApi,
        DossierRefuseResultApi,
        DossierApologizeApi,
        DossierPauseFinancialApi,
        DossierResumeApi,
        DossierWithdrawApi,
        DossierStopApi,
        DossierReturnResultApi,
        DossierDispatchApi,
        DossierSwitchVariantApi,
        DossierRecallApi,
        DossierCoordinationAnswerApi,
        DossierLinkApi,
        DossierLinkDoneApi,
        DossierAcceptTransferApi,
        DossierResubmitApi,
        DossierSendSupplementApi,
    )
}


# --- control sheet and official forms --------------------------------------------------------


class DossierControlSheetApi(_StaffApi):
    """The process control sheet (Mẫu 06) of one dossier, derived from its history."""

    required_scopes = {"GET": Scope.DOSSIERS_READ}

    @extend_schema_serializer(component_name="ControlSheetRow")
    class OutputSerializer(serializers.Serializer[Any]):
        seq = serializers.IntegerField(help_text=_lazy("Số thứ tự sự kiện."))
        at = serializers.DateTimeField(help_text=_lazy("Thời điểm giao, nhận."))
        action = serializers.CharField(help_text=_lazy("Thao tác."))
        giver_agency = serializers.CharField(help_text=_lazy("Cơ quan bên giao."))
        giver = serializers.CharField(help_text=_lazy("Người giao."))
        receiver_agency = serializers.CharField(help_text=_lazy("Cơ quan bên nhận."))
        receiver = serializers.CharField(help_text=_lazy("Người nhận."))
        deadline = serializers.DateTimeField(
            allow_null=True, help_text=_lazy("Hạn của bên giao cho phần việc đã giao.")
        )
        timeliness = serializers.CharField(
            allow_null=True, help_text=_lazy("Trước hạn, đúng hạn hay quá hạn.")
        )
        note = serializers.CharField(help_text=_lazy("Ghi chú."))

    @extend_schema(
        operation_id="dossier_control_sheet",
        summary="Process control sheet (Mẫu 06)",
        description=(
            "One row per hand-over of the dossier (reception, transfer, assignment,"
            " forwarding, supplement, result…): who gave it to whom, when, the giving"
            " side's deadline and whether it was met — derived from the history."
            " The printable form is `GET …/forms/mau-06.pdf`. Scope: `dossiers:read`."
        ),
        parameters=[CODE],
        responses={
            200: OutputSerializer(many=True),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
        tags=["dossiers"],
    )
    def get(self, request: Request, code: str) -> Response:
        dossier = _visible_dossier(user=_user(request), code=code)
        # The rows' enum fields serialise as their values (TextChoices are str).
        rows = control_sheet_rows(dossier=dossier)
        return Response(self.OutputSerializer(rows, many=True).data)


class PdfRenderer(BaseRenderer):
    """Lets clients ask for ``Accept: application/pdf``; errors are still JSON text."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False, default=str).encode()


# Mẫu 07 is a register of an agency and a period, not a form of one dossier.
DOSSIER_FORMS = [form for form in OfficialForm if form != OfficialForm.FORM_07]


class DossierFormPdfApi(_StaffApi):
    """One official form of a dossier as PDF (TT 03/2025 Annex I)."""

    required_scopes = {"GET": Scope.DOSSIERS_READ}
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        operation_id="dossier_form_pdf",
        summary="An official form of the dossier as PDF",
        description=(
            "Generates the form from the dossier and its history (A4/A5 as the form"
            " specifies, with the issuing body, the national motto, the dossier code and a"
            " QR code to the public lookup): `mau-01` receipt and appointment, `mau-02`"
            " supplement request, `mau-03` refusal, `mau-04` apology and new appointment,"
            " `mau-05` notice of stopping, `mau-06` process control sheet,"
            " `bien-nhan-tra-ket-qua` result-return receipt. 404 when the dossier has no"
            " record the form is made from (e.g. `mau-04` without an apology)."
            " Scope: `dossiers:read`."
        ),
        parameters=[
            CODE,
            OpenApiParameter(
                "form",
                str,
                OpenApiParameter.PATH,
                enum=[form.value for form in DOSSIER_FORMS],
                description="Which form.",
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF document."
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: OpenApiResponse(
                DetailErrorSerializer,
                description="Unknown or hidden dossier, unknown form, or a form that does not"
                " apply to this dossier yet.",
            ),
        },
        tags=["dossiers"],
    )
    def get(self, request: Request, code: str, form: str) -> HttpResponse:
        dossier = _visible_dossier(user=_user(request), code=code)
        try:
            which = OfficialForm(form)
        except ValueError as error:
            raise NotFound(_("Không có mẫu “%(form)s”.") % {"form": form}) from error
        if which == OfficialForm.FORM_07:
            raise NotFound(_("Mẫu 07 là sổ theo dõi của cơ quan, không in theo từng hồ sơ."))
        try:
            pdf = official_form_pdf(
                dossier=dossier, form=which, request_base_url=request.build_absolute_uri("/")
            )
        except FormNotApplicable as error:
            raise NotFound(
                _("Hồ sơ chưa có nội dung để lập “%(form)s”.") % {"form": which.label}
            ) from error
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{dossier.code}-{which.value}.pdf"'
        return response


# --- public lookup ---------------------------------------------------------------------------


# What the public lookup reads: the dossier's public fields and, joined, its events in
# order (one row per event; one row with null event fields for a dossier without any).
_LOOKUP_FIELDS = (
    "id",
    "code",
    "lookup_key",
    "status",
    "timeliness",
    "received_at",
    "due_at",
    "procedure_version__name",
    "current_step__name",
    "events__action",
    "events__at",
    "events__to_status",
)
# Their positions in a row.
(_ID, _CODE, _KEY, _STATUS, _TIMELINESS, _RECEIVED_AT, _DUE_AT, _PROCEDURE, _STEP) = range(9)
(_ACTION, _AT, _TO_STATUS) = range(9, 12)


# The lookup's SELECT as the ORM writes it for a database alias, compiled once per
# process (gh-4 item 13: compiling the join cost a sixth of the request): the statement
# never changes, only the code, its one parameter, does. Per alias: the SQL and the
# converters of the columns whose values the backend converts (SQLite's datetimes;
# none on PostgreSQL).
_LOOKUP_STATEMENTS: dict[str, tuple[str, Converters]] = {}


def _lookup_statement(alias: str) -> tuple[str, Converters]:
    statement = _LOOKUP_STATEMENTS.get(alias)
    if statement is None:
        query = Dossier.objects.filter(code="").order_by("events__seq").values(*_LOOKUP_FIELDS)
        compiler = query.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        columns = tuple(query.query.values_select)
        if tuple(params) != ("",) or columns != _LOOKUP_FIELDS or len(compiler.select) != 12:
            raise RuntimeError(f"Unexpected lookup statement: {sql!r} {params!r}")
        selected = [(index, column) for index, (column, _, _) in enumerate(compiler.select)]
        statement = (sql, converters_for(selected, alias))
        _LOOKUP_STATEMENTS[alias] = statement
    return statement


def _lookup(*, code: str, key: str, identity_number: str) -> list[tuple[Any, ...]] | None:
    """The dossier's lookup rows if the second factor matches (constant-time), else None.

    One query (two with the identity number): the dossier with its procedure
    name, current step and timeline, one row per event in order (one row with
    null event fields for a dossier without any), each a tuple in the order of
    ``_LOOKUP_FIELDS``, as ``.values()`` would give them.
    """
    alias = router.db_for_read(Dossier)
    sql, converters = _lookup_statement(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, (code,))
        rows = cursor.fetchall()
    if not rows:
        return None
    if converters:
        rows = [tuple(convert_row(row, converters, alias)) for row in rows]
    first = rows[0]
    matches = lookup_factor_matches(
        dossier_id=first[_ID], lookup_key=first[_KEY], key=key, identity_number=identity_number
    )
    return rows if matches else None


def _lookup_params(view: DossierLookupApi, request: Request) -> dict[str, str]:
    """The stripped query parameters, validated as ``InputSerializer`` validates them.

    Parameters that plainly pass (within the lengths, no NUL or surrogate
    characters, a code and a second factor) are taken as they are; anything
    else goes through the serializer, which answers 400 with its messages.
    """
    params = {
        name: value.strip()
        for name, value in request.query_params.items()
        if name in _LOOKUP_LIMITS and isinstance(value, str) and value.strip()
    }
    plain = (
        "code" in params
        and ("key" in params or "identity_number" in params)
        and all(
            len(value) <= _LOOKUP_LIMITS[name]
            and "\x00" not in value
            and not any("\ud800" <= char <= "\udfff" for char in value)
            for name, value in params.items()
        )
    )
    if plain:
        return params
    given = {k: v for k, v in request.query_params.items() if isinstance(v, str) and v.strip()}
    return _valid(view.InputSerializer(data=given))


_LOOKUP_LIMITS = {"code": 60, "key": 16, "identity_number": 12}  # InputSerializer's max_length
# Formats instants exactly as the output serializer's DateTimeField does.
_LOOKUP_INSTANT = serializers.DateTimeField()
_LOOKUP_ON_TIME = frozenset(Timeliness.values) | {"on_track", "overdue"}


def _instant(value: Any) -> Any:
    return None if value is None else _LOOKUP_INSTANT.to_representation(value)


# The labels of the actions and statuses in each language, translated once per process.
_LOOKUP_LABELS: dict[str | None, tuple[dict[str, str], dict[int, str]]] = {}


def _lookup_labels() -> tuple[dict[str, str], dict[int, str]]:
    language = translation.get_language()
    labels = _LOOKUP_LABELS.get(language)
    if labels is None:
        labels = (
            {action.value: str(action.label) for action in EventAction},
            {status_.value: str(status_.label) for status_ in DossierStatus},
        )
        _LOOKUP_LABELS[language] = labels
    return labels


ACTIVE = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.AWAITING_SUPPLEMENT,
        DossierStatus.AWAITING_PAYMENT,
    }
)


@extend_schema_serializer(component_name="LookupTimelineEntry")
class LookupTimelineSerializer(serializers.Serializer[Any]):
    action = serializers.CharField(help_text=_lazy("Thao tác."))
    action_label = serializers.CharField(help_text=_lazy("Tên thao tác."))
    at = serializers.DateTimeField(help_text=_lazy("Thời điểm."))
    status = serializers.IntegerField(help_text=_lazy("Trạng thái sau thao tác."))


class DossierLookupApi(APIView):
    """Public lookup by code and the receipt's key (or the owner's identity number)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [AnonRateThrottle]

    class InputSerializer(serializers.Serializer[Any]):
        code = serializers.CharField(
            max_length=60,
            help_text=_lazy("Mã hồ sơ."),
            error_messages={"required": _lazy("Cần nhập mã hồ sơ.")},
        )
        key = serializers.CharField(
            required=False, max_length=16, help_text=_lazy("Mã tra cứu in trên giấy tiếp nhận.")
        )
        identity_number = serializers.CharField(
            required=False, max_length=12, help_text=_lazy("Số CCCD của chủ hồ sơ (thay cho key).")
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if not attrs.get("key") and not attrs.get("identity_number"):
                raise serializers.ValidationError(
                    {"key": _("Cần mã tra cứu (key) hoặc số CCCD của chủ hồ sơ (identity_number).")}
                )
            return attrs

    @extend_schema_serializer(component_name="DossierLookup")
    class OutputSerializer(serializers.Serializer[Any]):
        code = serializers.CharField(help_text=_lazy("Mã hồ sơ."))
        procedure_name = serializers.CharField(help_text=_lazy("Tên thủ tục."))
        status = serializers.ChoiceField(
            choices=DossierStatus.choices, help_text=_lazy("Trạng thái (mã quốc gia).")
        )
        status_label = serializers.CharField(help_text=_lazy("Tên trạng thái."))
        received_at = serializers.DateTimeField(allow_null=True, help_text=_lazy("Tiếp nhận."))
        due_at = serializers.DateTimeField(allow_null=True, help_text=_lazy("Hẹn trả."))
        step = serializers.CharField(allow_null=True, help_text=_lazy("Bước xử lý hiện tại."))
        on_time = serializers.ChoiceField(
            choices=[
                ("early", "early"),
                ("on_time", "on_time"),
                ("late", "late"),
                ("on_track", "on_track"),
                ("overdue", "overdue"),
                ("", ""),
            ],
            help_text=_lazy(
                "Đã xong: early/on_time/late; đang xử lý: on_track/overdue; rỗng nếu không áp dụng."
            ),
        )
        timeline = LookupTimelineSerializer(
            many=True, help_text=_lazy("Các mốc xử lý (không có thông tin cá nhân).")
        )

    @extend_schema(
        operation_id="dossier_lookup",
        summary="Public dossier lookup",
        description=(
            "For citizens: the dossier's status, due instant, current step, on-time state"
            " and a timeline of actions with their instants — no names, notes or other"
            " personal data. Needs the code and the lookup key printed on the receipt"
            " (`key`), or the code and the owner's identity number (`identity_number`)."
            " A wrong key answers exactly like an unknown code (404), so codes cannot be"
            " enumerated. Throttled per client address."
        ),
        parameters=[InputSerializer],
        responses={
            200: OutputSerializer,
            400: BAD_REQUEST,
            404: OpenApiResponse(DetailErrorSerializer, description="Unknown code or wrong key."),
            429: OpenApiResponse(DetailErrorSerializer, description="Too many requests."),
        },
        examples=[
            OpenApiExample(
                "Being processed",
                value={
                    "code": "000.00.06.H57-260420-0001",
                    "procedure_name": "Cấp bản sao trích lục hộ tịch",
                    "status": 4,
                    "status_label": "Đang xử lý",
                    "received_at": "2026-04-20T09:00:00+07:00",
                    "due_at": "2026-04-28T09:00:00+07:00",
                    "step": "Thẩm định",
                    "on_time": "on_track",
                    "timeline": [
                        {
                            "action": "receive",
                            "action_label": "Tiếp nhận hồ sơ",
                            "at": "2026-04-20T09:00:00+07:00",
                            "status": 2,
                        },
                        {
                            "action": "transfer",
                            "action_label": "Chuyển cơ quan giải quyết",
                            "at": "2026-04-20T10:00:00+07:00",
                            "status": 4,
                        },
                    ],
                },
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Unknown code or wrong key",
                value={"detail": "Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập."},
                response_only=True,
                status_codes=["404"],
            ),
        ],
        tags=["lookup"],
    )
    def get(self, request: Request) -> Response:
        # The body is built directly in the shape of OutputSerializer (which documents
        # it): this public page is the most requested one, and the serializer machinery
        # cost more than the query (gh-4 item 13).
        params = _lookup_params(self, request)
        rows = _lookup(
            code=params["code"].strip(),
            key=params.get("key", ""),
            identity_number=params.get("identity_number", ""),
        )
        if rows is None:
            raise NotFound(_("Không tìm thấy hồ sơ với mã và mã tra cứu đã nhập."))
        dossier = rows[0]
        status_ = dossier[_STATUS]
        due_at = dossier[_DUE_AT]
        on_time = dossier[_TIMELINESS]
        if not on_time and due_at is not None and status_ in ACTIVE:
            on_time = "overdue" if timezone.now() > due_at else "on_track"
        action_labels, status_labels = _lookup_labels()
        timeline = [
            {
                "action": row[_ACTION],
                "action_label": action_labels[row[_ACTION]],
                "at": _instant(row[_AT]),
                "status": row[_TO_STATUS],
            }
            for row in rows
            if row[_ACTION] is not None
        ]
        body = {
            "code": dossier[_CODE],
            "procedure_name": dossier[_PROCEDURE],
            "status": status_,
            "status_label": status_labels[status_],
            "received_at": _instant(dossier[_RECEIVED_AT]),
            "due_at": _instant(due_at),
            "step": dossier[_STEP],
            "on_time": on_time if on_time in _LOOKUP_ON_TIME else "",
            "timeline": timeline,
        }
        return Response(body)
