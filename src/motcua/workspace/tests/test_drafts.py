"""Drafting the result on the staff dossier page (gh-6 item 6): the specialist sends the
draft for review with ``forward``, the leader reads it and may send it back with a reason;
the citizen never sees the draft (their page, their download, Mẫu 01).

The clock is frozen on Tue 10/03/2026 09:00 in Huế (an ordinary working week).
"""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings, tag
from django.urls import reverse

import time_machine

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.accounts.tests.factories import UserFactory
from motcua.dossiers.constants import DocumentKind, EventAction
from motcua.dossiers.forms_official import OfficialForm, official_form_html
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.services import PartyData, dossier_act
from motcua.dossiers.tests.test_receive import World, make_world, vn
from motcua.dossiers.tests.test_transitions import PATHS
from motcua.organisations.constants import Role
from motcua.signing.tests.pki import small_pdf

A = EventAction
R = Role
NOW = vn(2026, 3, 10, 9)


@tag("gh-6")
@override_settings(MOTCUA_DEMO=True)
class DraftResultTests(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.citizen = UserFactory(full_name="Trần Văn Bình", identity_number="046090001234")
        # Demo accounts (MOTCUA_DEMO on): the second factor is skipped.
        User.objects.filter(kind=UserKind.STAFF).update(is_demo=True)

    def setUp(self) -> None:
        self.enterContext(time_machine.travel(NOW, tick=False))
        media = tempfile.mkdtemp(prefix="motcua-ws-drafts-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))

    def at_step2(self) -> Dossier:
        """At the specialist's step (Thẩm định), owned by the citizen's account."""
        dossier = self.world.receive(owner=PartyData(full_name="Trần Văn Bình", user=self.citizen))
        for action, role, fields in PATHS["step2"]:
            dossier_act(code=dossier.code, action=action, by=self.world.staff[role], **fields)
        dossier.refresh_from_db()
        return dossier

    def page(self, dossier: Dossier) -> Any:
        response = self.client.get(reverse("workspace:dossier", args=[dossier.code]))
        self.assertEqual(response.status_code, 200)
        return response

    def act(self, dossier: Dossier, action: EventAction, data: dict[str, Any]) -> Any:
        return self.client.post(
            reverse("workspace:action", args=[dossier.code, action.value]), data
        )

    def forward_with_draft(self, dossier: Dossier) -> DossierDocument:
        self.client.force_login(self.world.staff[R.SPECIALIST])
        response = self.act(
            dossier,
            A.FORWARD,
            {"note": "Trình ký", "tep": SimpleUploadedFile("du-thao-qd.pdf", small_pdf())},
        )
        self.assertRedirects(response, reverse("workspace:dossier", args=[dossier.code]))
        return DossierDocument.objects.get(dossier=dossier, kind=DocumentKind.DRAFT)

    def test_the_forward_form_takes_a_draft_file(self) -> None:
        d = self.at_step2()
        self.client.force_login(self.world.staff[R.SPECIALIST])
        response = self.page(d)
        form = next(f for f in response.context["page"].actions if f.action == A.FORWARD)
        self.assertTrue(form.multipart)
        self.assertEqual(form.field("tep").label, "Dự thảo kết quả gửi kèm (nếu có)")
        self.assertContains(response, "Dự thảo kết quả gửi kèm (nếu có)")
        self.assertContains(response, 'enctype="multipart/form-data"')

    def test_a_bad_draft_is_refused_next_to_the_field_and_the_note_is_kept(self) -> None:
        d = self.at_step2()
        self.client.force_login(self.world.staff[R.SPECIALIST])
        response = self.act(
            d,
            A.FORWARD,
            {
                "note": "Trình ký bản dự thảo",
                "tep": SimpleUploadedFile("du-thao.pdf", b"MZ\x90\x00" + b"\x00" * 64),
            },
        )
        self.assertEqual(response.status_code, 400)
        form = next(f for f in response.context["page"].actions if f.action == A.FORWARD)
        self.assertTrue(form.field("tep").errors)
        self.assertContains(response, "Trình ký bản dự thảo", status_code=400)
        d.refresh_from_db()
        self.assertEqual(d.current_step, self.world.steps[1])
        self.assertFalse(DossierDocument.objects.filter(dossier=d).exists())

    def test_the_leader_reads_the_draft_and_sends_it_back_with_a_reason(self) -> None:
        d = self.at_step2()
        draft = self.forward_with_draft(d)
        d.refresh_from_db()
        self.assertEqual(d.current_step, self.world.steps[2])
        event = d.events.order_by("-seq")[0]
        self.assertEqual(event.action, A.FORWARD)
        self.assertEqual(event.data["documents"][0]["id"], draft.pk)
        self.assertEqual(draft.media_type, "application/pdf")

        self.client.force_login(self.world.staff[R.AGENCY_LEADER])
        response = self.page(d)
        self.assertIn(draft, response.context["page"].documents)
        self.assertContains(response, "du-thao-qd.pdf")
        self.assertContains(response, "Dự thảo – nội bộ, người nộp không xem được")
        url = reverse("workspace:document", args=[d.code, draft.pk])
        self.assertContains(response, url)
        file = self.client.get(url)
        self.assertEqual(file.status_code, 200)
        self.assertTrue(b"".join(file.streaming_content).startswith(b"%PDF"))

        # Sending back needs a reason, asked next to the field.
        refused = self.act(d, A.SEND_BACK, {"reason": "  "})
        self.assertContains(refused, "Cần nêu lý do.", status_code=400)
        back = self.act(d, A.SEND_BACK, {"reason": "Sửa căn cứ pháp lý ở dự thảo"})
        self.assertRedirects(back, reverse("workspace:dossier", args=[d.code]))
        d.refresh_from_db()
        self.assertEqual(d.current_step, self.world.steps[1])
        last = d.events.order_by("-seq")[0]
        self.assertEqual((last.action, last.note), (A.SEND_BACK, "Sửa căn cứ pháp lý ở dự thảo"))
        # The specialist sees the draft and the reason on their page.
        self.client.force_login(self.world.staff[R.SPECIALIST])
        page = self.page(d)
        self.assertContains(page, "du-thao-qd.pdf")
        self.assertContains(page, "Sửa căn cứ pháp lý ở dự thảo")

    def test_the_citizen_never_sees_or_downloads_the_draft(self) -> None:
        d = self.at_step2()
        draft = self.forward_with_draft(d)
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("portal:my-dossier", args=[d.code]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "du-thao-qd.pdf")
        self.assertNotContains(page, "Dự thảo kết quả")
        url = reverse("portal:my-document", args=[d.code, draft.pk])
        self.assertNotContains(page, url)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(f"{url}?xem=1").status_code, 404)

    def test_mau_01_does_not_list_the_draft(self) -> None:
        d = self.at_step2()
        self.forward_with_draft(d)
        html = official_form_html(dossier=d, form=OfficialForm.FORM_01)
        self.assertIn(d.code, html)
        self.assertNotIn("Dự thảo kết quả", html)
        # The citizen's own Mẫu 01 renders too (a PDF without the draft's row).
        self.client.force_login(self.citizen)
        pdf = self.client.get(reverse("portal:my-form", args=[d.code, "mau-01"]))
        self.assertEqual(pdf.status_code, 200)
