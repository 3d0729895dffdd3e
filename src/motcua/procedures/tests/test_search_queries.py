"""What citizens type finds the procedure they mean, on the Huế demo catalogue (gh-3 item 11).

``search_queries.tsv`` holds (case, query, expected national code) rows written
against ``src/motcua/demo/catalogue.json``: exact names, no diacritics, upper
case, NFD input (the ``nfd`` rows are decomposed here: an editor would
silently recompose them in the file), old and new tone-mark placement, kí/ký
and other i/y spellings, reordered words, a partial last word, abbreviations,
citizens' phrasing, and national codes whole or in part. Every query must
find its procedure in the top 5. Run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

from django.test import TestCase, override_settings

from motcua.demo.loader import load_hue_demo
from motcua.procedures.models import Procedure
from motcua.procedures.search import procedure_search, procedure_search_reindex

QUERIES = Path(__file__).with_name("search_queries.tsv")
TOP = 5
CASES = {
    "exact": 40,
    "no_diacritics": 40,
    "upper_case": 20,
    "nfd": 20,
    "tone_placement": 4,
    "ki_ky": 15,
    "reordered": 20,
    "partial": 20,
    "abbreviation": 4,
    "citizen": 80,
    "code": 40,
    "partial_code": 10,
}
MEDIA = tempfile.mkdtemp(prefix="motcua-search-queries-")


def query_rows() -> list[dict[str, str]]:
    with QUERIES.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def as_typed(row: dict[str, str]) -> str:
    if row["case"] == "nfd":
        return unicodedata.normalize("NFD", row["query"])
    return row["query"]


@override_settings(MEDIA_ROOT=MEDIA)  # the import stores the catalogue's blank forms
class SearchQueriesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_hue_demo()  # units, agencies and the catalogue (motcua.procedures.transfer)
        procedure_search_reindex()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def test_it_finds_every_query_in_the_top_5(self):
        rows = query_rows()
        misses = []
        for row in rows:
            page = procedure_search(query=as_typed(row), limit=TOP)
            found = [v.procedure.national_code for v in page.results]
            if row["code"] not in found:
                misses.append(f"  [{row['case']}] {row['query']!r} → {found}, wanted {row['code']}")
        self.assertEqual(
            misses,
            [],
            f"{len(misses)} of {len(rows)} queries miss their procedure in the top {TOP}:\n"
            + "\n".join(misses),
        )

    def test_the_query_set_covers_every_case_and_every_demo_procedure(self):
        rows = query_rows()
        self.assertGreaterEqual(len(rows), 200)
        counts = Counter(row["case"] for row in rows)
        self.assertEqual(set(counts), set(CASES), "unknown or missing case names")
        for case, minimum in CASES.items():
            with self.subTest(case=case):
                self.assertGreaterEqual(counts[case], minimum)
        nfd = [r for r in rows if r["case"] == "nfd"]
        self.assertTrue(all(as_typed(r) != r["query"] for r in nfd), "an nfd query has no mark")
        catalogue = set(Procedure.objects.values_list("national_code", flat=True))
        expected = {row["code"] for row in rows}
        self.assertEqual(expected - catalogue, set(), "queries expect codes not in the demo")
        self.assertEqual(catalogue - expected, set(), "demo procedures without any query")
