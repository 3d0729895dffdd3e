"""Drafts of the result sent for review with ``forward`` (gh-6 item 6), through the engine
and the API; drafts are internal: the owner never gets them.

The clock is frozen on Tue 10/03/2026 09:00 in Huế, an ordinary working week.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings, tag

import time_machine

from motcua.accounts.tests.factories import UserFactory
from motcua.apiclients.constants import Scope
from motcua.apiclients.services import api_token_issue
from motcua.datastore.services import store_add_issued_result
from motcua.dossiers.constants import DocumentKind, EventAction
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.services import PartyData, dossier_act
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.dossiers.tests.test_transitions import PATHS
from motcua.dossiers.uploads import upload_store
from motcua.organisations.constants import Role

A = EventAction
R = Role
NOW = vn(2026, 3, 10, 9)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
DOSSIERS = "/api/v1/dossiers/"
UPLOADS = "/api/v1/uploads/"


@tag("gh-6")
class DraftTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.citizen = UserFactory(full_name="Trần Văn Bình", identity_number="046090001234")
        _, cls.secret = api_token_issue(user=cls.world.staff[R.SPECIALIST], scopes=Scope.values)

    def setUp(self) -> None:
        self.enterContext(time_machine.travel(NOW, tick=False))
        media = tempfile.mkdtemp(prefix="motcua-drafts-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))

    def at_step2(self) -> Dossier:
        """At the specialist's step (Thẩm định), owned by the citizen's account."""
        dossier = self.world.receive(owner=PartyData(full_name="Trần Văn Bình", user=self.citizen))
        for action, role, fields in PATHS["step2"]:
            dossier_act(code=dossier.code, action=action, by=self.world.staff[role], **fields)
        return dossier

    def draft_upload(self, name: str = "du-thao.pdf") -> str:
        upload = upload_store(
            file=SimpleUploadedFile(name, PDF), user=self.world.staff[R.SPECIALIST]
        )
        return str(upload.pk)

    def test_the_engine_attaches_the_draft_and_records_it_in_the_event(self) -> None:
        dossier = self.at_step2()
        event = dossier_act(
            code=dossier.code,
            action=A.FORWARD,
            by=self.world.staff[R.SPECIALIST],
            note="Đủ điều kiện, trình ký",
            upload_ids=[self.draft_upload()],
        )
        draft = DossierDocument.objects.get(dossier=dossier)
        self.assertEqual(draft.kind, DocumentKind.DRAFT)
        self.assertEqual(draft.get_kind_display(), "Dự thảo kết quả")
        self.assertEqual((draft.name, draft.original_name), ("Dự thảo kết quả", "du-thao.pdf"))
        self.assertEqual(
            event.data["documents"],
            [{"id": draft.pk, "name": "du-thao.pdf", "sha256": draft.sha256}],
        )
        self.assertEqual(event.to_step, self.world.steps[2])
        # A forward without a draft stays as before: no documents in the event.
        plain = self.at_step2()
        event = dossier_act(code=plain.code, action=A.FORWARD, by=self.world.staff[R.SPECIALIST])
        self.assertNotIn("documents", event.data)

    def test_an_unknown_draft_is_refused_next_to_the_field_and_nothing_moves(self) -> None:
        dossier = self.at_step2()
        with self.assertRaises(ValidationError) as raised:
            dossier_act(
                code=dossier.code,
                action=A.FORWARD,
                by=self.world.staff[R.SPECIALIST],
                upload_ids=["00000000-0000-0000-0000-000000000000"],
            )
        self.assertIn("upload_ids.0", raised.exception.message_dict)
        dossier.refresh_from_db()
        self.assertEqual(dossier.current_step, self.world.steps[1])
        self.assertFalse(DossierDocument.objects.filter(dossier=dossier).exists())

    def test_the_api_forwards_with_a_draft_and_hides_it_from_the_owner(self) -> None:
        dossier = self.at_step2()
        auth = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}
        upload = self.client.post(UPLOADS, {"file": SimpleUploadedFile("du-thao.pdf", PDF)}, **auth)
        self.assertEqual(upload.status_code, 201, upload.content)
        response = self.client.post(
            f"{DOSSIERS}{dossier.code}/actions/forward/",
            json.dumps({"note": "Trình ký", "upload_ids": [upload.json()["id"]]}),
            content_type="application/json",
            **auth,
        )
        self.assertEqual(response.status_code, 200, response.content)
        draft = DossierDocument.objects.get(dossier=dossier, kind=DocumentKind.DRAFT)
        # A bad id is named by its position.
        again = self.at_step2()
        bad = self.client.post(
            f"{DOSSIERS}{again.code}/actions/forward/",
            json.dumps({"upload_ids": ["khong-phai-uuid"]}),
            content_type="application/json",
            **auth,
        )
        self.assertEqual(bad.status_code, 400)
        self.assertIn("upload_ids.0", json.dumps(bad.json(), ensure_ascii=False))
        # Staff see the draft in the detail; the owner (session) does not.
        staff: Any = self.client.get(f"{DOSSIERS}{dossier.code}/", **auth).json()
        self.assertEqual([d["id"] for d in staff["documents"]], [draft.pk])
        self.client.force_login(self.citizen)
        owner = self.client.get(f"{DOSSIERS}{dossier.code}/")
        self.assertEqual(owner.status_code, 200, owner.content)
        self.assertEqual(owner.json()["documents"], [])
        # Nor in the history: staff see the forward's draft, the owner only that it moved on.
        self.client.logout()
        forwards = [
            e
            for e in self.client.get(f"{DOSSIERS}{dossier.code}/history/", **auth).json()
            if e["action"] == "forward"
        ]
        self.assertEqual([d["id"] for d in forwards[-1]["details"]["documents"]], [draft.pk])
        self.client.force_login(self.citizen)
        history = self.client.get(f"{DOSSIERS}{dossier.code}/history/")
        self.assertEqual(history.status_code, 200, history.content)
        owner_forwards = [e for e in history.json() if e["action"] == "forward"]
        self.assertEqual(len(owner_forwards), len(forwards))
        self.assertNotIn("du-thao", history.content.decode())
        self.assertTrue(all("documents" not in e["details"] for e in owner_forwards))

    def test_a_draft_never_goes_to_the_citizens_data_store(self) -> None:
        dossier = self.at_step2()
        dossier_act(
            code=dossier.code,
            action=A.FORWARD,
            by=self.world.staff[R.SPECIALIST],
            upload_ids=[self.draft_upload()],
        )
        draft = DossierDocument.objects.get(dossier=dossier)
        with self.assertRaises(ValueError):
            store_add_issued_result(user=self.citizen, document=draft)
        self.assertFalse(self.citizen.stored_documents.exists())
