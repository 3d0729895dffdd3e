"""Two-stage uploads: allow-list by extension and content, safe names, attach once (gh-4 #2)."""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import uuid
import zipfile

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings, tag

from motcua.accounts.tests.factories import StaffFactory, UserFactory
from motcua.dossiers.models import TemporaryUpload
from motcua.dossiers.tests.factories import DossierFactory
from motcua.dossiers.uploads import (
    UploadRejected,
    upload_attach,
    upload_name_clean,
    upload_store,
)
from motcua.procedures.tests.factories import ComponentFactory

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
TIFF_LE = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 64
TIFF_BE = b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def zipped(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:  # ODF: "mimetype" first and uncompressed
            archive.writestr(stored_first, entries[stored_first], zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zipped(
    {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<R/>", "word/document.xml": b"<w/>"}
)
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zipped(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
    stored_first="mimetype",
)
PLAIN_ZIP = zipped({"ghi-chu.txt": "Ghi chú".encode()})


@tag("gh-4")
class UploadTests(TestCase):
    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="motcua-uploads-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.citizen = UserFactory()

    def store(self, name: str, content: bytes, **kwargs) -> TemporaryUpload:
        kwargs.setdefault("user", self.citizen)
        return upload_store(file=SimpleUploadedFile(name, content), **kwargs)

    def assert_rejected(self, message: str, name: str, content: bytes, **kwargs) -> None:
        with self.assertRaises(UploadRejected) as raised:
            self.store(name, content, **kwargs)
        self.assertEqual(raised.exception.messages, [message])
        self.assertFalse(TemporaryUpload.objects.exists())

    def test_it_accepts_each_allowed_type_and_records_what_the_content_is(self) -> None:
        cases = [
            ("don.pdf", PDF, "application/pdf", ".pdf"),
            ("anh.jpg", JPEG, "image/jpeg", ".jpg"),
            ("ANH-CHUP.JPEG", JPEG, "image/jpeg", ".jpg"),
            ("scan.png", PNG, "image/png", ".png"),
            ("scan-intel.tif", TIFF_LE, "image/tiff", ".tiff"),
            ("scan-motorola.tiff", TIFF_BE, "image/tiff", ".tiff"),
            (
                "to-khai.docx",
                DOCX,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".docx",
            ),
            (
                "bang-ke.xlsx",
                XLSX,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".xlsx",
            ),
            ("to-khai.odt", ODT, "application/vnd.oasis.opendocument.text", ".odt"),
        ]
        for name, content, media_type, extension in cases:
            with self.subTest(name=name):
                upload = self.store(name, content)
                self.assertEqual(upload.media_type, media_type)
                self.assertEqual(upload.original_name, name)
                self.assertEqual(upload.size, len(content))
                self.assertEqual(upload.sha256, hashlib.sha256(content).hexdigest())
                self.assertEqual(upload.uploaded_by, self.citizen)
                self.assertRegex(upload.file.name, rf"^uploads/tmp/.+/[0-9a-f]{{32}}\{extension}$")
                with default_storage.open(upload.file.name) as stored:
                    self.assertEqual(stored.read(), content)

    def test_it_refuses_an_executable_renamed_pdf(self) -> None:
        self.assert_rejected(
            "Tệp “x.pdf” không phải là PDF (nội dung là tệp chương trình).", "x.pdf", EXE
        )

    def test_it_refuses_when_extension_and_content_disagree(self) -> None:
        self.assert_rejected(
            "Tệp “anh-the.jpg” không phải là JPEG (nội dung là ảnh PNG).", "anh-the.jpg", PNG
        )
        self.assert_rejected(
            "Tệp “to-khai.docx” không phải là DOCX (nội dung là bảng tính Excel (XLSX)).",
            "to-khai.docx",
            XLSX,
        )
        self.assert_rejected(
            "Tệp “don.pdf” không phải là PDF (không nhận dạng được nội dung tệp).",
            "don.pdf",
            "Đơn đề nghị".encode(),
        )

    def test_it_refuses_a_zip_that_is_not_an_office_document(self) -> None:
        self.assert_rejected(
            "Tệp “to-khai.docx” không phải là DOCX (nội dung là tệp nén ZIP).",
            "to-khai.docx",
            PLAIN_ZIP,
        )
        self.assert_rejected(
            "Tệp “to-khai.odt” không phải là ODT (nội dung là tệp nén ZIP).",
            "to-khai.odt",
            zipped({"mimetype": b"application/x-anything", "content.xml": b"<x/>"}),
        )
        self.assert_rejected(
            "Tệp “ho-so.zip” có định dạng không được chấp nhận. "
            "Chỉ nhận tệp PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT.",
            "ho-so.zip",
            PLAIN_ZIP,
        )

    def test_it_refuses_a_truncated_office_document(self) -> None:
        self.assert_rejected(
            "Tệp “to-khai.docx” bị hỏng, không đọc được nội dung.", "to-khai.docx", DOCX[:40]
        )

    def test_it_refuses_a_type_outside_the_allow_list(self) -> None:
        self.assert_rejected(
            "Tệp “cai-dat.exe” có định dạng không được chấp nhận. "
            "Chỉ nhận tệp PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT.",
            "cai-dat.exe",
            EXE,
        )

    def test_it_refuses_an_empty_file(self) -> None:
        self.assert_rejected(
            "Tệp “trang.pdf” rỗng (0 byte); vui lòng chọn lại tệp.", "trang.pdf", b""
        )

    def test_it_refuses_a_file_over_the_limit(self) -> None:
        big = PDF + b"0" * (2 * 1024 * 1024)
        self.assert_rejected(
            "Tệp “ban-ve.pdf” có dung lượng 2,0 MB, vượt quá giới hạn 1,0 MB.",
            "ban-ve.pdf",
            big,
            max_bytes=1024 * 1024,
        )
        with self.settings(MOTCUA_UPLOAD_MAX_BYTES=1024 * 1024):
            self.assert_rejected(
                "Tệp “ban-ve.pdf” có dung lượng 2,0 MB, vượt quá giới hạn 1,0 MB.",
                "ban-ve.pdf",
                big,
            )
        self.assertEqual(self.store("ban-ve.pdf", big).size, len(big))  # default 20 MB

    def test_it_counts_the_bytes_it_reads_when_the_declared_size_lies(self) -> None:
        file = SimpleUploadedFile("ban-ve.pdf", PDF + b"0" * 4096)
        file.size = 10  # a client-supplied size is not trusted
        with self.assertRaisesMessage(UploadRejected, "vượt quá giới hạn"):
            upload_store(file=file, user=self.citizen, max_bytes=1024)

    def test_it_keeps_only_the_last_part_of_a_path_like_name(self) -> None:
        self.assertEqual(upload_name_clean("../../etc/passwd.pdf"), "passwd.pdf")
        self.assertEqual(upload_name_clean("C:\\x\\a.pdf"), "a.pdf")
        self.assertEqual(upload_name_clean("..\\..\\windows\\a.pdf"), "a.pdf")
        self.assertEqual(upload_name_clean("to\x00khai\n.pdf"), "tokhai.pdf")
        self.assertEqual(upload_name_clean("../.."), "tệp")
        upload = self.store("C:\\Users\\An\\Giấy khai sinh.pdf", PDF)
        self.assertEqual(upload.original_name, "Giấy khai sinh.pdf")
        self.assertNotIn("..", upload.file.name)
        self.assertNotIn("Users", upload.file.name)

    def test_it_keeps_the_original_name_in_nfc(self) -> None:
        decomposed = "Gia\u0302\u0301y khai sinh.pdf"
        self.assertEqual(self.store(decomposed, PDF).original_name, "Giấy khai sinh.pdf")

    def test_it_attaches_an_upload_to_a_dossier_and_moves_the_file(self) -> None:
        upload = self.store("Giấy khai sinh.pdf", PDF)
        temporary = upload.file.name
        dossier = DossierFactory()
        component = ComponentFactory(variant=dossier.variant)
        with self.captureOnCommitCallbacks(execute=True):
            document = upload_attach(
                upload_id=upload.pk,
                dossier=dossier,
                name="Bản sao Giấy khai sinh",
                component=component,
                user=self.citizen,
                digitised=True,
            )
        document.refresh_from_db()
        self.assertEqual(document.dossier, dossier)
        self.assertEqual(document.component, component)
        self.assertEqual(document.name, "Bản sao Giấy khai sinh")
        self.assertEqual(document.original_name, "Giấy khai sinh.pdf")
        self.assertEqual(
            (document.size, document.media_type, document.sha256),
            (len(PDF), "application/pdf", hashlib.sha256(PDF).hexdigest()),
        )
        self.assertTrue(document.digitised)
        self.assertRegex(document.file.name, r"^dossiers/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$")
        with default_storage.open(document.file.name) as stored:
            self.assertEqual(stored.read(), PDF)
        self.assertFalse(default_storage.exists(temporary))
        upload.refresh_from_db()
        self.assertIsNotNone(upload.attached_at)

    def test_it_refuses_to_attach_an_upload_twice(self) -> None:
        upload = self.store("don.pdf", PDF)
        dossier = DossierFactory()
        upload_attach(upload_id=upload.pk, dossier=dossier, name="Đơn", user=self.citizen)
        with self.assertRaises(UploadRejected) as raised:
            upload_attach(upload_id=upload.pk, dossier=dossier, name="Đơn", user=self.citizen)
        self.assertEqual(
            raised.exception.messages,
            ["Tệp “don.pdf” đã được đính kèm vào hồ sơ; vui lòng tải lên lại."],
        )
        self.assertEqual(dossier.documents.count(), 1)

    def test_it_refuses_to_attach_someone_elses_upload(self) -> None:
        upload = self.store("don.pdf", PDF)
        dossier = DossierFactory()
        for other in (UserFactory(), StaffFactory(), None):
            with self.subTest(other=other), self.assertRaises(UploadRejected) as raised:
                upload_attach(upload_id=upload.pk, dossier=dossier, name="Đơn", user=other)
            self.assertEqual(
                raised.exception.messages,
                ["Tệp “don.pdf” do người khác tải lên; không thể đính kèm."],
            )
        self.assertFalse(dossier.documents.exists())
        upload.refresh_from_db()
        self.assertIsNone(upload.attached_at)

    def test_it_refuses_an_unknown_upload(self) -> None:
        missing = uuid.UUID("00000000-0000-4000-8000-000000000000")
        with self.assertRaisesMessage(UploadRejected, f"Không tìm thấy tệp tải lên {missing}."):
            upload_attach(upload_id=missing, dossier=DossierFactory(), name="Đơn", user=None)
