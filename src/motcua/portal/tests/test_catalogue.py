"""The public procedure catalogue through HTTP (gh-3 item 9).

Browse and search with filters, procedure detail, blank-form download, agency
pages, the online-filing entry point, the 404 pages and the proxy-cache headers.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from contextlib import contextmanager
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

import time_machine

from motcua.accounts.tests.factories import UserFactory
from motcua.calendars.constants import DurationUnit
from motcua.organisations.constants import AdminUnitKind, AgencyKind
from motcua.organisations.models import Counter
from motcua.organisations.tests.factories import AdminUnitFactory, AgencyFactory, ProvinceFactory
from motcua.procedures.constants import (
    Audience,
    FeeCollection,
    FeeKind,
    OnlineMode,
    VersionStatus,
)
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

MEDIA = tempfile.mkdtemp(prefix="motcua-catalogue-test-")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORM_BYTES = b"PK\x03\x04 to khai dang ky khai sinh (mau)"
CENTRE = "Trung tâm Phục vụ hành chính công thành phố Huế"
KIM_LONG = "Trung tâm Phục vụ hành chính công phường Kim Long"


def version(code: str, name: str, **kwargs):
    return ProcedureVersionFactory(
        procedure=ProcedureFactory(national_code=code), name=name, **kwargs
    )


@override_settings(MEDIA_ROOT=MEDIA)
@time_machine.travel(dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC), tick=False)
class CatalogueTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.addClassCleanup(shutil.rmtree, MEDIA, ignore_errors=True)
        city = ProvinceFactory()
        cls.centre = AgencyFactory(
            name=CENTRE,
            code="000.00.06.H57",
            unit=city,
            address="01 Lê Lai, phường Thuận Hóa, thành phố Huế",
            phone="0234 3 822 000",
            email="trungtam@demo.motcua.vn",
        )
        kim_long = AdminUnitFactory(name="Kim Long", kind=AdminUnitKind.WARD, parent=city)
        cls.ward_centre = AgencyFactory(name=KIM_LONG, code="000.01.43.H57", unit=kim_long)
        cls.civil = ProcedureFieldFactory(code="DEMO-HT", name="Hộ tịch", name_en="Civil status")
        cls.certify = ProcedureFieldFactory(code="DEMO-CT", name="Chứng thực")
        cls.business = ProcedureFieldFactory(code="DEMO-DKKD", name="Đăng ký kinh doanh")
        counter = Counter.objects.create(agency=cls.centre, number=1, name="Quầy Tư pháp")
        counter.fields.add(cls.civil, cls.certify)

        # 1.001193: full online, same day, a blank form replaced by the e-form online.
        cls.birth = version(
            "1.001193",
            "Đăng ký khai sinh",
            field=cls.civil,
            competent_authority="Ủy ban nhân dân cấp xã",
            unverified_note="Lệ phí khi đăng ký đúng hạn chưa đối chiếu với nghị quyết HĐND.",
            keywords="làm giấy khai sinh",
        )
        variant = VariantFactory(
            version=cls.birth,
            name="Đăng ký khai sinh đúng hạn",
            duration=None,
            duration_unit=DurationUnit.SAME_DAY,
        )
        cls.form = ComponentFactory(
            variant=variant,
            name="Tờ khai đăng ký khai sinh",
            template_file=SimpleUploadedFile("to-khai-khai-sinh.docx", FORM_BYTES),
            replaced_by_eform=True,
        )
        ComponentFactory(
            variant=variant, name="Giấy chứng sinh", originals=1, certified_copies=0, copies=0
        )
        FeeFactory(
            variant=variant,
            name="Lệ phí đăng ký khai sinh",
            amount=None,
            collection=FeeCollection.EXEMPT,
            exemption_groups="Trẻ em đăng ký đúng hạn",
        )
        OfferingFactory(agency=cls.ward_centre, procedure=cls.birth.procedure)

        # 2.000815: partial online with its public reason, per-page fee, copies.
        cls.copy = version(
            "2.000815",
            "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền "
            "của Việt Nam cấp",
            field=cls.certify,
            online_mode=OnlineMode.PARTIAL,
            partial_justification="Người yêu cầu phải xuất trình bản chính để đối chiếu.",
        )
        variant = VariantFactory(
            version=cls.copy, duration=None, duration_unit=DurationUnit.SAME_DAY
        )
        ComponentFactory(
            variant=variant,
            name="Bản chính giấy tờ cần chứng thực",
            originals=1,
            certified_copies=2,
            copies=3,
            required=False,
            condition_text="Khi chứng thực nhiều bản",
        )
        FeeFactory(
            variant=variant,
            kind=FeeKind.CHARGE,
            name="Phí chứng thực bản sao",
            amount=2000,
            rule="2.000 đồng/trang; từ trang thứ ba 1.000 đồng/trang, tối đa 200.000 đồng/bản.",
        )
        OfferingFactory(agency=cls.ward_centre, procedure=cls.copy.procedure)

        # 1.001612: a business procedure, no online service, 3 working days.
        cls.household = version(
            "1.001612",
            "Đăng ký thành lập hộ kinh doanh",
            field=cls.business,
            audience=Audience.BUSINESS,
            online_mode=OnlineMode.NONE,
        )
        variant = VariantFactory(version=cls.household, duration=Decimal(3))
        FeeFactory(variant=variant, name="Lệ phí đăng ký hộ kinh doanh", amount=100000)
        OfferingFactory(
            agency=cls.ward_centre, procedure=cls.household.procedure, online_open=False
        )

        # 2.000635: province and commune, cross-boundary, 5 working days (8 online).
        cls.extract = version(
            "2.000635",
            "Cấp bản sao trích lục hộ tịch",
            field=cls.civil,
            levels=[1, 3],
            cross_boundary=True,
        )
        variant = VariantFactory(
            version=cls.extract,
            duration=Decimal(5),
            online_duration=Decimal(8),
            online_duration_unit=DurationUnit.WORKING_HOURS,
        )
        FeeFactory(variant=variant, name="Lệ phí cấp bản sao trích lục", amount=8000)
        OfferingFactory(agency=cls.centre, procedure=cls.extract.procedure)
        OfferingFactory(agency=cls.ward_centre, procedure=cls.extract.procedure, online_open=False)

        # Never shown: a retired version and a draft.
        version(
            "1.000001",
            "Thủ tục đã bãi bỏ",
            field=cls.civil,
            status=VersionStatus.RETIRED,
            valid_from=dt.date(2025, 7, 1),
            valid_to=dt.date(2025, 12, 31),
        )
        version(
            "1.000002",
            "Thủ tục đang soạn",
            field=cls.civil,
            status=VersionStatus.DRAFT,
            valid_from=None,
        )
        procedure_search_reindex()

    # --- helpers ---------------------------------------------------------------------------

    @contextmanager
    def assert_queries(self, count: int, why: str):
        """assertNumQueries with a message that says what to check when it fails."""
        try:
            with self.assertNumQueries(count):
                yield
        except AssertionError as failure:
            raise AssertionError(f"{failure}\n{why}") from None

    def get(self, path: str, data: dict[str, str] | None = None, **headers: str):
        return self.client.get(path, data or {}, headers=headers)

    def result_codes(self, response) -> list[str]:
        return re.findall(r'href="/thu-tuc/([\d.]+)/"', response.content.decode())

    # --- browse ----------------------------------------------------------------------------

    def test_it_lists_the_procedures_in_force_with_fields_and_their_counts(self):
        r = self.get("/thu-tuc/")
        self.assertContains(r, "Đăng ký khai sinh")
        self.assertContains(r, "4 thủ tục.")
        # Field facets count the procedures in force (hộ tịch: birth + extract).
        self.assertContains(
            r,
            '<a href="/thu-tuc/?field=DEMO-HT">Hộ tịch</a> <span class="count">(2)</span>',
            html=False,
        )
        self.assertContains(r, "Thủ tục cho doanh nghiệp, tổ chức")
        self.assertNotContains(r, "Thủ tục đã bãi bỏ")
        self.assertNotContains(r, "Thủ tục đang soạn")
        # Browse by receiving agency links to the agency pages.
        self.assertContains(r, f'href="{reverse("portal:agency", args=["000.01.43.H57"])}"')

    def test_it_filters_by_audience_level_field_agency_and_online_together(self):
        cases = [
            ({"audience": "business"}, ["1.001612"]),
            ({"level": "1"}, ["2.000635"]),
            ({"field": "DEMO-HT"}, ["2.000635", "1.001193"]),
            ({"online": "1"}, ["2.000635", "2.000815", "1.001193"]),
            ({"agency": "000.00.06.H57"}, ["2.000635"]),
            # Combined: hộ tịch at the ward centre, online only.
            ({"field": "DEMO-HT", "agency": "000.01.43.H57", "online": "1"}, ["1.001193"]),
        ]
        for params, expected in cases:
            with self.subTest(params=params):
                r = self.get("/thu-tuc/", params)
                self.assertEqual(sorted(self.result_codes(r)), sorted(expected))

    def test_it_shows_active_filters_as_chips_that_remove_themselves(self):
        r = self.get("/thu-tuc/", {"field": "DEMO-HT", "online": "1"})
        self.assertContains(r, "Lĩnh vực: Hộ tịch")
        # Each chip links to the same page without its own filter.
        self.assertContains(r, 'class="chip" href="/thu-tuc/?online=1"')
        self.assertContains(r, 'class="chip" href="/thu-tuc/?field=DEMO-HT"')
        self.assertContains(r, "Bỏ tất cả bộ lọc")

    def test_it_ignores_a_filter_value_it_does_not_know(self):
        r = self.get("/thu-tuc/", {"field": "KHONG-CO", "level": "9", "audience": "x"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(len(self.result_codes(r)), 4)
        self.assertNotContains(r, 'class="chip"')

    def test_it_paginates_twenty_a_page_with_a_fixed_number_of_queries(self):
        for n in range(30):
            v = version(f"3.{n:06d}", f"Thủ tục số {n:02d}", field=self.civil)
            VariantFactory(version=v)
        procedure_search_reindex()
        why = (
            "The catalogue page must not grow with its rows: ETag fingerprint, field facets,"
            " receiving agencies, the search (rows and total in one window query), the page's"
            " variants. More means an N+1: check result_rows' prefetch_related_objects and"
            " the search's select_related (procedure, field)."
        )
        with self.assert_queries(5, why):
            first = self.get("/thu-tuc/")
        with self.assert_queries(5, why):
            second = self.get("/thu-tuc/", {"page": "2"})
        self.assertEqual(len(self.result_codes(first)), 20)
        self.assertEqual(len(self.result_codes(second)), 14)
        self.assertContains(first, "34 thủ tục.")
        self.assertContains(first, 'rel="next"')
        self.assertContains(second, 'start="21"')
        self.assertEqual(self.get("/thu-tuc/", {"page": "3"}).status_code, 404)

    # --- search ----------------------------------------------------------------------------

    def test_it_finds_a_procedure_with_or_without_diacritics(self):
        for q in ("đăng ký khai sinh", "dang ky khai sinh", "DANG KI KHAI SINH"):
            with self.subTest(q=q):
                r = self.get("/thu-tuc/", {"q": q})
                self.assertEqual(self.result_codes(r)[0], "1.001193")
                self.assertContains(r, f"thủ tục khớp với “{q}”")

    def test_it_shows_time_in_words_online_mode_and_level_for_each_result(self):
        r = self.get("/thu-tuc/")
        html = r.content.decode()
        self.assertIn("Trong ngày", html)
        self.assertIn("3 ngày làm việc", html)
        self.assertIn("5 ngày làm việc", html)
        self.assertIn("Trực tuyến toàn trình", html)
        self.assertIn("Trực tuyến một phần", html)
        self.assertIn("Cấp tỉnh, Cấp xã", html)

    def test_it_keeps_the_filters_when_searching_again(self):
        r = self.get("/thu-tuc/", {"q": "khai sinh", "field": "DEMO-HT"})
        self.assertContains(r, '<input type="hidden" name="field" value="DEMO-HT">', html=True)
        self.assertEqual(self.result_codes(r), ["1.001193"])

    def test_it_explains_what_to_try_and_where_to_get_help_when_nothing_matches(self):
        r = self.get("/thu-tuc/", {"q": "xyzabc"})
        self.assertContains(r, "Không tìm thấy thủ tục nào khớp với “xyzabc”.")
        self.assertContains(r, "kiểm tra lại chính tả")
        self.assertContains(r, "gõ ít từ hơn")
        self.assertContains(r, "gõ không dấu cũng được")
        self.assertContains(r, 'href="/thu-tuc/#linh-vuc"')
        # The provincial centre's contact details and the way home.
        self.assertContains(r, "Cần hỗ trợ?")
        self.assertContains(r, "01 Lê Lai, phường Thuận Hóa, thành phố Huế")
        self.assertContains(r, 'href="tel:02343822000"')
        self.assertContains(r, 'href="/"')
        self.assertEqual(self.result_codes(r), [])

    def test_it_lists_agencies_matching_the_search_too(self):
        r = self.get("/thu-tuc/", {"q": "kim long"})
        self.assertContains(r, "Cơ quan, nơi tiếp nhận khớp với “kim long”")
        self.assertContains(r, "1 cơ quan, nơi tiếp nhận.")
        self.assertContains(r, f'<a href="/co-quan/000.01.43.H57/">{KIM_LONG}</a>', html=True)

    # --- procedure detail ------------------------------------------------------------------

    def test_it_shows_everything_a_citizen_needs_to_prepare(self):
        r = self.get("/thu-tuc/2.000815/")
        self.assertContains(r, "Chứng thực bản sao từ bản chính giấy tờ")
        self.assertContains(r, "2.000815")
        self.assertContains(r, "Chứng thực")
        self.assertContains(r, "Công dân")
        self.assertContains(r, "Ủy ban nhân dân cấp xã")
        self.assertContains(r, KIM_LONG)
        html = r.content.decode()
        # The component row: optional with its condition, 1 original, 2 certified copies, 3 copies.
        row = re.search(r"Bản chính giấy tờ cần chứng thực.*?</tr>", html, re.S)
        assert row is not None
        cells = re.findall(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', row.group(0), re.S)
        values = {label: re.sub(r"<[^>]+>", " ", value).split() for label, value in cells}
        self.assertEqual(values["Bản chính"], ["1"])
        self.assertEqual(values["Bản sao chứng thực"], ["2"])
        self.assertEqual(values["Bản sao"], ["3"])
        self.assertEqual(" ".join(values["Yêu cầu"]), "Tùy chọn Khi chứng thực nhiều bản")
        # Fees: amount in đồng with Vietnamese grouping, the rule and when it is collected.
        self.assertContains(r, "Phí: Phí chứng thực bản sao")
        self.assertContains(r, "2.000 đồng")
        self.assertContains(r, "tối đa 200.000 đồng/bản")
        self.assertContains(r, "Thu khi nộp hồ sơ")
        # NĐ 224 Art 14: the reason for partial online service is public.
        self.assertContains(r, "Lý do chỉ cung cấp trực tuyến một phần")
        self.assertContains(r, "Người yêu cầu phải xuất trình bản chính để đối chiếu.")

    def test_it_shows_the_unverified_note_to_everyone(self):
        r = self.get("/thu-tuc/1.001193/")
        self.assertContains(r, "Thông tin đang được xác minh:")
        self.assertContains(r, "Lệ phí khi đăng ký đúng hạn chưa đối chiếu với nghị quyết HĐND.")
        self.assertNotContains(self.get("/thu-tuc/2.000815/"), "Thông tin đang được xác minh:")

    def test_it_links_the_blank_form_and_says_the_e_form_replaces_it_online(self):
        r = self.get("/thu-tuc/1.001193/")
        url = reverse("portal:component-form", args=["1.001193", self.form.pk])
        self.assertContains(r, f'href="{url}"')
        self.assertContains(r, "(DOCX)")
        self.assertContains(r, "Thay bằng biểu mẫu điện tử khi nộp trực tuyến.")
        self.assertContains(r, "Miễn, giảm cho: Trẻ em đăng ký đúng hạn")
        self.assertContains(r, "Miễn")

    def test_it_shows_counter_and_online_times_when_they_differ(self):
        r = self.get("/thu-tuc/2.000635/")
        self.assertContains(r, "5 ngày làm việc")
        self.assertContains(r, "khi nộp trực tiếp")
        self.assertContains(r, "Khi nộp trực tuyến")
        self.assertContains(r, "8 giờ làm việc")
        self.assertContains(r, "8.000 đồng")
        self.assertContains(r, "Có thể nộp tại bất kỳ Trung tâm Phục vụ hành chính công nào")

    def test_it_offers_online_filing_only_where_it_is_open(self):
        submit = "Nộp hồ sơ trực tuyến"
        self.assertContains(self.get("/thu-tuc/1.001193/"), submit)
        self.assertContains(self.get("/thu-tuc/2.000635/"), submit)  # open at the city centre
        self.assertNotContains(self.get("/thu-tuc/1.001612/"), submit)  # no online service
        # Full online in the catalogue, but no receiving agency has opened it yet.
        v = version("1.000894", "Đăng ký kết hôn", field=self.civil)
        VariantFactory(version=v)
        OfferingFactory(agency=self.ward_centre, procedure=v.procedure, online_open=False)
        self.assertNotContains(self.get("/thu-tuc/1.000894/"), submit)

    def test_it_folds_a_long_list_of_receiving_commune_centres(self):
        for n in range(7):
            ward = AdminUnitFactory(
                name=f"Phường {n}", kind=AdminUnitKind.WARD, parent=self.centre.unit
            )
            centre = AgencyFactory(
                name=f"Trung tâm phường {n}", code=f"000.01.{50 + n}.H57", unit=ward
            )
            OfferingFactory(agency=centre, procedure=self.birth.procedure)
        r = self.get("/thu-tuc/1.001193/")
        self.assertContains(
            r, "<summary>Trung tâm Phục vụ hành chính công của 8 phường, xã</summary>", html=True
        )

    def test_it_renders_a_procedure_with_a_fixed_number_of_queries(self):
        why = (
            "A procedure page costs the ETag fingerprint, the version (with procedure and"
            " field), variants, components, fees, offerings (with agency and unit) and linked"
            " procedures. A count that grows with components or variants is an N+1: check"
            " the Prefetch objects in catalogue_views._current_version."
        )
        with self.assert_queries(7, why):
            self.get("/thu-tuc/2.000815/")
        variant = self.copy.variants.get()
        ComponentFactory.create_batch(5, variant=variant)
        FeeFactory.create_batch(3, variant=variant)
        VariantFactory.create_batch(2, version=self.copy)
        with self.assert_queries(7, why):
            self.get("/thu-tuc/2.000815/")

    def test_it_previews_the_appointment_date_with_the_procedures_own_time(self):
        r = self.get("/thu-tuc/2.000635/", {"received_at": "2026-04-20T09:00", "agency": ""})
        # Mon 20/04/2026 09:00 + 5 working days; Mon 27/04 is the compensatory day
        # for Giỗ Tổ Hùng Vương (Sun 26/04), so the 40 hours end Tue 28/04 09:00.
        self.assertContains(r, '<dd class="due">09:00, Thứ 3 28/04/2026</dd>', html=True)
        # Online, the same procedure takes 8 working hours: Tue 21/04 09:00.
        r = self.get("/thu-tuc/2.000635/", {"received_at": "2026-04-20T09:00", "channel": "online"})
        self.assertContains(r, '<dd class="due">09:00, Thứ 3 21/04/2026</dd>', html=True)
        # A "now" preview is the asker's own answer, never a shared cached page.
        self.assertEqual(r.headers["Cache-Control"], "private, max-age=0")
        self.assertNotIn("ETag", r.headers)

    def test_it_explains_a_bad_date_in_the_preview(self):
        r = self.get("/thu-tuc/2.000635/", {"received_at": "hôm qua"})
        self.assertContains(r, "Ngày giờ nộp không hợp lệ; nhập theo dạng 26/11/2026 09:30.")
        self.assertContains(r, 'value="hôm qua"')

    def test_it_answers_404_with_help_for_an_unknown_or_expired_code(self):
        r = self.get("/thu-tuc/9.123456/")
        self.assertContains(r, "Không tìm thấy thủ tục", status_code=404)
        self.assertContains(r, "Mã thủ tục có dạng 1.001193", status_code=404)
        self.assertContains(r, "01 Lê Lai", status_code=404)
        r = self.get("/thu-tuc/1.000001/")
        self.assertContains(r, "đã hết hiệu lực", status_code=404)
        version("1.000003", "Thủ tục sắp áp dụng", field=self.civil, valid_from=dt.date(2027, 3, 1))
        r = self.get("/thu-tuc/1.000003/")
        self.assertContains(r, "được áp dụng từ ngày 01/03/2027", status_code=404)
        self.assertEqual(self.get("/thu-tuc/1.000002/").status_code, 404)  # a draft

    # --- form download ---------------------------------------------------------------------

    def test_it_downloads_the_blank_form_as_an_attachment(self):
        r = self.get(reverse("portal:component-form", args=["1.001193", self.form.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.headers["Content-Type"], DOCX)
        disposition = r.headers["Content-Disposition"]
        self.assertTrue(disposition.startswith("attachment;"), disposition)
        self.assertRegex(disposition, r'filename="to-khai-khai-sinh[^"]*\.docx"')
        self.assertEqual(b"".join(r.streaming_content), FORM_BYTES)

    def test_it_answers_404_for_a_form_that_does_not_exist_or_belongs_elsewhere(self):
        no_form = self.birth.variants.get().components.get(name="Giấy chứng sinh")
        for code, pk in [
            ("1.001193", no_form.pk),  # no blank form
            ("2.000815", self.form.pk),  # another procedure's component
            ("1.001193", 999999),
        ]:
            with self.subTest(code=code, pk=pk):
                r = self.get(reverse("portal:component-form", args=[code, pk]))
                self.assertEqual(r.status_code, 404)

    # --- agency pages ----------------------------------------------------------------------

    def test_it_shows_an_agency_with_its_counters_and_the_procedures_it_receives(self):
        r = self.get("/co-quan/000.00.06.H57/")
        self.assertContains(r, CENTRE)
        self.assertContains(r, "01 Lê Lai")
        self.assertContains(r, "0234 3 822 000")
        self.assertContains(r, "Quầy số 1 – Quầy Tư pháp")
        self.assertContains(r, "Lĩnh vực: Chứng thực, Hộ tịch")
        self.assertEqual(self.result_codes(r), ["2.000635"])
        self.assertEqual(
            sorted(self.result_codes(self.get("/co-quan/000.01.43.H57/"))),
            ["1.001193", "1.001612", "2.000635", "2.000815"],
        )

    def test_it_answers_404_with_help_for_an_unknown_agency(self):
        r = self.get("/co-quan/000.99.99.H57/")
        self.assertContains(r, "Không tìm thấy cơ quan", status_code=404)
        self.assertContains(r, "Cần hỗ trợ?", status_code=404)

    def test_it_links_agencies_with_a_code_from_the_home_directory(self):
        AgencyFactory(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT, unit=self.centre.unit)
        r = self.get("/")
        self.assertContains(r, f'<a href="/co-quan/000.00.06.H57/">{CENTRE}</a>', html=True)
        self.assertContains(r, "<strong>Sở Tư pháp</strong>", html=True)  # no code, no page

    # --- online filing entry point ---------------------------------------------------------

    def test_it_says_what_to_prepare_and_how_to_start_filing_online(self):
        path = reverse("portal:submit-online", args=["1.001193"])
        r = self.get(path)
        self.assertContains(r, "Tờ khai đăng ký khai sinh")
        self.assertContains(r, "Giấy chứng sinh")
        # Anonymous visitors are asked to sign in first, then come back here.
        self.assertContains(r, f"/accounts/login/?next={path}")
        main = re.search(r"<main.*</main>", r.content.decode(), re.S)
        assert main is not None
        self.assertNotIn("<form", main.group(0))  # nothing to submit before signing in
        r = self.get(reverse("portal:submit-online", args=["1.001612"]))
        self.assertContains(r, "chưa nhận hồ sơ trực tuyến")

    # --- home page -------------------------------------------------------------------------

    def test_it_sends_the_home_search_to_the_catalogue(self):
        r = self.get("/")
        self.assertContains(r, 'action="/thu-tuc/"')
        self.assertContains(r, "Danh mục thủ tục hành chính")
        self.assertContains(r, 'href="/thu-tuc/?audience=citizen"')

    # --- caching ---------------------------------------------------------------------------

    def test_it_lets_proxies_cache_anonymous_pages(self):
        for path in (
            "/thu-tuc/",
            "/thu-tuc/?q=khai+sinh",
            "/thu-tuc/1.001193/",
            "/co-quan/000.00.06.H57/",
        ):
            with self.subTest(path=path):
                r = self.client.get(path)
                self.assertEqual(r.status_code, 200)
                self.assertEqual(r.headers["Cache-Control"], "public, max-age=300")
                self.assertRegex(r.headers["ETag"], r'^"[0-9a-f]{32}"$')
                vary = {v.strip() for v in r.headers["Vary"].split(",")}
                self.assertTrue({"Accept-Language", "Cookie"} <= vary, vary)

    def test_it_answers_304_to_a_matching_etag_without_rendering(self):
        etag = self.client.get("/thu-tuc/1.001193/").headers["ETag"]
        with self.assert_queries(1, "A 304 must cost the fingerprint query only, no rendering."):
            r = self.get("/thu-tuc/1.001193/", If_None_Match=etag)
        self.assertEqual(r.status_code, 304)
        self.assertEqual(r.headers["ETag"], etag)
        self.assertEqual(r.headers["Cache-Control"], "public, max-age=300")
        self.assertEqual(r.content, b"")

    def test_it_changes_the_etag_with_the_catalogue_the_query_and_the_language(self):
        etag = self.client.get("/thu-tuc/").headers["ETag"]
        self.assertEqual(self.client.get("/thu-tuc/").headers["ETag"], etag)
        self.assertNotEqual(self.client.get("/thu-tuc/?q=khai").headers["ETag"], etag)
        self.assertNotEqual(self.client.get("/en/thu-tuc/").headers["ETag"], etag)
        v = version("1.000656", "Đăng ký khai tử", field=self.civil)
        VariantFactory(version=v)
        changed = self.get("/thu-tuc/", If_None_Match=etag)
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed.headers["ETag"], etag)
        # The next day may bring versions into force: the same request, another ETag.
        with time_machine.travel(dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC), tick=False):
            self.assertNotEqual(
                self.client.get("/thu-tuc/").headers["ETag"], changed.headers["ETag"]
            )

    def test_it_keeps_pages_private_for_signed_in_users(self):
        self.client.force_login(UserFactory())
        r = self.client.get("/thu-tuc/1.001193/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.headers["Cache-Control"], "private, max-age=0")
        self.assertNotIn("ETag", r.headers)
        self.assertIn("Cookie", r.headers["Vary"])

    def test_it_does_not_mark_a_404_as_cacheable(self):
        r = self.client.get("/thu-tuc/9.123456/")
        self.assertEqual(r.status_code, 404)
        self.assertNotIn("ETag", r.headers)
        self.assertNotIn("public", r.headers.get("Cache-Control", ""))
