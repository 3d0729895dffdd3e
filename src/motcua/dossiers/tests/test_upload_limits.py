"""Per-procedure upload limits: a component's maximum size and file types (gh-4 item 2).

The installation's MOTCUA_UPLOAD_MAX_BYTES is checked when a file is stored;
the catalogue's limits (component, else procedure version) when it is attached
to a dossier for a component.
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings, tag

import time_machine

from motcua.accounts.tests.factories import UserFactory
from motcua.apiclients.constants import Scope
from motcua.apiclients.services import api_token_issue
from motcua.dossiers.models import Dossier, TemporaryUpload
from motcua.dossiers.tests.factories import DossierFactory
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.dossiers.uploads import (
    ALLOWED_EXTENSIONS,
    UploadRejected,
    upload_attach,
    upload_store,
)
from motcua.organisations.constants import Role
from motcua.procedures.admin import ComponentForm
from motcua.procedures.constants import UploadFileType
from motcua.procedures.models import ComponentSpec, ProcedureVersion
from motcua.procedures.tests.factories import ComponentFactory
from motcua.procedures.transfer import catalogue_export, catalogue_import
from motcua.procedures.validation import version_problems

MB = 1024 * 1024
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def pdf_of(size: int) -> bytes:
    return PDF + b"0" * (size - len(PDF))


class MediaMixin:
    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        media = tempfile.mkdtemp(prefix="motcua-upload-limits-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)  # type: ignore[attr-defined]
        self.enterContext(override_settings(MEDIA_ROOT=media))  # type: ignore[attr-defined]


@tag("gh-4")
class UploadLimitTests(MediaMixin, TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.citizen = UserFactory()
        self.dossier = DossierFactory()
        self.version = self.dossier.procedure_version

    def store(self, name: str, content: bytes) -> TemporaryUpload:
        return upload_store(file=SimpleUploadedFile(name, content), user=self.citizen)

    def attach(self, upload: TemporaryUpload, component: ComponentSpec | None) -> Any:
        return upload_attach(
            upload_id=upload.pk,
            dossier=self.dossier,
            name="Giấy tờ",
            component=component,
            user=self.citizen,
        )

    def assert_refused(
        self, upload: TemporaryUpload, component: ComponentSpec | None, message: str
    ) -> None:
        with self.assertRaises(UploadRejected) as raised:
            self.attach(upload, component)
        self.assertEqual(raised.exception.messages, [message])
        # Nothing is lost: the upload is still there, unattached, ready for another try.
        upload.refresh_from_db()
        self.assertIsNone(upload.attached_at)
        self.assertTrue(upload.file.storage.exists(upload.file.name))
        self.assertFalse(self.dossier.documents.exists())

    def test_it_refuses_a_file_over_the_components_limit_naming_file_component_and_limit(
        self,
    ) -> None:
        drawings = ComponentFactory(
            variant=self.dossier.variant, name="Bản vẽ thiết kế", upload_max_mb=Decimal("2")
        )
        big = self.store("ban-ve.pdf", pdf_of(3 * MB))  # under the installation's 20 MB
        self.assert_refused(
            big,
            drawings,
            "Tệp “ban-ve.pdf” có dung lượng 3,0 MB, vượt quá giới hạn 2 MB của thành phần"
            " “Bản vẽ thiết kế”.",
        )
        small = self.store("ban-ve-nen.pdf", pdf_of(2 * MB))  # exactly the limit is allowed
        self.assertEqual(self.attach(small, drawings).component, drawings)

    def test_it_shows_enough_decimals_to_make_the_excess_visible(self) -> None:
        photo = ComponentFactory(
            variant=self.dossier.variant, name="Ảnh chân dung", upload_max_mb=Decimal("0.5")
        )
        upload = self.store("anh.pdf", pdf_of(MB // 2 + 1024))  # 0.501 MB
        self.assert_refused(
            upload,
            photo,
            "Tệp “anh.pdf” có dung lượng 0,501 MB, vượt quá giới hạn 0,5 MB của thành phần"
            " “Ảnh chân dung”.",
        )

    def test_it_applies_the_versions_default_when_the_component_has_none(self) -> None:
        self.version.upload_max_mb = Decimal("1")
        self.version.save()
        plain = ComponentFactory(variant=self.dossier.variant, name="Đơn đề nghị")
        upload = self.store("don.pdf", pdf_of(MB + MB // 2))
        self.assert_refused(
            upload,
            plain,
            "Tệp “don.pdf” có dung lượng 1,5 MB, vượt quá giới hạn 1 MB của thành phần"
            " “Đơn đề nghị”.",
        )
        # A document attached without a component is bound by the version's default too.
        self.assert_refused(
            upload,
            None,
            "Tệp “don.pdf” có dung lượng 1,5 MB, vượt quá giới hạn 1 MB cho mỗi tệp của thủ"
            " tục này.",
        )

    def test_a_components_own_limit_overrides_the_versions_default(self) -> None:
        self.version.upload_max_mb = Decimal("1")
        self.version.save()
        drawings = ComponentFactory(
            variant=self.dossier.variant, name="Bản vẽ", upload_max_mb=Decimal("5")
        )
        upload = self.store("ban-ve.pdf", pdf_of(3 * MB))
        self.assertEqual(self.attach(upload, drawings).size, 3 * MB)

    def test_without_any_catalogue_limit_only_the_installation_limit_applies(self) -> None:
        component = ComponentFactory(variant=self.dossier.variant)
        upload = self.store("lon.pdf", pdf_of(3 * MB))
        self.assertEqual(self.attach(upload, component).size, 3 * MB)

    def test_it_refuses_a_type_the_component_does_not_take(self) -> None:
        drawings = ComponentFactory(
            variant=self.dossier.variant, name="Bản vẽ thiết kế", upload_types=["pdf"]
        )
        photo = self.store("ban-ve.jpg", JPEG)
        self.assert_refused(
            photo,
            drawings,
            "Tệp “ban-ve.jpg” là tệp JPEG; thành phần “Bản vẽ thiết kế” chỉ nhận tệp PDF.",
        )
        scans = ComponentFactory(
            variant=self.dossier.variant, name="Ảnh chụp", upload_types=["jpeg", "png"]
        )
        self.assertEqual(self.attach(photo, scans).media_type, "image/jpeg")

    def test_the_catalogue_types_are_the_upload_allow_list(self) -> None:
        self.assertEqual({t.key for t in ALLOWED_EXTENSIONS.values()}, set(UploadFileType.values))

    def test_the_model_refuses_unknown_or_repeated_types(self) -> None:
        component = ComponentFactory(variant=self.dossier.variant)
        for types, message in (
            (["pdf", "exe"], "Loại tệp không hợp lệ: exe."),
            (["pdf", "pdf"], "Mỗi loại tệp chỉ được chọn một lần."),
            ("pdf", "Phải là danh sách loại tệp."),
        ):
            component.upload_types = types
            with self.subTest(types=types), self.assertRaises(ValidationError) as raised:
                component.full_clean()
            self.assertIn(message, raised.exception.message_dict["upload_types"][0])
        component.upload_types = []
        component.upload_max_mb = Decimal("0")
        with self.assertRaises(ValidationError) as raised:
            component.full_clean()
        self.assertEqual(list(raised.exception.message_dict), ["upload_max_mb"])

    def test_publishing_refuses_a_limit_above_the_installations(self) -> None:
        version = ProcedureVersion.objects.get(pk=self.version.pk)
        ComponentFactory(variant=self.dossier.variant, name="Bản vẽ", upload_max_mb=Decimal("50"))
        version.upload_max_mb = Decimal("25.5")
        problems = version_problems(version)
        self.assertIn(
            "Thủ tục có dung lượng tối đa 25,5 MB lớn hơn giới hạn chung của hệ thống"
            " (20 MB, MOTCUA_UPLOAD_MAX_BYTES).",
            problems,
        )
        self.assertIn(
            f"Trường hợp “{self.dossier.variant.name}”: thành phần “Bản vẽ”: dung lượng tối đa"
            " 50 MB lớn hơn giới hạn chung của hệ thống (20 MB, MOTCUA_UPLOAD_MAX_BYTES).",
            problems,
        )
        with self.settings(MOTCUA_UPLOAD_MAX_BYTES=50 * MB):
            self.assertFalse([p for p in version_problems(version) if "MB" in p])

    def test_the_admin_form_offers_the_types_as_checkboxes(self) -> None:
        form = ComponentForm(
            data={
                "order": 1,
                "name": "Bản vẽ",
                "required": "on",
                "originals": 1,
                "certified_copies": 0,
                "copies": 0,
                "upload_max_mb": "20",
                "upload_types": ["pdf", "tiff"],
            }
        )
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["upload_types"], ["pdf", "tiff"])
        self.assertEqual(form.cleaned_data["upload_max_mb"], Decimal("20"))
        bad = ComponentForm(data={**form.data, "upload_types": ["exe"]})
        self.assertFalse(bad.is_valid())
        self.assertIn("upload_types", bad.errors)


def transfer_document() -> dict[str, Any]:
    """A one-procedure catalogue document with upload limits on the version and a component."""
    component = {
        "order": 1,
        "name": "Bản vẽ thiết kế",
        "originals": 1,
        "upload_max_mb": "20",
        "upload_types": ["pdf"],
    }
    return {
        "format": "motcua-catalogue",
        "version": 1,
        "fields": [{"code": "TEST-LIMITS", "name": "Lĩnh vực thử nghiệm"}],
        "workflows": [],
        "procedures": [
            {
                "national_code": "9.910001",
                "versions": [
                    {
                        "number": 1,
                        "status": "published",
                        "valid_from": "2026-01-01",
                        "name": "Thủ tục có giới hạn tệp",
                        "field": "TEST-LIMITS",
                        "levels": [3],
                        "upload_max_mb": "10",
                        "variants": [
                            {
                                "code": "mac-dinh",
                                "name": "Mặc định",
                                "duration": "5",
                                "duration_unit": "working_days",
                                "components": [
                                    component,
                                    {"order": 2, "name": "Đơn", "originals": 1},
                                ],
                                "fees": [
                                    {"kind": "levy", "name": "Không thu", "collection": "none"}
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
        "offerings": [],
    }


@tag("gh-4")
class UploadLimitTransferTests(MediaMixin, TestCase):
    def test_it_imports_and_exports_the_limits_and_reimports_without_writes(self) -> None:
        catalogue_import(transfer_document())
        version = ProcedureVersion.objects.get(procedure__national_code="9.910001")
        self.assertEqual(version.upload_max_mb, Decimal("10"))
        drawings, form = version.variants.get().components.order_by("order")
        self.assertEqual((drawings.upload_max_mb, drawings.upload_types), (Decimal(20), ["pdf"]))
        self.assertEqual((form.upload_max_mb, form.upload_types), (None, []))

        exported = catalogue_export()
        [procedure] = exported["procedures"]
        [v] = procedure["versions"]
        self.assertEqual(v["upload_max_mb"], "10.00")
        first, second = v["variants"][0]["components"]
        self.assertEqual((first["upload_max_mb"], first["upload_types"]), ("20.00", ["pdf"]))
        # Unset limits are left out, so documents from before the field stay identical.
        self.assertNotIn("upload_max_mb", second)
        self.assertNotIn("upload_types", second)

        summary = catalogue_import(json.loads(json.dumps(exported)))
        self.assertFalse(summary.changed)
        self.assertEqual(summary.versions_unchanged, 1)

    def test_it_refuses_bad_limits_with_json_paths(self) -> None:
        document = transfer_document()
        version = document["procedures"][0]["versions"][0]
        version["upload_max_mb"] = "0"
        component = version["variants"][0]["components"][0]
        component["upload_types"] = ["pdf", "exe"]
        component["upload_max_mb"] = "nhiều"
        with self.assertRaises(ValidationError) as raised:
            catalogue_import(document)
        path = "procedures[0].versions[0]"
        messages = raised.exception.messages
        self.assertIn(f"{path}.upload_max_mb: phải lớn hơn 0", messages)
        self.assertIn(
            f"{path}.variants[0].components[0].upload_types: phải là danh sách các giá trị:"
            " docx, jpeg, odt, pdf, png, tiff, xlsx",
            messages,
        )
        self.assertTrue(
            any(
                m.startswith(f"{path}.variants[0].components[0].upload_max_mb: ") for m in messages
            ),
            messages,
        )
        self.assertFalse(ProcedureVersion.objects.filter(procedure__national_code="9.910001"))

    def test_a_draft_keeps_its_limits_when_copied_for_a_new_version(self) -> None:
        from motcua.procedures.services import procedure_version_new_draft

        catalogue_import(transfer_document())
        version = ProcedureVersion.objects.get(procedure__national_code="9.910001")
        draft = procedure_version_new_draft(version_id=version.pk)
        self.assertEqual(draft.upload_max_mb, Decimal("10"))
        drawings = draft.variants.get().components.order_by("order").first()
        assert drawings is not None
        self.assertEqual((drawings.upload_max_mb, drawings.upload_types), (Decimal(20), ["pdf"]))


@tag("gh-4")
class UploadLimitApiTests(MediaMixin, TestCase):
    """Through HTTP: the receive endpoint names the refused upload and keeps nothing half-done."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        officer = cls.world.staff[Role.RECEPTION_OFFICER]
        _, cls.secret = api_token_issue(user=officer, scopes=Scope.values)
        cls.drawings = ComponentFactory(
            variant=cls.world.variant,
            code="BAN-VE",
            name="Bản vẽ thiết kế",
            upload_max_mb=Decimal("1"),
            upload_types=["pdf"],
        )

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.enterContext(time_machine.travel(vn(2026, 3, 10, 9), tick=False))
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}

    def upload(self, name: str, content: bytes) -> str:
        response = self.client.post(
            "/api/v1/uploads/", {"file": SimpleUploadedFile(name, content)}, **self.auth
        )
        self.assertEqual(response.status_code, 201, response.content)
        return str(response.json()["id"])

    def receive(self, uploads: list[dict[str, str]]) -> Any:
        body = {
            "procedure_code": self.world.code,
            "variant_code": self.world.variant.code,
            "agency_code": self.world.center.code,
            "channel": 1,
            "owner": {"full_name": "Nguyễn Thị Hoa", "identity_number": "046190000123"},
            "return_mode": "counter",
            "upload_ids": uploads,
        }
        return self.client.post(
            "/api/v1/dossiers/", json.dumps(body), content_type="application/json", **self.auth
        )

    def test_it_names_the_upload_over_the_components_limit_and_keeps_every_upload(self) -> None:
        form = self.upload("to-khai.pdf", PDF)
        big = self.upload("ban-ve.pdf", pdf_of(MB + 300 * 1024))
        uploads = [
            {"id": form, "name": "Tờ khai"},
            {"id": big, "component_code": "BAN-VE", "name": "Bản vẽ"},
        ]
        response = self.receive(copy.deepcopy(uploads))
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(
            response.json(),
            {
                "errors": {
                    "upload_ids.1.id": [
                        "Tệp “ban-ve.pdf” có dung lượng 1,3 MB, vượt quá giới hạn 1 MB của thành"
                        " phần “Bản vẽ thiết kế”."
                    ]
                }
            },
        )
        self.assertEqual(Dossier.objects.count(), 0)
        # Both uploads survive the refusal: only the drawing has to be sent again.
        self.assertEqual(
            set(TemporaryUpload.objects.filter(attached_at=None).values_list("pk", flat=True)),
            {TemporaryUpload.objects.get(pk=form).pk, TemporaryUpload.objects.get(pk=big).pk},
        )
        smaller = self.upload("ban-ve-nen.pdf", pdf_of(MB))
        uploads[1]["id"] = smaller
        response = self.receive(uploads)
        self.assertEqual(response.status_code, 201, response.content)
        dossier = Dossier.objects.get(code=response.json()["code"])
        self.assertEqual(
            sorted((d.original_name, d.component_id) for d in dossier.documents.all()),
            [("ban-ve-nen.pdf", self.drawings.pk), ("to-khai.pdf", None)],
        )

    def test_the_public_catalogue_api_shows_each_components_effective_limit(self) -> None:
        version = self.world.variant.version
        version.upload_max_mb = Decimal("5")
        version.save()
        ComponentFactory(variant=self.world.variant, name="Đơn đề nghị")
        response = self.client.get(f"/api/v1/procedures/{self.world.code}/")
        self.assertEqual(response.status_code, 200, response.content)
        [variant] = [v for v in response.json()["variants"] if v["code"] == "thong-thuong"]
        limits = {
            c["name"]: (c["upload_max_bytes"], c["upload_types"]) for c in variant["components"]
        }
        self.assertEqual(limits["Bản vẽ thiết kế"], (1 * MB, ["pdf"]))
        self.assertEqual(limits["Đơn đề nghị"], (5 * MB, UploadFileType.values))
