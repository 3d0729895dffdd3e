"""procedure_search finds what Vietnamese users type (gh-3 item 10), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.test import SimpleTestCase, TestCase

from motcua.organisations.tests.factories import AgencyFactory
from motcua.procedures.constants import Audience, OnlineMode, VersionStatus
from motcua.procedures.search import (
    ProcedureSearchEntry,
    canonical_tone,
    procedure_search,
    procedure_search_reindex,
    spelling,
)
from motcua.procedures.services import procedure_version_new_draft, procedure_version_publish
from motcua.procedures.tests.factories import (
    ComponentFactory,
    FeeFactory,
    OfferingFactory,
    ProcedureFactory,
    ProcedureFieldFactory,
    ProcedureVersionFactory,
    VariantFactory,
)

ON = dt.date(2026, 11, 26)


def codes(page) -> list[str]:
    return [v.procedure.national_code for v in page.results]


def search(query: str = "", **kwargs) -> list[str]:
    return codes(procedure_search(query=query, on=ON, **kwargs))


def make(code: str, name: str, **kwargs) -> object:
    procedure = ProcedureFactory(national_code=code)
    version = ProcedureVersionFactory(procedure=procedure, name=name, **kwargs)
    VariantFactory(version=version)
    return version


class ToneAndSpellingTests(SimpleTestCase):
    def test_it_puts_old_and_new_tone_placements_on_one_vowel(self):
        pairs = [
            ("hòa", "hoà"),
            ("thủy", "thuỷ"),
            ("qúy", "quý"),
            ("khỏe", "khoẻ"),
            ("tòan", "toàn"),
            ("gìa", "già"),
        ]
        for old, new in pairs:
            with self.subTest(old=old):
                self.assertEqual(canonical_tone(old), canonical_tone(new))
        # Tones that differ stay different; words without a tone are untouched.
        self.assertNotEqual(canonical_tone("hoà"), canonical_tone("hoá"))
        self.assertEqual(canonical_tone("người"), "người")
        self.assertEqual(canonical_tone("đăng"), "đăng")

    def test_it_spells_a_final_y_after_a_consonant_as_i(self):
        self.assertEqual(spelling("ky"), "ki")
        self.assertEqual(spelling("ly"), "li")
        self.assertEqual(spelling("quy"), "qui")
        # y after a vowel is part of the rhyme: thủy is not "thui", "hay" not "hai".
        self.assertEqual(spelling("thuy"), "thuy")
        self.assertEqual(spelling("hay"), "hay")
        self.assertEqual(spelling("y"), "y")


class ProcedureSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.civil = ProcedureFieldFactory(code="HT", name="Hộ tịch")
        cls.building = ProcedureFieldFactory(code="XD", name="Hoạt động xây dựng")
        cls.birth = make(
            "1.001193",
            "Đăng ký khai sinh",
            field=cls.civil,
            keywords="làm giấy khai sinh\nkhai sinh cho con",
            result_type="Giấy khai sinh",
        )
        cls.marriage = make("1.000894", "Đăng ký kết hôn", field=cls.civil)
        cls.death = make("1.000656", "Đăng ký khai tử", field=cls.civil)
        cls.foreign_birth = make(
            "1.001695",
            "Đăng ký khai sinh có yếu tố nước ngoài",
            field=cls.civil,
            levels=[1],
            online_mode=OnlineMode.PARTIAL,
            partial_justification="Cần đối chiếu giấy tờ gốc.",
        )
        cls.house = make(
            "1.009994",
            "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
            field=cls.building,
            audience=Audience.BOTH,
            online_mode=OnlineMode.NONE,
        )
        cls.mediation = make("2.000930", "Thủ tục thực hiện hòa giải ở cơ sở", field=cls.civil)
        cls.aquaculture = make(
            "1.004921", "Cấp giấy phép nuôi trồng thuỷ sản", field=cls.building, levels=[1]
        )
        cls.id_card = make("2.001000", "Cấp thẻ căn cước công dân", field=cls.civil, levels=[1])
        procedure_search_reindex()

    def test_it_finds_a_name_with_or_without_diacritics_in_any_case(self):
        for query in ("Đăng ký kết hôn", "dang ky ket hon", "ĐĂNG KÝ KẾT HÔN", "DANG KY KET HON"):
            with self.subTest(query=query):
                self.assertEqual(search(query)[:1], ["1.000894"])

    def test_it_folds_d_with_stroke_which_fts5_leaves_alone(self):
        # "đ" is a letter of its own, not d + a mark: "dang" must still find "Đăng".
        self.assertIn("1.001193", search("dang ky khai sinh"))
        self.assertIn("1.001193", search("Đang ky khai sinh"))

    def test_it_accepts_decomposed_input(self):
        query = unicodedata.normalize("NFD", "Đăng ký khai tử")
        self.assertNotEqual(query, unicodedata.normalize("NFC", query))
        self.assertEqual(search(query)[:1], ["1.000656"])

    def test_it_matches_either_tone_mark_placement_as_an_exact_match(self):
        # The names use "hòa" (old placement) and "thuỷ" (new placement).
        for query in ("hoà giải", "hòa giải"):
            with self.subTest(query=query):
                self.assertEqual(search(query), ["2.000930"])
        for query in ("nuôi trồng thủy sản", "nuôi trồng thuỷ sản"):
            with self.subTest(query=query):
                self.assertEqual(search(query), ["1.004921"])

    def test_it_treats_ki_and_ky_as_one_spelling(self):
        self.assertEqual(search("đăng kí kết hôn"), ["1.000894"])
        self.assertEqual(search("dang ki khai tu"), ["1.000656"])

    def test_it_matches_words_in_any_order(self):
        self.assertEqual(search("kết hôn đăng ký"), ["1.000894"])
        self.assertEqual(search("rieng le nha o giay phep"), ["1.009994"])

    def test_it_matches_a_partial_last_word(self):
        self.assertEqual(search("khai si")[:1], ["1.001193"])
        self.assertEqual(search("dang ky ket h"), ["1.000894"])
        # "quy" may be the start of "quyền": the prefix is tried as typed too.
        make("1.000001", "Xác nhận quyền sở hữu", field=self.civil)
        procedure_search_reindex()
        self.assertEqual(search("xac nhan quy"), ["1.000001"])

    def test_it_finds_by_national_code_and_partial_code(self):
        self.assertEqual(search("1.001193"), ["1.001193"])
        self.assertEqual(search(" 001193 "), ["1.001193"])
        # A partial code lists the exact code first, then codes starting with it.
        self.assertEqual(search("1.0016"), ["1.001695"])
        self.assertEqual(search("1.00")[:2], ["1.000656", "1.000894"])

    def test_it_searches_keywords_field_and_result_too(self):
        self.assertEqual(search("làm giấy khai sinh")[:1], ["1.001193"])
        self.assertEqual(search("hoat dong xay dung"), ["1.004921", "1.009994"])

    def test_it_ranks_exact_diacritics_then_folded_phrase_then_words_in_name_then_other_text(self):
        f = self.civil
        make("3.000003", "Ghi sổ việc kết hôn", field=f, keywords="đăng kí kết hôn ở nước ngoài")
        make("3.000002", "Kết hôn lưu động: đăng kí tại nhà", field=f)
        make("3.000004", "Đăng kí lại việc kết hôn", field=f)
        make("3.000001", "Đăng kí kết hôn lưu động", field=f)
        procedure_search_reindex()
        self.assertEqual(
            search("đăng kí kết hôn"),
            [
                "3.000001",  # exact diacritics, whole phrase, in the name
                "1.000894",  # "Đăng ký kết hôn": the phrase, folded (ký ≈ kí)
                "3.000004",  # every word in the name: "Đăng kí lại…" sorts before
                "3.000002",  # "Kết hôn…" (Đ sorts as D, not after Z)
                "3.000003",  # only the keywords have it
            ],
        )

    def test_it_strips_what_citizens_say_around_the_procedure(self):
        self.assertEqual(search("thủ tục đăng ký kết hôn ở đâu"), ["1.000894"])
        self.assertEqual(search("làm giấy khai sinh cần giấy tờ gì")[:1], ["1.001193"])
        self.assertEqual(search("thu tuc dang ky khai tu nhu the nao"), ["1.000656"])
        # "căn cước" starts with what folds like "cần" but is no filler.
        self.assertEqual(search("căn cước công dân"), ["2.001000"])
        self.assertEqual(search("can cuoc cong dan"), ["2.001000"])

    def test_it_uses_the_first_twelve_words_of_a_long_query(self):
        query = (
            "xin hỏi đăng ký kết hôn ở phường thì cần chuẩn bị những giấy tờ gì"
            " và nộp ở đâu ạ, em cảm ơn nhiều ạ"
        )
        with self.assertNumQueries(2):  # nothing has every word: the fallback runs
            self.assertEqual(search(query)[:1], ["1.000894"])

    def test_it_expands_common_abbreviations(self):
        self.assertEqual(search("cấp CCCD"), ["2.001000"])
        self.assertEqual(search("gpxd nha o"), ["1.009994"])

    def test_it_falls_back_to_the_versions_with_most_words(self):
        # No version has "gái"; both birth registrations have four words of six.
        results = search("đăng ký khai sinh cho con gái")
        self.assertEqual(results[0], "1.001193")  # its keywords add "cho con"
        self.assertIn("1.001695", results)
        self.assertEqual(search("đăng ký xyz abc qwerty"), [])

    def test_it_lists_current_versions_in_name_order_without_a_query(self):
        self.assertEqual(
            search(),
            [
                "1.004921",  # Cấp giấy phép nuôi…
                "1.009994",  # Cấp giấy phép xây dựng…
                "2.001000",  # Cấp thẻ căn cước…
                "1.000894",  # Đăng ký kết hôn ("ket" < "khai")
                "1.001193",  # Đăng ký khai sinh
                "1.001695",  # Đăng ký khai sinh có yếu tố…
                "1.000656",  # Đăng ký khai tử
                "2.000930",  # Thủ tục thực hiện hòa giải…
            ],
        )

    def test_it_filters_by_field_level_audience_and_online_service(self):
        self.assertEqual(search(field_code="XD"), ["1.004921", "1.009994"])
        self.assertEqual(search(level=1), ["1.004921", "2.001000", "1.001695"])
        self.assertEqual(search("khai sinh", level=3), ["1.001193"])
        self.assertEqual(search(audience=Audience.BOTH), ["1.009994"])
        self.assertNotIn("1.009994", search(online_only=True))
        self.assertIn("1.001695", search(online_only=True))  # partial online counts

    def test_it_filters_by_the_agency_offering_the_procedure(self):
        agency = AgencyFactory(code="000.00.31.H57")
        OfferingFactory(agency=agency, procedure=self.birth.procedure)
        OfferingFactory(agency=agency, procedure=self.death.procedure, online_open=False)
        OfferingFactory(agency=agency, procedure=self.marriage.procedure, is_active=False)
        OfferingFactory(procedure=self.house.procedure)  # another agency
        self.assertEqual(search(agency_code="000.00.31.H57"), ["1.001193", "1.000656"])
        self.assertEqual(search("dang ky", agency_code="000.00.31.H57"), ["1.001193", "1.000656"])
        # Online only: the agency must have opened online submission for it.
        self.assertEqual(search(agency_code="000.00.31.H57", online_only=True), ["1.001193"])

    def test_it_shows_only_the_version_in_force_on_the_date(self):
        procedure = ProcedureFactory(national_code="1.000002")
        ProcedureVersionFactory(
            procedure=procedure,
            number=1,
            name="Đăng ký giám hộ (cũ)",
            status=VersionStatus.RETIRED,
            valid_from=dt.date(2020, 1, 1),
            valid_to=dt.date(2026, 6, 30),
        )
        ProcedureVersionFactory(
            procedure=procedure, number=2, name="Đăng ký giám hộ", valid_from=dt.date(2026, 7, 1)
        )
        ProcedureVersionFactory(
            procedure=ProcedureFactory(national_code="1.000003"),
            name="Đăng ký giám hộ nháp",
            status=VersionStatus.DRAFT,
            valid_from=None,
        )
        procedure_search_reindex()
        self.assertEqual(ProcedureSearchEntry.objects.filter(code="1.000003").count(), 0)
        page = procedure_search(query="giám hộ", on=ON)
        self.assertEqual([v.name for v in page.results], ["Đăng ký giám hộ"])
        page = procedure_search(query="giám hộ", on=dt.date(2026, 1, 1))
        self.assertEqual([v.name for v in page.results], ["Đăng ký giám hộ (cũ)"])

    def test_publishing_a_new_version_makes_it_searchable_at_once(self):
        draft = procedure_version_new_draft(version_id=self.marriage.pk)
        draft.name = "Đăng ký kết hôn trực tuyến toàn trình"
        draft.save()
        ComponentFactory(variant=draft.variants.get())
        FeeFactory(variant=draft.variants.get())
        procedure_version_publish(version_id=draft.pk, valid_from=ON)
        # The publish service reindexes the version: no separate step to forget.
        page = procedure_search(query="ket hon toan trinh", on=ON)
        self.assertEqual([v.pk for v in page.results], [draft.pk])

    def test_it_removes_the_entry_of_a_version_that_is_no_longer_indexable(self):
        draft = ProcedureVersionFactory(status=VersionStatus.DRAFT, valid_from=None)
        self.assertEqual(procedure_search_reindex(version_ids=[draft.pk, self.birth.pk]), 1)
        self.birth.status = VersionStatus.DRAFT
        self.birth.valid_from = None
        self.birth.save()
        self.assertEqual(procedure_search_reindex(version_ids=[self.birth.pk]), 0)
        self.assertFalse(ProcedureSearchEntry.objects.filter(version=self.birth).exists())
        self.assertEqual(search("khai sinh"), ["1.001695"])

    def test_it_pages_and_counts_every_match(self):
        first = procedure_search(query="dang ky", on=ON, limit=2)
        second = procedure_search(query="dang ky", on=ON, limit=2, offset=2)
        past = procedure_search(query="dang ky", on=ON, limit=2, offset=10)
        self.assertEqual((first.total, second.total, past.total), (4, 4, 4))
        self.assertEqual(len(first.results) + len(second.results), 4)
        self.assertEqual(past.results, [])
        self.assertEqual(set(codes(first)) & set(codes(second)), set())

    def test_it_runs_one_query_per_search_whatever_the_number_of_matches(self):
        for n in range(30):
            make(f"4.{n:06d}", f"Đăng ký hoạt động số {n}", field=self.civil)
        procedure_search_reindex()
        for query, kwargs in [
            ("dang ky", {}),  # 34 matches
            ("khai tu", {}),  # 1 match
            ("", {"level": 3, "field_code": "HT"}),
            ("1.0011", {}),
            ("xyz", {}),  # nothing, and a single word has no fallback
        ]:
            with self.subTest(query=query), self.assertNumQueries(1):
                page = procedure_search(query=query, on=ON, **kwargs)
                for version in page.results:  # procedure and field come with the rows
                    version.procedure.national_code, version.field.name  # noqa: B018
        # The fallback and a page past the end cost one query more, never two.
        with self.assertNumQueries(2):
            procedure_search(query="đăng ký khai sinh cho con gái", on=ON)
        with self.assertNumQueries(2):
            procedure_search(query="dang ky", on=ON, offset=100)
