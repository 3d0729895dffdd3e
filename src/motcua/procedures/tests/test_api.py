"""GET /api/v1/procedures/ and …/<code>/: the public catalogue API (gh-3 item 12)."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

import time_machine
from drf_spectacular.generators import SchemaGenerator

from motcua.calendars.constants import DurationUnit
from motcua.organisations.tests.factories import AgencyFactory
from motcua.procedures.constants import Audience, FeeCollection, FeeKind, OnlineMode, VersionStatus
from motcua.procedures.search import procedure_search_reindex
from motcua.procedures.tests.factories import (
    ComponentFactory,
    FeeFactory,
    OfferingFactory,
    ProcedureFactory,
    ProcedureFieldFactory,
    ProcedureVersionFactory,
    VariantFactory,
)

URL = "/api/v1/procedures/"
TODAY = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def make(code: str, name: str, *, variants: int = 1, **kwargs):
    procedure = ProcedureFactory(national_code=code)
    version = ProcedureVersionFactory(procedure=procedure, name=name, **kwargs)
    for n in range(variants):
        VariantFactory(version=version, code=f"th-{n + 1}", order=n + 1)
    return version


@time_machine.travel(TODAY, tick=False)
class ProcedureApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.civil = ProcedureFieldFactory(code="G15-TP07", name="Hộ tịch", name_en="Civil status")
        cls.building = ProcedureFieldFactory(code="G17-XD11", name="Hoạt động xây dựng")
        cls.birth = make(
            "1.001193",
            "Đăng ký khai sinh",
            field=cls.civil,
            keywords="làm giấy khai sinh",
            legal_basis="Luật Hộ tịch số 60/2014/QH13\n\nNghị định 123/2015/NĐ-CP",
            result_type="Giấy khai sinh",
            cross_boundary=True,
            unverified_note="Lệ phí chưa đối chiếu.",
        )
        cls.marriage = make("1.000894", "Đăng ký kết hôn", field=cls.civil)
        cls.foreign_birth = make(
            "2.000528", "Đăng ký khai sinh có yếu tố nước ngoài", field=cls.civil, levels=[1]
        )
        cls.house = make(
            "1.013225",
            "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
            field=cls.building,
            audience=Audience.BOTH,
            online_mode=OnlineMode.PARTIAL,
            partial_justification="Cần khảo sát hiện trạng.",
        )
        cls.paper_only = make(
            "2.001019", "Chứng thực di chúc", field=cls.civil, online_mode=OnlineMode.NONE
        )
        cls.agency = AgencyFactory(code="000.00.31.H57")
        OfferingFactory(agency=cls.agency, procedure=cls.birth.procedure)
        OfferingFactory(agency=cls.agency, procedure=cls.house.procedure)
        procedure_search_reindex()

    def setUp(self):
        cache.clear()  # the anonymous throttle counts in the cache

    def get(self, url: str = URL, lang: str = "vi", **params: str):
        return self.client.get(url, params, HTTP_ACCEPT_LANGUAGE=lang)

    def codes(self, response) -> list[str]:
        self.assertEqual(response.status_code, 200, response.content)
        return [row["code"] for row in response.json()["results"]]

    @contextmanager
    def assertQueryCount(self, expected: int, why: str):
        with CaptureQueriesContext(connection) as captured:
            yield
        queries = "\n".join(f"  {i}. {q['sql'][:300]}" for i, q in enumerate(captured, 1))
        self.assertEqual(
            len(captured),
            expected,
            f"{why}: expected {expected} queries, ran {len(captured)}:\n{queries}",
        )

    def test_it_searches_in_relevance_order_without_diacritics(self):
        response = self.get(q="dang ky khai sinh")
        self.assertEqual(self.codes(response), ["1.001193", "2.000528"])
        first = response.json()["results"][0]
        self.assertEqual(
            first,
            {
                "code": "1.001193",
                "name": "Đăng ký khai sinh",
                "field": {"code": "G15-TP07", "name": "Hộ tịch"},
                "processing_time": {
                    "amount": 5.0,
                    "unit": "working_days",
                    "unit_label": "ngày làm việc",
                },
                "online_mode": "full",
                "audience": "citizen",
                "levels": [3],
            },
        )
        self.assertEqual(self.codes(self.get(q="1.001193")), ["1.001193"])
        self.assertEqual(self.codes(self.get(q="KẾT HÔN ĐĂNG KÍ")), ["1.000894"])

    def test_it_speaks_english_when_asked(self):
        first = self.get(q="khai sinh", lang="en").json()["results"][0]
        self.assertEqual(first["field"]["name"], "Civil status")
        self.assertEqual(first["processing_time"]["unit_label"], "working days")

    def test_it_lists_in_name_order_and_filters(self):
        self.assertEqual(
            self.codes(self.get()),
            ["1.013225", "2.001019", "1.000894", "1.001193", "2.000528"],
        )
        self.assertEqual(self.codes(self.get(field="G17-XD11")), ["1.013225"])
        self.assertEqual(self.codes(self.get(agency="000.00.31.H57")), ["1.013225", "1.001193"])
        self.assertEqual(self.codes(self.get(level="1")), ["2.000528"])
        self.assertEqual(self.codes(self.get(audience="both")), ["1.013225"])
        self.assertNotIn("2.001019", self.codes(self.get(online="true")))
        self.assertEqual(self.codes(self.get(q="khai sinh", level="3")), ["1.001193"])
        self.assertEqual(self.codes(self.get(field="NOPE")), [])
        # Empty parameters, as an HTML form sends its "any" options, filter nothing.
        everything = self.get(q="", field="", agency="", level="", audience="", online="", page="")
        self.assertEqual(len(self.codes(everything)), 5)

    def test_it_pages_by_twenty_with_links(self):
        for n in range(22):
            make(f"9.{n:06d}", f"Đăng ký thử nghiệm {n:02d}", field=self.civil)
        procedure_search_reindex()
        first = self.get(q="dang ky").json()
        self.assertEqual(first["count"], 25)
        self.assertEqual(len(first["results"]), 20)
        self.assertIsNone(first["previous"])
        self.assertEqual(first["next"], "http://testserver/api/v1/procedures/?page=2&q=dang+ky")
        second = self.client.get(first["next"]).json()
        self.assertEqual(len(second["results"]), 5)
        self.assertIsNone(second["next"])
        self.assertEqual(second["previous"], "http://testserver/api/v1/procedures/?q=dang+ky")
        seen = {r["code"] for r in first["results"]} | {r["code"] for r in second["results"]}
        self.assertEqual(len(seen), 25)

    def test_it_answers_404_past_the_last_page(self):
        response = self.get(q="dang ky", page="2")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "Không có trang 2."})
        # An empty first page is a valid answer, not an error.
        self.assertEqual(self.get(q="không có thủ tục này").json()["count"], 0)

    def test_it_names_the_bad_parameter_in_a_400(self):
        cases = {
            "level": ("7", "level phải là 1, 2 hoặc 3."),
            "audience": ("everyone", "audience phải là một trong: citizen, business, both."),
            "page": ("0", "page phải là một số nguyên từ 1."),
            "online": ("maybe", "online phải là true hoặc false."),
        }
        for name, (value, message) in cases.items():
            with self.subTest(parameter=name):
                response = self.get(**{name: value})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json(), {"errors": {name: [message]}})
        response = self.get(page="x", q="đăng ký")
        self.assertEqual(response.json(), {"errors": {"page": [cases["page"][1]]}})

    def test_it_keeps_the_list_query_count_fixed(self):
        # One query for the matches and their count, one for the variants of the page.
        with self.assertQueryCount(2, "list of 5 procedures"):
            self.assertEqual(len(self.codes(self.get())), 5)
        for n in range(45):
            make(f"9.{n:06d}", f"Đăng ký thử nghiệm {n:02d}", field=self.civil, variants=3)
        procedure_search_reindex()
        with self.assertQueryCount(2, "first page of 50 procedures with 3 variants each"):
            self.assertEqual(len(self.codes(self.get())), 20)
        with self.assertQueryCount(2, "last page of a search with filters"):
            self.assertEqual(len(self.codes(self.get(q="dang ky", field="G15-TP07", page="3"))), 8)
        with self.assertQueryCount(1, "a search without any match needs no variants"):
            self.assertEqual(self.codes(self.get(q="xyz")), [])

    def test_it_returns_one_procedure_with_variants_components_and_fees(self):
        variant = self.birth.variants.get()
        variant.online_duration = Decimal("0.5")
        variant.online_duration_unit = DurationUnit.WORKING_DAYS
        variant.save()
        component = ComponentFactory(
            variant=variant, name="Tờ khai đăng ký khai sinh", replaced_by_eform=True
        )
        ComponentFactory(
            variant=variant,
            name="Giấy chứng sinh",
            required=False,
            condition_text="Nếu có",
            originals=0,
            copies=1,
        )
        FeeFactory(
            variant=variant,
            kind=FeeKind.LEVY,
            name="Lệ phí đăng ký khai sinh",
            amount=None,
            rule="Miễn khi đăng ký đúng hạn",
            collection=FeeCollection.EXEMPT,
            exemption_groups="Đăng ký đúng hạn",
        )
        with override_settings(MEDIA_ROOT=self.enterContext(_tmpdir())):
            component.template_file.save("to-khai.html", ContentFile(b"<html></html>"))
            response = self.get(f"{URL}1.001193/")
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["code"], "1.001193")
        self.assertEqual(body["field"], {"code": "G15-TP07", "name": "Hộ tịch"})
        self.assertEqual(
            body["legal_basis"], ["Luật Hộ tịch số 60/2014/QH13", "Nghị định 123/2015/NĐ-CP"]
        )
        self.assertEqual(body["result_type"], "Giấy khai sinh")
        self.assertIs(body["cross_boundary"], True)
        self.assertEqual(body["online_mode"], "full")
        self.assertEqual(body["partial_justification"], "")
        self.assertEqual(body["unverified_note"], "Lệ phí chưa đối chiếu.")
        self.assertEqual(body["valid_from"], "2025-07-01")
        [only] = body["variants"]
        self.assertEqual(
            only["processing_time"],
            {"amount": 5.0, "unit": "working_days", "unit_label": "ngày làm việc"},
        )
        self.assertEqual(only["online_processing_time"]["amount"], 0.5)
        self.assertEqual(
            [(c["name"], c["required"]) for c in only["components"]],
            [("Tờ khai đăng ký khai sinh", True), ("Giấy chứng sinh", False)],
        )
        form_url = only["components"][0]["form_url"]
        self.assertTrue(form_url.startswith("http://testserver/"), form_url)
        self.assertTrue(form_url.endswith(".html"), form_url)
        self.assertIsNone(only["components"][1]["form_url"])
        self.assertEqual(
            only["fees"],
            [
                {
                    "kind": "levy",
                    "name": "Lệ phí đăng ký khai sinh",
                    "amount": None,
                    "rule": "Miễn khi đăng ký đúng hạn",
                    "collection": "exempt",
                    "exemption_groups": "Đăng ký đúng hạn",
                }
            ],
        )

    def test_it_shows_the_partial_online_justification(self):
        body = self.get(f"{URL}1.013225/").json()
        self.assertEqual(body["online_mode"], "partial")
        self.assertEqual(body["partial_justification"], "Cần khảo sát hiện trạng.")

    def test_it_answers_404_in_vietnamese_for_an_unknown_or_draft_code(self):
        ProcedureVersionFactory(
            procedure=ProcedureFactory(national_code="1.000001"),
            status=VersionStatus.DRAFT,
            valid_from=None,
        )
        for code in ("9.999999", "1.000001"):
            with self.subTest(code=code):
                response = self.get(f"{URL}{code}/")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(
                    response.json(),
                    {"detail": f"Không tìm thấy thủ tục hành chính có mã “{code}”."},
                )

    def test_it_keeps_the_detail_query_count_fixed(self):
        # The version with procedure and field, then variants, components, fees.
        with self.assertQueryCount(4, "detail with one variant and nothing in it"):
            self.assertEqual(self.get(f"{URL}1.000894/").status_code, 200)
        for variant in self.marriage.variants.all():
            for _ in range(5):
                ComponentFactory(variant=variant)
                FeeFactory(variant=variant)
        for n in range(2, 5):
            extra = VariantFactory(version=self.marriage, code=f"th-{n}", order=n)
            ComponentFactory.create_batch(4, variant=extra)
            FeeFactory.create_batch(2, variant=extra)
        with self.assertQueryCount(4, "detail with 4 variants, 17 components and 11 fees"):
            self.assertEqual(len(self.get(f"{URL}1.000894/").json()["variants"]), 4)

    def test_it_is_public_and_in_the_openapi_schema(self):
        self.client.logout()
        self.assertEqual(self.get().status_code, 200)
        schema = SchemaGenerator().get_schema(request=None, public=True)
        listing = schema["paths"]["/api/v1/procedures/"]["get"]
        detail = schema["paths"]["/api/v1/procedures/{code}/"]["get"]
        self.assertEqual(listing["operationId"], "procedure_list")
        self.assertEqual(detail["operationId"], "procedure_detail")
        self.assertEqual(
            {p["name"] for p in listing["parameters"]},
            {"q", "field", "agency", "level", "audience", "online", "page"},
        )
        self.assertIn("examples", listing["responses"]["200"]["content"]["application/json"])
        self.assertEqual(listing["security"], [{}])  # no authentication required


@contextmanager
def _tmpdir():
    import tempfile

    with tempfile.TemporaryDirectory() as path:
        yield path
