"""The citizen's personal data store (kho dữ liệu điện tử; NĐ 45/2020; gh-5 item 9)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import tempfile
import zipfile

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings, tag
from django.urls import reverse

import time_machine

from motcua.accounts.tests.factories import StaffFactory, UserFactory
from motcua.datastore.archive import safe_name
from motcua.datastore.constants import Source
from motcua.datastore.models import StoredDocument
from motcua.datastore.services import (
    StoreRefused,
    store_add_issued_result,
    store_delete,
    store_item_to_upload,
    store_upload,
)
from motcua.dossiers.models import DossierDocument, TemporaryUpload
from motcua.dossiers.services import PartyData
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.dossiers.uploads import UploadRejected, upload_attach, upload_store

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
NOW = vn(2026, 3, 10, 9)


def pdf(name: str = "cccd.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


class StoreCase(TestCase):
    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="motcua-datastore-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.clock = self.enterContext(time_machine.travel(NOW, tick=False))
        self.citizen = UserFactory(full_name="Hoàng Thị Dung")
        self.client.force_login(self.citizen)

    def keep(
        self, name: str = "Căn cước công dân", body: bytes = PDF, **meta: object
    ) -> StoredDocument:
        return store_upload(user=self.citizen, file=pdf("cccd.pdf", body), kind=name, **meta)  # type: ignore[arg-type]


@tag("gh-5")
class StoreUploadTests(StoreCase):
    url = reverse("datastore:upload")

    def test_it_keeps_an_uploaded_document_with_its_details(self) -> None:
        body = PDF + b"% giay khai sinh\n"
        response = self.client.post(
            self.url,
            {
                "file": pdf("../../Giấy khai sinh.pdf", body),
                "kind": "Giấy khai sinh",
                "issuer": "UBND phường Thuận Hóa",
                "number": "123/2001",
                "issued_on": "15/08/2001",
                "valid_until": "",
            },
        )
        self.assertRedirects(response, reverse("datastore:index"))
        item = StoredDocument.objects.get()
        self.assertEqual(item.owner, self.citizen)
        self.assertEqual(item.source, Source.UPLOADED)
        self.assertEqual((item.kind, item.name), ("Giấy khai sinh", "Giấy khai sinh"))
        self.assertEqual(item.issued_on, dt.date(2001, 8, 15))
        self.assertEqual(item.original_name, "Giấy khai sinh.pdf")
        self.assertEqual((item.size, item.media_type), (len(body), "application/pdf"))
        self.assertEqual(item.sha256, hashlib.sha256(body).hexdigest())
        # In the store's own path, under a random name; the temporary copy is used up.
        self.assertTrue(item.file.name.startswith("datastore/2026/03/"))
        self.assertNotIn("khai", item.file.name)
        with item.file.open("rb") as f:
            self.assertEqual(f.read(), body)
        upload = TemporaryUpload.objects.get()
        self.assertIsNotNone(upload.attached_at)

    def test_a_refused_file_keeps_everything_typed(self) -> None:
        response = self.client.post(
            self.url,
            {
                "file": SimpleUploadedFile("hoa-don.pdf", EXE),
                "kind": "Hóa đơn điện",
                "issuer": "Điện lực Huế",
                "issued_on": "01/02/2026",
            },
        )
        self.assertContains(
            response, "Tệp “hoa-don.pdf” không phải là PDF", count=2, status_code=400
        )
        self.assertContains(response, 'value="Hóa đơn điện"', status_code=400)
        self.assertContains(response, 'value="Điện lực Huế"', status_code=400)
        self.assertContains(response, 'value="01/02/2026"', status_code=400)
        self.assertContains(response, "chỉ cần chọn lại tệp", status_code=400)
        self.assertFalse(StoredDocument.objects.exists())

    def test_bad_dates_are_named_next_to_their_field(self) -> None:
        response = self.client.post(
            self.url,
            {
                "file": pdf(),
                "kind": "Hộ chiếu",
                "issued_on": "01/02/2026",
                "valid_until": "31/12/2025",
            },
        )
        self.assertContains(
            response, "Ngày hết giá trị phải sau hoặc bằng ngày cấp.", count=2, status_code=400
        )
        self.assertContains(
            self.client.post(
                self.url, {"file": pdf(), "kind": "Hộ chiếu", "issued_on": "32/13/2026"}
            ),
            "Ngày cấp không đúng dạng ngày/tháng/năm",
            status_code=400,
        )
        self.assertFalse(StoredDocument.objects.exists())
        self.assertFalse(TemporaryUpload.objects.exists())  # no upload wasted on a bad form

    def test_only_signed_in_citizens_have_a_store(self) -> None:
        self.client.logout()
        response = self.client.get(reverse("datastore:index"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])
        with override_settings(MOTCUA_DEMO=True):  # demo staff skip the second factor
            self.client.force_login(StaffFactory(is_demo=True))
            self.assertEqual(self.client.get(reverse("datastore:index")).status_code, 403)


@tag("gh-5")
class StoreListTests(StoreCase):
    def test_it_lists_only_the_users_documents_and_marks_the_expired(self) -> None:
        self.keep("Hộ chiếu", valid_until=dt.date(2026, 3, 9))
        self.keep("Căn cước công dân", valid_until=dt.date(2026, 3, 10))
        store_upload(user=UserFactory(), file=pdf(), kind="Giấy tờ của người khác")
        page = self.client.get(reverse("datastore:index"))
        self.assertContains(page, "Hộ chiếu")
        self.assertContains(page, "Hết giá trị", count=1)  # valid through its last day
        self.assertContains(page, "Đã hết giá trị từ sau ngày 09/03/2026")
        self.assertContains(page, "Còn giá trị đến hết ngày 10/03/2026")
        self.assertNotContains(page, "Giấy tờ của người khác")

    def test_the_list_runs_the_same_queries_for_one_or_many_documents(self) -> None:
        url = reverse("datastore:index")
        self.keep()
        self.client.get(url)  # warm caches
        with self.assertNumQueries(QUERIES_STORE_LIST):
            self.client.get(url)
        for i in range(5):
            self.keep(f"Giấy tờ {i}")
        with self.assertNumQueries(QUERIES_STORE_LIST):  # if it grew: a per-row query (N+1)
            response = self.client.get(url)
        self.assertEqual(len(response.context["items"]), 6)


QUERIES_STORE_LIST = 3  # session, user, the documents


@tag("gh-5")
class StoreDeleteAndDownloadTests(StoreCase):
    def setUp(self) -> None:
        super().setUp()
        self.world = make_world()
        dossier = self.world.receive(owner=PartyData(full_name="Hoàng Thị Dung", user=self.citizen))
        upload = upload_store(file=pdf("ket-qua.pdf", PDF + b"%ket qua\n"), user=None)
        self.result = upload_attach(
            upload_id=upload.pk, dossier=dossier, name="Bản sao trích lục khai sinh", user=None
        )

    def test_the_citizen_deletes_an_upload_and_its_file(self) -> None:
        item = self.keep()
        url = reverse("datastore:delete", args=[item.pk])
        self.assertContains(self.client.get(url), "không khôi phục được")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url)
        self.assertRedirects(response, reverse("datastore:index"))
        self.assertFalse(StoredDocument.objects.exists())
        self.assertFalse(default_storage.exists(item.file.name))

    def test_an_issued_result_cannot_be_deleted(self) -> None:
        item = store_add_issued_result(user=self.citizen, document=self.result)
        url = reverse("datastore:delete", args=[item.pk])
        for response in (self.client.get(url), self.client.post(url)):
            self.assertContains(response, "không xóa được", status_code=403)
            self.assertNotContains(response, "Xóa giấy tờ</button>", status_code=403)
        with self.assertRaisesMessage(StoreRefused, "bạn chỉ xóa được giấy tờ do bạn tải lên"):
            store_delete(user=self.citizen, item_id=item.pk)
        self.assertTrue(StoredDocument.objects.filter(pk=item.pk).exists())
        self.assertNotContains(self.client.get(reverse("datastore:index")), url)

    def test_nobody_else_reads_or_deletes_a_document(self) -> None:
        item = self.keep()
        self.client.force_login(UserFactory())
        self.assertEqual(
            self.client.get(reverse("datastore:download", args=[item.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.post(reverse("datastore:delete", args=[item.pk])).status_code, 404
        )
        self.assertTrue(StoredDocument.objects.filter(pk=item.pk).exists())

    def test_issued_results_enter_the_store_once(self) -> None:
        first = store_add_issued_result(user=self.citizen, document=self.result)
        again = store_add_issued_result(user=self.citizen, document=self.result)
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(first.source, Source.ISSUED)
        self.assertEqual(first.issuer, self.world.center.name)  # the competent agency
        self.assertEqual(first.issued_on, dt.date(2026, 3, 10))
        self.assertEqual(first.sha256, self.result.sha256)
        self.assertNotEqual(first.file.name, self.result.file.name)  # a copy of its own
        page = self.client.get(reverse("datastore:index"))
        self.assertContains(page, "Bản sao trích lục khai sinh")

    def test_it_downloads_one_document_under_its_name(self) -> None:
        item = self.keep("CCCD mặt trước")
        response = self.client.get(reverse("datastore:download", args=[item.pk]))
        self.assertEqual(b"".join(response.streaming_content), PDF)  # type: ignore[attr-defined]
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn(
            "CCCD%20m%E1%BA%B7t%20tr%C6%B0%E1%BB%9Bc.pdf", response["Content-Disposition"]
        )
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_it_downloads_everything_as_one_zip_with_safe_unique_names(self) -> None:
        for i, name in enumerate(["CCCD", "cccd", "../Hộ: chiếu?*"], start=1):
            self.clock.shift(dt.timedelta(minutes=1))  # the archive lists oldest first
            self.keep(name, body=PDF + b"%%%d\n" % i)
        store_add_issued_result(user=self.citizen, document=self.result)
        response = self.client.get(reverse("datastore:download-all"))
        self.assertTrue(response.streaming)
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertIn("kho-du-lieu-20260310.zip", response["Content-Disposition"])
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
        self.assertIsNone(archive.testzip())
        contents = {name: archive.read(name) for name in archive.namelist()}
        self.maxDiff = None
        self.assertEqual(
            contents,
            {
                "Giấy tờ tải lên/CCCD.pdf": PDF + b"%1\n",
                "Giấy tờ tải lên/cccd (2).pdf": PDF + b"%2\n",
                "Giấy tờ tải lên/_Hộ_ chiếu__.pdf": PDF + b"%3\n",
                "Kết quả được cấp/Bản sao trích lục khai sinh.pdf": PDF + b"%ket qua\n",
            },
        )

    def test_an_empty_store_has_nothing_to_download(self) -> None:
        response = self.client.get(reverse("datastore:download-all"))
        self.assertRedirects(response, reverse("datastore:index"))


@tag("gh-5")
class SafeNameTests(TestCase):
    def test_names_are_valid_on_every_system(self) -> None:
        self.assertEqual(safe_name("a/b\\c:d", ".pdf"), "a_b_c_d.pdf")
        self.assertEqual(safe_name(" CON ", ".PDF"), "_CON.pdf")
        self.assertEqual(safe_name("...", ".pdf"), "giấy tờ.pdf")
        self.assertEqual(safe_name("tên\x00\nx", ".jpg"), "tên__x.jpg")
        self.assertEqual(len(safe_name("x" * 400, ".pdf")), 124)


@tag("gh-5")
class StoreReuseTests(StoreCase):
    def test_a_stored_document_becomes_a_fresh_upload_of_the_user(self) -> None:
        world = make_world()
        item = self.keep()
        upload = store_item_to_upload(user=self.citizen, item=item)
        self.assertEqual(upload.uploaded_by, self.citizen)
        self.assertIsNone(upload.attached_at)
        self.assertEqual((upload.sha256, upload.size), (item.sha256, item.size))
        self.assertEqual(upload.original_name, "cccd.pdf")
        self.assertNotEqual(upload.file.name, item.file.name)
        # The wizard attaches it like any upload; the store keeps its own copy.
        dossier = world.receive(owner=PartyData(full_name="Hoàng Thị Dung", user=self.citizen))
        document = upload_attach(
            upload_id=upload.pk, dossier=dossier, name="CCCD", user=self.citizen
        )
        self.assertEqual(DossierDocument.objects.get(pk=document.pk).sha256, item.sha256)
        with item.file.open("rb") as f:
            self.assertEqual(f.read(), PDF)

    def test_it_refuses_someone_elses_document(self) -> None:
        item = store_upload(user=UserFactory(), file=pdf(), kind="CCCD")
        with self.assertRaisesMessage(StoreRefused, "Không tìm thấy giấy tờ"):
            store_item_to_upload(user=self.citizen, item=item)
        self.assertFalse(TemporaryUpload.objects.filter(uploaded_by=self.citizen).exists())

    def test_it_refuses_a_file_changed_since_it_was_stored(self) -> None:
        item = self.keep()
        with default_storage.open(item.file.name, "wb") as f:
            f.write(PDF + b"%tampered\n")
        with self.assertRaisesMessage(StoreRefused, "không còn nguyên vẹn"):
            store_item_to_upload(user=self.citizen, item=item)

    def test_it_validates_the_copy_against_todays_limits(self) -> None:
        item = self.keep()
        with (
            override_settings(MOTCUA_UPLOAD_MAX_BYTES=len(PDF) - 1),
            self.assertRaisesMessage(UploadRejected, "vượt quá giới hạn"),
        ):
            store_item_to_upload(user=self.citizen, item=item)
