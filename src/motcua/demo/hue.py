"""The Huế demo data as plain Python values; :mod:`motcua.demo.loader` writes it.

What is sourced and what is not:

* **Units.** Names and the before/after structure follow domain.md §3.3:
  NQ 1314/NQ-UBTVQH15 (Thành phố Huế under the central government and its 9
  district-level units from 01/01/2025) and NQ 1675/NQ-UBTVQH15 (the 40
  commune-level units from 01/07/2025), with the "formed from" lists of
  domain.md. Communes marked "—" there get no predecessors: they must be
  loaded from QĐ 614/QĐ-UBND, never guessed.
* **Inferred, unverified** (each row says so in its ``source``):
  - the district-level parent (01/01–30/06/2025) of every old commune-level
    unit. Wards 1–8 and the Huế-city wards in rows 9–11 are split between
    Quận Phú Xuân (north of the Hương river) and Quận Thuận Hóa (south and
    east) after the NQ 1314 proposal as reported by the press in 05/2024
    (vietbao.vn: Phú Xuân = 13 wards incl. Hương Vinh; Thuận Hóa incl. Dương
    Nỗ, Hương Phong, Thuận An, Phú Thượng); the rest by geography;
  - every ``valid_from`` before 2025: the province's 30/06/1989
    re-establishment and a neutral 01/01/2008 for the 2024 district-level
    units (Hương Thủy and Hương Trà only became thị xã around 2010–2011, so
    that date is known to be imprecise);
  - the old commune-level rows start on 01/01/2025, with their new district
    parents; their earlier history (under the province) is not loaded.
* **Codes.** Province code 46 and district codes 474–482 are from domain.md
  (46 unverified). The only commune code given there, Phú Xuân ``41119010``,
  has an unverified format and is stored under the scheme ``unverified``.
  **Every agency identifier code below is a demo value**: it follows the
  QCVN 102:2016 shape ``V1V2V3.Z1Z2.Y1Y2.H57`` but H57 for Huế is itself
  inferred (domain.md §4.8) and no number was checked against the real
  catalogue. Procedure fields and procedures come from ``catalogue.json``
  (see ``scripts/build_demo_catalogue.py`` for its sources); field codes
  other than G15-TP07 and G17-XD11 are ``DEMO-…`` on purpose, so nobody takes
  them for codes of the national procedure database.
* **People.** Every name, identity number, tax code, phone number and street
  address is made up for the demo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motcua.accounts.constants import UserKind
from motcua.organisations.constants import AdminUnitKind, AgencyKind, Role

K = AdminUnitKind
W, C, T = AdminUnitKind.WARD, AdminUnitKind.COMMUNE, AdminUnitKind.TOWNSHIP

# --- Dates (valid_to is the last day, inclusive) --------------------------------------------
PROVINCE_FROM = dt.date(1989, 6, 30)  # Thừa Thiên Huế re-established (chưa xác minh)
DISTRICTS_2024_FROM = dt.date(2008, 1, 1)  # neutral placeholder, not a legal date
LAST_DAY_OF_PROVINCE = dt.date(2024, 12, 31)
CITY_FROM = dt.date(2025, 1, 1)  # NQ 1314/NQ-UBTVQH15
LAST_DAY_OF_DISTRICTS = dt.date(2025, 6, 30)
COMMUNES_FROM = dt.date(2025, 7, 1)  # NQ 1675/NQ-UBTVQH15; NĐ 118/2025 centres
AGENCIES_FROM = COMMUNES_FROM  # the demo starts with the two-level government

# --- Sources written on the unit rows --------------------------------------------------------
SOURCE_PROVINCE = "Tỉnh tái lập 30/06/1989 (chưa xác minh); mã 46 chưa xác minh"
SOURCE_DISTRICTS_2024 = "domain.md §3.3 (chưa xác minh); ngày hiệu lực là mốc giả định"
SOURCE_CITY = "NQ 1314/NQ-UBTVQH15"
SOURCE_COMMUNES = "NQ 1675/NQ-UBTVQH15"
SOURCE_OLD_COMMUNES = "đơn vị cấp huyện suy ra, chưa xác minh (QĐ 614/QĐ-UBND)"


@dataclass(frozen=True)
class Unit:
    kind: AdminUnitKind
    name: str  # without the kind, as AdminUnit.name wants it ("Kim Long")
    code: str = ""
    code_scheme: str = "gso"


PROVINCE = Unit(K.PROVINCE, "Thừa Thiên Huế", "46")
CITY = Unit(K.CENTRAL_CITY, "Huế", "46")  # same code, new period: allowed by the model

# The 9 district-level units until 31/12/2024 (domain.md §3.3, in its order).
DISTRICTS_2024: tuple[Unit, ...] = (
    Unit(K.PROVINCIAL_CITY, "Huế"),
    Unit(K.DISTRICT_TOWN, "Hương Thủy"),
    Unit(K.DISTRICT_TOWN, "Hương Trà"),
    Unit(K.RURAL_DISTRICT, "Phong Điền"),
    Unit(K.RURAL_DISTRICT, "Quảng Điền"),
    Unit(K.RURAL_DISTRICT, "Phú Vang"),
    Unit(K.RURAL_DISTRICT, "Phú Lộc"),
    Unit(K.RURAL_DISTRICT, "Nam Đông"),
    Unit(K.RURAL_DISTRICT, "A Lưới"),
)


@dataclass(frozen=True)
class District2025:
    unit: Unit
    predecessors: tuple[str, ...]  # names in DISTRICTS_2024


# 01/01–30/06/2025, under Thành phố Huế. The unchanged ones are new rows too,
# because their parent changed (the province became a centrally-run city).
THUAN_HOA, PHU_XUAN, PHONG_DIEN = "Thuận Hóa", "Phú Xuân", "Phong Điền"
QUANG_DIEN, PHU_VANG, HUONG_THUY = "Quảng Điền", "Phú Vang", "Hương Thủy"
HUONG_TRA, A_LUOI, PHU_LOC = "Hương Trà", "A Lưới", "Phú Lộc"
DISTRICTS_2025: tuple[District2025, ...] = (
    District2025(Unit(K.URBAN_DISTRICT, THUAN_HOA, "474"), ("Huế",)),
    District2025(Unit(K.URBAN_DISTRICT, PHU_XUAN, "475"), ("Huế",)),
    District2025(Unit(K.DISTRICT_TOWN, PHONG_DIEN, "476"), ("Phong Điền",)),
    District2025(Unit(K.RURAL_DISTRICT, QUANG_DIEN, "477"), ("Quảng Điền",)),
    District2025(Unit(K.RURAL_DISTRICT, PHU_VANG, "478"), ("Phú Vang",)),
    District2025(Unit(K.DISTRICT_TOWN, HUONG_THUY, "479"), ("Hương Thủy",)),
    District2025(Unit(K.DISTRICT_TOWN, HUONG_TRA, "480"), ("Hương Trà",)),
    District2025(Unit(K.RURAL_DISTRICT, A_LUOI, "481"), ("A Lưới",)),
    District2025(Unit(K.RURAL_DISTRICT, PHU_LOC, "482"), ("Phú Lộc", "Nam Đông")),
)


@dataclass(frozen=True)
class OldCommune:
    """A commune-level unit of 01/01–30/06/2025; ``district`` is inferred (see above)."""

    kind: AdminUnitKind
    name: str
    district: str  # name in DISTRICTS_2025


def _old(kind: AdminUnitKind, district: str, *names: str) -> tuple[OldCommune, ...]:
    return tuple(OldCommune(kind, name, district) for name in names)


@dataclass(frozen=True)
class Commune:
    """A commune-level unit from 01/07/2025 (domain.md §3.3 numbering)."""

    number: int
    unit: Unit
    predecessors: tuple[OldCommune, ...] = ()

    @property
    def prefix(self) -> str:
        """The lower-case kind used inside agency names ("phường Kim Long")."""
        return "phường" if self.unit.kind == K.WARD else "xã"


COMMUNES: tuple[Commune, ...] = (
    # 21 wards. Unprefixed predecessors in rows 1–8 and 17 are wards.
    Commune(
        1,
        Unit(W, "Thuận Hóa"),
        _old(
            W,
            THUAN_HOA,
            "Phú Hội",
            "Phú Nhuận",
            "Vĩnh Ninh",
            "Phường Đúc",
            "Phước Vĩnh",
            "Trường An",
        ),
    ),
    Commune(
        2,
        Unit(W, "Phú Xuân", "41119010", "unverified"),
        _old(W, PHU_XUAN, "Gia Hội", "Phú Hậu", "Tây Lộc", "Thuận Lộc", "Thuận Hòa", "Đông Ba"),
    ),
    Commune(3, Unit(W, "Kim Long"), _old(W, PHU_XUAN, "Long Hồ", "Hương Long", "Kim Long")),
    Commune(4, Unit(W, "Vỹ Dạ"), _old(W, THUAN_HOA, "Vỹ Dạ", "Thủy Vân", "Xuân Phú")),
    Commune(5, Unit(W, "An Cựu"), _old(W, THUAN_HOA, "An Tây", "An Cựu", "An Đông")),
    Commune(6, Unit(W, "Thủy Xuân"), _old(W, THUAN_HOA, "Thủy Biều", "Thủy Xuân", "Thủy Bằng")),
    Commune(7, Unit(W, "Hương An"), _old(W, PHU_XUAN, "Hương An", "An Hòa", "Hương Sơ")),
    Commune(8, Unit(W, "Dương Nỗ"), _old(W, THUAN_HOA, "Dương Nỗ")),  # "unchanged"
    Commune(
        9,
        Unit(W, "Thuận An"),
        _old(W, THUAN_HOA, "Thuận An") + _old(C, PHU_VANG, "Phú Hải", "Phú Thuận"),
    ),
    Commune(
        10,
        Unit(W, "Hóa Châu"),
        _old(W, THUAN_HOA, "Hương Phong")
        + _old(W, PHU_XUAN, "Hương Vinh")
        + _old(C, QUANG_DIEN, "Quảng Thành"),
    ),
    Commune(
        11,
        Unit(W, "Mỹ Thượng"),
        _old(W, THUAN_HOA, "Phú Thượng") + _old(C, PHU_VANG, "Phú An", "Phú Mỹ"),
    ),
    Commune(
        12,
        Unit(W, "Phong Điền"),
        _old(W, PHONG_DIEN, "Phong Thu") + _old(C, PHONG_DIEN, "Phong Mỹ", "Phong Xuân"),
    ),
    Commune(
        13,
        Unit(W, "Phong Thái"),
        _old(W, PHONG_DIEN, "Phong An", "Phong Hiền") + _old(C, PHONG_DIEN, "Phong Sơn"),
    ),
    Commune(
        14,
        Unit(W, "Phong Dinh"),
        _old(W, PHONG_DIEN, "Phong Hòa") + _old(C, PHONG_DIEN, "Phong Bình", "Phong Chương"),
    ),
    Commune(
        15,
        Unit(W, "Phong Phú"),
        _old(W, PHONG_DIEN, "Phong Phú") + _old(C, PHONG_DIEN, "Phong Thạnh"),
    ),
    Commune(
        16,
        Unit(W, "Phong Quảng"),
        _old(W, PHONG_DIEN, "Phong Hải") + _old(C, QUANG_DIEN, "Quảng Công", "Quảng Ngạn"),
    ),
    Commune(17, Unit(W, "Hương Trà"), _old(W, HUONG_TRA, "Tứ Hạ", "Hương Văn", "Hương Vân")),
    Commune(
        18,
        Unit(W, "Kim Trà"),
        _old(W, HUONG_TRA, "Hương Xuân", "Hương Chữ") + _old(C, HUONG_TRA, "Hương Toàn"),
    ),
    Commune(
        19,
        Unit(W, "Thanh Thủy"),
        _old(W, HUONG_THUY, "Thủy Dương", "Thủy Phương") + _old(C, HUONG_THUY, "Thủy Thanh"),
    ),
    Commune(
        20,
        Unit(W, "Hương Thủy"),
        _old(W, HUONG_THUY, "Thủy Lương", "Thủy Châu") + _old(C, HUONG_THUY, "Thủy Tân"),
    ),
    Commune(
        21,
        Unit(W, "Phú Bài"),
        _old(W, HUONG_THUY, "Phú Bài") + _old(C, HUONG_THUY, "Thủy Phù", "Dương Hòa", "Phú Sơn"),
    ),
    # 19 communes. "—" in domain.md: no predecessors here (load from QĐ 614).
    Commune(22, Unit(C, "Đan Điền")),
    Commune(23, Unit(C, "Quảng Điền")),
    Commune(24, Unit(C, "Bình Điền")),  # conflict note: one dataset has "Lộc Sơn"
    Commune(25, Unit(C, "Phú Vinh")),
    Commune(26, Unit(C, "Phú Hồ")),
    Commune(27, Unit(C, "Phú Vang")),
    Commune(28, Unit(C, "Vinh Lộc")),
    Commune(29, Unit(C, "Hưng Lộc")),  # conflict note: one dataset has "Lộc Sơn"
    Commune(30, Unit(C, "Lộc An"), _old(C, PHU_LOC, "Lộc Hòa", "Lộc Điền", "Lộc An")),
    Commune(
        31,
        Unit(C, "Phú Lộc"),
        _old(T, PHU_LOC, "Phú Lộc") + _old(C, PHU_LOC, "Lộc Trì", "Lộc Bình"),
    ),
    Commune(
        32,
        Unit(C, "Chân Mây – Lăng Cô"),
        _old(T, PHU_LOC, "Lăng Cô") + _old(C, PHU_LOC, "Lộc Tiến", "Lộc Vĩnh", "Lộc Thủy"),
    ),
    Commune(33, Unit(C, "Long Quảng")),
    Commune(34, Unit(C, "Nam Đông")),
    Commune(
        35,
        Unit(C, "Khe Tre"),
        # Former Nam Đông units, inside Huyện Phú Lộc from 01/01/2025.
        _old(T, PHU_LOC, "Khe Tre") + _old(C, PHU_LOC, "Hương Phú", "Hương Lộc", "Thượng Lộ"),
    ),
    Commune(
        36,
        Unit(C, "A Lưới 1"),
        _old(C, A_LUOI, "Hồng Kim", "Hồng Thủy", "Hồng Vân", "Trung Sơn"),
    ),
    Commune(37, Unit(C, "A Lưới 2"), _old(T, A_LUOI, "A Lưới")),  # the rest: "—"
    Commune(38, Unit(C, "A Lưới 3")),
    Commune(39, Unit(C, "A Lưới 4")),
    Commune(40, Unit(C, "A Lưới 5"), _old(C, A_LUOI, "Hồng Hạ", "Hương Nguyên")),
)


# --- Office hours ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Schedule:
    name: str
    is_default: bool
    same_day_cutoff: dt.time
    periods: tuple[tuple[int, dt.time, dt.time], ...]  # weekday 0 = Monday (calendars.Weekday)


_MORNING = (dt.time(7, 0), dt.time(11, 30))
_AFTERNOON = (dt.time(13, 30), dt.time(17, 0))
_WEEKDAYS = tuple((day, *half) for day in range(5) for half in (_MORNING, _AFTERNOON))
OFFICE_HOURS = Schedule("Giờ hành chính", True, dt.time(15, 0), _WEEKDAYS)  # 8 h a day
# Saturday-morning reception (domain.md D3), at the city centre's reception point.
SATURDAY_MORNING = Schedule(
    "Tiếp nhận sáng thứ Bảy", False, dt.time(15, 0), (*_WEEKDAYS, (5, *_MORNING))
)
SCHEDULES = (OFFICE_HOURS, SATURDAY_MORNING)


# --- Agencies ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgencyRow:
    key: str
    name: str
    name_en: str
    kind: AgencyKind
    code: str = ""
    parent: str | None = None  # key of an earlier row
    unit: str | None = None  # commune-level unit (from 01/07/2025); None = Thành phố Huế
    address: str = ""
    email: str = ""
    schedule: str | None = None  # Schedule.name; None = the default office hours
    departments: tuple[tuple[str, str], ...] = ()  # (name, name_en)


A = AgencyKind
# City-level agencies, all serving Thành phố Huế. Codes: demo values (see top).
# Y1Y2 numbers the level-2 bodies (01 Văn phòng, 06 the centre, 10–17 the sở),
# Z1Z2 a level-3 body inside one (the reception point, the land office).
CITY_AGENCIES: tuple[AgencyRow, ...] = (
    AgencyRow(
        "ubnd",
        "Ủy ban nhân dân thành phố Huế",
        "Huế City People's Committee",
        A.PEOPLES_COMMITTEE,
        "000.00.00.H57",
    ),
    AgencyRow(
        "vp",
        "Văn phòng Ủy ban nhân dân thành phố Huế",
        "Office of the Huế City People's Committee",
        A.DEPARTMENT,
        "000.00.01.H57",
        parent="ubnd",
    ),
    # The provincial centre is part of the Office of the People's Committee
    # (domain.md §3.1). Its code is the one domain.md uses as the example;
    # the address is a demo value, not checked.
    AgencyRow(
        "trungtam",
        "Trung tâm Phục vụ hành chính công thành phố Huế",
        "Huế City Public Administrative Service Centre",
        A.SERVICE_CENTER,
        "000.00.06.H57",
        parent="vp",
        address="01 Lê Lai, phường Thuận Hóa, thành phố Huế",
        email="trungtam@demo.motcua.vn",
    ),
    AgencyRow(
        "diemtiepnhan",
        "Điểm tiếp nhận số 2 – Trung tâm Phục vụ hành chính công thành phố Huế",
        "Reception point no. 2 – Huế City Public Administrative Service Centre",
        A.RECEPTION_POINT,
        "000.01.06.H57",
        parent="trungtam",
        schedule=SATURDAY_MORNING.name,
    ),
    # Departments (sở) under their 2025 merged names.
    AgencyRow(
        "stp",
        "Sở Tư pháp thành phố Huế",
        "Huế City Department of Justice",
        A.DEPARTMENT,
        "000.00.10.H57",
        parent="ubnd",
        departments=(
            ("Văn phòng Sở", "Department Office"),
            ("Phòng Hành chính tư pháp", "Judicial Administration Division"),
            ("Phòng Bổ trợ tư pháp", "Judicial Support Division"),
        ),
    ),
    # Business registration moved here when Sở Kế hoạch và Đầu tư merged in (2025).
    AgencyRow(
        "stc",
        "Sở Tài chính thành phố Huế",
        "Huế City Department of Finance",
        A.DEPARTMENT,
        "000.00.11.H57",
        parent="ubnd",
        departments=(("Phòng Đăng ký kinh doanh", "Business Registration Division"),),
    ),
    AgencyRow(
        "sxd",
        "Sở Xây dựng thành phố Huế",
        "Huế City Department of Construction",
        A.DEPARTMENT,
        "000.00.12.H57",
        parent="ubnd",
    ),
    AgencyRow(
        "snnmt",
        "Sở Nông nghiệp và Môi trường thành phố Huế",
        "Huế City Department of Agriculture and Environment",
        A.DEPARTMENT,
        "000.00.13.H57",
        parent="ubnd",
        departments=(("Phòng Quản lý đất đai", "Land Management Division"),),
    ),
    AgencyRow(
        "syt",
        "Sở Y tế thành phố Huế",
        "Huế City Department of Health",
        A.DEPARTMENT,
        "000.00.14.H57",
        parent="ubnd",
    ),
    AgencyRow(
        "sgddt",
        "Sở Giáo dục và Đào tạo thành phố Huế",
        "Huế City Department of Education and Training",
        A.DEPARTMENT,
        "000.00.15.H57",
        parent="ubnd",
    ),
    # Labour and people with meritorious services came here from the former
    # Sở Lao động – Thương binh và Xã hội (2025).
    AgencyRow(
        "snv",
        "Sở Nội vụ thành phố Huế",
        "Huế City Department of Home Affairs",
        A.DEPARTMENT,
        "000.00.16.H57",
        parent="ubnd",
    ),
    AgencyRow(
        "sct",
        "Sở Công Thương thành phố Huế",
        "Huế City Department of Industry and Trade",
        A.DEPARTMENT,
        "000.00.17.H57",
        parent="ubnd",
    ),
    # A central (vertical) agency: its identifier belongs to the Ministry of
    # Finance's scheme, not to the city's H57 tree, so no code is invented.
    AgencyRow("thue", "Thuế thành phố Huế", "Huế City Tax Office", A.VERTICAL),
    # The land registration office is a public-service unit of Sở Nông nghiệp
    # và Môi trường, not a central ministry's branch, even though domain.md
    # §3.1 lists it with the vertical agencies because it keeps its own desks.
    # Kind DEPARTMENT with the sở as parent puts it in the sở's subtree, which
    # is what jurisdiction needs.
    AgencyRow(
        "vpdkdd",
        "Văn phòng Đăng ký đất đai thành phố Huế",
        "Huế City Land Registration Office",
        A.DEPARTMENT,
        "000.01.13.H57",
        parent="snnmt",
    ),
)


def commune_ubnd_key(commune: str) -> str:
    return f"ubnd:{commune}"


def commune_centre_key(commune: str) -> str:
    return f"trungtam:{commune}"


def commune_agencies(commune: Commune) -> tuple[AgencyRow, AgencyRow]:
    """The commune People's Committee and its centre (NĐ 118/2025 Art 7(3)).

    Demo codes: the committee is level 2 under the city (Y1Y2 = 40 + number,
    i.e. 41–80), its centre level 3 inside it (Z1Z2 = 01).
    """
    name, prefix, y = commune.unit.name, commune.prefix, 40 + commune.number
    kind_en = "Ward" if commune.unit.kind == K.WARD else "Commune"
    ubnd = AgencyRow(
        commune_ubnd_key(name),
        f"Ủy ban nhân dân {prefix} {name}",
        f"People's Committee of {name} {kind_en}",
        A.PEOPLES_COMMITTEE,
        f"000.00.{y:02d}.H57",
        parent="ubnd",
        unit=name,
    )
    centre = AgencyRow(
        commune_centre_key(name),
        f"Trung tâm Phục vụ hành chính công {prefix} {name}",
        f"{name} {kind_en} Public Administrative Service Centre",
        A.SERVICE_CENTER,
        f"000.01.{y:02d}.H57",
        parent=ubnd.key,
        unit=name,
    )
    return ubnd, centre


# --- Counters ---------------------------------------------------------------------------------
# The procedure fields come from the demo catalogue (catalogue.json, loaded by
# motcua.procedures.transfer); counters name them by code. G15-TP07 and
# G17-XD11 are national field codes, the DEMO-… ones are demo values.
CIVIL_STATUS, CERTIFICATION, ADOPTION = "G15-TP07", "DEMO-CT", "DEMO-NCN"
JUDICIAL_RECORDS, LAND, TAX, CONSTRUCTION = "DEMO-LLTP", "DEMO-DD", "DEMO-THUE", "G17-XD11"
ENTERPRISES, HOUSEHOLD_BUSINESSES = "DEMO-DN", "DEMO-HKD"
MERIT, SOCIAL_PROTECTION, HEALTH, EDUCATION = "DEMO-NCC", "DEMO-BTXH", "DEMO-YT", "DEMO-GD"

COMMUNE_UBND = "@ubnd"  # counter operator: the commune's own People's Committee


@dataclass(frozen=True)
class CounterRow:
    number: int
    name: str
    operator: str  # agency key, or COMMUNE_UBND
    fields: tuple[str, ...]  # procedure field codes of the demo catalogue


CITY_CENTRE_COUNTERS: tuple[CounterRow, ...] = (
    CounterRow(1, "Quầy Tư pháp", "stp", (CIVIL_STATUS, CERTIFICATION, ADOPTION, JUDICIAL_RECORDS)),
    CounterRow(2, "Quầy Đất đai", "vpdkdd", (LAND,)),
    CounterRow(3, "Quầy Thuế", "thue", (TAX,)),
    CounterRow(4, "Quầy Xây dựng", "sxd", (CONSTRUCTION,)),
    CounterRow(5, "Quầy Đăng ký kinh doanh", "stc", (ENTERPRISES,)),
    CounterRow(6, "Quầy Nội vụ – Người có công", "snv", (MERIT,)),
    CounterRow(7, "Quầy Y tế", "syt", (HEALTH,)),
    CounterRow(8, "Quầy Giáo dục và Đào tạo", "sgddt", (EDUCATION,)),
)
# Land-office staff posted at commune centres (NĐ 61 Art 7(5); domain.md §3.1).
COMMUNE_CENTRE_COUNTERS: tuple[CounterRow, ...] = (
    CounterRow(1, "Quầy Tư pháp – Hộ tịch", COMMUNE_UBND, (CIVIL_STATUS, CERTIFICATION, ADOPTION)),
    CounterRow(2, "Quầy Đất đai", "vpdkdd", (LAND,)),
    CounterRow(
        3,
        "Quầy Kinh tế – Văn hóa, xã hội",
        COMMUNE_UBND,
        (HOUSEHOLD_BUSINESSES, CONSTRUCTION, SOCIAL_PROTECTION, EDUCATION),
    ),
)
DEMO_COMMUNES = ("Kim Long", "Phú Bài")  # the two communes with counters and staff


# --- People ---------------------------------------------------------------------------------
DEMO_PASSWORD = "motcua-demo"  # noqa: S105 - printed by load_demo on purpose
EMAIL_DOMAIN = "demo.motcua.vn"


@dataclass(frozen=True)
class StaffRow:
    username: str
    full_name: str
    agency: str  # agency key
    role: Role
    department: str = ""
    is_admin: bool = False  # is_staff + is_superuser: the Django admin


R = Role
STAFF: tuple[StaffRow, ...] = (
    # One person per role at the city centre.
    StaffRow("tinh.motcua", "Nguyễn Thị Thu Hà", "trungtam", R.RECEPTION_OFFICER),
    StaffRow("tinh.chuyenvien", "Trần Văn Dũng", "trungtam", R.SPECIALIST),
    StaffRow("tinh.truongphong", "Lê Thị Minh Thư", "trungtam", R.DIVISION_HEAD),
    StaffRow("tinh.lanhdao", "Phan Quốc Bảo", "trungtam", R.AGENCY_LEADER),
    StaffRow("tinh.vanthu", "Hoàng Thị Lan", "trungtam", R.CLERK),
    StaffRow("tinh.trakq", "Võ Minh Tuấn", "trungtam", R.RETURNER),
    StaffRow("tinh.thuphi", "Đặng Thị Hồng Nhung", "trungtam", R.FEE_COLLECTOR),
    StaffRow("tinh.buuchinh", "Ngô Văn Phúc", "trungtam", R.POSTAL),
    StaffRow("tinh.giamsat", "Huỳnh Thị Mai", "trungtam", R.SUPERVISOR),
    StaffRow("tinh.quantri", "Trương Công Hiếu", "trungtam", R.ADMIN, is_admin=True),
    # Sở Tư pháp: the competent authority for many city-level procedures.
    StaffRow("stp.chuyenvien", "Hồ Thị Ngọc Ánh", "stp", R.SPECIALIST, "Phòng Hành chính tư pháp"),
    StaffRow(
        "stp.truongphong", "Tôn Thất Hùng", "stp", R.DIVISION_HEAD, "Phòng Hành chính tư pháp"
    ),
    StaffRow("stp.giamdoc", "Nguyễn Đình Khoa", "stp", R.AGENCY_LEADER),
    StaffRow("stp.vanthu", "Lê Thị Kim Oanh", "stp", R.CLERK),
    # Communes: the centre receives; the commune People's Committee is the
    # competent authority, so its specialist and its leader (who signs) sit there.
    StaffRow(
        "kimlong.motcua",
        "Phạm Thị Thanh Tâm",
        commune_centre_key("Kim Long"),
        R.RECEPTION_OFFICER,
    ),
    StaffRow("kimlong.chuyenvien", "Nguyễn Hữu Phước", commune_ubnd_key("Kim Long"), R.SPECIALIST),
    StaffRow("kimlong.lanhdao", "Trần Đình Sơn", commune_ubnd_key("Kim Long"), R.AGENCY_LEADER),
    StaffRow(
        "phubai.motcua",
        "Lê Thị Hoài Thương",
        commune_centre_key("Phú Bài"),
        R.RECEPTION_OFFICER,
    ),
    StaffRow("phubai.chuyenvien", "Võ Văn Lợi", commune_ubnd_key("Phú Bài"), R.SPECIALIST),
    StaffRow("phubai.lanhdao", "Hoàng Trọng Nghĩa", commune_ubnd_key("Phú Bài"), R.AGENCY_LEADER),
    # City-wide oversight: the People's Committee's subtree is everything.
    StaffRow("thanhpho.giamsat", "Nguyễn Thị Phương Thảo", "ubnd", R.SUPERVISOR),
)


@dataclass(frozen=True)
class ApplicantRow:
    username: str
    full_name: str
    kind: UserKind
    ward: str  # name of a commune-level unit from 01/07/2025
    address_street: str
    phone: str
    identity_number: str = ""
    date_of_birth: dt.date | None = None
    tax_code: str = ""


# CCCD: 046 = born in Thừa Thiên Huế; 4th digit sex and century (0 man / 1 woman
# born 1900s, 2 man born 2000s); then the two last digits of the birth year.
APPLICANTS: tuple[ApplicantRow, ...] = (
    ApplicantRow(
        "congdan1",
        "Nguyễn Văn An",
        UserKind.CITIZEN,
        "Kim Long",
        "12 đường Kim Long",
        "0900000101",
        identity_number="046085012345",
        date_of_birth=dt.date(1985, 3, 12),
    ),
    ApplicantRow(
        "congdan2",
        "Trần Thị Bích Ngọc",
        UserKind.CITIZEN,
        "Phú Xuân",
        "8 đường Đinh Tiên Hoàng",
        "0900000102",
        identity_number="046192004567",
        date_of_birth=dt.date(1992, 11, 5),
    ),
    ApplicantRow(
        "congdan3",
        "Lê Minh Khôi",
        UserKind.CITIZEN,
        "Phú Bài",
        "Tổ dân phố 3",
        "0900000103",
        identity_number="046201007890",
        date_of_birth=dt.date(2001, 7, 20),
    ),
    ApplicantRow(
        "doanhnghiep1",
        "Công ty TNHH Sông Hương Xanh",
        UserKind.BUSINESS,
        "Thuận Hóa",
        "10 đường Lê Lợi",
        "0900000104",
        tax_code="3301234567",
    ),
)
