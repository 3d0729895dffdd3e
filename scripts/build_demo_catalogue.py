# ruff: noqa: E501 - official Vietnamese names and legal references are data, kept on one line
"""Write the Huế demo catalogue: ``src/motcua/demo/catalogue.json`` and its blank forms.

Run ``python scripts/build_demo_catalogue.py`` after changing the data below;
it rewrites ``src/motcua/demo/forms/*.html`` and ``catalogue.json`` (the
``motcua-catalogue`` export format of :mod:`motcua.procedures.transfer`,
keys sorted, blank forms embedded as base64). Both outputs are committed;
``test_transfer`` checks that the JSON still embeds exactly these forms.

Sources and what is not verified:

* National codes, names, field codes ``G15-TP07`` (Hộ tịch) and ``G17-XD11``
  (Hoạt động xây dựng), fees and times marked "DVCQG" below come from the
  national procedure database (dichvucong.gov.vn) as crawled in 2026 by the
  public repository VoidKeishi/OpenGOV (``data/procedures/<code>.json``);
  others from provincial portals and the legal texts cited in each version.
* Every value that was not checked against an official text is listed in the
  version's ``unverified_note`` (shown to administrators). Procedure field
  codes other than the two above are ``DEMO-…`` on purpose.
* The publication decision and ``valid_from`` 01/07/2025 (start of the
  two-level local government) are demo values for every procedure.
* The blank forms are simplified printable forms written for motcua, not
  copies of the official templates; each says which official form it follows.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "src" / "motcua" / "demo"
FORMS = DEMO / "forms"

VALID_FROM = "2025-07-01"
PUBLICATION = (
    "Quyết định công bố danh mục thủ tục hành chính của Chủ tịch UBND thành phố Huế (dữ liệu mẫu)"
)
BASE_NOTE = (
    "Quyết định công bố và ngày hiệu lực 01/07/2025 là giá trị mẫu, chưa đối chiếu quyết định"
    " của Chủ tịch UBND thành phố Huế."
)
COMMUNE = {
    "levels": [3],
    "competent_agency_kinds": ["peoples_committee"],
    "competent_authority": "Ủy ban nhân dân cấp xã",
}
CONTACT = "Trung tâm Phục vụ hành chính công cấp xã"

# --- Fields ---------------------------------------------------------------------------------
HT, CT, NCN, LLTP = "G15-TP07", "DEMO-CT", "DEMO-NCN", "DEMO-LLTP"
HKD, DN, XD, DD = "DEMO-HKD", "DEMO-DN", "G17-XD11", "DEMO-DD"
BTXH, NCC, GD, YT, THUE = "DEMO-BTXH", "DEMO-NCC", "DEMO-GD", "DEMO-YT", "DEMO-THUE"
FIELDS = [
    (HT, "Hộ tịch", "Civil status"),
    (CT, "Chứng thực", "Certification of copies, signatures and contracts"),
    (NCN, "Nuôi con nuôi", "Adoption"),
    (LLTP, "Lý lịch tư pháp", "Judicial records"),
    (HKD, "Thành lập và hoạt động của hộ kinh doanh", "Household businesses"),
    (DN, "Thành lập và hoạt động doanh nghiệp", "Enterprise registration"),
    (XD, "Hoạt động xây dựng", "Construction"),
    (DD, "Đất đai", "Land"),
    (BTXH, "Bảo trợ xã hội", "Social protection"),
    (NCC, "Người có công", "People with meritorious services"),
    (GD, "Giáo dục và Đào tạo", "Education and training"),
    (YT, "Y tế", "Health"),
    (THUE, "Thuế", "Tax"),
]


# --- Building blocks ------------------------------------------------------------------------
def dec(value: float | int | str | None) -> str | None:
    return None if value is None else f"{Decimal(str(value)):.2f}"


def step(
    order: int,
    name: str,
    role: str,
    hours: float,
    actions: list[str],
    *,
    notification: str = "handler",
    signature: bool = False,
    department: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "order": order,
        "name": name,
        "role": role,
        "department": department,
        "budget_hours": dec(hours),
        "actions": actions,
        "notification": notification,
        "signature_required": signature,
    }


RECEIVE = ["forward", "request_supplement", "refuse"]
APPRAISE = ["forward", "send_back", "request_supplement", "request_coordination", "refuse"]
# The leader signs, then forwards to the returner who numbers and issues (forward is
# what moves a dossier on; without it a dossier could never leave this step).
SIGN = ["approve", "sign", "forward", "send_back", "refuse"]
ISSUE = ["issue"]  # the last step: forward is never possible from it
RETURN = ["return_result"]


def flow(receive: float, appraise: float, sign: float, issue: float, **kw: Any) -> list[dict]:
    """The usual four steps: the centre receives, the competent body appraises and signs."""
    appraise_name = kw.pop("appraise_name", "Thẩm định hồ sơ")
    appraise_department = kw.pop("department", None)
    return [
        step(1, "Tiếp nhận hồ sơ", "reception_officer", receive, RECEIVE, notification="both"),
        step(2, appraise_name, "specialist", appraise, APPRAISE, department=appraise_department),
        step(3, "Ký duyệt kết quả", "agency_leader", sign, SIGN, signature=True),
        step(4, "Vào sổ, trả kết quả", "returner", issue, ISSUE + RETURN, notification="applicant"),
    ]


WF_CIVIL_SAME_DAY = "Hộ tịch giải quyết trong ngày – cấp xã"
WF_CIVIL_3_DAYS = "Hộ tịch 03 ngày làm việc – cấp xã"
WF_COPY_REGISTER = "Cấp bản sao từ sổ gốc – cấp xã"
WF_CERTIFY = "Chứng thực trong ngày – cấp xã"
WF_HOUSEHOLD_BUSINESS = "Đăng ký hộ kinh doanh – cấp xã"
WF_ENTERPRISE = "Đăng ký doanh nghiệp – Phòng Đăng ký kinh doanh"
WF_BUILDING_HOUSE = "Giấy phép xây dựng nhà ở riêng lẻ – cấp xã"
WF_BUILDING_WORKS = "Giấy phép xây dựng công trình cấp III, cấp IV – cấp xã"
WF_JUDICIAL = "Cấp Phiếu lý lịch tư pháp"
WORKFLOWS: dict[str, tuple[str, list[dict]]] = {
    WF_CIVIL_SAME_DAY: (
        "Trả trong ngày; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo"
        " (Luật Hộ tịch 2014 Điều 16, 18).",
        flow(1, 3, 2, 1),
    ),
    WF_CIVIL_3_DAYS: ("Việc hộ tịch có thời hạn 03 ngày làm việc.", flow(2, 14, 4, 2)),
    # The Hà Nội 2026 internal procedure for 2.000908 (domain.md §4.6): 2 + 3 + 2 + 1 h.
    WF_COPY_REGISTER: (
        "Theo mẫu quy trình nội bộ 2 + 3 + 2 + 1 giờ (domain.md §4.6).",
        flow(2, 3, 2, 1),
    ),
    WF_CERTIFY: (
        "Chứng thực trong ngày; sau 15 giờ thì trả trong ngày làm việc tiếp theo"
        " (NĐ 23/2015/NĐ-CP Điều 7).",
        flow(1, 3, 2, 1, appraise_name="Đối chiếu, ghi lời chứng"),
    ),
    WF_HOUSEHOLD_BUSINESS: ("03 ngày làm việc (NĐ 168/2025/NĐ-CP).", flow(2, 14, 4, 2)),
    WF_ENTERPRISE: (
        "03 ngày làm việc; Phòng Đăng ký kinh doanh thuộc Sở Tài chính thẩm định.",
        flow(
            2,
            14,
            4,
            2,
            department={"agency_code": "000.00.11.H57", "name": "Phòng Đăng ký kinh doanh"},
        ),
    ),
    WF_BUILDING_HOUSE: (
        "07 ngày làm việc đối với nhà ở riêng lẻ; có kiểm tra thực địa.",
        [
            step(1, "Tiếp nhận hồ sơ", "reception_officer", 2, RECEIVE, notification="both"),
            step(2, "Thẩm định hồ sơ, kiểm tra thực địa", "specialist", 32, APPRAISE),
            step(
                3, "Lãnh đạo phòng xem xét", "division_head", 8, ["approve", "forward", "send_back"]
            ),
            step(4, "Ký giấy phép", "agency_leader", 8, SIGN, signature=True),
            step(5, "Vào sổ, trả kết quả", "returner", 4, ISSUE + RETURN, notification="applicant"),
        ],
    ),
    WF_BUILDING_WORKS: (
        "10 ngày làm việc đối với công trình cấp III, cấp IV.",
        [
            step(1, "Tiếp nhận hồ sơ", "reception_officer", 2, RECEIVE, notification="both"),
            step(2, "Thẩm định hồ sơ, lấy ý kiến cơ quan liên quan", "specialist", 52, APPRAISE),
            step(
                3,
                "Lãnh đạo phòng xem xét",
                "division_head",
                12,
                ["approve", "forward", "send_back"],
            ),
            step(4, "Ký giấy phép", "agency_leader", 8, SIGN, signature=True),
            step(5, "Vào sổ, trả kết quả", "returner", 4, ISSUE + RETURN, notification="applicant"),
        ],
    ),
    WF_JUDICIAL: (
        "Tra cứu, xác minh lý lịch tư pháp trong 10 ngày.",
        flow(4, 64, 8, 4, appraise_name="Tra cứu, xác minh thông tin lý lịch tư pháp"),
    ),
}


def comp(
    name: str,
    *,
    originals: int = 1,
    copies: int = 0,
    certified: int = 0,
    required: bool = True,
    condition: str = "",
    code: str = "",
    eform: bool = False,
    database: str = "",
    form: str | None = None,
    max_mb: float | None = None,
    types: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "code": code,
        "required": required,
        "condition_text": condition,
        "originals": originals,
        "certified_copies": certified,
        "copies": copies,
        "replaced_by_eform": eform,
        "replaced_by_database": database,
        "template_file": form,
        # Optional export keys (gh-4 item 2): written only when set.
        **({"upload_max_mb": dec(max_mb)} if max_mb is not None else {}),
        **({"upload_types": types} if types else {}),
    }


def identity(*, who: str = "người yêu cầu") -> dict[str, Any]:
    # NĐ 224/2026 Art 18(4): data the population database holds must not be demanded.
    return comp(
        f"Giấy tờ tùy thân của {who} (xuất trình khi nộp trực tiếp; không phải nộp nếu đã"
        " khai thác được từ Cơ sở dữ liệu quốc gia về dân cư)",
        originals=0,
        required=False,
        condition="Khi không khai thác được thông tin từ Cơ sở dữ liệu quốc gia về dân cư",
        database="population",
    )


def proxy() -> dict[str, Any]:
    return comp(
        "Văn bản ủy quyền (được chứng thực; không phải chứng thực nếu người được ủy quyền là"
        " ông, bà, cha, mẹ, con, vợ, chồng, anh, chị, em ruột)",
        required=False,
        condition="Khi ủy quyền cho người khác thực hiện",
    )


def fee(
    kind: str,
    name: str,
    *,
    amount: int | None = None,
    rule: str = "",
    collection: str = "upfront",
    exemptions: str = "",
) -> dict[str, Any]:
    return {
        "kind": kind,
        "name": name,
        "amount": amount,
        "rule": rule,
        "collection": collection,
        "exemption_groups": exemptions,
    }


def free(name: str = "Không thu phí, lệ phí") -> dict[str, Any]:
    return fee("levy", name, collection="none")


def variant(
    code: str,
    name: str,
    duration: float | None,
    unit: str,
    components: list[dict[str, Any]],
    fees: list[dict[str, Any]],
    *,
    question: str = "",
    workflow: str | None = None,
    eform: dict[str, Any] | None = None,
    online: tuple[float, str] | None = None,
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "question": question,
        "duration": dec(duration),
        "duration_unit": unit,
        "online_duration": dec(online[0]) if online else None,
        "online_duration_unit": online[1] if online else "",
        "workflow": workflow,
        "eform": eform,
        "components": components,
        "fees": fees,
    }


def procedure(
    code: str,
    name: str,
    field: str,
    variants: list[dict[str, Any]],
    *,
    where: dict[str, Any] = COMMUNE,
    audience: str = "citizen",
    legal: list[str],
    steps: str,
    conditions: str = "",
    result: str,
    keywords: list[str],
    unverified: list[str] = (),  # type: ignore[assignment]
    online_mode: str = "full",
    partial: str = "",
    cross_boundary: bool = False,
    postal: bool = True,
    external: bool = False,
    linked: list[str] = (),  # type: ignore[assignment]
    upload_max_mb: float | None = None,
) -> dict[str, Any]:
    for order, v in enumerate(variants, start=1):
        v["order"] = order
        for c_order, c in enumerate(v["components"], start=1):
            c["order"] = c_order
        v["fees"].sort(key=lambda f: f["kind"])  # export order: kind, then id
    version = {
        "number": 1,
        "status": "published",
        "valid_from": VALID_FROM,
        "valid_to": None,
        "publication_ref": PUBLICATION,
        "name": name,
        "field": field,
        "audience": audience,
        **where,
        "legal_basis": "\n".join(legal),
        "steps_text": steps,
        "conditions": conditions,
        "result_type": result,
        "online_mode": online_mode,
        "partial_justification": partial,
        "cross_boundary": cross_boundary,
        "postal_allowed": postal,
        "handled_externally": external,
        "keywords": "\n".join(keywords),
        "unverified_note": "\n".join([BASE_NOTE, *unverified]),
        **({"upload_max_mb": dec(upload_max_mb)} if upload_max_mb is not None else {}),
        "variants": variants,
    }
    return {"national_code": code, "linked": sorted(linked), "versions": [version]}


# --- E-forms (JSON Schema 2020-12; see motcua.procedures.eforms) -----------------------------
SCHEMA = "https://json-schema.org/draft/2020-12/schema"


def text(title: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "title": title, **extra}


def choice(title: str, options: list[tuple[str, str]], **extra: Any) -> dict[str, Any]:
    return {
        "type": "string",
        "title": title,
        "enum": [v for v, _ in options],
        "x-enumLabels": [label for _, label in options],
        **extra,
    }


def applicant() -> dict[str, dict[str, Any]]:
    """The requester block every civil-status form starts with, prefilled from the profile."""
    return {
        "nguoi_yeu_cau_ho_ten": text(
            "Họ, chữ đệm, tên người yêu cầu", **{"x-prefill": "profile.full_name"}, maxLength=100
        ),
        "nguoi_yeu_cau_so_dinh_danh": text(
            "Số định danh cá nhân của người yêu cầu",
            description="12 chữ số trên thẻ căn cước.",
            pattern="^[0-9]{12}$",
            **{"x-prefill": "profile.identity_number", "x-kind": "cccd"},
        ),
        "nguoi_yeu_cau_noi_cu_tru": text(
            "Nơi cư trú", **{"x-prefill": "profile.address", "x-kind": "textarea"}, maxLength=300
        ),
        "nguoi_yeu_cau_dien_thoai": text(
            "Số điện thoại", **{"x-prefill": "profile.phone", "x-kind": "phone"}
        ),
        "nguoi_yeu_cau_email": text(
            "Thư điện tử", format="email", **{"x-prefill": "profile.email"}
        ),
    }


REQUESTER_REQUIRED = ["nguoi_yeu_cau_ho_ten", "nguoi_yeu_cau_so_dinh_danh"]
SEX = [("nam", "Nam"), ("nu", "Nữ")]


def eform(title: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": title,
        "type": "object",
        "properties": properties,
        "required": required,
    }


EFORM_BIRTH = eform(
    "Tờ khai đăng ký khai sinh",
    {
        **applicant(),
        "quan_he": choice(
            "Quan hệ với người được khai sinh",
            [("cha", "Cha"), ("me", "Mẹ"), ("ong_ba", "Ông, bà"), ("khac", "Người khác")],
        ),
        "tre_ho_ten": text("Họ, chữ đệm, tên người được khai sinh", maxLength=100),
        "tre_ngay_sinh": text("Ngày, tháng, năm sinh", format="date", **{"x-notFuture": True}),
        "tre_gioi_tinh": choice("Giới tính", SEX),
        "tre_dan_toc": text("Dân tộc"),
        "tre_noi_sinh": text(
            "Nơi sinh",
            description="Tên cơ sở y tế hoặc địa chỉ nơi sinh.",
            **{"x-kind": "textarea"},
        ),
        "tre_que_quan": text("Quê quán"),
        "me_ho_ten": text("Họ, chữ đệm, tên người mẹ"),
        "me_so_dinh_danh": text("Số định danh cá nhân của người mẹ", **{"x-kind": "cccd"}),
        "cha_ho_ten": text("Họ, chữ đệm, tên người cha", description="Để trống nếu chưa xác định."),
        "cha_so_dinh_danh": text("Số định danh cá nhân của người cha", **{"x-kind": "cccd"}),
    },
    [
        *REQUESTER_REQUIRED,
        "quan_he",
        "tre_ho_ten",
        "tre_ngay_sinh",
        "tre_gioi_tinh",
        "tre_noi_sinh",
        "me_ho_ten",
    ],
)
EFORM_MARRIAGE = eform(
    "Tờ khai đăng ký kết hôn",
    {
        "chong_ho_ten": text("Họ, chữ đệm, tên bên nam", **{"x-prefill": "profile.full_name"}),
        "chong_ngay_sinh": text(
            "Ngày sinh bên nam", format="date", **{"x-prefill": "profile.date_of_birth"}
        ),
        "chong_so_dinh_danh": text(
            "Số định danh cá nhân bên nam",
            **{"x-prefill": "profile.identity_number", "x-kind": "cccd"},
        ),
        "vo_ho_ten": text("Họ, chữ đệm, tên bên nữ"),
        "vo_ngay_sinh": text("Ngày sinh bên nữ", format="date"),
        "vo_so_dinh_danh": text("Số định danh cá nhân bên nữ", **{"x-kind": "cccd"}),
        "lan_ket_hon": choice(
            "Kết hôn lần thứ mấy (bên nam)",
            [("lan_dau", "Lần đầu"), ("lan_hai_tro_len", "Lần thứ hai trở lên")],
        ),
        "dien_thoai": text(
            "Số điện thoại liên hệ", **{"x-prefill": "profile.phone", "x-kind": "phone"}
        ),
        "cam_doan": {
            "type": "boolean",
            "title": "Chúng tôi cam đoan hai bên tự nguyện kết hôn và đủ điều kiện kết hôn.",
        },
    },
    [
        "chong_ho_ten",
        "chong_ngay_sinh",
        "chong_so_dinh_danh",
        "vo_ho_ten",
        "vo_ngay_sinh",
        "vo_so_dinh_danh",
        "cam_doan",
    ],
)
EFORM_DEATH = eform(
    "Tờ khai đăng ký khai tử",
    {
        **applicant(),
        "quan_he": text("Quan hệ với người đã chết"),
        "nguoi_chet_ho_ten": text("Họ, chữ đệm, tên người đã chết"),
        "nguoi_chet_so_dinh_danh": text(
            "Số định danh cá nhân của người đã chết", **{"x-kind": "cccd"}
        ),
        "ngay_chet": text("Ngày chết", format="date", **{"x-notFuture": True}),
        "noi_chet": text("Nơi chết", **{"x-kind": "textarea"}),
        "nguyen_nhan": text("Nguyên nhân chết", **{"x-kind": "textarea"}),
        "giay_bao_tu": text("Số, ngày Giấy báo tử hoặc giấy tờ thay thế"),
    },
    [*REQUESTER_REQUIRED, "quan_he", "nguoi_chet_ho_ten", "ngay_chet", "noi_chet"],
)
EFORM_EXTRACT = eform(
    "Tờ khai cấp bản sao trích lục hộ tịch",
    {
        **applicant(),
        "loai_trich_luc": choice(
            "Loại giấy tờ cần cấp bản sao",
            [
                ("khai_sinh", "Bản sao Giấy khai sinh / trích lục khai sinh"),
                ("ket_hon", "Trích lục kết hôn"),
                ("khai_tu", "Trích lục khai tử"),
                ("khac", "Trích lục hộ tịch khác"),
            ],
        ),
        "nguoi_duoc_cap_ho_ten": text("Họ, chữ đệm, tên người có thông tin hộ tịch"),
        "nguoi_duoc_cap_ngay_sinh": text("Ngày sinh", format="date"),
        "noi_dang_ky": text("Nơi đã đăng ký hộ tịch", description="Ví dụ: UBND phường Kim Long."),
        "so_ban": {
            "type": "integer",
            "title": "Số bản sao đề nghị cấp",
            "minimum": 1,
            "maximum": 20,
        },
    },
    [*REQUESTER_REQUIRED, "loai_trich_luc", "nguoi_duoc_cap_ho_ten", "so_ban"],
)
EFORM_MARITAL = eform(
    "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
    {
        **applicant(),
        "ngay_sinh": text("Ngày sinh", format="date", **{"x-prefill": "profile.date_of_birth"}),
        "tinh_trang": choice(
            "Tình trạng hôn nhân hiện nay",
            [
                ("chua_ket_hon", "Chưa đăng ký kết hôn với ai"),
                ("ly_hon", "Đã ly hôn"),
                ("goa", "Vợ/chồng đã chết"),
                ("dang_co_vo_chong", "Đang có vợ/chồng"),
            ],
        ),
        "muc_dich": text(
            "Mục đích sử dụng", description="Ví dụ: để đăng ký kết hôn.", **{"x-kind": "textarea"}
        ),
    },
    [*REQUESTER_REQUIRED, "ngay_sinh", "tinh_trang", "muc_dich"],
)
EFORM_COPY_REGISTER = eform(
    "Đề nghị cấp bản sao từ sổ gốc",
    {
        **applicant(),
        "giay_to": text(
            "Tên giấy tờ cần cấp bản sao", description="Ví dụ: Giấy khai sinh, Bằng tốt nghiệp."
        ),
        "so_ky_hieu": text("Số, ký hiệu, ngày cấp của bản chính (nếu biết)"),
        "so_ban": {"type": "integer", "title": "Số bản sao", "minimum": 1, "maximum": 20},
    },
    [*REQUESTER_REQUIRED, "giay_to", "so_ban"],
)
EFORM_CERTIFY_COPY = eform(
    "Yêu cầu chứng thực bản sao từ bản chính",
    {
        **applicant(),
        "giay_to": text("Tên giấy tờ, văn bản cần chứng thực"),
        "so_trang": {
            "type": "integer",
            "title": "Số trang của bản chính",
            "minimum": 1,
            "maximum": 500,
        },
        "so_ban": {
            "type": "integer",
            "title": "Số bản sao cần chứng thực",
            "minimum": 1,
            "maximum": 50,
        },
        "nhan_ket_qua": choice(
            "Hình thức nhận kết quả",
            [("truc_tiep", "Nhận trực tiếp"), ("buu_chinh", "Qua dịch vụ bưu chính")],
        ),
    },
    [*REQUESTER_REQUIRED, "giay_to", "so_trang", "so_ban"],
)
EFORM_CERTIFY_SIGNATURE = eform(
    "Yêu cầu chứng thực chữ ký",
    {
        **applicant(),
        "van_ban": text("Tên giấy tờ, văn bản cần chứng thực chữ ký"),
        "hinh_thuc": choice(
            "Hình thức",
            [
                ("ky", "Ký trước mặt người thực hiện chứng thực"),
                ("diem_chi", "Điểm chỉ"),
                ("khong_ky_duoc", "Không ký, không điểm chỉ được"),
            ],
        ),
        "so_ban": {"type": "integer", "title": "Số bản", "minimum": 1, "maximum": 50},
    },
    [*REQUESTER_REQUIRED, "van_ban", "hinh_thuc", "so_ban"],
)
EFORM_HOUSEHOLD_BUSINESS = eform(
    "Giấy đề nghị đăng ký hộ kinh doanh",
    {
        "chu_ho_ho_ten": text(
            "Họ, chữ đệm, tên chủ hộ kinh doanh", **{"x-prefill": "profile.full_name"}
        ),
        "chu_ho_so_dinh_danh": text(
            "Số định danh cá nhân của chủ hộ",
            **{"x-prefill": "profile.identity_number", "x-kind": "cccd"},
        ),
        "chu_ho_ngay_sinh": text(
            "Ngày sinh", format="date", **{"x-prefill": "profile.date_of_birth"}
        ),
        "dien_thoai": text("Điện thoại", **{"x-prefill": "profile.phone", "x-kind": "phone"}),
        "email": text("Thư điện tử", format="email", **{"x-prefill": "profile.email"}),
        "ten_ho_kinh_doanh": text("Tên hộ kinh doanh", description="Viết hoa, có thể kèm chữ số."),
        "dia_diem": text("Địa điểm kinh doanh", **{"x-kind": "textarea"}),
        "nganh_nghe": text("Ngành, nghề kinh doanh", **{"x-kind": "textarea"}),
        "von": {"type": "integer", "title": "Vốn kinh doanh (đồng)", "minimum": 0},
        "so_lao_dong": {"type": "integer", "title": "Số lượng lao động", "minimum": 0},
    },
    ["chu_ho_ho_ten", "chu_ho_so_dinh_danh", "ten_ho_kinh_doanh", "dia_diem", "nganh_nghe", "von"],
)
EFORM_ENTERPRISE = eform(
    "Giấy đề nghị đăng ký doanh nghiệp tư nhân",
    {
        "chu_dn_ho_ten": text(
            "Họ, chữ đệm, tên chủ doanh nghiệp", **{"x-prefill": "profile.full_name"}
        ),
        "chu_dn_so_dinh_danh": text(
            "Số định danh cá nhân", **{"x-prefill": "profile.identity_number", "x-kind": "cccd"}
        ),
        "dien_thoai": text("Điện thoại", **{"x-prefill": "profile.phone", "x-kind": "phone"}),
        "email": text("Thư điện tử", format="email", **{"x-prefill": "profile.email"}),
        "ten_tieng_viet": text("Tên doanh nghiệp viết bằng tiếng Việt"),
        "ten_viet_tat": text("Tên doanh nghiệp viết tắt (nếu có)"),
        "tru_so": text("Địa chỉ trụ sở chính", **{"x-kind": "textarea"}),
        "nganh_nghe": text("Ngành, nghề kinh doanh (mã ngành cấp 4)", **{"x-kind": "textarea"}),
        "von_dau_tu": {"type": "integer", "title": "Vốn đầu tư (đồng)", "minimum": 0},
        "loai_dang_ky": choice(
            "Tình trạng thành lập",
            [("moi", "Thành lập mới"), ("tu_hkd", "Chuyển đổi từ hộ kinh doanh")],
        ),
    },
    [
        "chu_dn_ho_ten",
        "chu_dn_so_dinh_danh",
        "ten_tieng_viet",
        "tru_so",
        "nganh_nghe",
        "von_dau_tu",
        "loai_dang_ky",
    ],
)
EFORM_BUILDING = eform(
    "Đơn đề nghị cấp giấy phép xây dựng",
    {
        "chu_dau_tu": text("Tên chủ đầu tư", **{"x-prefill": "profile.full_name"}),
        "so_dinh_danh": text(
            "Số định danh cá nhân hoặc mã số thuế",
            **{"x-prefill": "profile.identity_number"},
        ),
        "dien_thoai": text("Điện thoại", **{"x-prefill": "profile.phone", "x-kind": "phone"}),
        "dia_diem": text(
            "Địa điểm xây dựng (lô, thửa, tờ bản đồ, địa chỉ)", **{"x-kind": "textarea"}
        ),
        "dien_tich_dat": {"type": "number", "title": "Diện tích lô đất (m²)", "minimum": 1},
        "dien_tich_xay_dung": {
            "type": "number",
            "title": "Diện tích xây dựng tầng 1 (m²)",
            "minimum": 1,
        },
        "tong_dien_tich_san": {"type": "number", "title": "Tổng diện tích sàn (m²)", "minimum": 1},
        "so_tang": {"type": "integer", "title": "Số tầng", "minimum": 1, "maximum": 10},
        "chieu_cao": {"type": "number", "title": "Chiều cao công trình (m)", "minimum": 1},
        "thoi_gian_hoan_thanh": text("Dự kiến thời gian hoàn thành", format="date"),
    },
    [
        "chu_dau_tu",
        "dia_diem",
        "dien_tich_dat",
        "dien_tich_xay_dung",
        "tong_dien_tich_san",
        "so_tang",
    ],
)
EFORM_JUDICIAL = eform(
    "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
    {
        **applicant(),
        "ngay_sinh": text("Ngày sinh", format="date", **{"x-prefill": "profile.date_of_birth"}),
        "gioi_tinh": choice("Giới tính", SEX),
        "loai_phieu": choice(
            "Loại Phiếu yêu cầu cấp",
            [("so_1", "Phiếu lý lịch tư pháp số 1"), ("so_2", "Phiếu lý lịch tư pháp số 2")],
        ),
        "so_luong": {"type": "integer", "title": "Số lượng Phiếu", "minimum": 1, "maximum": 10},
        "muc_dich": text("Mục đích sử dụng Phiếu", **{"x-kind": "textarea"}),
        "noi_cu_tru_truoc": text("Nơi cư trú trước đây (từ đủ 14 tuổi)", **{"x-kind": "textarea"}),
    },
    [*REQUESTER_REQUIRED, "ngay_sinh", "gioi_tinh", "loai_phieu", "so_luong", "muc_dich"],
)

# --- Blank forms (printable HTML) -------------------------------------------------------------
FORM_PAGES: dict[str, tuple[str, str, list[str]]] = {
    # file: (title, "Kính gửi", lines to fill in)
    "to-khai-dang-ky-khai-sinh.html": (
        "TỜ KHAI ĐĂNG KÝ KHAI SINH",
        "Ủy ban nhân dân phường/xã",
        [
            "Họ, chữ đệm, tên người yêu cầu",
            "Số định danh cá nhân",
            "Nơi cư trú",
            "Quan hệ với người được khai sinh",
            "Đề nghị đăng ký khai sinh cho người có tên dưới đây:",
            "Họ, chữ đệm, tên",
            "Ngày, tháng, năm sinh (ghi bằng số và bằng chữ)",
            "Giới tính",
            "Dân tộc",
            "Quốc tịch",
            "Nơi sinh",
            "Quê quán",
            "Họ, chữ đệm, tên người mẹ; năm sinh; dân tộc; quốc tịch; nơi cư trú",
            "Họ, chữ đệm, tên người cha; năm sinh; dân tộc; quốc tịch; nơi cư trú",
            "Đề nghị cấp bản sao Giấy khai sinh: có / không; số lượng: … bản",
        ],
    ),
    "to-khai-dang-ky-ket-hon.html": (
        "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
        "Ủy ban nhân dân phường/xã",
        [
            "Bên nữ – Họ, chữ đệm, tên; ngày, tháng, năm sinh",
            "Bên nữ – Dân tộc; quốc tịch; nơi cư trú",
            "Bên nữ – Số định danh cá nhân",
            "Bên nữ – Kết hôn lần thứ mấy",
            "Bên nam – Họ, chữ đệm, tên; ngày, tháng, năm sinh",
            "Bên nam – Dân tộc; quốc tịch; nơi cư trú",
            "Bên nam – Số định danh cá nhân",
            "Bên nam – Kết hôn lần thứ mấy",
            "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi"
            " là tự nguyện, không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam.",
            "Đề nghị cấp bản sao Trích lục kết hôn: có / không; số lượng: … bản",
        ],
    ),
    "to-khai-dang-ky-khai-tu.html": (
        "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
        "Ủy ban nhân dân phường/xã",
        [
            "Họ, chữ đệm, tên người yêu cầu; số định danh cá nhân",
            "Nơi cư trú",
            "Quan hệ với người đã chết",
            "Đề nghị đăng ký khai tử cho người có tên dưới đây:",
            "Họ, chữ đệm, tên; ngày, tháng, năm sinh; giới tính",
            "Số định danh cá nhân",
            "Nơi cư trú cuối cùng",
            "Đã chết vào lúc … giờ … phút, ngày … tháng … năm …",
            "Nơi chết",
            "Nguyên nhân chết",
            "Số Giấy báo tử / giấy tờ thay thế Giấy báo tử; ngày cấp; cơ quan cấp",
        ],
    ),
    "to-khai-cap-ban-sao-trich-luc-ho-tich.html": (
        "TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH",
        "Sở Tư pháp / Ủy ban nhân dân phường/xã",
        [
            "Họ, chữ đệm, tên người yêu cầu; số định danh cá nhân",
            "Nơi cư trú",
            "Quan hệ với người được cấp bản sao trích lục",
            "Đề nghị cấp bản sao trích lục hộ tịch của người có tên dưới đây:",
            "Họ, chữ đệm, tên; ngày, tháng, năm sinh",
            "Loại việc hộ tịch (khai sinh, kết hôn, khai tử, …)",
            "Đã đăng ký tại …; số …; ngày … tháng … năm …",
            "Số lượng bản sao đề nghị cấp: … bản",
        ],
    ),
    "to-khai-xac-nhan-tinh-trang-hon-nhan.html": (
        "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
        "Ủy ban nhân dân phường/xã",
        [
            "Họ, chữ đệm, tên người yêu cầu",
            "Số định danh cá nhân; ngày, tháng, năm sinh; giới tính",
            "Nơi cư trú",
            "Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:",
            "Họ, chữ đệm, tên; ngày, tháng, năm sinh",
            "Nơi cư trú trong thời gian cần xác nhận (từ … đến …)",
            "Tình trạng hôn nhân hiện nay",
            "Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân",
        ],
    ),
    "don-de-nghi-cap-ban-sao-tu-so-goc.html": (
        "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO TỪ SỔ GỐC",
        "Ủy ban nhân dân phường/xã (cơ quan đang quản lý sổ gốc)",
        [
            "Họ, chữ đệm, tên người yêu cầu; số định danh cá nhân",
            "Nơi cư trú; số điện thoại",
            "Quan hệ với người được cấp bản chính",
            "Tên giấy tờ cần cấp bản sao",
            "Số, ký hiệu; ngày cấp bản chính (nếu biết)",
            "Số lượng bản sao: … bản",
        ],
    ),
    "giay-de-nghi-dang-ky-ho-kinh-doanh.html": (
        "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH",
        "Ủy ban nhân dân phường/xã",
        [
            "Tên hộ kinh doanh (viết chữ in hoa)",
            "Địa điểm kinh doanh; điện thoại; thư điện tử",
            "Ngành, nghề kinh doanh",
            "Vốn kinh doanh (bằng số và bằng chữ)",
            "Số lượng lao động",
            "Họ, chữ đệm, tên chủ hộ kinh doanh; ngày sinh; giới tính",
            "Số định danh cá nhân của chủ hộ kinh doanh",
            "Nơi cư trú của chủ hộ kinh doanh",
            "Tôi cam kết trung thực, chính xác về nội dung đăng ký hộ kinh doanh trên đây.",
        ],
    ),
    "giay-de-nghi-dang-ky-doanh-nghiep-tu-nhan.html": (
        "GIẤY ĐỀ NGHỊ ĐĂNG KÝ DOANH NGHIỆP TƯ NHÂN",
        "Phòng Đăng ký kinh doanh – Sở Tài chính thành phố Huế",
        [
            "Tình trạng thành lập: thành lập mới / chuyển đổi từ hộ kinh doanh",
            "Tên doanh nghiệp viết bằng tiếng Việt (chữ in hoa)",
            "Tên doanh nghiệp viết bằng tiếng nước ngoài; tên viết tắt (nếu có)",
            "Địa chỉ trụ sở chính; điện thoại; thư điện tử",
            "Ngành, nghề kinh doanh (tên ngành, mã ngành cấp 4)",
            "Vốn đầu tư (bằng số, bằng chữ)",
            "Chủ doanh nghiệp tư nhân: họ, chữ đệm, tên; ngày sinh; số định danh cá nhân",
            "Thông tin đăng ký thuế",
            "Tôi cam kết là người đại diện theo pháp luật và chịu trách nhiệm trước pháp luật về"
            " tính hợp pháp, chính xác, trung thực của nội dung kê khai.",
        ],
    ),
    "don-de-nghi-cap-giay-phep-xay-dung.html": (
        "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG",
        "Ủy ban nhân dân phường/xã",
        [
            "Tên chủ đầu tư; người đại diện; chức vụ (nếu có)",
            "Địa chỉ liên hệ; số điện thoại",
            "Địa điểm xây dựng: lô đất số …; diện tích … m²; tại …",
            "Loại công trình; cấp công trình",
            "Diện tích xây dựng tầng 1 (tầng trệt): … m²",
            "Tổng diện tích sàn: … m²; chiều cao công trình: … m; số tầng: …",
            "Đơn vị hoặc người thiết kế; chứng chỉ hành nghề (nếu có)",
            "Dự kiến thời gian hoàn thành công trình: … tháng",
            "Tôi xin cam kết làm theo đúng giấy phép được cấp, nếu sai tôi xin hoàn toàn chịu"
            " trách nhiệm và bị xử lý theo quy định của pháp luật.",
        ],
    ),
    "to-khai-yeu-cau-cap-phieu-ly-lich-tu-phap.html": (
        "TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP",
        "Cơ quan cấp Phiếu lý lịch tư pháp thành phố Huế",
        [
            "Họ, chữ đệm, tên; giới tính; ngày, tháng, năm sinh",
            "Nơi sinh; quốc tịch; dân tộc",
            "Số định danh cá nhân",
            "Nơi thường trú; nơi tạm trú",
            "Họ, tên cha; họ, tên mẹ; họ, tên vợ/chồng",
            "Quá trình cư trú của bản thân (từ đủ 14 tuổi): từ … đến …, nơi cư trú, nghề nghiệp",
            "Có án tích: có / không",
            "Yêu cầu cấp Phiếu lý lịch tư pháp: số 1 / số 2; số lượng: … bản",
            "Mục đích sử dụng Phiếu lý lịch tư pháp",
        ],
    ),
}
FORM_SOURCES = {
    "to-khai-dang-ky-khai-sinh.html": "Mẫu tờ khai đăng ký khai sinh ban hành kèm Thông tư 04/2020/TT-BTP",
    "to-khai-dang-ky-ket-hon.html": "Mẫu tờ khai đăng ký kết hôn ban hành kèm Thông tư 04/2020/TT-BTP",
    "to-khai-dang-ky-khai-tu.html": "Mẫu tờ khai đăng ký khai tử ban hành kèm Thông tư 04/2020/TT-BTP",
    "to-khai-cap-ban-sao-trich-luc-ho-tich.html": "Mẫu tờ khai cấp bản sao trích lục hộ tịch ban hành kèm Thông tư 04/2020/TT-BTP",
    "to-khai-xac-nhan-tinh-trang-hon-nhan.html": "Mẫu tờ khai cấp Giấy xác nhận tình trạng hôn nhân ban hành kèm Thông tư 04/2020/TT-BTP",
    "don-de-nghi-cap-ban-sao-tu-so-goc.html": "Nghị định 23/2015/NĐ-CP (không bắt buộc theo mẫu)",
    "giay-de-nghi-dang-ky-ho-kinh-doanh.html": "Mẫu giấy đề nghị đăng ký hộ kinh doanh của Bộ Tài chính",
    "giay-de-nghi-dang-ky-doanh-nghiep-tu-nhan.html": "Mẫu giấy đề nghị đăng ký doanh nghiệp tư nhân của Bộ Tài chính",
    "don-de-nghi-cap-giay-phep-xay-dung.html": "Mẫu số 1 Phụ lục II Nghị định 175/2024/NĐ-CP",
    "to-khai-yeu-cau-cap-phieu-ly-lich-tu-phap.html": "Mẫu tờ khai ban hành kèm Thông tư 06/2024/TT-BTP",
}

PAGE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{title_text}</title>
<style>
body {{ font-family: "Times New Roman", serif; font-size: 13pt; max-width: 18cm; margin: 1.5cm auto; }}
header {{ text-align: center; }}
h1 {{ font-size: 14pt; text-align: center; margin: 1em 0; }}
ol {{ padding-left: 1.2em; }}
li {{ margin: 0.6em 0; }}
.line {{ display: block; border-bottom: 1px dotted #000; min-height: 1.4em; }}
.sign {{ margin-top: 2em; margin-left: 55%; text-align: center; }}
.note {{ font-size: 10pt; margin-top: 3em; border-top: 1px solid #999; }}
@media print {{ .note {{ color: #444; }} }}
</style>
</head>
<body>
<header>
<strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br>
<strong>Độc lập – Tự do – Hạnh phúc</strong><br>
……………, ngày …… tháng …… năm ……
</header>
<h1>{title}</h1>
<p>Kính gửi: {to}</p>
<ol>
{items}
</ol>
<p class="sign"><strong>NGƯỜI YÊU CẦU</strong><br><em>(Ký, ghi rõ họ, chữ đệm, tên)</em></p>
<p class="note">Mẫu in để điền tay do motcua soạn cho dữ liệu mẫu thành phố Huế, trình bày
theo nội dung của: {source}. Khi nộp trực tuyến, biểu mẫu điện tử thay cho tờ khai giấy.</p>
</body>
</html>
"""


def render_form(file_name: str) -> bytes:
    title, to, lines = FORM_PAGES[file_name]
    items = "\n".join(
        f'<li>{html.escape(line)}:<span class="line"></span></li>'
        if not line.endswith((".", ":")) and "…" not in line
        else f"<li>{html.escape(line)}</li>"
        for line in lines
    )
    page = PAGE.format(
        title=html.escape(title),
        title_text=html.escape(title.capitalize()),
        to=html.escape(to),
        items=items,
        source=html.escape(FORM_SOURCES[file_name]),
    )
    return page.encode("utf-8")


def form(file_name: str) -> dict[str, str]:
    content = render_form(file_name)
    return {
        "name": file_name,
        "media_type": "text/html",
        "sha256": hashlib.sha256(content).hexdigest(),
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


# --- The procedures -------------------------------------------------------------------------
LAW_CIVIL = [
    "Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014",
    "Nghị định 123/2015/NĐ-CP ngày 15/11/2015 quy định chi tiết Luật Hộ tịch",
    "Nghị định 87/2020/NĐ-CP ngày 28/7/2020 về Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến",
    "Nghị định 07/2025/NĐ-CP sửa đổi các nghị định trong lĩnh vực hộ tịch, quốc tịch, chứng thực",
    "Nghị định 120/2025/NĐ-CP ngày 11/6/2025 phân định thẩm quyền của chính quyền địa phương 02 cấp (Bộ Tư pháp)",
    "Thông tư 04/2020/TT-BTP ngày 28/5/2020 hướng dẫn Luật Hộ tịch",
]
LAW_CERTIFY = [
    "Nghị định 23/2015/NĐ-CP ngày 16/02/2015 về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký và chứng thực hợp đồng, giao dịch",
    "Nghị định 07/2025/NĐ-CP sửa đổi các nghị định trong lĩnh vực hộ tịch, quốc tịch, chứng thực",
    "Thông tư 226/2016/TT-BTC ngày 11/11/2016 quy định mức thu phí chứng thực",
]
LAW_HKD = [
    "Luật Doanh nghiệp số 59/2020/QH14",
    "Nghị định 168/2025/NĐ-CP về đăng ký doanh nghiệp (đăng ký hộ kinh doanh)",
    "Thông tư 85/2019/TT-BTC hướng dẫn phí, lệ phí thuộc thẩm quyền HĐND cấp tỉnh",
]
LAW_BUILDING = [
    "Luật Xây dựng số 50/2014/QH13, sửa đổi bởi Luật số 62/2020/QH14",
    "Nghị định 175/2024/NĐ-CP ngày 30/12/2024 quy định chi tiết Luật Xây dựng về quản lý hoạt động xây dựng",
    "Nghị định 140/2025/NĐ-CP phân định thẩm quyền của chính quyền địa phương 02 cấp (Bộ Xây dựng)",
    "Nghị định 144/2025/NĐ-CP phân quyền, phân cấp trong lĩnh vực quản lý nhà nước của Bộ Xây dựng",
]
LAW_LAND = [
    "Luật Đất đai số 31/2024/QH15",
    "Nghị định 101/2024/NĐ-CP quy định về điều tra cơ bản đất đai; đăng ký, cấp Giấy chứng nhận",
    "Nghị định 151/2025/NĐ-CP phân định thẩm quyền của chính quyền địa phương 02 cấp (lĩnh vực đất đai)",
]
LAW_SOCIAL = [
    "Nghị định 20/2021/NĐ-CP ngày 15/3/2021 quy định chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội",
    "Nghị định 76/2024/NĐ-CP sửa đổi Nghị định 20/2021/NĐ-CP",
]
LAW_DISABILITY = [
    "Luật Người khuyết tật số 51/2010/QH12",
    "Nghị định 28/2012/NĐ-CP quy định chi tiết Luật Người khuyết tật",
    "Thông tư 01/2019/TT-BLĐTBXH quy định việc xác định mức độ khuyết tật",
]
LAW_MERIT = [
    "Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14",
    "Nghị định 131/2021/NĐ-CP quy định chi tiết Pháp lệnh Ưu đãi người có công với cách mạng",
]

CIVIL_STEPS = (
    "Người yêu cầu nộp hồ sơ tại Trung tâm Phục vụ hành chính công hoặc trực tuyến trên Cổng"
    " Dịch vụ công quốc gia. Công chức tư pháp – hộ tịch kiểm tra, ghi vào sổ hộ tịch, cập nhật"
    " Cơ sở dữ liệu hộ tịch điện tử và trình lãnh đạo Ủy ban nhân dân cấp xã ký; kết quả trả tại"
    " Trung tâm hoặc qua bưu chính, bản điện tử gửi vào tài khoản của người yêu cầu."
)
CERTIFY_STEPS = (
    "Người yêu cầu xuất trình bản chính hoặc giấy tờ cần chứng thực tại Trung tâm Phục vụ hành"
    " chính công cấp xã. Người thực hiện chứng thực kiểm tra, ghi lời chứng, ký, đóng dấu và vào"
    " sổ chứng thực; trả kết quả trong ngày (sau 15 giờ thì trả trong ngày làm việc tiếp theo)."
)
SAME_DAY_NOTE = (
    "Thời hạn trong ngày: tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo."
)

PROCEDURES: list[dict[str, Any]] = []
P = PROCEDURES.append

# Hộ tịch -----------------------------------------------------------------------------------
BIRTH_FEES = [
    fee(
        "levy",
        "Lệ phí đăng ký khai sinh",
        collection="exempt",
        exemptions="Miễn lệ phí đăng ký khai sinh (Luật Hộ tịch 2014 Điều 11).",
    ),
    fee(
        "charge",
        "Phí cấp bản sao Giấy khai sinh (nếu yêu cầu)",
        amount=8000,
        rule="8.000 đồng/bản sao",
    ),
]
P(
    procedure(
        "1.001193",
        "Đăng ký khai sinh",
        HT,
        [
            variant(
                "co-giay-chung-sinh",
                "Đăng ký khai sinh có Giấy chứng sinh",
                None,
                "same_day",
                [
                    comp(
                        "Tờ khai đăng ký khai sinh",
                        eform=True,
                        form=form("to-khai-dang-ky-khai-sinh.html"),
                    ),
                    comp(
                        "Giấy chứng sinh (không phải nộp bản giấy nếu đã có bản điện tử có ký số)",
                        code="000.00.00.G15-KQ004389",
                    ),
                    identity(),
                    proxy(),
                ],
                BIRTH_FEES,
                question="Trẻ có Giấy chứng sinh của cơ sở y tế?",
                workflow=WF_CIVIL_SAME_DAY,
                eform=EFORM_BIRTH,
            ),
            variant(
                "khong-giay-chung-sinh",
                "Đăng ký khai sinh không có Giấy chứng sinh",
                None,
                "same_day",
                [
                    comp(
                        "Tờ khai đăng ký khai sinh",
                        eform=True,
                        form=form("to-khai-dang-ky-khai-sinh.html"),
                    ),
                    comp(
                        "Văn bản của người làm chứng xác nhận về việc sinh; nếu không có người làm"
                        " chứng thì giấy cam đoan về việc sinh"
                    ),
                    comp(
                        "Biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập",
                        required=False,
                        condition="Trẻ bị bỏ rơi",
                    ),
                    identity(),
                    proxy(),
                ],
                BIRTH_FEES,
                question="Trẻ sinh tại nhà, không có Giấy chứng sinh?",
                workflow=WF_CIVIL_SAME_DAY,
                eform=EFORM_BIRTH,
            ),
        ],
        legal=LAW_CIVIL,
        steps=CIVIL_STEPS,
        conditions="Cha, mẹ có trách nhiệm đăng ký khai sinh cho con trong 60 ngày kể từ ngày sinh.",
        result="Giấy khai sinh (bản chính, bản điện tử); bản sao Giấy khai sinh nếu có yêu cầu",
        keywords=[
            "làm giấy khai sinh",
            "khai sinh cho con",
            "đăng kí khai sinh",
            "làm khai sinh cho bé",
            "giấy khai sinh",
            "khai sinh trễ hạn",
        ],
        unverified=[
            SAME_DAY_NOTE,
            "Phí cấp bản sao Giấy khai sinh 8.000 đồng/bản theo Thông tư 281/2016/TT-BTC, chưa đối"
            " chiếu nghị quyết HĐND thành phố Huế.",
        ],
        linked=["1.000689"],
    )
)
P(
    procedure(
        "1.000894",
        "Đăng ký kết hôn",
        HT,
        [
            variant(
                "khong-xac-minh",
                "Đăng ký kết hôn (không phải xác minh)",
                None,
                "same_day",
                [
                    comp(
                        "Tờ khai đăng ký kết hôn",
                        eform=True,
                        form=form("to-khai-dang-ky-ket-hon.html"),
                    ),
                    identity(who="hai bên nam, nữ"),
                    comp(
                        "Giấy xác nhận tình trạng hôn nhân",
                        required=False,
                        condition="Khi đăng ký kết hôn tại nơi không phải nơi thường trú và chưa tra cứu được tình trạng hôn nhân",
                    ),
                ],
                [
                    fee(
                        "levy",
                        "Lệ phí đăng ký kết hôn",
                        collection="exempt",
                        exemptions="Miễn lệ phí theo thông tin công khai trên Cổng Dịch vụ công quốc gia.",
                    )
                ],
                question="Hai bên đã có đủ thông tin tình trạng hôn nhân trong cơ sở dữ liệu?",
                workflow=WF_CIVIL_SAME_DAY,
                eform=EFORM_MARRIAGE,
            ),
            variant(
                "can-xac-minh",
                "Đăng ký kết hôn cần xác minh điều kiện kết hôn",
                3,
                "working_days",
                [
                    comp(
                        "Tờ khai đăng ký kết hôn",
                        eform=True,
                        form=form("to-khai-dang-ky-ket-hon.html"),
                    ),
                    identity(who="hai bên nam, nữ"),
                    comp(
                        "Giấy xác nhận tình trạng hôn nhân",
                        required=False,
                        condition="Khi cơ quan đăng ký yêu cầu",
                    ),
                ],
                [
                    fee(
                        "levy",
                        "Lệ phí đăng ký kết hôn",
                        collection="exempt",
                        exemptions="Miễn lệ phí theo thông tin công khai trên Cổng Dịch vụ công quốc gia.",
                    )
                ],
                question="Cần xác minh tình trạng hôn nhân của một bên?",
                workflow=WF_CIVIL_3_DAYS,
                eform=EFORM_MARRIAGE,
            ),
        ],
        legal=["Luật Hôn nhân và gia đình số 52/2014/QH13", *LAW_CIVIL],
        steps=CIVIL_STEPS + " Hai bên nam, nữ phải có mặt khi ký Giấy chứng nhận kết hôn.",
        conditions="Hai bên đủ điều kiện kết hôn theo Luật Hôn nhân và gia đình (Điều 8).",
        result="Giấy chứng nhận kết hôn",
        keywords=[
            "đăng kí kết hôn",
            "làm giấy đăng ký kết hôn",
            "giấy kết hôn",
            "cưới vợ",
            "lấy chồng",
        ],
        unverified=[
            SAME_DAY_NOTE,
            "Thời hạn 03 ngày làm việc khi cần xác minh lấy theo domain.md; Luật Hộ tịch 2014 Điều 18"
            " khoản 2 ghi không quá 05 ngày làm việc — cần đối chiếu văn bản hiện hành.",
            "Cổng Dịch vụ công quốc gia ghi “Miễn lệ phí”; domain.md ghi mức do HĐND tỉnh quyết định"
            " — chưa đối chiếu nghị quyết HĐND thành phố Huế.",
        ],
    )
)
P(
    procedure(
        "1.000656",
        "Đăng ký khai tử",
        HT,
        [
            variant(
                "khai-tu",
                "Đăng ký khai tử",
                None,
                "same_day",
                [
                    comp(
                        "Tờ khai đăng ký khai tử",
                        eform=True,
                        form=form("to-khai-dang-ky-khai-tu.html"),
                    ),
                    comp(
                        "Giấy báo tử hoặc giấy tờ thay thế Giấy báo tử do cơ quan có thẩm quyền cấp"
                    ),
                    identity(),
                    proxy(),
                ],
                [
                    fee(
                        "levy",
                        "Lệ phí đăng ký khai tử",
                        collection="exempt",
                        exemptions="Miễn lệ phí đăng ký khai tử (Luật Hộ tịch 2014 Điều 11).",
                    )
                ],
                workflow=WF_CIVIL_SAME_DAY,
                eform=EFORM_DEATH,
            )
        ],
        legal=LAW_CIVIL,
        steps=CIVIL_STEPS,
        conditions="Người thân đăng ký khai tử trong 15 ngày kể từ ngày có người chết.",
        result="Trích lục khai tử",
        keywords=["báo tử", "khai tử", "làm giấy chứng tử", "người nhà mất", "đăng kí khai tử"],
        unverified=[SAME_DAY_NOTE, "Miễn lệ phí (domain.md ghi chưa xác minh)."],
    )
)
P(
    procedure(
        "2.000635",
        "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
        HT,
        [
            variant(
                "cap-ban-sao",
                "Cấp bản sao trích lục hộ tịch",
                None,
                "same_day",
                [
                    comp(
                        "Tờ khai cấp bản sao trích lục hộ tịch",
                        eform=True,
                        form=form("to-khai-cap-ban-sao-trich-luc-ho-tich.html"),
                    ),
                    identity(),
                    comp(
                        "Văn bản ủy quyền theo quy định của pháp luật",
                        required=False,
                        condition="Khi ủy quyền thực hiện yêu cầu",
                        code="000.00.00.G15-KQ003040",
                    ),
                ],
                [
                    fee(
                        "charge",
                        "Phí cấp bản sao trích lục hộ tịch",
                        amount=8000,
                        rule="8.000 đồng/bản sao",
                    )
                ],
                workflow=WF_CIVIL_SAME_DAY,
                eform=EFORM_EXTRACT,
            )
        ],
        where={
            "levels": [1, 3],
            "competent_agency_kinds": ["department", "peoples_committee"],
            "competent_authority": "Sở Tư pháp; Ủy ban nhân dân cấp xã",
        },
        audience="both",
        legal=[
            *LAW_CIVIL,
            "Thông tư 281/2016/TT-BTC quy định mức thu phí cấp bản sao trích lục hộ tịch",
        ],
        steps=CIVIL_STEPS,
        result="Bản sao trích lục hộ tịch, bản sao Giấy khai sinh",
        keywords=[
            "cấp bản sao trích lục hộ tịch",
            "trích lục khai sinh",
            "xin bản sao giấy khai sinh",
            "trích lục kết hôn",
            "sao y giấy khai sinh",
        ],
        unverified=[
            SAME_DAY_NOTE,
            "Mức phí 8.000 đồng/bản theo Cổng Dịch vụ công quốc gia, chưa đối chiếu nghị quyết HĐND"
            " thành phố Huế.",
            "Tiếp nhận không phụ thuộc địa giới hành chính trên toàn quốc theo thực tiễn Hà Nội"
            " (QĐ 1811/QĐ-TTPVHCC), chưa đối chiếu quy định của thành phố Huế.",
        ],
        cross_boundary=True,
    )
)


def civil(
    code: str,
    name: str,
    days: float,
    components: list[dict[str, Any]],
    *,
    keywords: list[str],
    result: str,
    fees: list[dict[str, Any]] | None = None,
    unverified: list[str] = (),  # type: ignore[assignment]
    conditions: str = "",
    workflow: str | None = None,
    eform_def: dict[str, Any] | None = None,
    linked: list[str] = (),  # type: ignore[assignment]
) -> None:
    P(
        procedure(
            code,
            name,
            HT,
            [
                variant(
                    "mac-dinh",
                    name,
                    days,
                    "working_days",
                    [*components, identity(), proxy()],
                    fees
                    or [
                        fee(
                            "levy",
                            f"Lệ phí {name[0].lower()}{name[1:]}",
                            rule="Theo nghị quyết HĐND thành phố Huế",
                        )
                    ],
                    workflow=workflow,
                    eform=eform_def,
                )
            ],
            legal=LAW_CIVIL,
            steps=CIVIL_STEPS,
            conditions=conditions,
            result=result,
            keywords=keywords,
            unverified=list(unverified),
            linked=linked,
        )
    )


civil(
    "1.004873",
    "Cấp Giấy xác nhận tình trạng hôn nhân",
    3,
    [
        comp(
            "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
            eform=True,
            form=form("to-khai-xac-nhan-tinh-trang-hon-nhan.html"),
        ),
        comp(
            "Giấy tờ chứng minh việc ly hôn hoặc người kia đã chết",
            originals=0,
            copies=1,
            required=False,
            condition="Đã kết hôn nhưng đã ly hôn hoặc vợ/chồng đã chết",
        ),
    ],
    keywords=[
        "xác nhận độc thân",
        "giấy xác nhận tình trạng hôn nhân",
        "xin giấy độc thân",
        "xác nhận chưa kết hôn",
    ],
    result="Giấy xác nhận tình trạng hôn nhân",
    unverified=["Lệ phí theo nghị quyết HĐND thành phố Huế, chưa đối chiếu mức thu."],
    workflow=WF_CIVIL_3_DAYS,
    eform_def=EFORM_MARITAL,
)
civil(
    "1.004884",
    "Đăng ký lại khai sinh",
    5,
    [
        comp("Tờ khai đăng ký lại khai sinh"),
        comp(
            "Bản sao Giấy khai sinh hoặc giấy tờ có thông tin khai sinh (hồ sơ, lý lịch, học bạ…)",
            originals=0,
            copies=1,
        ),
    ],
    keywords=[
        "làm lại giấy khai sinh",
        "mất giấy khai sinh",
        "khai sinh lại",
        "đăng kí lại khai sinh",
    ],
    result="Giấy khai sinh",
    unverified=[
        "Thời hạn 05 ngày làm việc (Nghị định 123/2015/NĐ-CP Điều 26) chưa đối chiếu văn bản sửa đổi.",
        "Lệ phí theo nghị quyết HĐND thành phố Huế.",
    ],
    conditions="Việc khai sinh đã đăng ký tại cơ quan có thẩm quyền của Việt Nam nhưng sổ hộ tịch và bản chính giấy tờ hộ tịch đều bị mất.",
)
civil(
    "1.004746",
    "Đăng ký lại kết hôn",
    5,
    [
        comp("Tờ khai đăng ký lại kết hôn"),
        comp(
            "Bản sao Giấy chứng nhận kết hôn đã cấp (nếu có)", originals=0, copies=1, required=False
        ),
    ],
    keywords=["làm lại giấy kết hôn", "mất giấy đăng ký kết hôn", "đăng ký lại kết hôn"],
    result="Giấy chứng nhận kết hôn",
    unverified=[
        "Thời hạn 05 ngày làm việc chưa đối chiếu.",
        "Lệ phí theo nghị quyết HĐND thành phố Huế.",
    ],
)
civil(
    "1.005461",
    "Đăng ký lại khai tử",
    5,
    [
        comp("Tờ khai đăng ký lại khai tử"),
        comp(
            "Bản sao Giấy chứng tử hoặc giấy tờ liên quan đến việc khai tử trước đây",
            originals=0,
            copies=1,
        ),
    ],
    keywords=["làm lại giấy chứng tử", "đăng ký lại khai tử", "mất giấy khai tử"],
    result="Trích lục khai tử",
    unverified=[
        "Thời hạn 05 ngày làm việc chưa đối chiếu.",
        "Lệ phí theo nghị quyết HĐND thành phố Huế.",
    ],
)
civil(
    "1.000689",
    "Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
    3,
    [
        comp("Tờ khai đăng ký khai sinh và Tờ khai đăng ký nhận cha, mẹ, con"),
        comp("Giấy chứng sinh hoặc giấy tờ thay thế"),
        comp("Chứng cứ chứng minh quan hệ cha, mẹ, con (văn bản giám định ADN hoặc giấy tờ khác)"),
    ],
    keywords=[
        "khai sinh và nhận cha",
        "nhận con khi làm khai sinh",
        "khai sinh cho con ngoài giá thú",
    ],
    result="Giấy khai sinh; Trích lục đăng ký nhận cha, mẹ, con",
    unverified=[
        "Thời hạn 03 ngày làm việc chưa đối chiếu.",
        "Lệ phí theo nghị quyết HĐND thành phố Huế.",
    ],
    linked=["1.001193", "1.001022"],
)
civil(
    "1.001022",
    "Đăng ký nhận cha, mẹ, con",
    3,
    [comp("Tờ khai đăng ký nhận cha, mẹ, con"), comp("Chứng cứ chứng minh quan hệ cha, mẹ, con")],
    keywords=["nhận con", "nhận cha", "xác nhận cha con", "nhận con ngoài giá thú"],
    result="Trích lục đăng ký nhận cha, mẹ, con",
    unverified=[
        "Tên thủ tục lấy theo danh mục công khai, chưa đối chiếu quyết định công bố.",
        "Thời hạn 03 ngày làm việc (Luật Hộ tịch Điều 25) chưa đối chiếu văn bản sửa đổi.",
        "Lệ phí theo nghị quyết HĐND thành phố Huế.",
    ],
)
civil(
    "1.004859",
    "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc",
    3,
    [
        comp("Tờ khai đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch"),
        comp("Giấy tờ làm căn cứ thay đổi, cải chính, bổ sung", originals=0, copies=1),
    ],
    keywords=[
        "cải chính hộ tịch",
        "đổi tên",
        "sửa năm sinh",
        "sửa giấy khai sinh",
        "thay đổi họ tên",
        "xác định lại dân tộc",
    ],
    result="Trích lục thay đổi, cải chính, bổ sung thông tin hộ tịch",
    unverified=[
        "Thời hạn 03 ngày làm việc; cần xác minh thì kéo dài thêm không quá 03 ngày làm việc — chưa đối chiếu.",
        "Lệ phí theo nghị quyết HĐND thành phố Huế.",
    ],
)
civil(
    "1.004837",
    "Đăng ký giám hộ",
    3,
    [
        comp("Tờ khai đăng ký giám hộ"),
        comp("Văn bản cử người giám hộ hoặc giấy tờ chứng minh điều kiện giám hộ đương nhiên"),
    ],
    keywords=["giám hộ", "làm người giám hộ", "đăng kí giám hộ"],
    result="Trích lục đăng ký giám hộ",
    unverified=[
        "Mã và tên thủ tục chưa đối chiếu quyết định công bố.",
        "Thời hạn 03 ngày làm việc chưa đối chiếu.",
        "Lệ phí theo nghị quyết HĐND thành phố Huế.",
    ],
)
civil(
    "1.004845",
    "Đăng ký chấm dứt giám hộ",
    2,
    [comp("Tờ khai đăng ký chấm dứt giám hộ"), comp("Giấy tờ làm căn cứ chấm dứt việc giám hộ")],
    keywords=["chấm dứt giám hộ", "thôi giám hộ"],
    result="Trích lục đăng ký chấm dứt giám hộ",
    unverified=[
        "Thời hạn 02 ngày làm việc chưa đối chiếu.",
        "Lệ phí theo nghị quyết HĐND thành phố Huế.",
    ],
)
civil(
    "2.000806",
    "Đăng ký kết hôn có yếu tố nước ngoài",
    10,
    [
        comp("Tờ khai đăng ký kết hôn"),
        comp(
            "Giấy tờ chứng minh tình trạng hôn nhân của người nước ngoài (hợp pháp hóa lãnh sự, dịch sang tiếng Việt)"
        ),
        comp(
            "Giấy xác nhận của cơ sở y tế về việc không mắc bệnh tâm thần hoặc bệnh khác mất khả năng nhận thức"
        ),
        comp(
            "Bản sao hộ chiếu hoặc giấy tờ có giá trị thay hộ chiếu của người nước ngoài",
            originals=0,
            copies=1,
        ),
    ],
    keywords=[
        "kết hôn với người nước ngoài",
        "lấy chồng nước ngoài",
        "lấy vợ nước ngoài",
        "kết hôn có yếu tố nước ngoài",
    ],
    result="Giấy chứng nhận kết hôn",
    unverified=[
        "Thẩm quyền cấp xã từ 01/07/2025 theo Nghị định 120/2025/NĐ-CP, chưa đối chiếu quyết định công bố.",
        "Thời hạn 10 ngày làm việc chưa đối chiếu.",
        "Lệ phí theo nghị quyết HĐND thành phố Huế.",
    ],
)
civil(
    "2.000528",
    "Đăng ký khai sinh có yếu tố nước ngoài",
    1,
    [
        comp("Tờ khai đăng ký khai sinh"),
        comp("Giấy chứng sinh hoặc giấy tờ thay thế"),
        comp(
            "Văn bản thỏa thuận của cha, mẹ về việc chọn quốc tịch cho con",
            required=False,
            condition="Cha hoặc mẹ là người nước ngoài",
        ),
    ],
    keywords=[
        "khai sinh có yếu tố nước ngoài",
        "khai sinh cho con lai",
        "con có cha mẹ người nước ngoài",
    ],
    result="Giấy khai sinh",
    unverified=[
        "Thời hạn ghi 01 ngày làm việc cho dữ liệu mẫu; chưa đối chiếu quyết định công bố.",
        "Lệ phí theo nghị quyết HĐND thành phố Huế.",
    ],
)

# Chứng thực ---------------------------------------------------------------------------------
COPY_FEE = fee(
    "charge",
    "Phí chứng thực bản sao từ bản chính",
    rule="2.000 đồng/trang; từ trang thứ ba trở lên 1.000 đồng/trang, tối đa 200.000 đồng/bản",
)
SIGNATURE_FEE = fee("charge", "Phí chứng thực chữ ký", amount=10000, rule="10.000 đồng/trường hợp")
CONTRACT_FEE = fee(
    "charge",
    "Phí chứng thực hợp đồng, giao dịch",
    amount=50000,
    rule="50.000 đồng/hợp đồng, giao dịch",
)
EXTENDED = (
    "Kéo dài khi cùng lúc yêu cầu chứng thực nhiều giấy tờ, bản chính nhiều trang hoặc số lượng"
    " nhiều bản sao (Nghị định 23/2015/NĐ-CP Điều 7)."
)
P(
    procedure(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
        CT,
        [
            variant(
                "trong-ngay",
                "Chứng thực bản sao trong ngày",
                None,
                "same_day",
                [
                    comp("Bản chính giấy tờ, văn bản làm cơ sở chứng thực bản sao"),
                    comp(
                        "Bản sao cần chứng thực",
                        originals=0,
                        copies=1,
                        required=False,
                        condition="Khi người yêu cầu tự chuẩn bị bản chụp",
                    ),
                ],
                [COPY_FEE],
                question="Số lượng giấy tờ, số trang ít?",
                workflow=WF_CERTIFY,
                eform=EFORM_CERTIFY_COPY,
            ),
            variant(
                "nhieu-giay-to",
                "Chứng thực nhiều giấy tờ, nhiều trang hoặc nhiều bản sao",
                2,
                "working_days",
                [
                    comp("Bản chính giấy tờ, văn bản làm cơ sở chứng thực bản sao"),
                    comp(
                        "Bản sao cần chứng thực",
                        originals=0,
                        copies=1,
                        required=False,
                        condition="Khi người yêu cầu tự chuẩn bị bản chụp",
                    ),
                ],
                [COPY_FEE],
                question="Nhiều giấy tờ, bản chính nhiều trang hoặc cần nhiều bản sao?",
                workflow=WF_CERTIFY,
                eform=EFORM_CERTIFY_COPY,
            ),
        ],
        legal=LAW_CERTIFY,
        steps=CERTIFY_STEPS,
        conditions="Không chứng thực bản sao từ bản chính bị tẩy xóa, sửa chữa, giả mạo hoặc thuộc bí mật nhà nước.",
        result="Bản sao được chứng thực từ bản chính",
        keywords=[
            "sao y bản chính",
            "công chứng giấy tờ",
            "chứng thực bản sao",
            "photo công chứng",
            "sao y giấy tờ",
        ],
        unverified=[
            SAME_DAY_NOTE,
            EXTENDED + " Thời hạn kéo dài ghi 02 ngày làm việc cho dữ liệu mẫu.",
            "Mức phí từ trang thứ ba và mức tối đa chưa đối chiếu (domain.md chỉ xác nhận 2.000 đồng/trang).",
            "Tên mới trên CSDL quốc gia có thể là “… của Việt Nam; cơ quan, tổ chức có thẩm quyền của nước ngoài; … cấp hoặc chứng nhận” — chưa đối chiếu.",
        ],
        cross_boundary=True,
    )
)
P(
    procedure(
        "2.000884",
        "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực điểm chỉ và trường hợp người yêu cầu chứng thực không thể ký, không thể điểm chỉ được)",
        CT,
        [
            variant(
                "trong-ngay",
                "Chứng thực chữ ký trong ngày",
                None,
                "same_day",
                [comp("Giấy tờ, văn bản mà người yêu cầu chứng thực sẽ ký"), identity()],
                [SIGNATURE_FEE],
                workflow=WF_CERTIFY,
                eform=EFORM_CERTIFY_SIGNATURE,
            ),
            variant(
                "keo-dai",
                "Chứng thực chữ ký cần kiểm tra, xác minh thêm",
                2,
                "working_days",
                [comp("Giấy tờ, văn bản mà người yêu cầu chứng thực sẽ ký"), identity()],
                [SIGNATURE_FEE],
                question="Giấy tờ phức tạp hoặc cần xác minh năng lực hành vi của người ký?",
                workflow=WF_CERTIFY,
                eform=EFORM_CERTIFY_SIGNATURE,
            ),
        ],
        legal=LAW_CERTIFY,
        steps=CERTIFY_STEPS,
        result="Giấy tờ, văn bản được chứng thực chữ ký",
        keywords=[
            "chứng thực chữ ký",
            "xác nhận chữ ký",
            "công chứng chữ ký",
            "chứng thực điểm chỉ",
        ],
        unverified=[
            SAME_DAY_NOTE,
            EXTENDED + " Thời hạn kéo dài ghi 02 ngày làm việc.",
            "Mức phí 10.000 đồng/trường hợp chưa đối chiếu (domain.md ghi chưa xác minh).",
        ],
        cross_boundary=True,
    )
)
P(
    procedure(
        "2.000908",
        "Cấp bản sao từ sổ gốc",
        CT,
        [
            variant(
                "cap-ban-sao",
                "Cấp bản sao từ sổ gốc",
                None,
                "same_day",
                [
                    comp(
                        "Đơn đề nghị cấp bản sao từ sổ gốc (không bắt buộc, có thể đề nghị trực tiếp)",
                        required=False,
                        eform=True,
                        form=form("don-de-nghi-cap-ban-sao-tu-so-goc.html"),
                    ),
                    identity(),
                    comp(
                        "Giấy tờ chứng minh quan hệ với người được cấp bản chính",
                        required=False,
                        condition="Người yêu cầu không phải là người được cấp bản chính",
                    ),
                ],
                [free("Không thu phí")],
                workflow=WF_COPY_REGISTER,
                eform=EFORM_COPY_REGISTER,
            )
        ],
        where={
            **COMMUNE,
            "competent_authority": "Cơ quan, tổ chức đang quản lý sổ gốc (Ủy ban nhân dân cấp xã)",
        },
        legal=LAW_CERTIFY,
        steps=(
            "Người yêu cầu nộp đề nghị tại cơ quan đang quản lý sổ gốc; cơ quan đối chiếu sổ gốc,"
            " cấp bản sao trong ngày (sau 15 giờ thì trả trong ngày làm việc tiếp theo)."
        ),
        result="Bản sao được cấp từ sổ gốc",
        keywords=[
            "bản sao từ sổ gốc",
            "xin lại bản sao giấy khai sinh",
            "cấp lại bản sao",
            "trích sao sổ gốc",
        ],
        unverified=[
            SAME_DAY_NOTE,
            "Không thu phí theo QĐ 663/QĐ-TTPVHCC (Hà Nội, 13/05/2026), chưa đối chiếu quy định của thành phố Huế.",
        ],
    )
)


def certify(
    code: str,
    name: str,
    components: list[dict[str, Any]],
    fees: list[dict[str, Any]],
    *,
    days: float | None,
    keywords: list[str],
    result: str,
    unverified: list[str],
    cross_boundary: bool = False,
) -> None:
    P(
        procedure(
            code,
            name,
            CT,
            [
                variant(
                    "mac-dinh",
                    name,
                    days,
                    "working_days" if days else "same_day",
                    components,
                    fees,
                )
            ],
            legal=LAW_CERTIFY,
            steps=CERTIFY_STEPS,
            result=result,
            keywords=keywords,
            unverified=unverified,
            cross_boundary=cross_boundary,
        )
    )


CONTRACT_NOTE = (
    "Thời hạn 02 ngày làm việc và phí 50.000 đồng (Thông tư 226/2016/TT-BTC) chưa đối chiếu."
)
certify(
    "2.000913",
    "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
    [
        comp("Dự thảo văn bản sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch"),
        comp("Hợp đồng, giao dịch đã được chứng thực"),
        identity(who="các bên"),
    ],
    [
        fee(
            "charge",
            "Phí chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
            amount=30000,
            rule="30.000 đồng/hợp đồng, giao dịch",
        )
    ],
    days=2,
    keywords=["sửa hợp đồng", "hủy hợp đồng đã chứng thực", "bổ sung hợp đồng"],
    result="Văn bản sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch được chứng thực",
    unverified=["Thời hạn 02 ngày làm việc và phí 30.000 đồng chưa đối chiếu."],
)
certify(
    "2.001035",
    "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở",
    [
        comp("Dự thảo hợp đồng, giao dịch"),
        identity(who="các bên"),
        comp(
            "Giấy chứng nhận quyền sở hữu, quyền sử dụng tài sản hoặc giấy tờ thay thế",
            originals=0,
            copies=1,
        ),
    ],
    [CONTRACT_FEE],
    days=2,
    keywords=[
        "chứng thực hợp đồng mua bán đất",
        "công chứng sang tên",
        "chứng thực hợp đồng tặng cho",
        "hợp đồng chuyển nhượng",
    ],
    result="Hợp đồng, giao dịch được chứng thực",
    unverified=[CONTRACT_NOTE],
)
certify(
    "2.001019",
    "Chứng thực di chúc",
    [
        comp("Dự thảo di chúc"),
        identity(who="người lập di chúc"),
        comp("Giấy tờ về tài sản để lại thừa kế", originals=0, copies=1, required=False),
    ],
    [CONTRACT_FEE],
    days=2,
    keywords=["làm di chúc", "chứng thực di chúc", "viết di chúc"],
    result="Di chúc được chứng thực",
    unverified=[CONTRACT_NOTE],
)
certify(
    "2.001406",
    "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử dụng đất, nhà ở",
    [
        comp("Dự thảo văn bản thỏa thuận phân chia di sản"),
        comp("Giấy chứng tử hoặc trích lục khai tử của người để lại di sản", originals=0, copies=1),
        comp("Giấy tờ về tài sản", originals=0, copies=1),
    ],
    [CONTRACT_FEE],
    days=2,
    keywords=["chia thừa kế", "phân chia di sản", "chia đất thừa kế"],
    result="Văn bản thỏa thuận phân chia di sản được chứng thực",
    unverified=[CONTRACT_NOTE],
)
certify(
    "2.001016",
    "Chứng thực văn bản từ chối nhận di sản",
    [comp("Dự thảo văn bản từ chối nhận di sản"), identity(who="người từ chối nhận di sản")],
    [
        fee(
            "charge",
            "Phí chứng thực văn bản từ chối nhận di sản",
            amount=25000,
            rule="25.000 đồng/văn bản",
        )
    ],
    days=2,
    keywords=["từ chối nhận thừa kế", "không nhận di sản"],
    result="Văn bản từ chối nhận di sản được chứng thực",
    unverified=[
        "Mã thủ tục lấy từ nguồn công khai không chính thức.",
        "Thời hạn 02 ngày làm việc và phí 25.000 đồng chưa đối chiếu.",
    ],
)
certify(
    "2.001008",
    "Chứng thực chữ ký người dịch mà người dịch không phải là cộng tác viên dịch thuật",
    [
        comp("Bản dịch và giấy tờ, văn bản cần dịch"),
        comp(
            "Bản sao bằng cử nhân ngoại ngữ trở lên hoặc bằng tốt nghiệp đại học ở nước ngoài của người dịch",
            originals=0,
            copies=1,
        ),
        identity(who="người dịch"),
    ],
    [
        fee(
            "charge",
            "Phí chứng thực chữ ký người dịch",
            amount=10000,
            rule="10.000 đồng/trường hợp",
        )
    ],
    days=None,
    keywords=["dịch thuật công chứng", "chứng thực bản dịch", "chứng thực chữ ký người dịch"],
    result="Bản dịch được chứng thực chữ ký người dịch",
    unverified=[SAME_DAY_NOTE, "Phí 10.000 đồng/trường hợp chưa đối chiếu."],
    cross_boundary=True,
)
certify(
    "2.000992",
    "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật của Ủy ban nhân dân cấp xã, tổ chức hành nghề công chứng",
    [comp("Bản dịch và giấy tờ, văn bản cần dịch")],
    [
        fee(
            "charge",
            "Phí chứng thực chữ ký người dịch",
            amount=10000,
            rule="10.000 đồng/trường hợp",
        )
    ],
    days=None,
    keywords=["cộng tác viên dịch thuật", "chứng thực bản dịch"],
    result="Bản dịch được chứng thực chữ ký người dịch",
    unverified=[SAME_DAY_NOTE, "Phí 10.000 đồng/trường hợp chưa đối chiếu."],
)
certify(
    "2.000942",
    "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực",
    [
        identity(),
        comp(
            "Giấy tờ chứng minh là bên tham gia hợp đồng, giao dịch hoặc người có quyền, nghĩa vụ liên quan",
            required=False,
        ),
    ],
    [
        fee(
            "charge",
            "Phí cấp bản sao có chứng thực",
            rule="2.000 đồng/trang; từ trang thứ ba trở lên 1.000 đồng/trang, tối đa 200.000 đồng/bản",
        )
    ],
    days=None,
    keywords=["bản sao hợp đồng đã chứng thực", "xin lại hợp đồng chứng thực"],
    result="Bản sao có chứng thực hợp đồng, giao dịch",
    unverified=[SAME_DAY_NOTE, "Mức phí chưa đối chiếu."],
)

# Nuôi con nuôi ---------------------------------------------------------------------------------
P(
    procedure(
        "2.001263",
        "Đăng ký việc nuôi con nuôi trong nước",
        NCN,
        [
            variant(
                "mac-dinh",
                "Đăng ký việc nuôi con nuôi trong nước",
                30,
                "calendar_days",
                [
                    comp("Đơn xin nhận con nuôi"),
                    comp("Phiếu lý lịch tư pháp của người nhận con nuôi"),
                    comp("Văn bản xác nhận tình trạng hôn nhân của người nhận con nuôi"),
                    comp(
                        "Giấy khám sức khỏe của người nhận con nuôi và của trẻ được nhận làm con nuôi"
                    ),
                    comp(
                        "Giấy khai sinh và hai ảnh của người được giới thiệu làm con nuôi",
                        originals=0,
                        copies=1,
                    ),
                    identity(who="người nhận con nuôi"),
                ],
                [
                    fee(
                        "levy",
                        "Lệ phí đăng ký nuôi con nuôi trong nước",
                        amount=400000,
                        rule="400.000 đồng/trường hợp",
                        exemptions="Cha dượng, mẹ kế nhận con riêng; cô, cậu, dì, chú, bác ruột nhận cháu; nhận trẻ khuyết tật, trẻ mồ côi; người có công",
                    )
                ],
            )
        ],
        legal=[
            "Luật Nuôi con nuôi số 52/2010/QH12",
            "Nghị định 19/2011/NĐ-CP quy định chi tiết Luật Nuôi con nuôi",
            "Nghị định 114/2016/NĐ-CP quy định lệ phí đăng ký nuôi con nuôi",
        ],
        steps="Ủy ban nhân dân cấp xã kiểm tra hồ sơ, lấy ý kiến những người liên quan, đăng ký và tổ chức giao nhận con nuôi.",
        conditions="Người nhận con nuôi đáp ứng điều kiện tại Luật Nuôi con nuôi Điều 14.",
        result="Giấy chứng nhận nuôi con nuôi",
        keywords=["nhận con nuôi", "xin con nuôi", "nhận nuôi trẻ", "nuôi con nuôi"],
        unverified=[
            "Thời hạn 30 ngày (Luật Nuôi con nuôi Điều 19) ghi theo ngày; chưa đối chiếu quyết định công bố.",
            "Lệ phí 400.000 đồng và các đối tượng miễn chưa đối chiếu.",
        ],
        online_mode="partial",
        partial="Việc giao nhận con nuôi phải được tổ chức trực tiếp tại trụ sở Ủy ban nhân dân cấp xã với sự có mặt của các bên (Luật Nuôi con nuôi Điều 22).",
    )
)

# Lý lịch tư pháp -----------------------------------------------------------------------------
P(
    procedure(
        "2.000488",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        LLTP,
        [
            variant(
                "thong-thuong",
                "Cấp Phiếu lý lịch tư pháp",
                10,
                "working_days",
                [
                    comp(
                        "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
                        eform=True,
                        form=form("to-khai-yeu-cau-cap-phieu-ly-lich-tu-phap.html"),
                    ),
                    identity(),
                    comp(
                        "Văn bản ủy quyền",
                        required=False,
                        condition="Ủy quyền yêu cầu cấp Phiếu số 1",
                    ),
                ],
                [
                    fee(
                        "levy",
                        "Phí cung cấp thông tin lý lịch tư pháp",
                        amount=200000,
                        rule="200.000 đồng/lần/người; sinh viên, người có công, thân nhân liệt sĩ 100.000 đồng/lần/người",
                        exemptions="Trẻ em; người cao tuổi; người khuyết tật; người thuộc hộ nghèo; người cư trú ở xã đặc biệt khó khăn",
                    )
                ],
                workflow=WF_JUDICIAL,
                eform=EFORM_JUDICIAL,
            ),
            variant(
                "can-xac-minh",
                "Cấp Phiếu lý lịch tư pháp cần xác minh (người nước ngoài, người cư trú ở nhiều nơi)",
                15,
                "working_days",
                [
                    comp(
                        "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
                        eform=True,
                        form=form("to-khai-yeu-cau-cap-phieu-ly-lich-tu-phap.html"),
                    ),
                    identity(),
                ],
                [
                    fee(
                        "levy",
                        "Phí cung cấp thông tin lý lịch tư pháp",
                        amount=200000,
                        rule="200.000 đồng/lần/người",
                    )
                ],
                question="Người yêu cầu là người nước ngoài hoặc đã cư trú ở nhiều tỉnh?",
                workflow=WF_JUDICIAL,
                eform=EFORM_JUDICIAL,
            ),
        ],
        where={
            "levels": [1],
            "competent_agency_kinds": ["vertical"],
            "competent_authority": "Công an thành phố Huế",
        },
        legal=[
            "Luật Lý lịch tư pháp số 28/2009/QH12",
            "Nghị định 111/2010/NĐ-CP quy định chi tiết Luật Lý lịch tư pháp",
            "Thông tư 244/2016/TT-BTC quy định phí cung cấp thông tin lý lịch tư pháp",
        ],
        steps="Người yêu cầu nộp tờ khai tại Trung tâm Phục vụ hành chính công thành phố hoặc trực tuyến; cơ quan cấp Phiếu tra cứu, xác minh và cấp Phiếu.",
        result="Phiếu lý lịch tư pháp số 1 hoặc số 2",
        keywords=[
            "lý lịch tư pháp",
            "xin phiếu lý lịch tư pháp",
            "giấy xác nhận không tiền án",
            "lý lịch tư pháp số 1",
            "làm lý lịch tư pháp đi xuất khẩu lao động",
        ],
        unverified=[
            "Mã thủ tục 2.000488 chưa đối chiếu CSDL quốc gia sau khi chuyển chức năng lý lịch tư pháp sang Bộ Công an.",
            "Cơ quan có thẩm quyền (Công an thành phố Huế thay Sở Tư pháp) chưa đối chiếu văn bản.",
            "Thời hạn 10 ngày / 15 ngày (Luật Lý lịch tư pháp Điều 48) ghi theo ngày làm việc cho dữ liệu mẫu.",
            "Mức phí và đối tượng miễn, giảm chưa đối chiếu.",
        ],
    )
)

# Hộ kinh doanh ---------------------------------------------------------------------------------
HKD_WHERE = {
    **COMMUNE,
    "competent_authority": "Ủy ban nhân dân cấp xã (cơ quan đăng ký kinh doanh cấp xã)",
}
HKD_FEE = fee(
    "levy", "Lệ phí đăng ký hộ kinh doanh", amount=100000, rule="Theo nghị quyết HĐND thành phố Huế"
)
HKD_STEPS = (
    "Chủ hộ kinh doanh nộp hồ sơ tại Trung tâm Phục vụ hành chính công cấp xã hoặc trên Hệ thống"
    " thông tin quốc gia về đăng ký hộ kinh doanh; cơ quan đăng ký kinh doanh cấp xã xem xét và cấp"
    " giấy chứng nhận trong 03 ngày làm việc."
)
P(
    procedure(
        "1.001612",
        "Đăng ký thành lập hộ kinh doanh",
        HKD,
        [
            variant(
                "mac-dinh",
                "Đăng ký thành lập hộ kinh doanh",
                3,
                "working_days",
                [
                    comp(
                        "Giấy đề nghị đăng ký hộ kinh doanh",
                        eform=True,
                        form=form("giay-de-nghi-dang-ky-ho-kinh-doanh.html"),
                    ),
                    identity(who="chủ hộ kinh doanh và thành viên hộ gia đình"),
                    comp(
                        "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh",
                        required=False,
                        condition="Các thành viên hộ gia đình cùng đăng ký",
                    ),
                    comp(
                        "Văn bản ủy quyền của thành viên hộ gia đình cho một thành viên làm chủ hộ",
                        required=False,
                        condition="Các thành viên hộ gia đình cùng đăng ký",
                    ),
                ],
                [HKD_FEE],
                workflow=WF_HOUSEHOLD_BUSINESS,
                eform=EFORM_HOUSEHOLD_BUSINESS,
            )
        ],
        where=HKD_WHERE,
        legal=LAW_HKD,
        steps=HKD_STEPS,
        result="Giấy chứng nhận đăng ký hộ kinh doanh",
        keywords=[
            "đăng ký kinh doanh hộ gia đình",
            "mở quán",
            "giấy phép kinh doanh hộ cá thể",
            "đăng kí hộ kinh doanh",
            "mở cửa hàng",
        ],
        unverified=[
            "Lệ phí 100.000 đồng là ví dụ trong domain.md; mức thu theo nghị quyết HĐND thành phố Huế chưa đối chiếu.",
            "Một nguồn ghi mã 2.000720 cho thủ tục này (domain.md §13); 2.000720 được dùng cho thủ tục thay đổi nội dung.",
        ],
        linked=["2.000720"],
    )
)


def household(
    code: str,
    name: str,
    components: list[dict[str, Any]],
    fees: list[dict[str, Any]],
    keywords: list[str],
    result: str,
    unverified: list[str],
) -> None:
    P(
        procedure(
            code,
            name,
            HKD,
            [variant("mac-dinh", name, 3, "working_days", components, fees)],
            where=HKD_WHERE,
            legal=LAW_HKD,
            steps=HKD_STEPS,
            result=result,
            keywords=keywords,
            unverified=unverified,
        )
    )


household(
    "2.000720",
    "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
    [
        comp("Thông báo thay đổi nội dung đăng ký hộ kinh doanh"),
        comp("Giấy chứng nhận đăng ký hộ kinh doanh đã cấp"),
    ],
    [HKD_FEE],
    [
        "đổi tên hộ kinh doanh",
        "thay đổi ngành nghề hộ kinh doanh",
        "chuyển địa điểm kinh doanh",
        "đổi chủ hộ kinh doanh",
    ],
    "Giấy chứng nhận đăng ký hộ kinh doanh",
    [
        "Lệ phí theo nghị quyết HĐND thành phố Huế, chưa đối chiếu.",
        "domain.md ghi có nguồn dùng mã 2.000720 cho thủ tục thành lập — cần đối chiếu.",
    ],
)
household(
    "1.001570",
    "Tạm ngừng hoạt động hộ kinh doanh",
    [comp("Thông báo về việc tạm ngừng hoạt động hộ kinh doanh")],
    [free()],
    ["tạm nghỉ kinh doanh", "tạm ngừng kinh doanh hộ gia đình", "đóng cửa tạm thời"],
    "Giấy xác nhận về việc hộ kinh doanh đăng ký tạm ngừng kinh doanh",
    ["Tên và thời hạn chưa đối chiếu quyết định công bố."],
)
household(
    "1.001266",
    "Chấm dứt hoạt động hộ kinh doanh",
    [
        comp("Thông báo về việc chấm dứt hoạt động hộ kinh doanh"),
        comp("Thông báo của cơ quan thuế về việc chấm dứt hiệu lực mã số thuế"),
        comp("Giấy chứng nhận đăng ký hộ kinh doanh đã cấp"),
    ],
    [free()],
    ["đóng hộ kinh doanh", "giải thể hộ kinh doanh", "nghỉ kinh doanh luôn"],
    "Thông báo về việc chấm dứt hoạt động hộ kinh doanh",
    ["Tên và thời hạn chưa đối chiếu quyết định công bố."],
)

# Doanh nghiệp --------------------------------------------------------------------------------
DN_WHERE = {
    "levels": [1],
    "competent_agency_kinds": ["department"],
    "competent_authority": "Sở Tài chính (Phòng Đăng ký kinh doanh)",
}
DN_FEES = [
    fee(
        "levy",
        "Lệ phí đăng ký doanh nghiệp",
        amount=50000,
        exemptions="Miễn khi đăng ký qua mạng thông tin điện tử; doanh nghiệp nhỏ và vừa chuyển đổi từ hộ kinh doanh (Thông tư 47/2019/TT-BTC Điều 5)",
    ),
    fee("charge", "Phí công bố nội dung đăng ký doanh nghiệp", amount=100000),
]
P(
    procedure(
        "2.001610",
        "Đăng ký thành lập doanh nghiệp tư nhân",
        DN,
        [
            variant(
                "thanh-lap-moi",
                "Thành lập mới doanh nghiệp tư nhân",
                3,
                "working_days",
                [
                    comp(
                        "Giấy đề nghị đăng ký doanh nghiệp",
                        code="000.00.00.G05-KQ3233",
                        eform=True,
                        form=form("giay-de-nghi-dang-ky-doanh-nghiep-tu-nhan.html"),
                    ),
                    comp(
                        "Bản sao giấy tờ pháp lý của cá nhân đối với chủ doanh nghiệp tư nhân",
                        originals=0,
                        copies=1,
                        required=False,
                        condition="Khi không kê khai số định danh cá nhân",
                        code="000.00.00.G05-KQ3234",
                        database="population",
                    ),
                    comp(
                        "Văn bản ủy quyền cho cá nhân thực hiện thủ tục",
                        required=False,
                        condition="Khi ủy quyền",
                        code="000.00.00.G05-KQ4427",
                    ),
                ],
                DN_FEES,
                workflow=WF_ENTERPRISE,
                eform=EFORM_ENTERPRISE,
            ),
            variant(
                "chuyen-doi-hkd",
                "Thành lập doanh nghiệp tư nhân trên cơ sở chuyển đổi từ hộ kinh doanh",
                3,
                "working_days",
                [
                    comp(
                        "Giấy đề nghị đăng ký doanh nghiệp",
                        code="000.00.00.G05-KQ3235",
                        eform=True,
                        form=form("giay-de-nghi-dang-ky-doanh-nghiep-tu-nhan.html"),
                    ),
                    comp(
                        "Bản sao Giấy chứng nhận đăng ký hộ kinh doanh",
                        originals=0,
                        copies=1,
                        code="000.00.00.G12-KQ014025",
                    ),
                    comp(
                        "Bản sao giấy tờ pháp lý của cá nhân đối với chủ doanh nghiệp tư nhân",
                        originals=0,
                        copies=1,
                        required=False,
                        condition="Khi không kê khai số định danh cá nhân",
                        code="000.00.00.G05-KQ3236",
                        database="population",
                    ),
                ],
                DN_FEES,
                question="Đang là hộ kinh doanh và chuyển lên doanh nghiệp?",
                workflow=WF_ENTERPRISE,
                eform=EFORM_ENTERPRISE,
            ),
        ],
        where=DN_WHERE,
        audience="business",
        legal=[
            "Luật Doanh nghiệp số 59/2020/QH14",
            "Nghị định 168/2025/NĐ-CP về đăng ký doanh nghiệp",
            "Thông tư 47/2019/TT-BTC quy định lệ phí đăng ký doanh nghiệp",
        ],
        steps="Nộp hồ sơ tại Trung tâm Phục vụ hành chính công thành phố, qua bưu chính hoặc trên Cổng thông tin quốc gia về đăng ký doanh nghiệp; Phòng Đăng ký kinh doanh xem xét và cấp đăng ký doanh nghiệp trong 03 ngày làm việc.",
        result="Giấy chứng nhận đăng ký doanh nghiệp",
        keywords=[
            "mở công ty tư nhân",
            "thành lập doanh nghiệp",
            "đăng ký kinh doanh doanh nghiệp",
            "giấy phép kinh doanh công ty",
            "chuyển hộ kinh doanh lên doanh nghiệp",
        ],
        unverified=[
            "Phí, lệ phí theo nguồn tổng hợp công khai (Thông tư 47/2019/TT-BTC); chưa đối chiếu văn bản hiện hành."
        ],
        linked=["1.001612"],
    )
)

# Xây dựng ---------------------------------------------------------------------------------------
BUILDING_COMPONENTS = [
    comp(
        "Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 1 Phụ lục II Nghị định 175/2024/NĐ-CP)",
        copies=1,
        code="000.00.00.G17-KQ002668",
        eform=True,
        form=form("don-de-nghi-cap-giay-phep-xay-dung.html"),
    ),
    comp(
        "Một trong những giấy tờ hợp pháp về đất đai (Nghị định 175/2024/NĐ-CP Điều 53)",
        originals=1,
        copies=1,
        database="land",
    ),
    comp(
        "02 bộ bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng, móng, đấu nối hạ tầng)",
        originals=2,
        # Scanned A1–A3 drawings are large; PDF keeps the sheets of a set together.
        max_mb=20,
        types=["pdf"],
    ),
    comp(
        "Bản kê khai năng lực, kinh nghiệm của tổ chức, cá nhân thiết kế",
        required=False,
        condition="Khi thiết kế không do chủ nhà tự thực hiện",
    ),
]
P(
    procedure(
        "1.013225",
        "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV (Công trình không theo tuyến/Theo tuyến trong đô thị/Tín ngưỡng, tôn giáo/Tượng đài, tranh hoành tráng/Theo giai đoạn cho công trình không theo tuyến/Theo giai đoạn cho công trình theo tuyến trong đô thị/Dự án) và nhà ở riêng lẻ",
        XD,
        [
            variant(
                "nha-o-rieng-le",
                "Nhà ở riêng lẻ",
                7,
                "working_days",
                BUILDING_COMPONENTS,
                [
                    fee(
                        "levy",
                        "Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ",
                        amount=75000,
                        rule="Theo nghị quyết HĐND thành phố Huế",
                    )
                ],
                question="Xây nhà ở riêng lẻ của hộ gia đình, cá nhân?",
                workflow=WF_BUILDING_HOUSE,
                eform=EFORM_BUILDING,
            ),
            variant(
                "cong-trinh-cap-iii-iv",
                "Công trình cấp III, cấp IV",
                10,
                "working_days",
                BUILDING_COMPONENTS,
                [
                    fee(
                        "levy",
                        "Lệ phí cấp giấy phép xây dựng công trình",
                        amount=150000,
                        rule="Theo nghị quyết HĐND thành phố Huế",
                    )
                ],
                question="Xây công trình cấp III, cấp IV (không phải nhà ở riêng lẻ)?",
                workflow=WF_BUILDING_WORKS,
                eform=EFORM_BUILDING,
            ),
        ],
        audience="both",
        legal=LAW_BUILDING,
        steps="Chủ đầu tư nộp hồ sơ tại Trung tâm Phục vụ hành chính công cấp xã; cơ quan cấp phép thẩm định, kiểm tra thực địa và cấp giấy phép trong 07 ngày làm việc (nhà ở riêng lẻ) hoặc 10 ngày làm việc (công trình).",
        conditions="Phù hợp quy hoạch, mục đích sử dụng đất và các điều kiện tại Nghị định 175/2024/NĐ-CP Điều 50.",
        result="Giấy phép xây dựng kèm hồ sơ thiết kế có đóng dấu",
        keywords=[
            "giấy phép xây nhà",
            "xin phép xây dựng",
            "xin giấy phép xây dựng nhà ở",
            "cấp phép xây nhà",
            "giấy phép xây dựng nhà ở riêng lẻ",
        ],
        unverified=[
            "Lệ phí 75.000 đồng (nhà ở) và 150.000 đồng (công trình) là ví dụ; mức thu theo nghị quyết HĐND thành phố Huế chưa đối chiếu.",
            "domain.md ghi mã 1.009974 (chưa xác minh) và 15 ngày; CSDL quốc gia ghi mã 1.013225, 07/10 ngày làm việc.",
            "Giới hạn tệp đính kèm (10 MB mỗi tệp; bản vẽ chỉ nhận PDF, tối đa 20 MB) là giá trị mẫu của motcua, không do CSDL quốc gia công bố.",
        ],
        linked=["1.013226", "1.013227", "1.013228"],
        upload_max_mb=10,
    )
)


def building(
    code: str,
    name: str,
    days: float,
    components: list[dict[str, Any]],
    keywords: list[str],
    result: str,
) -> None:
    P(
        procedure(
            code,
            name,
            XD,
            [
                variant(
                    "mac-dinh",
                    name,
                    days,
                    "working_days",
                    components,
                    [
                        fee(
                            "levy",
                            "Lệ phí cấp giấy phép xây dựng",
                            amount=15000,
                            rule="Theo nghị quyết HĐND thành phố Huế",
                        )
                    ],
                )
            ],
            audience="both",
            legal=LAW_BUILDING,
            steps="Chủ đầu tư nộp hồ sơ tại Trung tâm Phục vụ hành chính công cấp xã; cơ quan cấp phép xem xét và trả kết quả.",
            result=result,
            keywords=keywords,
            unverified=[
                "Tên thủ tục rút gọn phần liệt kê loại công trình; chưa đối chiếu quyết định công bố.",
                f"Thời hạn {days:g} ngày làm việc và lệ phí 15.000 đồng chưa đối chiếu.",
            ],
            linked=["1.013225"],
        )
    )


building(
    "1.013226",
    "Cấp điều chỉnh giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
    7,
    [
        comp("Đơn đề nghị điều chỉnh giấy phép xây dựng"),
        comp("Bản chính giấy phép xây dựng đã được cấp"),
        comp("02 bộ bản vẽ thiết kế điều chỉnh", originals=2, max_mb=20, types=["pdf"]),
    ],
    ["điều chỉnh giấy phép xây dựng", "sửa giấy phép xây dựng", "thay đổi thiết kế nhà"],
    "Giấy phép xây dựng điều chỉnh",
)
building(
    "1.013227",
    "Gia hạn giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
    5,
    [
        comp("Đơn đề nghị gia hạn giấy phép xây dựng"),
        comp("Bản chính giấy phép xây dựng đã được cấp"),
    ],
    ["gia hạn giấy phép xây dựng", "giấy phép xây dựng hết hạn"],
    "Giấy phép xây dựng được gia hạn",
)
building(
    "1.013228",
    "Cấp lại giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
    5,
    [
        comp("Đơn đề nghị cấp lại giấy phép xây dựng"),
        comp(
            "Bản chính giấy phép xây dựng đã được cấp",
            required=False,
            condition="Trường hợp bị rách, nát",
        ),
    ],
    ["cấp lại giấy phép xây dựng", "mất giấy phép xây dựng"],
    "Giấy phép xây dựng được cấp lại",
)

# Đất đai ----------------------------------------------------------------------------------------
P(
    procedure(
        "1.013978",
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu đối với hộ gia đình, cá nhân, cộng đồng dân cư, người gốc Việt Nam định cư ở nước ngoài",
        DD,
        [
            variant(
                "mac-dinh",
                "Đăng ký, cấp Giấy chứng nhận lần đầu",
                20,
                "working_days",
                [
                    comp("Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu số 15)"),
                    comp(
                        "Một trong các loại giấy tờ về quyền sử dụng đất (Luật Đất đai 2024 Điều 137)",
                        originals=0,
                        copies=1,
                        required=False,
                        condition="Khi có giấy tờ về quyền sử dụng đất",
                    ),
                    comp("Mảnh trích đo bản đồ địa chính thửa đất", required=False),
                    comp(
                        "Chứng từ thực hiện nghĩa vụ tài chính", required=False, condition="Khi có"
                    ),
                ],
                [
                    fee(
                        "levy",
                        "Lệ phí cấp Giấy chứng nhận quyền sử dụng đất",
                        rule="Theo nghị quyết HĐND thành phố Huế",
                    )
                ],
            )
        ],
        where={
            **COMMUNE,
            "competent_authority": "Chủ tịch Ủy ban nhân dân cấp xã; Văn phòng Đăng ký đất đai",
        },
        legal=LAW_LAND,
        steps="Nộp hồ sơ tại Trung tâm Phục vụ hành chính công cấp xã; Ủy ban nhân dân cấp xã kiểm tra hiện trạng, niêm yết công khai; Văn phòng Đăng ký đất đai cập nhật hồ sơ địa chính; Chủ tịch Ủy ban nhân dân cấp xã ký Giấy chứng nhận.",
        result="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        keywords=[
            "làm sổ đỏ",
            "cấp sổ đỏ lần đầu",
            "xin cấp sổ hồng",
            "cấp giấy chứng nhận quyền sử dụng đất",
            "làm bìa đỏ",
        ],
        unverified=[
            "Thời hạn 20 ngày làm việc (không kể thời gian niêm yết) chưa đối chiếu Nghị định 101/2024/NĐ-CP và văn bản sửa đổi.",
            "Lệ phí theo nghị quyết HĐND thành phố Huế chưa đối chiếu.",
            "Mã 1.013978 lấy từ cổng dịch vụ công các tỉnh, chưa đối chiếu CSDL quốc gia.",
        ],
        online_mode="partial",
        partial="Phải kiểm tra hiện trạng sử dụng đất tại thực địa và niêm yết công khai tại khu dân cư trước khi cấp Giấy chứng nhận.",
    )
)
LAND_OFFICE = {
    "levels": [1],
    "competent_agency_kinds": ["department"],
    "competent_authority": "Văn phòng Đăng ký đất đai thành phố Huế",
}
P(
    procedure(
        "1.012783",
        "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        DD,
        [
            variant(
                "mac-dinh",
                "Cấp đổi Giấy chứng nhận",
                7,
                "working_days",
                [
                    comp("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất (Mẫu số 18)"),
                    comp("Bản gốc Giấy chứng nhận đã cấp"),
                ],
                [
                    fee(
                        "levy",
                        "Lệ phí cấp đổi Giấy chứng nhận",
                        rule="Theo nghị quyết HĐND thành phố Huế",
                    )
                ],
            )
        ],
        where=LAND_OFFICE,
        legal=LAW_LAND,
        steps="Nộp hồ sơ tại Trung tâm Phục vụ hành chính công; Văn phòng Đăng ký đất đai kiểm tra, xác nhận và cấp đổi Giấy chứng nhận.",
        result="Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        keywords=["đổi sổ đỏ", "cấp đổi sổ hồng", "đổi sổ cũ sang sổ mới", "sổ đỏ bị rách"],
        unverified=[
            "Mã lấy từ Cổng Dịch vụ công tỉnh Bắc Ninh; thời hạn 07 ngày làm việc và lệ phí chưa đối chiếu."
        ],
    )
)
P(
    procedure(
        "1.012784",
        "Tách thửa đất hoặc hợp thửa đất",
        DD,
        [
            variant(
                "mac-dinh",
                "Tách thửa hoặc hợp thửa đất",
                15,
                "working_days",
                [
                    comp("Đơn đề nghị tách thửa đất, hợp thửa đất (Mẫu số 21)"),
                    comp("Bản vẽ tách thửa đất, hợp thửa đất (Mẫu số 22)"),
                    comp("Bản gốc Giấy chứng nhận đã cấp"),
                ],
                [
                    fee(
                        "levy",
                        "Lệ phí cấp Giấy chứng nhận",
                        rule="Theo nghị quyết HĐND thành phố Huế",
                    )
                ],
            )
        ],
        where=LAND_OFFICE,
        legal=LAW_LAND,
        steps="Nộp hồ sơ tại Trung tâm Phục vụ hành chính công; Văn phòng Đăng ký đất đai đo đạc, kiểm tra điều kiện tách, hợp thửa và cấp Giấy chứng nhận cho thửa đất mới.",
        result="Giấy chứng nhận cho thửa đất mới",
        keywords=["tách sổ đỏ", "tách thửa", "hợp thửa", "chia đất làm hai sổ"],
        unverified=[
            "Mã lấy từ Cổng Dịch vụ công tỉnh Bắc Ninh; thời hạn 15 ngày làm việc và lệ phí chưa đối chiếu."
        ],
    )
)

# Bảo trợ xã hội ---------------------------------------------------------------------------------
SOCIAL_WHERE = {**COMMUNE, "competent_authority": "Chủ tịch Ủy ban nhân dân cấp xã"}


def social(
    code: str,
    name: str,
    days: float,
    components: list[dict[str, Any]],
    keywords: list[str],
    result: str,
    legal: list[str],
    unverified: list[str],
    field: str = BTXH,
) -> None:
    P(
        procedure(
            code,
            name,
            field,
            [variant("mac-dinh", name, days, "working_days", components, [free()])],
            where=SOCIAL_WHERE,
            legal=legal,
            steps="Nộp hồ sơ tại Trung tâm Phục vụ hành chính công cấp xã; công chức văn hóa – xã hội thẩm định, trình Chủ tịch Ủy ban nhân dân cấp xã quyết định.",
            result=result,
            keywords=keywords,
            unverified=unverified,
        )
    )


social(
    "1.001776",
    "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hàng tháng",
    10,
    [
        comp(
            "Tờ khai đề nghị trợ giúp xã hội (Mẫu số 1a–1đ) hoặc tờ khai nhận chăm sóc, nuôi dưỡng"
        ),
        comp(
            "Giấy xác nhận khuyết tật",
            originals=0,
            copies=1,
            required=False,
            condition="Đối tượng là người khuyết tật",
        ),
    ],
    [
        "trợ cấp xã hội hàng tháng",
        "xin tiền trợ cấp",
        "trợ cấp người khuyết tật",
        "trợ cấp người cao tuổi",
        "bảo trợ xã hội",
    ],
    "Quyết định trợ cấp xã hội hàng tháng",
    LAW_SOCIAL,
    ["Thời hạn 10 ngày làm việc chưa đối chiếu Nghị định 20/2021/NĐ-CP và văn bản sửa đổi."],
)
social(
    "1.001699",
    "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
    25,
    [
        comp("Đơn đề nghị xác định, xác định lại mức độ khuyết tật (Mẫu số 01)"),
        comp(
            "Bản sao giấy tờ liên quan đến khuyết tật (bệnh án, giấy khám, kết luận giám định)",
            originals=0,
            copies=1,
            required=False,
        ),
    ],
    ["giấy xác nhận khuyết tật", "xác định mức độ khuyết tật", "làm giấy khuyết tật cho con"],
    "Giấy xác nhận khuyết tật",
    LAW_DISABILITY,
    ["Thời hạn 25 ngày làm việc chưa đối chiếu Thông tư 01/2019/TT-BLĐTBXH."],
)
social(
    "1.001653",
    "Đổi, cấp lại Giấy xác nhận khuyết tật",
    5,
    [
        comp("Đơn đề nghị đổi, cấp lại Giấy xác nhận khuyết tật"),
        comp(
            "Giấy xác nhận khuyết tật đã cấp", required=False, condition="Trường hợp đổi do hư hỏng"
        ),
    ],
    ["cấp lại giấy khuyết tật", "mất giấy xác nhận khuyết tật"],
    "Giấy xác nhận khuyết tật",
    LAW_DISABILITY,
    ["Tên, mã và thời hạn 05 ngày làm việc chưa đối chiếu quyết định công bố."],
)
social(
    "1.001731",
    "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
    3,
    [
        comp("Tờ khai đề nghị hỗ trợ chi phí mai táng (Mẫu số 04)"),
        comp("Bản sao giấy chứng tử hoặc trích lục khai tử", originals=0, copies=1),
    ],
    ["tiền mai táng", "hỗ trợ mai táng phí", "hỗ trợ tang lễ người hưởng trợ cấp"],
    "Quyết định hỗ trợ chi phí mai táng",
    LAW_SOCIAL,
    ["Thời hạn 03 ngày làm việc chưa đối chiếu."],
)
social(
    "1.014027",
    "Thực hiện, điều chỉnh, thôi hưởng trợ cấp hưu trí xã hội",
    10,
    [comp("Văn bản đề nghị hưởng trợ cấp hưu trí xã hội (Mẫu số 01)")],
    ["trợ cấp hưu trí xã hội", "người cao tuổi không có lương hưu", "tiền cho người già"],
    "Quyết định hưởng trợ cấp hưu trí xã hội",
    [
        "Luật Bảo hiểm xã hội số 41/2024/QH15",
        "Nghị định 176/2025/NĐ-CP quy định chi tiết về trợ cấp hưu trí xã hội",
    ],
    ["Thời hạn 10 ngày làm việc và căn cứ pháp lý chưa đối chiếu."],
)

# Người có công ---------------------------------------------------------------------------------
MERIT_WHERE = {
    "levels": [1],
    "competent_agency_kinds": ["department"],
    "competent_authority": "Sở Nội vụ",
}
P(
    procedure(
        "1.010803",
        "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
        NCC,
        [
            variant(
                "mac-dinh",
                "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
                17,
                "working_days",
                [
                    comp("Đơn đề nghị giải quyết chế độ trợ cấp thờ cúng liệt sĩ (Mẫu số 18)"),
                    comp("Bản sao Bằng “Tổ quốc ghi công”", originals=0, certified=1),
                    comp(
                        "Văn bản ủy quyền thờ cúng liệt sĩ",
                        required=False,
                        condition="Khi thân nhân ủy quyền cho người khác thờ cúng",
                    ),
                ],
                [free()],
            )
        ],
        where=MERIT_WHERE,
        legal=LAW_MERIT,
        steps="Nộp hồ sơ tại Ủy ban nhân dân cấp xã hoặc Trung tâm Phục vụ hành chính công; Ủy ban nhân dân cấp xã xác nhận, chuyển Sở Nội vụ xem xét, ra quyết định.",
        result="Quyết định trợ cấp thờ cúng liệt sĩ",
        keywords=["thờ cúng liệt sĩ", "trợ cấp thờ cúng", "tiền thờ cúng liệt sĩ"],
        unverified=[
            "Cơ quan giải quyết (Sở Nội vụ từ 2025) và thời hạn 17 ngày làm việc chưa đối chiếu."
        ],
    )
)
P(
    procedure(
        "1.010825",
        "Bổ sung tình hình thân nhân trong hồ sơ liệt sĩ",
        NCC,
        [
            variant(
                "mac-dinh",
                "Bổ sung tình hình thân nhân trong hồ sơ liệt sĩ",
                12,
                "working_days",
                [
                    comp("Đơn đề nghị sửa đổi, bổ sung thông tin trong hồ sơ liệt sĩ (Mẫu số 26)"),
                    comp(
                        "Bản sao giấy tờ chứng minh quan hệ với liệt sĩ", originals=0, certified=1
                    ),
                ],
                [free()],
            )
        ],
        where=MERIT_WHERE,
        legal=LAW_MERIT,
        steps="Nộp hồ sơ tại Trung tâm Phục vụ hành chính công; Sở Nội vụ kiểm tra, bổ sung hồ sơ liệt sĩ.",
        result="Hồ sơ liệt sĩ được bổ sung thông tin thân nhân",
        keywords=["bổ sung thân nhân liệt sĩ", "hồ sơ liệt sĩ", "thân nhân liệt sĩ"],
        unverified=["Cơ quan giải quyết và thời hạn 12 ngày làm việc chưa đối chiếu."],
    )
)

# Giáo dục ----------------------------------------------------------------------------------------
P(
    procedure(
        "3.000182",
        "Tuyển sinh trung học cơ sở",
        GD,
        [
            variant(
                "mac-dinh",
                "Tuyển sinh vào lớp 6",
                None,
                "no_appointment",
                [
                    comp("Đơn dự tuyển vào lớp 6"),
                    comp(
                        "Học bạ cấp tiểu học hoặc giấy tờ xác nhận hoàn thành chương trình tiểu học",
                        originals=0,
                        copies=1,
                    ),
                ],
                [free()],
            )
        ],
        where={**COMMUNE, "competent_authority": "Ủy ban nhân dân cấp xã; trường trung học cơ sở"},
        legal=[
            "Luật Giáo dục số 43/2019/QH14",
            "Thông tư 30/2024/TT-BGDĐT ban hành Quy chế tuyển sinh trung học cơ sở và trung học phổ thông",
        ],
        steps="Cha mẹ học sinh nộp hồ sơ dự tuyển theo kế hoạch tuyển sinh hằng năm; kết quả công bố theo lịch tuyển sinh, không hẹn ngày trả riêng từng hồ sơ.",
        result="Danh sách học sinh trúng tuyển vào lớp 6",
        keywords=["vào lớp 6", "tuyển sinh lớp 6", "đăng ký học cấp 2", "nhập học trung học cơ sở"],
        unverified=[
            "Tên và mã thủ tục lấy từ nguồn công khai không chính thức, chưa đối chiếu quyết định công bố.",
            "Không hẹn ngày trả: kết quả theo kế hoạch tuyển sinh của thành phố.",
        ],
    )
)


def build() -> dict[str, Any]:
    FORMS.mkdir(parents=True, exist_ok=True)
    for file_name in FORM_PAGES:
        (FORMS / file_name).write_bytes(render_form(file_name))
    workflows = [
        {
            "name": name,
            "description": description,
            "steps": sorted(steps, key=lambda s: s["order"]),
        }
        for name, (description, steps) in sorted(WORKFLOWS.items())
    ]
    # Links are symmetric in the model (liên thông goes both ways); write both ends.
    by_code = {p["national_code"]: p for p in PROCEDURES}
    for p in PROCEDURES:
        for other in p["linked"]:
            by_code[other]["linked"] = sorted({*by_code[other]["linked"], p["national_code"]})
    return {
        "format": "motcua-catalogue",
        "version": 1,
        "exported_at": "2026-09-30T00:00:00+00:00",
        "fields": [{"code": c, "name": n, "name_en": e} for c, n, e in sorted(FIELDS)],
        "workflows": workflows,
        "procedures": sorted(PROCEDURES, key=lambda p: p["national_code"]),
        "offerings": [],
    }


def main() -> None:
    document = build()
    codes = [p["national_code"] for p in document["procedures"]]
    assert len(codes) == len(set(codes)), "duplicate national code"
    text_out = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (DEMO / "catalogue.json").write_text(text_out, encoding="utf-8")
    print(f"{len(codes)} procedures, {len(FORM_PAGES)} blank forms")


if __name__ == "__main__":
    main()
