"""The task-oriented dossier API through HTTP with bearer tokens (gh-4 item 11).

The clock is frozen on Tue 10/03/2026 09:00 in Huế, an ordinary working week.
"""

from __future__ import annotations

import json
from typing import Any
from unittest.mock import patch

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

import time_machine

from motcua.apiclients.constants import Scope
from motcua.apiclients.services import api_token_issue
from motcua.dossiers.api.views import ACTION_VIEWS
from motcua.dossiers.constants import DossierStatus
from motcua.dossiers.history import event_chain_problems
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import HANDLERS
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.organisations.constants import Role

NOW = vn(2026, 3, 10, 9)
DOSSIERS = "/api/v1/dossiers/"
UPLOADS = "/api/v1/uploads/"
LOOKUP = "/api/v1/lookup/"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
R = Role


class DossierApiTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.secrets: dict[Role, str] = {}
        for role, user in cls.world.staff.items():
            _, cls.secrets[role] = api_token_issue(user=user, scopes=Scope.values)
        _, cls.other_secret = api_token_issue(
            user=cls.world.other_staff[R.RECEPTION_OFFICER], scopes=Scope.values
        )

    def setUp(self) -> None:
        cache.clear()  # the lookup's throttle
        self.enterContext(time_machine.travel(NOW, tick=False))

    # --- helpers ---

    def auth(self, role: Role) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secrets[role]}"}

    def post(self, url: str, body: dict[str, Any], role: Role = R.RECEPTION_OFFICER, **extra: Any):
        return self.client.post(
            url, json.dumps(body), content_type="application/json", **self.auth(role), **extra
        )

    def receive_body(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "procedure_code": self.world.code,
            "variant_code": self.world.variant.code,
            "agency_code": self.world.center.code,
            "channel": 1,
            "owner": {
                "full_name": "Nguyễn Thị Hoa",
                "identity_number": "046190000123",
                "phone": "0905123456",
            },
            "return_mode": "counter",
        }
        body.update(overrides)
        return body

    def receive(self, **overrides: Any) -> dict[str, Any]:
        response = self.post(DOSSIERS, self.receive_body(**overrides))
        self.assertEqual(response.status_code, 201, response.content)
        return response.json()

    def act(self, code: str, slug: str, role: Role, body: dict[str, Any] | None = None):
        return self.post(f"{DOSSIERS}{code}/actions/{slug}/", body or {}, role)

    def upload(
        self, name: str = "to-khai.pdf", content: bytes = PDF, role: Role = R.RECEPTION_OFFICER
    ):
        return self.client.post(
            UPLOADS, {"file": SimpleUploadedFile(name, content)}, **self.auth(role)
        )

    # --- uploads ---

    def test_it_accepts_an_upload_and_answers_its_id_size_type_and_hash(self) -> None:
        response = self.upload()
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            {k: body[k] for k in ("name", "size", "media_type")},
            {"name": "to-khai.pdf", "size": len(PDF), "media_type": "application/pdf"},
        )
        self.assertEqual(len(body["sha256"]), 64)
        self.assertEqual(len(body["id"]), 36)

    def test_it_rejects_a_renamed_executable_with_the_vietnamese_message(self) -> None:
        response = self.upload("cccd.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json(),
            {
                "errors": {
                    "file": ["Tệp “cccd.pdf” không phải là PDF (nội dung là tệp chương trình)."]
                }
            },
        )

    # --- receive ---

    def test_it_receives_a_dossier_with_attachments(self) -> None:
        upload_id = self.upload().json()["id"]
        body = self.receive(upload_ids=[{"id": upload_id, "name": "Tờ khai"}])
        self.assertEqual(body["code"], f"{self.world.center.code}-260310-0001")
        self.assertEqual(body["status"], DossierStatus.RECEIVED)
        self.assertEqual(len(body["lookup_key"]), 8)
        self.assertEqual(body["received_at"], "2026-03-10T09:00:00+07:00")
        self.assertEqual(body["due_at"], "2026-03-17T09:00:00+07:00")  # five working days
        dossier = Dossier.objects.get(code=body["code"])
        self.assertEqual([d.name for d in dossier.documents.all()], ["Tờ khai"])

    def test_it_answers_a_repeated_idempotency_key_with_200_and_the_same_body(self) -> None:
        first = self.post(DOSSIERS, self.receive_body(), HTTP_IDEMPOTENCY_KEY="k-1")
        again = self.post(DOSSIERS, self.receive_body(), HTTP_IDEMPOTENCY_KEY="k-1")
        self.assertEqual((first.status_code, again.status_code), (201, 200))
        self.assertEqual(first.json(), again.json())
        self.assertEqual(Dossier.objects.count(), 1)
        other = self.receive_body(owner={"full_name": "Trần Văn Nam"})
        conflict = self.post(DOSSIERS, other, HTTP_IDEMPOTENCY_KEY="k-1")
        self.assertEqual(conflict.status_code, 409)
        self.assertIn("Idempotency-Key", conflict.json()["errors"])
        self.assertEqual(Dossier.objects.count(), 1)

    def test_it_names_each_bad_field_of_a_reception_and_keeps_nothing(self) -> None:
        upload_id = self.upload().json()["id"]
        body = self.receive_body(
            owner={"identity_number": "046190000123"},
            channel=9,
            upload_ids=[{"id": upload_id}],
        )
        response = self.post(DOSSIERS, body)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            sorted(response.json()["errors"]),
            ["channel", "owner.full_name", "upload_ids.0.name"],
        )
        future = self.post(DOSSIERS, self.receive_body(received_at="2026-03-11T09:00:00+07:00"))
        self.assertEqual(future.status_code, 400)
        self.assertEqual(list(future.json()["errors"]), ["received_at"])
        foreign = self.upload(role=R.SPECIALIST).json()["id"]
        response = self.post(
            DOSSIERS, self.receive_body(upload_ids=[{"id": foreign, "name": "Giấy tờ"}])
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()["errors"]), ["upload_ids.0.id"])
        self.assertEqual(Dossier.objects.count(), 0)  # the failed attachment rolled it back

    def test_it_refuses_reception_by_a_non_reception_officer(self) -> None:
        response = self.post(DOSSIERS, self.receive_body(), R.SPECIALIST)
        self.assertEqual(response.status_code, 403)

    # --- list and detail ---

    def test_it_lists_with_a_fixed_number_of_queries(self) -> None:
        self.receive()
        self.receive()
        self.client.get(DOSSIERS, **self.auth(R.RECEPTION_OFFICER))  # last_used_at written
        with CaptureQueriesContext(connection) as two:
            response = self.client.get(DOSSIERS, **self.auth(R.RECEPTION_OFFICER))
        self.assertEqual(response.json()["count"], 2)
        for _ in range(4):
            self.receive()
        with CaptureQueriesContext(connection) as six:
            response = self.client.get(DOSSIERS, **self.auth(R.RECEPTION_OFFICER))
        self.assertEqual(len(response.json()["results"]), 6)
        self.assertEqual(len(two), len(six))
        # token, memberships (jurisdiction), count, page
        self.assertEqual(len(six), 4)

    def test_it_filters_the_list_and_hides_other_jurisdictions(self) -> None:
        first = self.receive()
        self.receive(owner={"full_name": "Trần Văn Nam"})
        self.act(first["code"], "transfer", R.RECEPTION_OFFICER)
        auth = self.auth(R.RECEPTION_OFFICER)
        by_status = self.client.get(DOSSIERS, {"status": 4}, **auth).json()
        self.assertEqual([d["code"] for d in by_status["results"]], [first["code"]])
        by_name = self.client.get(DOSSIERS, {"q": "Trần Văn"}, **auth).json()
        self.assertEqual(by_name["count"], 1)
        before = self.client.get(DOSSIERS, {"due_before": "2026-03-18T00:00:00+07:00"}, **auth)
        self.assertEqual(before.json()["count"], 2)
        other = self.client.get(DOSSIERS, HTTP_AUTHORIZATION=f"Bearer {self.other_secret}")
        self.assertEqual(other.json()["count"], 0)
        bad = self.client.get(DOSSIERS, {"status": 42}, **auth)
        self.assertEqual(list(bad.json()["errors"]), ["status"])

    def test_it_shows_a_dossier_with_its_allowed_actions(self) -> None:
        code = self.receive()["code"]
        response = self.client.get(f"{DOSSIERS}{code}/", **self.auth(R.RECEPTION_OFFICER))
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], 2)
        self.assertEqual(body["parties"][0]["full_name"], "Nguyễn Thị Hoa")
        self.assertIn("transfer", body["allowed_actions"])
        self.assertIn("withdraw", body["allowed_actions"])

    def test_it_answers_404_alike_for_unknown_and_out_of_jurisdiction_codes(self) -> None:
        code = self.receive()["code"]
        other = {"HTTP_AUTHORIZATION": f"Bearer {self.other_secret}"}
        hidden = self.client.get(f"{DOSSIERS}{code}/", **other)
        missing = self.client.get(f"{DOSSIERS}{code}9/", **other)
        self.assertEqual((hidden.status_code, missing.status_code), (404, 404))
        action = self.client.post(
            f"{DOSSIERS}{code}/actions/transfer/", {}, content_type="application/json", **other
        )
        self.assertEqual(action.status_code, 404)
        history = self.client.get(f"{DOSSIERS}{code}/history/", **other)
        self.assertEqual(history.status_code, 404)

    # --- actions: error classes ---

    def test_it_answers_409_with_the_status_and_allowed_actions(self) -> None:
        code = self.receive()["code"]
        response = self.act(code, "accept", R.RECEPTION_OFFICER)
        self.assertEqual(response.status_code, 409)
        body = response.json()
        self.assertEqual(body["status"], 2)
        self.assertEqual(sorted(body["allowed_actions"]), ["stop", "transfer", "withdraw"])
        self.assertEqual(list(body["errors"]), ["action"])

    def test_it_answers_403_to_a_role_that_may_not_act(self) -> None:
        code = self.receive()["code"]
        response = self.act(code, "transfer", R.SPECIALIST)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Dossier.objects.get(code=code).status, DossierStatus.RECEIVED)

    def test_it_answers_400_naming_each_field(self) -> None:
        code = self.receive()["code"]
        self.act(code, "transfer", R.RECEPTION_OFFICER)
        self.act(code, "forward", R.DIVISION_HEAD)
        response = self.act(code, "request-supplement", R.SPECIALIST, {"respond_by": "soon"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(sorted(response.json()["errors"]), ["items", "reason", "respond_by"])
        # A field the service refuses is named too.
        response = self.act(
            code,
            "coordinate",
            R.SPECIALIST,
            {
                "agency_code": self.world.center.code,
                "question": "?",
                "due_at": "2026-03-12T09:00:00+07:00",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()["errors"]), ["agency_code"])

    def test_every_engine_action_has_an_endpoint(self) -> None:
        self.assertEqual(set(ACTION_VIEWS), set(HANDLERS))

    # --- the happy path ---

    def test_it_takes_a_dossier_from_the_counter_to_the_returned_result(self) -> None:
        code = self.receive()["code"]
        steps = [
            ("transfer", R.RECEPTION_OFFICER, {}, 4, "Phân công"),
            (
                "assign",
                R.DIVISION_HEAD,
                {"handler": self.world.staff[R.DIVISION_HEAD].username},
                4,
                "Phân công",
            ),
            ("forward", R.DIVISION_HEAD, {"note": "Chuyển thẩm định"}, 4, "Thẩm định"),
            ("forward", R.SPECIALIST, {}, 4, "Phê duyệt, ký"),
            ("approve", R.AGENCY_LEADER, {"note": "Đồng ý"}, 4, "Phê duyệt, ký"),
            ("sign", R.AGENCY_LEADER, {}, 4, "Phê duyệt, ký"),
            ("forward", R.AGENCY_LEADER, {}, 4, "Vào số, phát hành"),
            ("issue-result", R.CLERK, {"result": {"number": "12/TL"}}, 9, "Vào số, phát hành"),
            ("return-result", R.RECEPTION_OFFICER, {}, 10, "Vào số, phát hành"),
        ]
        for slug, role, body, status, step in steps:
            response = self.act(code, slug, role, body)
            self.assertEqual(response.status_code, 200, (slug, response.content))
            self.assertEqual(
                (response.json()["status"], response.json()["current_step"]), (status, step), slug
            )
        dossier = Dossier.objects.get(code=code)
        self.assertEqual(dossier.timeliness, "early")
        self.assertEqual(event_chain_problems(dossier_id=dossier.pk), [])

        history = self.client.get(f"{DOSSIERS}{code}/history/", **self.auth(R.CLERK)).json()
        self.assertEqual(
            [e["action"] for e in history],
            [
                "receive",
                "transfer",
                "assign",
                "forward",
                "forward",
                "approve",
                "sign",
                "forward",
                "issue_result",
                "return_result",
            ],
        )
        self.assertEqual(history[1]["prev_hash"], history[0]["hash"])
        self.assertEqual(history[0]["actor"], self.world.staff[R.RECEPTION_OFFICER].username)

    def test_history_has_a_fixed_number_of_queries(self) -> None:
        code = self.receive()["code"]
        self.client.get(f"{DOSSIERS}{code}/history/", **self.auth(R.RECEPTION_OFFICER))
        with CaptureQueriesContext(connection) as short:
            self.client.get(f"{DOSSIERS}{code}/history/", **self.auth(R.RECEPTION_OFFICER))
        self.act(code, "transfer", R.RECEPTION_OFFICER)
        self.act(code, "forward", R.DIVISION_HEAD)
        with CaptureQueriesContext(connection) as long:
            response = self.client.get(
                f"{DOSSIERS}{code}/history/", **self.auth(R.RECEPTION_OFFICER)
            )
        self.assertEqual(len(response.json()), 3)
        self.assertEqual(len(short), len(long))

    # --- control sheet and official forms ---

    def test_it_derives_the_control_sheet_from_the_history(self) -> None:
        code = self.receive()["code"]
        self.act(code, "transfer", R.RECEPTION_OFFICER)
        response = self.client.get(f"{DOSSIERS}{code}/control-sheet/", **self.auth(R.SPECIALIST))
        self.assertEqual(response.status_code, 200)
        self.assertEqual([row["action"] for row in response.json()], ["receive", "transfer"])

    def test_it_serves_an_official_form_as_pdf_and_404s_a_form_that_does_not_apply(self) -> None:
        code = self.receive()["code"]
        auth = self.auth(R.RECEPTION_OFFICER)
        response = self.client.get(f"{DOSSIERS}{code}/forms/mau-01.pdf", **auth)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF-"))
        apology = self.client.get(f"{DOSSIERS}{code}/forms/mau-04.pdf", **auth)
        self.assertEqual(apology.status_code, 404)
        register = self.client.get(f"{DOSSIERS}{code}/forms/mau-07.pdf", **auth)
        self.assertEqual(register.status_code, 404)
        other = {"HTTP_AUTHORIZATION": f"Bearer {self.other_secret}"}
        hidden = self.client.get(f"{DOSSIERS}{code}/forms/mau-01.pdf", **other)
        self.assertEqual(hidden.status_code, 404)

    # --- public lookup ---

    def test_it_looks_up_by_code_and_key_without_personal_data(self) -> None:
        receipt = self.receive()
        self.act(receipt["code"], "transfer", R.RECEPTION_OFFICER)
        response = self.client.get(
            LOOKUP, {"code": receipt["code"], "key": receipt["lookup_key"].lower()}
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], 4)
        self.assertEqual(body["step"], "Phân công")
        self.assertEqual(body["on_time"], "on_track")
        self.assertEqual(body["due_at"], "2026-03-17T09:00:00+07:00")
        self.assertEqual([e["action"] for e in body["timeline"]], ["receive", "transfer"])
        text = response.content.decode()
        for personal in ("Nguyễn Thị Hoa", "046190000123", "0905123456", "username", "lookup_key"):
            self.assertNotIn(personal, text)
        for staff in self.world.staff.values():
            self.assertNotIn(staff.username, text)

    def test_it_answers_a_wrong_key_exactly_like_an_unknown_code(self) -> None:
        receipt = self.receive()
        wrong = self.client.get(LOOKUP, {"code": receipt["code"], "key": "AAAAAAAA"})
        unknown = self.client.get(LOOKUP, {"code": receipt["code"] + "9", "key": "AAAAAAAA"})
        self.assertEqual((wrong.status_code, unknown.status_code), (404, 404))
        self.assertEqual(wrong.content, unknown.content)
        alone = self.client.get(LOOKUP, {"code": receipt["code"]})
        self.assertEqual(alone.status_code, 400)

    def test_it_looks_up_by_code_and_the_owner_identity_number(self) -> None:
        receipt = self.receive()
        good = self.client.get(LOOKUP, {"code": receipt["code"], "identity_number": "046190000123"})
        self.assertEqual(good.status_code, 200)
        self.assertEqual(good.json()["code"], receipt["code"])
        bad = self.client.get(LOOKUP, {"code": receipt["code"], "identity_number": "046190000999"})
        self.assertEqual(bad.status_code, 404)

    def test_a_forged_forwarded_address_does_not_escape_the_lookup_limit(self) -> None:
        from rest_framework.throttling import AnonRateThrottle

        receipt = self.receive()
        params = {"code": receipt["code"], "key": receipt["lookup_key"]}
        with patch.object(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"}):
            answers = [
                self.client.get(LOOKUP, params, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
                for i in range(3)
            ]
        self.assertEqual(answers, [200, 200, 429])

    def test_lookup_has_a_fixed_number_of_queries(self) -> None:
        receipt = self.receive()
        params = {"code": receipt["code"], "key": receipt["lookup_key"]}
        with CaptureQueriesContext(connection) as short:
            self.client.get(LOOKUP, params)
        self.act(receipt["code"], "transfer", R.RECEPTION_OFFICER)
        with CaptureQueriesContext(connection) as long:
            self.client.get(LOOKUP, params)
        self.assertEqual(len(short), len(long))
        self.assertEqual(DossierEvent.objects.filter(dossier__code=receipt["code"]).count(), 2)
