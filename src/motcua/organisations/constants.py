from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.IntegerChoices):
    """Government level of an administrative unit (domain.md §3.1)."""

    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")  # abolished on 01/07/2025 (NQ 203/2025/QH15)
    COMMUNE = 3, _("Cấp xã")


class AdminUnitKind(models.TextChoices):
    """Kind of administrative unit; each kind belongs to one level."""

    PROVINCE = "province", _("Tỉnh")
    CENTRAL_CITY = "central_city", _("Thành phố trực thuộc trung ương")
    URBAN_DISTRICT = "urban_district", _("Quận")
    RURAL_DISTRICT = "rural_district", _("Huyện")
    DISTRICT_TOWN = "district_town", _("Thị xã")
    PROVINCIAL_CITY = "provincial_city", _("Thành phố thuộc tỉnh")
    WARD = "ward", _("Phường")
    COMMUNE = "commune", _("Xã")
    TOWNSHIP = "township", _("Thị trấn")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")

    @property
    def level(self) -> UnitLevel:
        return KIND_LEVEL[self]


KIND_LEVEL: dict[AdminUnitKind, UnitLevel] = {
    AdminUnitKind.PROVINCE: UnitLevel.PROVINCE,
    AdminUnitKind.CENTRAL_CITY: UnitLevel.PROVINCE,
    AdminUnitKind.URBAN_DISTRICT: UnitLevel.DISTRICT,
    AdminUnitKind.RURAL_DISTRICT: UnitLevel.DISTRICT,
    AdminUnitKind.DISTRICT_TOWN: UnitLevel.DISTRICT,
    AdminUnitKind.PROVINCIAL_CITY: UnitLevel.DISTRICT,
    AdminUnitKind.WARD: UnitLevel.COMMUNE,
    AdminUnitKind.COMMUNE: UnitLevel.COMMUNE,
    AdminUnitKind.TOWNSHIP: UnitLevel.COMMUNE,
    AdminUnitKind.SPECIAL_ZONE: UnitLevel.COMMUNE,
}


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    SERVICE_CENTER = "service_center", _("Trung tâm Phục vụ Hành chính công")
    RECEPTION_POINT = "reception_point", _("Chi nhánh, điểm tiếp nhận")
    ONE_STOP_DESK = "one_stop_desk", _("Bộ phận Một cửa")
    VERTICAL = "vertical", _("Cơ quan ngành dọc")
    MINISTRY_DESK = "ministry_desk", _("Bộ phận Một cửa cấp bộ")


class Role(models.TextChoices):
    """Staff roles (domain.md §5.6). Citizens and businesses are not roles here."""

    RECEPTION_OFFICER = "reception_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    DIVISION_HEAD = "division_head", _("Lãnh đạo phòng")
    AGENCY_LEADER = "agency_leader", _("Lãnh đạo cơ quan")
    CLERK = "clerk", _("Văn thư")
    RETURNER = "returner", _("Cán bộ trả kết quả")
    FEE_COLLECTOR = "fee_collector", _("Cán bộ thu phí, lệ phí")
    POSTAL = "postal", _("Nhân viên bưu chính")
    SUPERVISOR = "supervisor", _("Cán bộ giám sát")
    ADMIN = "admin", _("Quản trị hệ thống")
