"""Small output pieces shared by the procedure list and detail (conventions §8: reuse sparingly)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from motcua.calendars.constants import DurationUnit
from motcua.procedures.constants import FeeCollection, FeeKind, UploadFileType
from motcua.procedures.models import ComponentSpec, FeeRule, ProcedureField, ProcedureVariant
from motcua.procedures.validation import upload_max_bytes


@extend_schema_serializer(component_name="ProcedureFieldRef")
class FieldSerializer(serializers.Serializer[ProcedureField]):
    code = serializers.CharField(help_text=_("Mã lĩnh vực."))
    name = serializers.SerializerMethodField(
        help_text=_("Tên lĩnh vực, bằng tiếng Anh khi yêu cầu Accept-Language: en.")
    )

    def get_name(self, field: ProcedureField) -> str:
        if get_language() == "en" and field.name_en:
            return field.name_en
        return field.name


@extend_schema_serializer(component_name="ProcessingTime")
class ProcessingTimeSerializer(serializers.Serializer[Any]):
    """A legal processing time: ``amount`` of ``unit`` (null amount: same day or no appointment)."""

    amount = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("Thời hạn theo đơn vị unit; null với same_day và no_appointment."),
    )
    unit = serializers.ChoiceField(choices=DurationUnit.choices, help_text=_("Đơn vị thời hạn."))
    unit_label = serializers.CharField(help_text=_("Tên đơn vị, theo ngôn ngữ của yêu cầu."))


def processing_time(amount: Decimal | None, unit: str) -> dict[str, Any] | None:
    """The ``ProcessingTimeSerializer`` value of a duration, or None when no unit is set."""
    if not unit:
        return None
    if unit in (DurationUnit.SAME_DAY, DurationUnit.NO_APPOINTMENT):
        amount = None
    return {"amount": amount, "unit": unit, "unit_label": str(DurationUnit(unit).label)}


def page_of(item: type[serializers.Serializer[Any]]) -> type[serializers.Serializer[Any]]:
    """A page-number pagination envelope around ``item`` results."""

    class PageSerializer(serializers.Serializer[Any]):
        count = serializers.IntegerField(help_text=_("Tổng số kết quả khớp."))
        next = serializers.URLField(allow_null=True, help_text=_("Địa chỉ trang sau, hoặc null."))
        previous = serializers.URLField(
            allow_null=True, help_text=_("Địa chỉ trang trước, hoặc null.")
        )
        results = item(many=True, help_text=_("Kết quả của trang."))

    return PageSerializer


@extend_schema_serializer(component_name="ProcedureComponent")
class ComponentSerializer(serializers.Serializer[ComponentSpec]):
    name = serializers.CharField(help_text=_("Tên thành phần hồ sơ."))
    required = serializers.BooleanField(  # type: ignore[assignment]  # the model's field name
        help_text=_("Bắt buộc hay tùy chọn.")
    )
    condition_text = serializers.CharField(help_text=_("Khi nào cần nộp (nếu có điều kiện)."))
    originals = serializers.IntegerField(help_text=_("Số bản chính."))
    certified_copies = serializers.IntegerField(help_text=_("Số bản sao có chứng thực."))
    copies = serializers.IntegerField(help_text=_("Số bản sao, bản chụp."))
    form_url = serializers.SerializerMethodField(
        help_text=_("Địa chỉ tải mẫu đơn, tờ khai để trống; null nếu không có mẫu.")
    )
    replaced_by_eform = serializers.BooleanField(
        help_text=_("Khi nộp trực tuyến, biểu mẫu điện tử thay cho giấy tờ này.")
    )
    replaced_by_database = serializers.CharField(
        help_text=_("CSDL thay thế giấy tờ này (không phải nộp); trống nếu không có.")
    )
    upload_max_bytes = serializers.SerializerMethodField(
        help_text=_(
            "Dung lượng tối đa mỗi tệp đính kèm (byte): giới hạn của thành phần, nếu không có"
            " thì của thủ tục, không vượt giới hạn chung của hệ thống."
        )
    )
    upload_types = serializers.SerializerMethodField(
        help_text=_("Các loại tệp được nhận cho thành phần này (pdf, jpeg, png, tiff, docx…).")
    )

    def get_upload_max_bytes(self, component: ComponentSpec) -> int:
        # variant and version come from the prefetch (no query per component).
        return upload_max_bytes(version=component.variant.version, component=component)

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=UploadFileType.choices))
    )
    def get_upload_types(self, component: ComponentSpec) -> list[str]:
        return list(component.upload_types) or list(UploadFileType.values)

    def get_form_url(self, component: ComponentSpec) -> str | None:
        if not component.template_file:
            return None
        url = component.template_file.url
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


@extend_schema_serializer(component_name="ProcedureFee")
class FeeSerializer(serializers.Serializer[FeeRule]):
    kind = serializers.ChoiceField(choices=FeeKind.choices, help_text=_("Phí hay lệ phí."))
    name = serializers.CharField(help_text=_("Tên khoản thu."))
    amount = serializers.IntegerField(
        allow_null=True, help_text=_("Mức thu cố định (đồng); null nếu tính theo quy tắc.")
    )
    rule = serializers.CharField(help_text=_("Cách tính khi không có mức cố định."))
    collection = serializers.ChoiceField(
        choices=FeeCollection.choices, help_text=_("Thời điểm thu, miễn hoặc không thu.")
    )
    exemption_groups = serializers.CharField(help_text=_("Đối tượng được miễn, giảm."))


@extend_schema_serializer(component_name="ProcedureVariant")
class VariantSerializer(serializers.Serializer[ProcedureVariant]):
    code = serializers.CharField(help_text=_("Mã trường hợp, duy nhất trong thủ tục."))
    name = serializers.CharField(help_text=_("Tên trường hợp."))
    question = serializers.CharField(help_text=_("Câu hỏi giúp chọn đúng trường hợp."))
    processing_time = serializers.SerializerMethodField(
        help_text=_("Thời hạn giải quyết khi nộp trực tiếp.")
    )
    online_processing_time = serializers.SerializerMethodField(
        help_text=_("Thời hạn khi nộp trực tuyến nếu khác; null nếu như nộp trực tiếp.")
    )
    components = ComponentSerializer(many=True, help_text=_("Thành phần hồ sơ."))
    fees = FeeSerializer(many=True, help_text=_("Phí, lệ phí."))

    @extend_schema_field(ProcessingTimeSerializer(allow_null=True))
    def get_processing_time(self, variant: ProcedureVariant) -> dict[str, Any] | None:
        return processing_time(variant.duration, variant.duration_unit)

    @extend_schema_field(ProcessingTimeSerializer(allow_null=True))
    def get_online_processing_time(self, variant: ProcedureVariant) -> dict[str, Any] | None:
        return processing_time(variant.online_duration, variant.online_duration_unit)
