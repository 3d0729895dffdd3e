"""What a citizen does on their dossier after filing (gh-5 items 6, 7, 9): answer a
supplement request online, withdraw, and download the electronic result, which also
lands in their personal data store.
"""

from __future__ import annotations

import shutil
import tempfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings, tag
from django.urls import reverse

from motcua.accounts.tests.factories import UserFactory
from motcua.datastore.models import StoredDocument
from motcua.dossiers.constants import DocumentKind, DossierStatus, EventAction, ReturnMode
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import PartyData, dossier_act
from motcua.dossiers.tests.test_receive import make_world
from motcua.dossiers.uploads import upload_store
from motcua.organisations.constants import Role

from .test_filing import EFORM, EXE, PDF, pdf

A = EventAction
R = Role


@tag("gh-5")
class CitizenActionTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.world.variant.eform = EFORM
        cls.world.variant.save()
        cls.citizen = UserFactory(full_name="Trần Văn Bình", identity_number="046090001234")

    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="motcua-citizen-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.client.force_login(self.citizen)

    def receive(self, **overrides: object) -> Dossier:
        return self.world.receive(
            owner=PartyData(full_name="Trần Văn Bình", user=self.citizen),
            form_data={"ho_ten": "Trần Văn Bình", "so_ban_sao": 1, "noi_dang_ky": "UBND Phú Hội"},
            **overrides,
        )

    def act(self, dossier: Dossier, action: EventAction, role: Role, **fields: object) -> None:
        dossier_act(code=dossier.code, action=action, by=self.world.staff[role], **fields)

    def ask_supplement(self, dossier: Dossier) -> None:
        self.act(dossier, A.TRANSFER, R.RECEPTION_OFFICER)
        self.act(dossier, A.FORWARD, R.DIVISION_HEAD)
        self.act(
            dossier,
            A.REQUEST_SUPPLEMENT,
            R.SPECIALIST,
            items=["Bản sao CCCD", {"name": "Số bản sao cần cấp", "field": "so_ban_sao"}],
            reason="Thiếu bản sao CCCD; số bản sao chưa rõ",
        )

    # --- supplement --------------------------------------------------------------------------

    def test_a_supplement_is_answered_online_with_only_what_was_asked(self) -> None:
        dossier = self.receive()
        self.ask_supplement(dossier)
        page = self.client.get(reverse("portal:my-dossier", args=[dossier.code]))
        self.assertContains(page, reverse("portal:my-supplement", args=[dossier.code]))
        url = reverse("portal:my-supplement", args=[dossier.code])
        form = self.client.get(url)
        self.assertContains(form, "Bản sao CCCD")
        self.assertContains(form, 'name="so_ban_sao"')
        self.assertNotContains(form, 'name="noi_dang_ky"')  # not asked: stays as filed

        # A refused file changes nothing and keeps what was typed.
        refused = self.client.post(
            url,
            {
                "file-1": SimpleUploadedFile("cccd.pdf", EXE),
                "so_ban_sao": "3",
                "note": "Gửi bổ sung",
            },
        )
        self.assertEqual(refused.status_code, 400)
        self.assertContains(refused, "cccd.pdf", status_code=400)
        self.assertContains(refused, 'value="3"', status_code=400)
        self.assertContains(refused, "Gửi bổ sung", status_code=400)
        dossier.refresh_from_db()
        self.assertEqual(dossier.events.last().action, A.REQUEST_SUPPLEMENT)

        sent = self.client.post(
            url,
            {
                "file-1": pdf("cccd.pdf"),
                "so_ban_sao": "3",
                "noi_dang_ky": "đổi lén",  # a field nobody asked about is ignored
                "note": "Gửi bổ sung",
            },
        )
        self.assertRedirects(sent, reverse("portal:my-dossier", args=[dossier.code]))
        dossier.refresh_from_db()
        event = dossier.events.last()
        self.assertEqual((event.action, event.actor), (A.SEND_SUPPLEMENT, self.citizen))
        self.assertEqual(event.data["changed_fields"], ["so_ban_sao"])
        self.assertEqual(dossier.form_data.data["so_ban_sao"], 3)
        self.assertEqual(dossier.form_data.data["noi_dang_ky"], "UBND Phú Hội")
        document = dossier.documents.get()
        self.assertEqual((document.kind, document.original_name), ("supplement", "cccd.pdf"))
        # Nothing is waiting for the citizen any more.
        again = self.client.get(url)
        self.assertRedirects(again, reverse("portal:my-dossier", args=[dossier.code]))

    def test_another_citizen_cannot_open_the_supplement_page(self) -> None:
        dossier = self.receive()
        self.ask_supplement(dossier)
        self.client.force_login(UserFactory())
        url = reverse("portal:my-supplement", args=[dossier.code])
        self.assertEqual(self.client.get(url).status_code, 404)

    # --- withdrawal --------------------------------------------------------------------------

    def test_the_owner_withdraws_with_a_reason(self) -> None:
        dossier = self.receive()
        url = reverse("portal:my-withdrawal", args=[dossier.code])
        page = self.client.get(reverse("portal:my-dossier", args=[dossier.code]))
        self.assertContains(page, url)
        self.client.post(url, {"reason": ""})
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, DossierStatus.RECEIVED)
        self.client.post(url, {"reason": "Không còn nhu cầu"})
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, DossierStatus.WITHDRAWN)
        self.assertEqual(dossier.events.last().note, "Không còn nhu cầu")

    # --- the electronic result ------------------------------------------------------------

    def test_an_electronic_result_needs_a_file_and_reaches_the_citizen(self) -> None:
        dossier = self.receive(return_mode=ReturnMode.ELECTRONIC)
        self.act(dossier, A.TRANSFER, R.RECEPTION_OFFICER)
        for role in (R.DIVISION_HEAD, R.SPECIALIST, R.AGENCY_LEADER):
            self.act(dossier, A.FORWARD, role)
        with self.assertRaises(ValidationError) as refused:
            self.act(dossier, A.ISSUE_RESULT, R.CLERK)
        self.assertIn("upload_ids", refused.exception.message_dict)
        clerk = self.world.staff[R.CLERK]
        signed = upload_store(file=pdf("trich-luc-ky-so.pdf"), user=clerk)
        self.act(
            dossier,
            A.ISSUE_RESULT,
            R.CLERK,
            result={"title": "Bản sao trích lục khai sinh", "number": "125/TLKS-BS"},
            upload_ids=[signed.pk],
        )
        result = dossier.documents.get(kind=DocumentKind.RESULT)
        self.assertEqual(result.name, "Bản sao trích lục khai sinh")
        self.act(dossier, A.RETURN_RESULT, R.RECEPTION_OFFICER)
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, DossierStatus.RETURNED)
        # The citizen downloads it from the dossier page, and finds it in the data store.
        page = self.client.get(reverse("portal:my-dossier", args=[dossier.code]))
        link = reverse("portal:my-document", args=[dossier.code, result.pk])
        self.assertContains(page, link)
        download = self.client.get(link)
        self.assertEqual(b"".join(download.streaming_content), PDF)  # type: ignore[attr-defined]
        stored = StoredDocument.objects.get(owner=self.citizen)
        self.assertEqual(stored.name, "Bản sao trích lục khai sinh")

    # --- official papers ---------------------------------------------------------------------

    def test_the_receipt_is_downloadable_and_papers_never_issued_are_not(self) -> None:
        from pypdf import PdfReader

        dossier = self.receive()
        page = self.client.get(reverse("portal:my-dossier", args=[dossier.code]))
        receipt = reverse("portal:my-form", args=[dossier.code, "mau-01"])
        self.assertContains(page, receipt)
        self.assertNotContains(page, reverse("portal:my-form", args=[dossier.code, "mau-04"]))
        response = self.client.get(receipt)
        self.assertEqual(response["Content-Type"], "application/pdf")
        import io

        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        self.assertIn("GIẤY TIẾP NHẬN HỒ SƠ", text.upper())
        self.assertIn(dossier.code, text)
        # No apology was written, so there is no Mẫu 04 to download.
        missing = self.client.get(reverse("portal:my-form", args=[dossier.code, "mau-04"]))
        self.assertEqual(missing.status_code, 404)
        # Staff-only papers (the control sheet, the register) are not served here.
        sheet = self.client.get(reverse("portal:my-form", args=[dossier.code, "mau-06"]))
        self.assertEqual(sheet.status_code, 404)

    # --- delivery address -------------------------------------------------------------------

    def test_the_postal_address_changes_until_the_result_is_returned(self) -> None:
        from motcua.dossiers.models import DeliveryChange

        dossier = self.receive(return_mode=ReturnMode.POSTAL, delivery_address="12 Lê Lợi")
        url = reverse("portal:my-delivery", args=[dossier.code])
        self.assertContains(self.client.get(reverse("portal:my-dossier", args=[dossier.code])), url)
        self.client.post(url, {"address": "  ", "phone": ""})
        dossier.delivery.refresh_from_db()
        self.assertEqual(dossier.delivery.address, "12 Lê Lợi")
        self.client.post(url, {"address": "05 Hùng Vương, phường Thuận Hóa", "phone": "0905111333"})
        dossier.delivery.refresh_from_db()
        self.assertEqual(dossier.delivery.address, "05 Hùng Vương, phường Thuận Hóa")
        change = DeliveryChange.objects.get(dossier=dossier)
        self.assertEqual((change.old_address, change.by), ("12 Lê Lợi", self.citizen))
        # Once the result is returned the address is history.
        self.act(dossier, A.TRANSFER, R.RECEPTION_OFFICER)
        for role in (R.DIVISION_HEAD, R.SPECIALIST, R.AGENCY_LEADER):
            self.act(dossier, A.FORWARD, role)
        self.act(dossier, A.ISSUE_RESULT, R.CLERK)
        self.act(dossier, A.RETURN_RESULT, R.RECEPTION_OFFICER)
        response = self.client.post(url, {"address": "Địa chỉ khác"}, follow=True)
        self.assertContains(response, "không đổi được địa chỉ nữa")
        self.assertEqual(DeliveryChange.objects.filter(dossier=dossier).count(), 1)
        # A stranger cannot change it.
        self.client.force_login(UserFactory())
        self.assertEqual(self.client.post(url, {"address": "X"}).status_code, 404)
