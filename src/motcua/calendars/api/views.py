"""Public calendar API: preview an appointment date (gh-2 item 13)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.api.serializers import ValidationErrorSerializer
from motcua.api.throttling import AnonRateThrottle
from motcua.calendars.constants import DurationUnit
from motcua.calendars.selectors import due_date_preview
from motcua.organisations.models import Agency
from motcua.organisations.selectors import agency_get_by_code

MAX_AMOUNT = Decimal(1000)


class DueDateInputSerializer(serializers.Serializer[dict[str, Any]]):
    """Query parameters of the due-date preview."""

    received_at = serializers.DateTimeField(
        help_text=_("Thời điểm tiếp nhận, ISO 8601; không có múi giờ thì hiểu là giờ Việt Nam."),
        error_messages={
            "invalid": _(
                "received_at phải là thời điểm theo ISO 8601, ví dụ 2026-11-26T09:30:00+07:00."
            ),
            "required": _("Thiếu tham số received_at (thời điểm tiếp nhận)."),
        },
    )
    amount = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=MAX_AMOUNT,
        help_text=_("Thời hạn giải quyết theo đơn vị unit (bỏ qua với same_day)."),
        error_messages={
            "invalid": _("amount phải là một số, ví dụ 5 hoặc 0.5."),
            "required": _("Thiếu tham số amount (thời hạn giải quyết)."),
            "min_value": _("amount không được âm."),
            "max_value": _("amount không được lớn hơn 1000."),
            "max_decimal_places": _("amount có nhiều nhất 2 chữ số thập phân."),
            "max_digits": _("amount không được lớn hơn 1000."),
            "max_whole_digits": _("amount không được lớn hơn 1000."),
        },
    )
    unit = serializers.ChoiceField(
        choices=DurationUnit.choices,
        help_text=_("Đơn vị thời hạn."),
        error_messages={
            "invalid_choice": _(
                "unit phải là một trong: working_days, working_hours, calendar_days, same_day,"
                " no_appointment."
            ),
            "required": _("Thiếu tham số unit (đơn vị thời hạn)."),
        },
    )
    agency = serializers.CharField(
        required=False,
        help_text=_("Mã định danh cơ quan, để dùng lịch làm việc riêng của cơ quan đó."),
    )

    def validate_agency(self, value: str) -> Agency:
        agency = agency_get_by_code(code=value)
        if agency is None:
            raise serializers.ValidationError(
                _("Không tìm thấy cơ quan có mã “%(code)s”.") % {"code": value}
            )
        return agency

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["unit"] == DurationUnit.CALENDAR_DAYS and (
            attrs["amount"] < 1 or attrs["amount"] != attrs["amount"].to_integral_value()
        ):
            raise serializers.ValidationError(
                {"amount": _("Với unit=calendar_days, amount phải là số ngày nguyên từ 1 trở lên.")}
            )
        return attrs


class DueDateOutputSerializer(serializers.Serializer[Any]):
    received_at = serializers.DateTimeField(help_text=_("Thời điểm tiếp nhận (giờ Việt Nam)."))
    starts_at = serializers.DateTimeField(
        help_text=_("Thời điểm bắt đầu tính thời hạn (thời điểm làm việc kế tiếp).")
    )
    due_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("Thời điểm hẹn trả kết quả; null nếu thủ tục không hẹn ngày trả."),
    )


class CalendarDueDateApi(APIView):
    """Preview the appointment date of a dossier received at a given instant."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        operation_id="calendar_due_date",
        summary="Preview an appointment (due) date",
        description=(
            "Computes when a dossier received at `received_at` would be due, in working"
            " time of the agency's calendar (office hours, Vietnamese public holidays with"
            " compensatory and swapped days, and the days announced by the province)."
            " Instants are returned in ISO 8601 with the +07:00 offset. A 400 response"
            " names the offending parameter under `errors`."
        ),
        parameters=[DueDateInputSerializer],
        responses={
            200: DueDateOutputSerializer,
            400: OpenApiResponse(
                ValidationErrorSerializer, description="A parameter is missing or invalid."
            ),
        },
        examples=[
            OpenApiExample(
                "Five working days across the Hùng Kings' compensatory Monday",
                value={
                    "received_at": "2026-04-20T09:00:00+07:00",
                    "starts_at": "2026-04-20T09:00:00+07:00",
                    "due_at": "2026-04-28T09:00:00+07:00",
                },
                response_only=True,
            )
        ],
        tags=["calendar"],
    )
    def get(self, request: Request) -> Response:
        params = DueDateInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        preview = due_date_preview(**params.validated_data)
        return Response(DueDateOutputSerializer(preview).data)
