"""Catalogue import and export (gh-3 item 7) and the Huế demo catalogue (gh-3 item 8)."""

import base64
import copy
import datetime as dt
import hashlib
import json
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

import time_machine

from motcua.demo import hue
from motcua.demo.loader import CATALOGUE, load_hue_demo
from motcua.organisations.constants import AgencyKind
from motcua.organisations.models import Agency
from motcua.procedures.constants import VersionStatus
from motcua.procedures.eforms import eform_definition_problems
from motcua.procedures.models import (
    ComponentSpec,
    FeeRule,
    Procedure,
    ProcedureField,
    ProcedureOffering,
    ProcedureVariant,
    ProcedureVersion,
    WorkflowStep,
    WorkflowTemplate,
)
from motcua.procedures.services import _version_for_check
from motcua.procedures.transfer import (
    catalogue_dumps,
    catalogue_export,
    catalogue_import,
    catalogue_load,
)
from motcua.procedures.validation import version_problems

MEDIA = tempfile.mkdtemp(prefix="motcua-transfer-")
FROZEN = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)
FORMS = Path(CATALOGUE).with_name("forms")
REQUIRED_CODES = [
    "1.001193",  # Đăng ký khai sinh
    "1.000894",  # Đăng ký kết hôn
    "1.000656",  # Đăng ký khai tử
    "2.000635",  # Cấp bản sao trích lục hộ tịch
    "2.000908",  # Cấp bản sao từ sổ gốc
    "2.000815",  # Chứng thực bản sao từ bản chính
    "2.000884",  # Chứng thực chữ ký
    "1.001612",  # Đăng ký thành lập hộ kinh doanh
    "1.013225",  # Giấy phép xây dựng (nhà ở riêng lẻ)
    "2.001610",  # Đăng ký thành lập doanh nghiệp tư nhân (Phòng Đăng ký kinh doanh)
]
CATALOGUE_MODELS = [
    ProcedureField,
    WorkflowTemplate,
    WorkflowStep,
    Procedure,
    Procedure.linked.through,
    ProcedureVersion,
    ProcedureVariant,
    ComponentSpec,
    FeeRule,
    ProcedureOffering,
]


def writes(queries):
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def counts():
    return [model.objects.count() for model in CATALOGUE_MODELS]


def wipe_catalogue():
    """An empty catalogue; the organisations stay (offerings and steps point at them)."""
    ProcedureOffering.objects.all().delete()
    ProcedureVersion.objects.all().delete()
    Procedure.linked.through.objects.all().delete()
    Procedure.objects.all().delete()
    WorkflowTemplate.objects.all().delete()
    ProcedureField.objects.all().delete()


def form_file(name, text):
    content = text.encode()
    return {
        "name": name,
        "media_type": "text/html",
        "sha256": hashlib.sha256(content).hexdigest(),
        "content_base64": base64.b64encode(content).decode(),
    }


def small_document(*, status="published"):
    """Two test procedures (9.9xxxxx): one with history (v1 retired, v2 published), one linked."""
    blank = form_file("don-thu-nghiem.html", "<p>Đơn thử nghiệm</p>")
    variant = {
        "code": "mac-dinh",
        "name": "Trường hợp thử nghiệm",
        "question": "",
        "order": 1,
        "duration": "3",
        "duration_unit": "working_days",
        "online_duration": None,
        "online_duration_unit": "",
        "workflow": "Quy trình thử nghiệm",
        "eform": None,
        "components": [
            {
                "order": 1,
                "code": "",
                "name": "Đơn đề nghị",
                "required": True,
                "condition_text": "",
                "originals": 1,
                "certified_copies": 0,
                "copies": 0,
                "replaced_by_eform": False,
                "replaced_by_database": "",
                "template_file": blank,
            },
            {
                "order": 2,
                "name": "Bản sao đơn (cùng mẫu)",
                "originals": 0,
                "copies": 1,
                "template_file": blank,
            },
        ],
        "fees": [{"kind": "levy", "name": "Không thu", "collection": "none"}],
    }

    def version(number, status, valid_from, valid_to=None, name="Thủ tục thử nghiệm chuyển giao"):
        return {
            "number": number,
            "status": status,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "name": name,
            "field": "TEST-TRANSFER",
            "levels": [1],
            "competent_agency_kinds": ["department"],
            "online_mode": "full",
            "variants": [copy.deepcopy(variant)],
        }

    return {
        "format": "motcua-catalogue",
        "version": 1,
        "fields": [{"code": "TEST-TRANSFER", "name": "Lĩnh vực thử nghiệm", "name_en": "Test"}],
        "workflows": [
            {
                "name": "Quy trình thử nghiệm",
                "description": "",
                "steps": [
                    {
                        "order": 1,
                        "name": "Tiếp nhận",
                        "role": "reception_officer",
                        "budget_hours": 2,
                        "actions": ["forward"],
                    },
                    {
                        "order": 2,
                        "name": "Thẩm định",
                        "role": "specialist",
                        "department": {
                            "agency_code": "000.00.11.H57",
                            "name": "Phòng Đăng ký kinh doanh",
                        },
                        "budget_hours": "16.5",
                        "actions": ["approve", "sign", "send_back"],
                        "signature_required": True,
                    },
                ],
            }
        ],
        "procedures": [
            {
                "national_code": "9.900001",
                "linked": ["9.900002"],
                "versions": [
                    version(2, status, "2026-01-01" if status != "draft" else None),
                    version(1, "retired", "2025-07-01", "2025-12-31", name="Tên cũ"),
                ],
            },
            {
                "national_code": "9.900002",
                "versions": [version(1, "published", "2025-07-01", name="Thủ tục liên thông")],
            },
        ],
        "offerings": [
            {
                "agency_code": "000.00.06.H57",
                "national_code": "9.900001",
                "local_code": "9.900001.000.00.06.H57",
                "counter_field": "TEST-TRANSFER",
            }
        ],
    }


@override_settings(MEDIA_ROOT=MEDIA)
class CatalogueTransferTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # The Huế organisations and the demo catalogue (imported by the loader).
        cls.demo = load_hue_demo()
        cls.document = json.loads(Path(CATALOGUE).read_text(encoding="utf-8"))

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self):
        # Files are not rolled back with the database: each test gets its own copy
        # of the media the demo load stored.
        media = tempfile.mkdtemp(prefix="motcua-transfer-test-")
        shutil.copytree(MEDIA, media, dirs_exist_ok=True)
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))

    def export_text(self, **kwargs):
        with time_machine.travel(FROZEN, tick=False):
            return catalogue_dumps(catalogue_export(**kwargs))

    # --- Export and import ----------------------------------------------------------------------
    def test_it_round_trips_the_catalogue_through_an_empty_database(self):
        catalogue_import(small_document())
        first = self.export_text()
        self.assertEqual(
            self.export_text(), first, "two exports of the same data must be identical"
        )
        wipe_catalogue()
        self.assertEqual(counts(), [0] * len(CATALOGUE_MODELS))
        summary = catalogue_import(catalogue_load(first))
        self.assertEqual(summary.procedures_created, 50)  # 48 demo + 2 test procedures
        self.assertEqual(self.export_text(), first)
        # History came back as it was, not re-published from today.
        old = ProcedureVersion.objects.get(procedure__national_code="9.900001", number=1)
        self.assertEqual(
            (old.status, old.valid_from, old.valid_to),
            (VersionStatus.RETIRED, dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
        )

    def test_it_exports_only_the_versions_in_force_on_a_day(self):
        catalogue_import(small_document())
        document = catalogue_export(on=dt.date(2025, 9, 1))
        test_procedure = next(p for p in document["procedures"] if p["national_code"] == "9.900001")
        self.assertEqual([v["number"] for v in test_procedure["versions"]], [1])
        self.assertEqual(len(document["procedures"]), 50)

    def test_it_changes_nothing_when_the_same_document_is_imported_again(self):
        catalogue_import(small_document())
        before = counts()
        with CaptureQueriesContext(connection) as queries:
            summary = catalogue_import(small_document())
            demo = catalogue_import(self.document)
        self.assertEqual(writes(queries), [], "a second import must not write")
        self.assertFalse(summary.changed or demo.changed)
        self.assertEqual(summary.versions_unchanged, 3)
        self.assertEqual(demo.versions_unchanged, 48)
        self.assertEqual(counts(), before)
        # Bounded, not one query per procedure: the whole demo catalogue is read in bulk.
        self.assertLess(len(queries.captured_queries), 60, "check the prefetches in _Importer")

    def test_it_applies_a_newer_export_that_retires_a_version(self):
        catalogue_import(small_document())
        # Another environment published v3 from 01/11/2026, which ended v2 the day before.
        document = small_document()
        versions = document["procedures"][0]["versions"]
        v3 = copy.deepcopy(versions[0])
        v3.update(number=3, valid_from="2026-11-01", name="Thủ tục thử nghiệm, tên mới")
        versions[0].update(status="retired", valid_to="2026-10-31")
        versions.append(v3)
        summary = catalogue_import(document)
        self.assertEqual(
            (summary.versions_retired, summary.versions_created, summary.versions_published),
            (1, 1, 1),
        )
        versions = ProcedureVersion.objects.filter(procedure__national_code="9.900001")
        v2 = versions.get(number=2)
        self.assertEqual((v2.status, v2.valid_to), (VersionStatus.RETIRED, dt.date(2026, 10, 31)))
        self.assertEqual(versions.get(number=3).status, VersionStatus.PUBLISHED)
        with CaptureQueriesContext(connection) as queries:
            catalogue_import(document)
        self.assertEqual(writes(queries), [])

    def test_it_refuses_to_change_a_published_version(self):
        catalogue_import(small_document())
        before = counts()
        document = small_document()
        document["procedures"][0]["versions"][0]["variants"][0]["fees"][0]["amount"] = 50000
        document["fields"][0]["name"] = "Tên lĩnh vực đổi"  # would be written first
        with self.assertRaises(ValidationError) as raised:
            catalogue_import(document)
        message = " ".join(raised.exception.messages)
        self.assertIn("9.900001", message)
        self.assertIn("phiên bản 2", message)
        self.assertIn("số phiên bản mới", message)
        self.assertEqual(counts(), before)
        # The whole import rolled back, including the field written before the refusal.
        self.assertEqual(
            ProcedureField.objects.get(code="TEST-TRANSFER").name, "Lĩnh vực thử nghiệm"
        )
        self.assertIsNone(FeeRule.objects.filter(variant__version__number=2, amount=50000).first())

    def test_it_refuses_a_bad_document_with_json_paths_and_changes_nothing(self):
        before = counts()
        document = small_document()
        document["procedures"][1]["versions"][0]["variants"][0]["duration_unit"] = "weeks"
        document["procedures"][0]["versions"][1]["valid_to"] = "31/12/2025"
        document["workflows"][0]["steps"][1]["role"] = "mayor"
        second = copy.deepcopy(document["procedures"][1]["versions"][0])
        document["procedures"][1]["versions"].append({**second, "number": 2})
        document["procedures"][0]["versions"][0]["variants"][0]["components"][0]["template_file"][
            "sha256"
        ] = "0" * 64
        with self.assertRaises(ValidationError) as raised:
            catalogue_import(document)
        messages = raised.exception.messages
        for path in (
            "procedures[1].versions[0].variants[0].duration_unit: không hợp lệ",
            "procedures[0].versions[1].valid_to: phải là ngày dạng YYYY-MM-DD",
            "workflows[0].steps[1].role: không hợp lệ",
            "procedures[1].versions: chỉ một phiên bản được ở trạng thái đã công bố",
            "procedures[0].versions[0].variants[0].components[0].template_file.sha256: không khớp",
        ):
            self.assertTrue(any(m.startswith(path) for m in messages), (path, messages))
        self.assertEqual(counts(), before)

    def test_it_rolls_back_everything_when_a_version_cannot_be_published(self):
        before = counts()
        document = small_document()
        document["procedures"][1]["versions"][0]["variants"][0]["fees"] = []  # incomplete
        with self.assertRaises(ValidationError) as raised:
            catalogue_import(document)
        self.assertIn(
            "procedures[1].versions[0]: thủ tục 9.900002, phiên bản 1", raised.exception.messages[0]
        )
        self.assertEqual(counts(), before)
        self.assertFalse(ProcedureField.objects.filter(code="TEST-TRANSFER").exists())

    def test_it_rewrites_a_draft_in_place(self):
        catalogue_import(small_document(status="draft"))
        draft = ProcedureVersion.objects.get(procedure__national_code="9.900001", number=2)
        self.assertEqual(draft.status, VersionStatus.DRAFT)
        document = small_document(status="draft")
        version = document["procedures"][0]["versions"][0]
        version["name"] = "Thủ tục thử nghiệm đã sửa"
        version["variants"][0]["components"] = version["variants"][0]["components"][:1]
        summary = catalogue_import(document)
        self.assertEqual((summary.versions_updated, summary.versions_created), (1, 0))
        draft.refresh_from_db()
        self.assertEqual(draft.name, "Thủ tục thử nghiệm đã sửa")
        self.assertEqual(ComponentSpec.objects.filter(variant__version=draft).count(), 1)
        # And a draft becomes published when the document says so.
        published = small_document()
        catalogue_import(published)
        draft.refresh_from_db()
        self.assertEqual(
            (draft.status, draft.valid_from), (VersionStatus.PUBLISHED, dt.date(2026, 1, 1))
        )

    def test_it_imports_drafts_only_when_asked_not_to_publish(self):
        catalogue_import(small_document(), publish=False)
        statuses = set(
            ProcedureVersion.objects.filter(procedure__national_code__startswith="9.9").values_list(
                "status", flat=True
            )
        )
        self.assertEqual(statuses, {VersionStatus.DRAFT})

    def test_it_stores_each_blank_form_once_under_its_digest(self):
        summary = catalogue_import(small_document())
        self.assertEqual(summary.files_stored, 1)  # three components, one content
        names = set(
            ComponentSpec.objects.filter(
                variant__version__procedure__national_code__startswith="9.9"
            ).values_list("template_file", flat=True)
        )
        self.assertEqual(len(names - {""}), 1)
        (name,) = names - {""}
        digest = hashlib.sha256("<p>Đơn thử nghiệm</p>".encode()).hexdigest()
        self.assertEqual(name, f"catalogue/forms/{digest[:32]}/don-thu-nghiem.html")
        self.assertEqual(default_storage.open(name).read().decode(), "<p>Đơn thử nghiệm</p>")
        wipe_catalogue()
        again = catalogue_import(small_document())
        self.assertEqual(again.files_stored, 0, "the same content is reused, not stored twice")
        _, stored = default_storage.listdir(f"catalogue/forms/{digest[:32]}")
        self.assertEqual(stored, ["don-thu-nghiem.html"])

    def test_it_links_procedures_both_ways(self):
        catalogue_import(small_document())
        linked = Procedure.objects.get(national_code="9.900002").linked.all()
        self.assertEqual([p.national_code for p in linked], ["9.900001"])
        offering = ProcedureOffering.objects.select_related("counter_field").get(
            procedure__national_code="9.900001"
        )
        self.assertEqual(offering.counter_field.code, "TEST-TRANSFER")

    def test_it_refuses_a_workflow_change_under_a_published_version(self):
        catalogue_import(small_document())
        document = small_document()
        document["workflows"][0]["steps"][0]["budget_hours"] = 4
        with self.assertRaises(ValidationError) as raised:
            catalogue_import(document)
        self.assertIn(
            "workflows[0]: quy trình “Quy trình thử nghiệm”", raised.exception.messages[0]
        )

    # --- The demo catalogue -----------------------------------------------------------------------
    def test_it_loads_a_demo_catalogue_of_real_procedures(self):
        versions = list(
            ProcedureVersion.objects.select_related("procedure", "field").prefetch_related(
                "variants__workflow", "variants__components"
            )
        )
        codes = {v.procedure.national_code for v in versions}
        self.assertGreaterEqual(len(codes), 40)
        self.assertTrue(set(REQUIRED_CODES) <= codes, set(REQUIRED_CODES) - codes)
        self.assertGreaterEqual(len({v.field.code for v in versions}), 10)
        levels = {level for v in versions for level in v.levels}
        self.assertTrue({1, 3} <= levels)
        full = {
            v.procedure.national_code
            for v in versions
            if any(variant.workflow and variant.eform for variant in v.variants.all())
        }
        self.assertGreaterEqual(len(full), 10, full)
        with_forms = [
            c
            for v in versions
            for var in v.variants.all()
            for c in var.components.all()
            if c.template_file
        ]
        self.assertGreaterEqual(len({c.template_file.name for c in with_forms}), 8)
        self.assertTrue(
            all(v.unverified_note for v in versions), "the demo flags what is unverified"
        )
        self.assertTrue(
            any(
                var.code == "can-xac-minh"
                for v in versions
                if v.procedure.national_code == "1.000894"
                for var in v.variants.all()
            )
        )

    def test_it_publishes_only_complete_demo_versions_with_valid_eforms(self):
        for version in ProcedureVersion.objects.all():
            self.assertEqual(version.status, VersionStatus.PUBLISHED)
            self.assertEqual(version_problems(_version_for_check(version.pk)), [], version)
        for variant in ProcedureVariant.objects.exclude(eform__isnull=True):
            self.assertEqual(eform_definition_problems(variant.eform), [], variant)

    def test_it_offers_each_demo_procedure_where_its_level_says(self):
        centres = Agency.objects.filter(
            kind=AgencyKind.SERVICE_CENTER, parent__kind=AgencyKind.PEOPLES_COMMITTEE
        )
        self.assertEqual(centres.count(), 40)
        birth = ProcedureOffering.objects.filter(procedure__national_code="1.001193")
        self.assertEqual(
            set(birth.values_list("agency", flat=True)), set(centres.values_list("pk", flat=True))
        )
        kim_long = Agency.objects.get(name="Trung tâm Phục vụ hành chính công phường Kim Long")
        self.assertEqual(birth.get(agency=kim_long).local_code, f"1.001193.{kim_long.code}")
        enterprise = ProcedureOffering.objects.select_related("agency", "counter_field").get(
            procedure__national_code="2.001610"
        )
        self.assertEqual(enterprise.agency.code, "000.00.06.H57")
        self.assertEqual(enterprise.counter_field.code, hue.ENTERPRISES)
        # The extract copy is received at both levels (Sở Tư pháp and the communes).
        self.assertEqual(
            ProcedureOffering.objects.filter(procedure__national_code="2.000635").count(), 41
        )
        self.assertEqual(self.demo.procedures, 48)

    def test_it_keeps_the_demo_json_in_the_export_format(self):
        exported = catalogue_export()
        for key in ("fields", "workflows", "procedures"):
            self.assertEqual(exported[key], self.document[key], key)
        self.assertEqual(self.document["offerings"], [])  # generated by the loader

    def test_it_embeds_exactly_the_blank_forms_of_the_forms_directory(self):
        embedded = {
            c["template_file"]["name"]: base64.b64decode(c["template_file"]["content_base64"])
            for p in self.document["procedures"]
            for v in p["versions"]
            for var in v["variants"]
            for c in var["components"]
            if c["template_file"]
        }
        on_disk = {path.name: path.read_bytes() for path in FORMS.glob("*.html")}
        self.assertEqual(embedded, on_disk, "run scripts/build_demo_catalogue.py")
        self.assertGreaterEqual(len(on_disk), 8)

    # --- Commands -------------------------------------------------------------------------------
    def test_it_exports_and_imports_from_the_command_line(self):
        directory = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        source = directory / "small.json"
        source.write_text(json.dumps(small_document()), encoding="utf-8")
        before = counts()
        out = StringIO()
        with CaptureQueriesContext(connection):
            call_command("catalogue_import", str(source), "--dry-run", stdout=out)
        self.assertIn("Chạy thử", out.getvalue())
        self.assertIn("Thủ tục: 2 mới", out.getvalue())
        self.assertEqual(counts(), before, "a dry run writes nothing")
        self.assertFalse(
            default_storage.exists(
                "catalogue/forms/"
                + hashlib.sha256("<p>Đơn thử nghiệm</p>".encode()).hexdigest()[:32]
            )
        )

        out = StringIO()
        call_command("catalogue_import", str(source), stdout=out)
        self.assertIn("Thủ tục: 2 mới", out.getvalue())
        out = StringIO()
        call_command("catalogue_import", str(source), stdout=out)
        self.assertIn("không có gì thay đổi", out.getvalue())

        target = directory / "export.json"
        call_command(
            "catalogue_export", "--output", str(target), "--include-drafts", stderr=StringIO()
        )
        exported = json.loads(target.read_text(encoding="utf-8"))
        self.assertEqual(len(exported["procedures"]), 50)

        broken = directory / "broken.json"
        broken.write_text('{"format": "other"}', encoding="utf-8")
        err = StringIO()
        with self.assertRaises(CommandError):
            call_command("catalogue_import", str(broken), stderr=err)
        self.assertIn("format: phải là “motcua-catalogue”", err.getvalue())
