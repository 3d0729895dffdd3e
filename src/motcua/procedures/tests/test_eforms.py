"""E-forms as data: definition check, prefill, one renderer, one validator (gh-3 item 6)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import unicodedata
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import TestCase
from django.utils import translation

import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
from motcua.organisations.constants import AdminUnitKind
from motcua.organisations.tests.factories import AdminUnitFactory, ProvinceFactory
from motcua.procedures.eforms import (
    EformDefinitionError,
    eform_definition_problems,
    eform_form_class,
    eform_locked_fields,
    eform_prefill,
    eform_validate,
)

# Tờ khai đăng ký khai sinh (the declaration of procedure 1.001193), as a
# data engineer would write it: the child, the parents, the declarant.
BIRTH: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Tờ khai đăng ký khai sinh",
    "description": "Khai theo Giấy chứng sinh của trẻ.",
    "type": "object",
    "properties": {
        "ho_ten_tre": {
            "type": "string",
            "title": "Họ, chữ đệm, tên",
            "description": "Ghi đúng như sẽ ghi trong Giấy khai sinh.",
            "maxLength": 100,
        },
        "ngay_sinh_tre": {
            "type": "string",
            "format": "date",
            "title": "Ngày, tháng, năm sinh",
            "x-notFuture": True,
        },
        "gioi_tinh": {
            "type": "string",
            "title": "Giới tính",
            "enum": ["nam", "nu"],
            "x-enumLabels": ["Nam", "Nữ"],
        },
        "noi_sinh": {
            "type": "string",
            "title": "Nơi sinh",
            "description": "Tên cơ sở y tế, hoặc địa chỉ nếu sinh ngoài cơ sở y tế.",
            "x-kind": "textarea",
            "maxLength": 300,
        },
        "so_giay_chung_sinh": {
            "type": "string",
            "title": "Số Giấy chứng sinh",
            "pattern": "^[0-9A-Za-z/.-]{1,30}$",
            "x-error": "Số Giấy chứng sinh chỉ gồm chữ, số và các dấu / . -",
        },
        "ho_ten_me": {"type": "string", "title": "Họ, chữ đệm, tên người mẹ", "maxLength": 100},
        "nam_sinh_me": {
            "type": "integer",
            "title": "Năm sinh của người mẹ",
            "minimum": 1900,
            "maximum": 2026,
        },
        "ho_ten_cha": {
            "type": "string",
            "title": "Họ, chữ đệm, tên người cha",
            "description": "Để trống nếu chưa xác định được cha.",
            "maxLength": 100,
        },
        "nguoi_yeu_cau": {
            "type": "string",
            "title": "Họ, chữ đệm, tên người yêu cầu",
            "maxLength": 100,
            "x-prefill": "profile.full_name",
        },
        "cccd_nguoi_yeu_cau": {
            "type": "string",
            "title": "Số CCCD của người yêu cầu",
            "x-kind": "cccd",
            "x-prefill": "profile.identity_number",
        },
        "ngay_sinh_nguoi_yeu_cau": {
            "type": "string",
            "format": "date",
            "title": "Ngày sinh của người yêu cầu",
            "x-prefill": "profile.date_of_birth",
        },
        "dien_thoai": {
            "type": "string",
            "title": "Số điện thoại",
            "x-kind": "phone",
            "x-prefill": "profile.phone",
        },
        "email": {
            "type": "string",
            "format": "email",
            "title": "Thư điện tử",
            "x-prefill": "profile.email",
        },
        "noi_cu_tru": {
            "type": "string",
            "title": "Nơi cư trú",
            "x-kind": "textarea",
            "x-prefill": "profile.address",
        },
        "quan_he": {
            "type": "string",
            "title": "Quan hệ với người được khai sinh",
            "enum": ["cha", "me", "ong_ba", "khac"],
            "x-enumLabels": ["Cha", "Mẹ", "Ông, bà", "Người thân thích khác"],
        },
        "so_ban_sao": {
            "type": "integer",
            "title": "Số bản sao Trích lục khai sinh",
            "minimum": 0,
            "maximum": 10,
            "default": 1,
        },
        "cam_doan": {
            "type": "boolean",
            "title": "Tôi cam đoan nội dung khai trên đây là đúng sự thật.",
        },
    },
    "required": [
        "ho_ten_tre",
        "ngay_sinh_tre",
        "gioi_tinh",
        "noi_sinh",
        "ho_ten_me",
        "nguoi_yeu_cau",
        "cccd_nguoi_yeu_cau",
        "dien_thoai",
        "noi_cu_tru",
        "quan_he",
        "cam_doan",
    ],
}

# What a mother filing for her newborn types (as the browser posts it).
FILLED = {
    "ho_ten_tre": "Trần Minh Khang",
    "ngay_sinh_tre": "2026-11-20",
    "gioi_tinh": "nam",
    "noi_sinh": "Bệnh viện Trung ương Huế",
    "so_giay_chung_sinh": "1234/GCS-2026",
    "ho_ten_me": "Nguyễn Thị Lan",
    "nam_sinh_me": "1995",
    "ho_ten_cha": "",
    "nguoi_yeu_cau": "Nguyễn Thị Lan",
    "cccd_nguoi_yeu_cau": "046195000123",
    "ngay_sinh_nguoi_yeu_cau": "",
    "dien_thoai": "0912 345 678",
    "email": "",
    "noi_cu_tru": "12 Kim Long, Phường Kim Long",
    "quan_he": "me",
    "so_ban_sao": "2",
    "cam_doan": "on",
}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
KEYS = st.sampled_from(
    [
        "type", "title", "format", "enum", "x-enumLabels", "minLength", "maxLength", "pattern",
        "x-error", "x-kind", "x-notFuture", "x-prefill", "minimum", "maximum", "default",
    ]
)  # fmt: skip


def _with(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    definition = copy.deepcopy(BIRTH)
    change(definition)
    return definition


def _prop(name: str, **values: Any) -> Callable[[dict[str, Any]], object]:
    return lambda d: d["properties"][name].update(values)


@time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False)
class EformTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        ward = AdminUnitFactory(name="Kim Long", kind=AdminUnitKind.WARD, parent=ProvinceFactory())
        cls.citizen = UserFactory(
            full_name="Nguyễn Thị Lan",
            identity_number="046195000123",
            date_of_birth=dt.date(1995, 3, 8),
            phone="0912345678",
            email="lan@example.vn",
            address_street="12 Kim Long",
            address_unit=ward,
            tax_code="3301234567",
        )

    # --- definition check --------------------------------------------------------

    def test_it_accepts_the_birth_registration_declaration(self):
        self.assertEqual(eform_definition_problems(BIRTH), [])

    def test_it_refuses_a_definition_that_is_not_an_object(self):
        for definition in ([], "Tờ khai", None, 3):
            with self.subTest(definition=definition):
                self.assertEqual(
                    eform_definition_problems(definition),
                    ["Biểu mẫu điện tử phải là một đối tượng JSON có “type”: “object”."],
                )

    def test_it_refuses_a_definition_that_is_not_valid_json_schema(self):
        definition = _with(_prop("ho_ten_tre", maxLength=-1))
        self.assertIn(
            "Biểu mẫu điện tử không phải JSON Schema (draft 2020-12) hợp lệ: giá trị tại"
            " “properties/ho_ten_tre/maxLength” không đúng (quy tắc “minimum”).",
            eform_definition_problems(definition),
        )
        # A broken regular expression gets its own message, not the generic one.
        definition = _with(_prop("so_giay_chung_sinh", pattern="^[0-9$"))
        self.assertIn(
            "Trường “so_giay_chung_sinh”: mẫu kiểm tra (“pattern”) không phải biểu thức chính"
            " quy hợp lệ.",
            eform_definition_problems(definition),
        )

    def test_it_refuses_each_unsupported_construct_with_a_clear_message(self):
        def drop(name: str, key: str) -> Callable[[dict[str, Any]], object]:
            return lambda d: d["properties"][name].pop(key)

        cases = [
            # (why, change, the message the administrator reads)
            ("no form title", lambda d: d.pop("title"), "Biểu mẫu điện tử chưa có tiêu đề"),
            ("not an object schema", lambda d: d.update(type="array"), "phải có “type”: “object”"),
            ("no field at all", lambda d: d.update(properties={}), "phải có ít nhất một trường"),
            (
                "wrong dialect",
                lambda d: d.update({"$schema": "http://json-schema.org/draft-07/schema#"}),
                "“$schema” phải là",
            ),
            (
                "conditional logic",
                lambda d: d.update(allOf=[{"required": ["ho_ten_cha"]}]),
                "từ khoá “allOf” không được hỗ trợ",
            ),
            (
                "unknown extension",
                lambda d: d.update({"x-layout": "two-columns"}),
                "khoá mở rộng “x-layout” không được hỗ trợ",
            ),
            (
                "required name not a field",
                lambda d: d["required"].append("ho_ten_ong"),
                "Trường bắt buộc “ho_ten_ong” không có trong “properties”",
            ),
            (
                "field without label",
                drop("ho_ten_tre", "title"),
                "Trường “ho_ten_tre”: chưa có nhãn tiếng Việt",
            ),
            (
                "field without type",
                drop("ho_ten_tre", "type"),
                "Trường “ho_ten_tre”: chưa khai báo kiểu",
            ),
            ("list field", _prop("ho_ten_tre", type="array"), "kiểu “array” không được hỗ trợ"),
            (
                "name with diacritics",
                lambda d: d["properties"].update({"họ_tên": {"type": "string", "title": "Họ tên"}}),
                "tên trường chỉ gồm chữ thường không dấu",
            ),
            (
                "unsupported format",
                _prop("email", format="uri"),
                "định dạng “uri” không được hỗ trợ",
            ),
            (
                "unknown x-kind",
                _prop("dien_thoai", **{"x-kind": "fax"}),
                "“x-kind”: “fax” không được hỗ trợ",
            ),
            (
                "format and kind",
                _prop("email", **{"x-kind": "phone"}),
                "không dùng cùng lúc “format” và “x-kind”",
            ),
            (
                "unknown prefill",
                _prop("nguoi_yeu_cau", **{"x-prefill": "profile.nickname"}),
                "nguồn điền sẵn “profile.nickname” không được hỗ trợ",
            ),
            (
                "prefill date into text",
                _prop("nguoi_yeu_cau", **{"x-prefill": "profile.date_of_birth"}),
                "chỉ dùng cho trường có “format”: “date”",
            ),
            (
                "prefill text into a choice",
                _prop("quan_he", **{"x-prefill": "profile.full_name"}),
                "chỉ dùng cho trường văn bản",
            ),
            (
                "unknown field extension",
                _prop("ho_ten_tre", **{"x-hidden": True}),
                "khoá mở rộng “x-hidden” không được hỗ trợ",
            ),
            (
                "keyword of another type",
                _prop("ho_ten_tre", minimum=1),
                "từ khoá “minimum” không dùng được với kiểu “string”",
            ),
            (
                "labels not matching choices",
                _prop("gioi_tinh", **{"x-enumLabels": ["Nam"]}),
                "“x-enumLabels” phải có đúng 2 nhãn",
            ),
            (
                "labels without choices",
                _prop("ho_ten_tre", **{"x-enumLabels": ["A"]}),
                "“x-enumLabels” chỉ dùng cùng “enum”",
            ),
            (
                "duplicate choices",
                _prop("gioi_tinh", enum=["nam", "nam"]),
                "“enum” phải là danh sách các chuỗi khác nhau",
            ),
            (
                "choices with a pattern",
                _prop("gioi_tinh", pattern="^n.*$"),
                "không dùng cùng “format”, “x-kind”, “pattern”",
            ),
            (
                "unanchored pattern",
                _prop("so_giay_chung_sinh", pattern="[0-9]+"),
                "phải bắt đầu bằng ^ và kết thúc bằng $",
            ),
            (
                "custom message without pattern",
                _prop("ho_ten_tre", **{"x-error": "Sai."}),
                "“x-error” chỉ dùng cùng “pattern”",
            ),
            (
                "not-future on text",
                _prop("ho_ten_tre", **{"x-notFuture": True}),
                "“x-notFuture” chỉ dùng với “format”: “date”",
            ),
            (
                "bounds upside down",
                _prop("so_ban_sao", minimum=5, maximum=1),
                "“minimum” lớn hơn “maximum”",
            ),
            (
                "lengths upside down",
                _prop("ho_ten_tre", minLength=200),
                "“minLength” lớn hơn “maxLength”",
            ),
            (
                "default breaking its own rule",
                _prop("so_ban_sao", default=50),
                "giá trị mặc định (“default”) không thoả",
            ),
        ]
        for why, change, message in cases:
            with self.subTest(why):
                problems = eform_definition_problems(_with(change))
                self.assertTrue(
                    any(message in problem for problem in problems),
                    f"{why}: expected “{message}” in {problems}",
                )

    def test_it_reports_every_problem_of_a_definition_at_once(self):
        def break_three(d: dict[str, Any]) -> None:
            del d["properties"]["ho_ten_tre"]["title"]
            d["properties"]["email"]["format"] = "uri"
            d["required"].append("ho_ten_ong")

        problems = eform_definition_problems(_with(break_three))
        self.assertEqual(len(problems), 3, problems)

    def test_it_answers_with_problems_never_with_a_crash(self):
        # An administrator can type anything in the admin's JSON field. (A nested
        # function: hypothesis refuses @given on a django TestCase method.)
        @given(
            field=st.sampled_from(sorted(BIRTH["properties"])),
            key=KEYS,
            value=JSON,
            top=st.sampled_from(["properties", "required", "title", "type", "$schema"]),
            top_value=JSON,
        )
        @settings(max_examples=300, deadline=None)
        def check(field: str, key: str, value: Any, top: str, top_value: Any) -> None:
            broken_field = _with(_prop(field, **{key: value}))
            broken_top = _with(lambda d: d.update({top: top_value}))
            for definition in (broken_field, broken_top, value, top_value):
                problems = eform_definition_problems(definition)
                self.assertTrue(all(isinstance(p, str) for p in problems))
                if not problems:  # whatever is accepted must also render and validate
                    eform_validate(definition, {})
                    eform_form_class(definition)().render()

        check()

    def test_it_builds_one_form_class_per_definition_and_language(self):
        form_class = eform_form_class(BIRTH)
        self.assertIs(eform_form_class(copy.deepcopy(BIRTH)), form_class)
        # Messages are translated when the class is built: another language, another class.
        with translation.override("en"):
            self.assertIsNot(eform_form_class(BIRTH), form_class)
        renamed = _with(lambda d: d.update(title="Tờ khai đăng ký khai sinh lại"))
        self.assertEqual(eform_form_class(renamed).eform_title, "Tờ khai đăng ký khai sinh lại")

    def test_it_refuses_to_build_a_form_from_an_unusable_definition(self):
        with self.assertRaises(EformDefinitionError) as caught:
            eform_form_class(_with(lambda d: d.pop("title")))
        self.assertEqual(caught.exception.problems, ["Biểu mẫu điện tử chưa có tiêu đề (“title”)."])

    # --- prefill ------------------------------------------------------------------

    def test_it_prefills_from_the_profile(self):
        definition = _with(
            lambda d: d["properties"].update(
                ma_so_thue={
                    "type": "string",
                    "title": "Mã số thuế",
                    "x-prefill": "profile.tax_code",
                }
            )
        )
        user = User.objects.get(pk=self.citizen.pk)
        with self.assertNumQueries(1):  # the commune of the address; nothing per field
            initial = eform_prefill(definition, user=user)
        self.assertEqual(
            initial,
            {
                "nguoi_yeu_cau": "Nguyễn Thị Lan",
                "cccd_nguoi_yeu_cau": "046195000123",
                "ngay_sinh_nguoi_yeu_cau": "1995-03-08",
                "dien_thoai": "0912345678",
                "email": "lan@example.vn",
                "noi_cu_tru": "12 Kim Long, Phường Kim Long",
                "ma_so_thue": "3301234567",
            },
        )
        json.dumps(initial)  # usable as-is in an API response

    def test_it_prefills_only_what_the_profile_has(self):
        user = UserFactory(full_name="Lê Văn Hùng", email="")
        self.assertEqual(eform_prefill(BIRTH, user=user), {"nguoi_yeu_cau": "Lê Văn Hùng"})

    def test_it_prefills_nothing_for_an_anonymous_user(self):
        self.assertEqual(eform_prefill(BIRTH, user=AnonymousUser()), {})
        self.assertEqual(eform_locked_fields(BIRTH, user=AnonymousUser()), frozenset())

    # --- renderer -----------------------------------------------------------------

    def test_it_renders_an_accessible_form(self):
        form = eform_form_class(BIRTH)(initial=eform_prefill(BIRTH, user=self.citizen))
        html = render_to_string("procedures/eform.html", {"form": form})
        self.assertEqual(list(form.fields), list(BIRTH["properties"]))  # the definition's order
        self.assertHTMLEqual(str(form), html)  # {{ form }} renders the same template
        self.assertInHTML("<legend>Tờ khai đăng ký khai sinh</legend>", html)
        # Every label points at its input; the "*" is visual, "required" is announced.
        self.assertInHTML(
            '<label for="id_ho_ten_tre">Họ, chữ đệm, tên'
            '<span class="required" aria-hidden="true"> *</span></label>',
            html,
        )
        self.assertInHTML('<label for="id_ho_ten_cha">Họ, chữ đệm, tên người cha</label>', html)
        self.assertInHTML(
            '<input type="text" name="ho_ten_tre" maxlength="100" required'
            ' aria-describedby="id_ho_ten_tre_helptext" id="id_ho_ten_tre">',
            html,
        )
        self.assertInHTML(
            '<p class="hint" id="id_ho_ten_tre_helptext">Ghi đúng như sẽ ghi trong Giấy khai'
            " sinh.</p>",
            html,
        )
        # Dates use the browser's date picker and cannot be after today.
        self.assertInHTML(
            '<input type="date" name="ngay_sinh_tre" max="2026-11-26" required'
            ' id="id_ngay_sinh_tre">',
            html,
        )
        # A short required choice is a group of radio buttons under a legend.
        self.assertInHTML(
            '<legend>Giới tính<span class="required" aria-hidden="true"> *</span></legend>', html
        )
        self.assertInHTML(
            '<label for="id_gioi_tinh_1"><input type="radio" name="gioi_tinh" value="nu"'
            ' required id="id_gioi_tinh_1"> Nữ</label>',
            html,
        )
        # The declarant's own data: prefilled, with autofill hints for the browser.
        self.assertInHTML(
            '<input type="text" name="nguoi_yeu_cau" value="Nguyễn Thị Lan" maxlength="100"'
            ' autocomplete="name" required id="id_nguoi_yeu_cau">',
            html,
        )
        self.assertInHTML(
            '<input type="text" name="cccd_nguoi_yeu_cau" value="046195000123"'
            ' inputmode="numeric" maxlength="12" autocomplete="off" required'
            ' id="id_cccd_nguoi_yeu_cau">',
            html,
        )
        self.assertInHTML(
            '<input type="tel" name="dien_thoai" value="0912345678" inputmode="tel"'
            ' autocomplete="tel" required id="id_dien_thoai">',
            html,
        )
        self.assertInHTML(
            '<input type="number" name="so_ban_sao" value="1" inputmode="numeric" min="0"'
            ' max="10" id="id_so_ban_sao">',
            html,
        )
        self.assertInHTML(
            '<input type="text" name="so_giay_chung_sinh" pattern="^[0-9A-Za-z/.-]{1,30}$"'
            ' id="id_so_giay_chung_sinh">',
            html,
        )
        self.assertInHTML('<input type="checkbox" name="cam_doan" required id="id_cam_doan">', html)
        self.assertIn("Các trường có dấu * là bắt buộc.", html)

    def test_it_keeps_what_the_citizen_typed_next_to_the_errors(self):
        data = {**FILLED, "ho_ten_tre": "Trần Minh Khang", "cccd_nguoi_yeu_cau": "04619500012"}
        form = eform_form_class(BIRTH)(data=data)
        self.assertFalse(form.is_valid())
        html = form.render()
        # The wrong value stays in the input, marked invalid and linked to its message.
        self.assertInHTML(
            '<input type="text" name="cccd_nguoi_yeu_cau" value="04619500012"'
            ' inputmode="numeric" maxlength="12" autocomplete="off" required'
            ' aria-invalid="true" aria-describedby="id_cccd_nguoi_yeu_cau_error"'
            ' id="id_cccd_nguoi_yeu_cau">',
            html,
        )
        self.assertInHTML(
            '<ul class="errorlist" id="id_cccd_nguoi_yeu_cau_error"><li>Số định danh cá nhân'
            " (CCCD) phải gồm đúng 12 chữ số.</li></ul>",
            html,
        )
        # The valid ones are not lost either.
        self.assertIn('value="Trần Minh Khang"', html)
        self.assertIn("Bệnh viện Trung ương Huế</textarea>", html)

    def test_it_locks_verified_identity_fields(self):
        self.citizen.identity_verified = True
        locked = eform_locked_fields(BIRTH, user=self.citizen)
        self.assertEqual(locked, {"nguoi_yeu_cau", "cccd_nguoi_yeu_cau", "ngay_sinh_nguoi_yeu_cau"})
        form = eform_form_class(BIRTH)(
            initial=eform_prefill(BIRTH, user=self.citizen), locked=locked
        )
        html = form.render()
        # Read-only, not disabled: still reachable with Tab and read out.
        self.assertInHTML(
            '<input type="text" name="cccd_nguoi_yeu_cau" value="046195000123"'
            ' inputmode="numeric" maxlength="12" autocomplete="off" required readonly'
            ' aria-describedby="id_cccd_nguoi_yeu_cau_helptext" id="id_cccd_nguoi_yeu_cau">',
            html,
        )
        self.assertIn("Đã xác thực định danh, không sửa được.", html)
        # The phone number stays editable.
        self.assertNotIn("readonly", str(form["dien_thoai"]))
        # A tampered post keeps the profile's values.
        tampered = {**FILLED, "nguoi_yeu_cau": "Người Khác", "cccd_nguoi_yeu_cau": "001099999999"}
        cleaned, errors = eform_validate(BIRTH, tampered, user=self.citizen)
        self.assertEqual(errors, {})
        self.assertEqual(cleaned["nguoi_yeu_cau"], "Nguyễn Thị Lan")
        self.assertEqual(cleaned["cccd_nguoi_yeu_cau"], "046195000123")
        self.assertEqual(cleaned["ngay_sinh_nguoi_yeu_cau"], "1995-03-08")

    def test_it_does_not_lock_fields_of_an_unverified_user(self):
        self.assertFalse(self.citizen.identity_verified)
        self.assertEqual(eform_locked_fields(BIRTH, user=self.citizen), frozenset())
        cleaned, errors = eform_validate(
            BIRTH, {**FILLED, "nguoi_yeu_cau": "Trần Văn Bình"}, user=self.citizen
        )
        self.assertEqual(errors, {})
        self.assertEqual(cleaned["nguoi_yeu_cau"], "Trần Văn Bình")

    # --- validator ----------------------------------------------------------------

    def test_it_accepts_a_complete_declaration_as_json(self):
        posted = QueryDict(mutable=True)
        posted.update(FILLED)  # as request.POST
        cleaned, errors = eform_validate(BIRTH, posted)
        self.assertEqual(errors, {})
        self.assertEqual(
            cleaned,
            {
                "ho_ten_tre": "Trần Minh Khang",
                "ngay_sinh_tre": "2026-11-20",  # ISO string, not a date object
                "gioi_tinh": "nam",
                "noi_sinh": "Bệnh viện Trung ương Huế",
                "so_giay_chung_sinh": "1234/GCS-2026",
                "ho_ten_me": "Nguyễn Thị Lan",
                "nam_sinh_me": 1995,
                # ho_ten_cha, ngay_sinh_nguoi_yeu_cau and email were left empty: absent.
                "nguoi_yeu_cau": "Nguyễn Thị Lan",
                "cccd_nguoi_yeu_cau": "046195000123",
                "dien_thoai": "0912345678",  # the spaces the citizen typed are dropped
                "noi_cu_tru": "12 Kim Long, Phường Kim Long",
                "quan_he": "me",
                "so_ban_sao": 2,
                "cam_doan": True,
            },
        )
        self.assertEqual(json.loads(json.dumps(cleaned, ensure_ascii=False)), cleaned)

    def test_it_accepts_an_api_client_json_object(self):
        payload = {
            **FILLED,
            "nam_sinh_me": 1995,
            "so_ban_sao": 0,
            "cam_doan": True,
            "dien_thoai": "+84912345678",
            "ghi_chu": "not in the form",
        }
        cleaned, errors = eform_validate(BIRTH, payload)
        self.assertEqual(errors, {})
        self.assertEqual(cleaned["so_ban_sao"], 0)
        self.assertEqual(cleaned["dien_thoai"], "0912345678")
        self.assertNotIn("ghi_chu", cleaned)  # keys the form does not define are dropped

    def test_it_refuses_json_values_of_the_wrong_type(self):
        # A number would lose the leading 0 of a phone number: text fields want text.
        payload = {
            **FILLED,
            "dien_thoai": 912345678,
            "ngay_sinh_tre": 20261120,
            "gioi_tinh": ["nam"],
        }
        _, errors = eform_validate(BIRTH, payload)
        self.assertEqual(
            errors,
            {
                "ngay_sinh_tre": ["Trường “Ngày, tháng, năm sinh” phải là văn bản."],
                "gioi_tinh": ["Trường “Giới tính” phải là văn bản."],
                "dien_thoai": ["Trường “Số điện thoại” phải là văn bản."],
            },
        )

    def test_it_names_each_missing_required_field(self):
        cleaned, errors = eform_validate(BIRTH, {})
        self.assertEqual(cleaned, {})  # a default is an initial value, not an answer
        self.assertEqual(errors["ho_ten_tre"], ["Trường “Họ, chữ đệm, tên” là bắt buộc."])
        self.assertEqual(errors["gioi_tinh"], ["Trường “Giới tính” là bắt buộc."])
        self.assertEqual(
            errors["cam_doan"],
            ["Hãy đánh dấu ô “Tôi cam đoan nội dung khai trên đây là đúng sự thật”."],
        )
        self.assertEqual(list(errors), BIRTH["required"])  # optional fields are not errors

    def test_it_refuses_a_bad_identity_number(self):
        cases = [
            ("04619500012", "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."),  # 11 digits
            ("04619500012A", "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."),
            # 000 is no province code (Circular 59/2021/TT-BCA Art 7).
            ("000195000123", "Ba chữ số đầu của số CCCD (mã tỉnh nơi đăng ký khai sinh) phải"),
        ]
        for value, message in cases:
            with self.subTest(value):
                _, errors = eform_validate(BIRTH, {**FILLED, "cccd_nguoi_yeu_cau": value})
                self.assertEqual(len(errors["cccd_nguoi_yeu_cau"]), 1)
                self.assertTrue(errors["cccd_nguoi_yeu_cau"][0].startswith(message))
        _, errors = eform_validate(BIRTH, {**FILLED, "cccd_nguoi_yeu_cau": "046 195 000 123"})
        self.assertEqual(errors, {})  # the spaces of the printed card are tolerated

    def test_it_refuses_a_bad_phone_number(self):
        _, errors = eform_validate(BIRTH, {**FILLED, "dien_thoai": "912345"})
        self.assertEqual(
            errors,
            {
                "dien_thoai": [
                    "Số điện thoại phải gồm 10 hoặc 11 chữ số, bắt đầu bằng 0 hoặc +84,"
                    " ví dụ 0912 345 678."
                ]
            },
        )

    def test_it_refuses_text_longer_than_the_maximum(self):
        _, errors = eform_validate(BIRTH, {**FILLED, "ho_ten_tre": "A" * 101})
        self.assertEqual(
            errors,
            {"ho_ten_tre": ["Trường “Họ, chữ đệm, tên” dài tối đa 100 ký tự (đang có 101)."]},
        )

    def test_it_shows_the_definitions_message_when_a_pattern_does_not_match(self):
        _, errors = eform_validate(BIRTH, {**FILLED, "so_giay_chung_sinh": "số 12"})
        self.assertEqual(
            errors, {"so_giay_chung_sinh": ["Số Giấy chứng sinh chỉ gồm chữ, số và các dấu / . -"]}
        )
        without = _with(lambda d: d["properties"]["so_giay_chung_sinh"].pop("x-error"))
        _, errors = eform_validate(without, {**FILLED, "so_giay_chung_sinh": "số 12"})
        self.assertEqual(
            errors, {"so_giay_chung_sinh": ["Trường “Số Giấy chứng sinh” không đúng định dạng."]}
        )

    def test_it_refuses_a_value_that_is_not_one_of_the_choices(self):
        _, errors = eform_validate(BIRTH, {**FILLED, "gioi_tinh": "Nam", "quan_he": "bo"})
        self.assertEqual(
            errors,
            {
                # The codes are stored, the labels are what the citizen knows.
                "gioi_tinh": ["Trường “Giới tính” phải là một trong các lựa chọn: Nam, Nữ."],
                "quan_he": [
                    "Trường “Quan hệ với người được khai sinh” phải là một trong các lựa chọn:"
                    " Cha, Mẹ, Ông, bà, Người thân thích khác."
                ],
            },
        )

    def test_it_refuses_numbers_outside_their_bounds(self):
        _, errors = eform_validate(BIRTH, {**FILLED, "nam_sinh_me": "1899", "so_ban_sao": "11"})
        self.assertEqual(
            errors,
            {
                "nam_sinh_me": ["Trường “Năm sinh của người mẹ” phải lớn hơn hoặc bằng 1900."],
                "so_ban_sao": [
                    "Trường “Số bản sao Trích lục khai sinh” phải nhỏ hơn hoặc bằng 10."
                ],
            },
        )
        _, errors = eform_validate(BIRTH, {**FILLED, "so_ban_sao": "hai"})
        self.assertEqual(
            errors, {"so_ban_sao": ["Trường “Số bản sao Trích lục khai sinh” phải là số nguyên."]}
        )

    def test_it_checks_decimal_numbers(self):
        # A construction permit's floor area: a decimal with bounds.
        permit = {
            "title": "Đơn đề nghị cấp giấy phép xây dựng",
            "type": "object",
            "properties": {
                "dien_tich_san": {
                    "type": "number",
                    "title": "Tổng diện tích sàn (m²)",
                    "minimum": 1,
                    "maximum": 10000,
                }
            },
            "required": ["dien_tich_san"],
        }
        self.assertEqual(
            eform_validate(permit, {"dien_tich_san": "120.5"}), ({"dien_tich_san": 120.5}, {})
        )
        self.assertEqual(
            eform_validate(permit, {"dien_tich_san": "120"}), ({"dien_tich_san": 120}, {})
        )
        _, errors = eform_validate(permit, {"dien_tich_san": "0.5"})
        self.assertEqual(
            errors,
            {"dien_tich_san": ["Trường “Tổng diện tích sàn (m²)” phải lớn hơn hoặc bằng 1."]},
        )
        _, errors = eform_validate(permit, {"dien_tich_san": "nhiều"})
        self.assertEqual(
            errors, {"dien_tich_san": ["Trường “Tổng diện tích sàn (m²)” phải là một số."]}
        )

    def test_it_refuses_a_birth_date_after_today(self):
        # Frozen at 26/11/2026 09:00 UTC (16:00 in Huế): tomorrow is refused, today is not.
        _, errors = eform_validate(BIRTH, {**FILLED, "ngay_sinh_tre": "2026-11-27"})
        self.assertEqual(
            errors,
            {
                "ngay_sinh_tre": [
                    "Trường “Ngày, tháng, năm sinh” không được sau ngày hôm nay (26/11/2026)."
                ]
            },
        )
        cleaned, errors = eform_validate(BIRTH, {**FILLED, "ngay_sinh_tre": "26/11/2026"})
        self.assertEqual((errors, cleaned["ngay_sinh_tre"]), ({}, "2026-11-26"))
        _, errors = eform_validate(BIRTH, {**FILLED, "ngay_sinh_tre": "31/02/2026"})
        self.assertEqual(
            errors,
            {
                "ngay_sinh_tre": [
                    "Trường “Ngày, tháng, năm sinh” phải là một ngày hợp lệ, ví dụ 25/12/2026."
                ]
            },
        )

    def test_it_reports_every_error_at_once(self):
        data = {
            **FILLED,
            "ho_ten_tre": "",  # required
            "gioi_tinh": "khac",  # not a choice
            "so_giay_chung_sinh": "số 12",  # pattern
            "ho_ten_me": "M" * 101,  # too long
            "cccd_nguoi_yeu_cau": "123",  # bad CCCD
            "so_ban_sao": "11",  # above the maximum
            "email": "lan@",  # not an address
            "cam_doan": "",  # commitment not ticked
        }
        cleaned, errors = eform_validate(BIRTH, data)
        # One message per field, in the form's order, none in English.
        self.assertEqual(
            list(errors),
            [
                "ho_ten_tre",
                "gioi_tinh",
                "so_giay_chung_sinh",
                "ho_ten_me",
                "cccd_nguoi_yeu_cau",
                "email",
                "so_ban_sao",
                "cam_doan",
            ],
        )
        self.assertTrue(all(len(messages) == 1 for messages in errors.values()), errors)
        self.assertEqual(
            errors["email"],
            ["Trường “Thư điện tử” phải là địa chỉ thư điện tử, ví dụ ten@example.vn."],
        )
        for messages in errors.values():
            self.assertNotRegex(messages[0], r"\b(is|not|must|Ensure|valid)\b")
        # What was valid is still returned, ready to be kept as a draft.
        self.assertEqual(cleaned["noi_sinh"], "Bệnh viện Trung ương Huế")
        self.assertNotIn("ho_ten_me", cleaned)
        json.dumps(cleaned)

    def test_it_normalises_text_to_nfc(self):
        decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Lan")
        self.assertNotEqual(decomposed, "Nguyễn Thị Lan")  # the test input really is NFD
        cleaned, errors = eform_validate(
            BIRTH,
            {
                **FILLED,
                "ho_ten_me": decomposed,
                "noi_sinh": unicodedata.normalize("NFD", "Bệnh viện Trung ương Huế"),
                "quan_he": unicodedata.normalize("NFD", "me"),
            },
        )
        self.assertEqual(errors, {})
        self.assertEqual(cleaned["ho_ten_me"], "Nguyễn Thị Lan")
        self.assertTrue(unicodedata.is_normalized("NFC", cleaned["noi_sinh"]))
        # Lengths are counted in letters as the citizen sees them, not in code points of NFD.
        long_name = unicodedata.normalize("NFD", "Nguyễn " * 14 + "Lê")  # 100 letters in NFC
        self.assertGreater(len(long_name), 100)
        _, errors = eform_validate(BIRTH, {**FILLED, "ho_ten_me": long_name})
        self.assertEqual(errors, {})


class EformFieldOrderTests(TestCase):
    """The author's field order survives the database (PostgreSQL's jsonb sorts object keys)."""

    def test_the_fields_come_back_in_the_authors_order(self) -> None:
        from motcua.procedures.eforms import eform_form_class
        from motcua.procedures.tests.factories import VariantFactory

        names = ["ho_va_ten_nguoi_yeu_cau", "so", "ngay_sinh", "a_noi_cu_tru"]
        definition = {
            "type": "object",
            "title": "Tờ khai",
            "properties": {name: {"type": "string", "title": name} for name in names},
        }
        variant = VariantFactory(eform=definition)
        variant.refresh_from_db()
        self.assertEqual(list(variant.eform["properties"]), names)
        self.assertNotIn("x-order", variant.eform)  # a storage detail
        self.assertEqual(list(eform_form_class(variant.eform)().fields), names)
