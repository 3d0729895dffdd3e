"""Output pieces shared by the dossier endpoints (conventions §8: reuse sparingly)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from motcua.calendars.constants import Timeliness
from motcua.dossiers.constants import DossierStatus, EventAction, PartyKind
from motcua.organisations.models import Agency


def action_slug(action: EventAction) -> str:
    """The URL form of an action: ``request_supplement`` → ``request-supplement``."""
    return action.value.replace("_", "-")


@extend_schema_serializer(component_name="AgencyRef")
class AgencyRefSerializer(serializers.Serializer[Agency]):
    code = serializers.CharField(help_text=_("Mã định danh cơ quan."))
    name = serializers.CharField(help_text=_("Tên cơ quan."))


@extend_schema_serializer(component_name="DossierPartyInput")
class PartyInputSerializer(serializers.Serializer[Any]):
    """The owner (chủ hồ sơ) or the person submitting on their behalf."""

    kind = serializers.ChoiceField(
        choices=PartyKind.choices,
        default=PartyKind.CITIZEN,
        help_text=_("Công dân, doanh nghiệp, tổ chức…"),
    )
    full_name = serializers.CharField(max_length=200, help_text=_("Họ và tên, hoặc tên đầy đủ."))
    identity_number = serializers.CharField(
        max_length=12, required=False, default="", allow_blank=True, help_text=_("Số CCCD.")
    )
    tax_code = serializers.CharField(
        max_length=14, required=False, default="", allow_blank=True, help_text=_("Mã số thuế.")
    )
    phone = serializers.CharField(
        max_length=20, required=False, default="", allow_blank=True, help_text=_("Điện thoại.")
    )
    email = serializers.EmailField(
        required=False, default="", allow_blank=True, help_text=_("Thư điện tử.")
    )
    address = serializers.CharField(
        max_length=500, required=False, default="", allow_blank=True, help_text=_("Địa chỉ.")
    )


@extend_schema_serializer(component_name="ActionRefused")
class ActionRefusedSerializer(serializers.Serializer[Any]):
    """Body of a 409: the action is not possible in the dossier's current state."""

    errors = serializers.DictField(  # type: ignore[assignment]  # a field named like the API
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Thông báo lỗi, dưới khóa action."),
    )
    status = serializers.ChoiceField(
        choices=DossierStatus.choices, help_text=_("Trạng thái hiện tại (mã quốc gia).")
    )
    allowed_actions = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Các thao tác người gọi được làm lúc này (dạng trong địa chỉ URL)."),
    )


@extend_schema_serializer(component_name="ErrorDetail")
class DetailErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text=_("Thông báo lỗi."))


class DossierSummarySerializer(serializers.Serializer[Any]):
    """What a list row and the detail share."""

    code = serializers.CharField(help_text=_("Mã hồ sơ."))
    procedure_code = serializers.CharField(
        source="procedure_version.procedure.national_code",
        help_text=_("Mã thủ tục trên CSDL quốc gia."),
    )
    procedure_name = serializers.CharField(
        source="procedure_version.name", help_text=_("Tên thủ tục.")
    )
    variant_code = serializers.CharField(source="variant.code", help_text=_("Mã trường hợp."))
    channel = serializers.IntegerField(
        help_text=_("Kênh nộp: 1 trực tiếp, 2 trực tuyến, 3 bưu chính, 4 DVCQG.")
    )
    status = serializers.ChoiceField(
        choices=DossierStatus.choices, help_text=_("Trạng thái (mã quốc gia 1–10).")
    )
    status_label = serializers.CharField(
        source="get_status_display", help_text=_("Tên trạng thái.")
    )
    received_by = AgencyRefSerializer(help_text=_("Bộ phận một cửa tiếp nhận."))
    competent_agency = AgencyRefSerializer(help_text=_("Cơ quan giải quyết."))
    received_at = serializers.DateTimeField(allow_null=True, help_text=_("Thời điểm tiếp nhận."))
    due_at = serializers.DateTimeField(allow_null=True, help_text=_("Thời điểm hẹn trả."))
    current_step = serializers.CharField(
        source="current_step.name", allow_null=True, default=None, help_text=_("Bước hiện tại.")
    )
    handler = serializers.CharField(
        source="handler.username",
        allow_null=True,
        default=None,
        help_text=_("Tên đăng nhập của cán bộ đang xử lý."),
    )
    timeliness = serializers.ChoiceField(
        choices=[("", ""), *Timeliness.choices],
        help_text=_("Trước hạn, đúng hạn, quá hạn khi đã giải quyết xong; rỗng nếu chưa."),
    )
