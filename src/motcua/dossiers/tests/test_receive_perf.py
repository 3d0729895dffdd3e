"""Reception and the public lookup stay lean (gh-4 item 13), and idempotency covers uploads.

The figures of item 13 are measured by ``bench/dossiers.py``, not here
(conventions §10: no timing assertions in tests). These tests pin what the
figures rest on: a fixed number of queries for one reception and for one
lookup, and the per-agency code counter taken by the last statements of the
reception so that concurrent receptions wait for it as briefly as possible.

The clock is frozen on Tue 10/03/2026 09:00 in Huế.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

import time_machine

from motcua.apiclients.constants import Scope
from motcua.apiclients.services import api_token_issue
from motcua.calendars.models import CalendarDay, DayKind
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierFee, IdempotencyRecord
from motcua.dossiers.tests.test_api import PDF
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.organisations.constants import Role
from motcua.organisations.models import StaffMembership
from motcua.procedures.models import FeeRule, ProcedureVariant, ProcedureVersion

NOW = vn(2026, 3, 10, 9)
DOSSIERS = "/api/v1/dossiers/"
UPLOADS = "/api/v1/uploads/"
LOOKUP = "/api/v1/lookup/"

# One reception through the API, as the tests count them (the view's transaction
# is a savepoint inside the test's): the bearer token; the reference-data
# generation (core.refdata: the agency, the officer's roles, the variant with its
# version and the agency's offering, the calendar and the fee rules then come from
# the process cache, read by the first reception of the test); SAVEPOINT; the
# insert of the dossier; the owner, delivery, fee, sync state and the first
# history event (no read of a previous event: there is none; the outbox is given
# the parties just saved, and this owner has no e-mail, account or SMS, so no
# outbox row and no read after the commit), one statement each on SQLite, one
# round trip together on PostgreSQL (core.inserts); the code counter and the
# code (one statement on PostgreSQL, dossiers.codes.dossier_code_assign); RELEASE
# SAVEPOINT.
RECEIVE_QUERIES = {"postgresql": 7, "sqlite": 12}
# The public lookup by code and key: the dossier with its timeline, one query.
LOOKUP_QUERIES = 1


class ReceptionQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        _, cls.secret = api_token_issue(
            user=cls.world.staff[Role.RECEPTION_OFFICER], scopes=Scope.values
        )

    def setUp(self) -> None:
        cache.clear()  # the lookup's throttle
        self.enterContext(time_machine.travel(NOW, tick=False))

    def post(self, url: str, body: dict[str, Any], **extra: Any):
        return self.client.post(
            url,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.secret}",
            **extra,
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

    def receive(self) -> dict[str, Any]:
        response = self.post(DOSSIERS, self.receive_body())
        self.assertEqual(response.status_code, 201, response.content)
        return response.json()

    def upload(self) -> str:
        response = self.client.post(
            UPLOADS,
            {"file": SimpleUploadedFile("to-khai.pdf", PDF)},
            HTTP_AUTHORIZATION=f"Bearer {self.secret}",
        )
        self.assertEqual(response.status_code, 201, response.content)
        return str(response.json()["id"])

    def test_a_reception_takes_a_fixed_number_of_queries(self) -> None:
        self.receive()  # the token's last use is recorded once a minute: not counted below
        with self.assertNumQueries(RECEIVE_QUERIES[connection.vendor]):
            second = self.receive()
        with self.assertNumQueries(RECEIVE_QUERIES[connection.vendor]):
            third = self.receive()
        self.assertEqual(
            [second["code"][-4:], third["code"][-4:]], ["0002", "0003"], "gapless sequence"
        )

    def test_reference_changes_apply_to_the_very_next_reception(self) -> None:
        """The process cache of reference data (core.refdata) is never stale.

        Each change below bypasses the models' save() (queryset update, raw
        bulk insert) so that only the database triggers can tell the cache.
        """
        first = self.receive()  # fills the cache
        self.assertEqual(first["due_at"], "2026-03-17T09:00:00+07:00")  # 5 working days
        # A fee rule's amount changes: the next dossier pins the new amount.
        FeeRule.objects.filter(variant=self.world.variant).update(amount=12000)
        # A province-wide day off is announced for Thu 12/03: one more working day.
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=dt.date(2026, 3, 12), kind=DayKind.NON_WORKING, name="Nghỉ")]
        )
        second = self.receive()
        self.assertEqual(second["due_at"], "2026-03-18T09:00:00+07:00")
        fees = DossierFee.objects.filter(dossier__code=second["code"])
        self.assertEqual(sorted(f.amount for f in fees), [12000])
        # The officer's membership ends yesterday: the next reception is refused.
        StaffMembership.objects.filter(user=self.world.staff[Role.RECEPTION_OFFICER]).update(
            valid_to=dt.date(2026, 3, 9)
        )
        refused = self.post(DOSSIERS, self.receive_body())
        self.assertEqual(refused.status_code, 403, refused.content)

    def test_a_new_published_version_is_pinned_at_once(self) -> None:
        self.receive()  # fills the cache with today's version
        old = self.world.variant.version
        new = ProcedureVersion.objects.get(pk=old.pk)
        new.pk = None
        new.number = old.number + 1
        new.valid_from = dt.date(2026, 3, 10)
        new.name = "Cấp bản sao trích lục hộ tịch (sửa đổi)"
        ProcedureVersion.objects.bulk_create([new])
        ProcedureVersion.objects.filter(pk=old.pk).update(valid_to=dt.date(2026, 3, 9))
        variant = ProcedureVariant.objects.get(pk=self.world.variant.pk)
        variant.pk = None
        variant.version_id = ProcedureVersion.objects.get(
            procedure=old.procedure, number=old.number + 1
        ).pk
        ProcedureVariant.objects.bulk_create([variant])
        receipt = self.receive()
        dossier = Dossier.objects.get(code=receipt["code"])
        self.assertEqual(dossier.procedure_version.number, old.number + 1)
        self.assertEqual(dossier.summary, "Cấp bản sao trích lục hộ tịch (sửa đổi)")

    def test_the_code_counter_is_taken_last_just_before_the_commit(self) -> None:
        self.receive()
        with CaptureQueriesContext(connection) as queries:
            receipt = self.receive()
        statements = [q["sql"] for q in queries.captured_queries]
        counter = DossierCodeCounter._meta.db_table
        taken = [i for i, sql in enumerate(statements) if counter in sql]
        self.assertEqual(len(taken), 1, "the counter is read and incremented by one statement")
        after = statements[taken[0] + 1 :]
        if connection.vendor == "postgresql":
            # The same statement writes the code; then the end of the view's transaction.
            table = Dossier._meta.db_table
            self.assertIn(f'UPDATE "{table}" SET "code"', statements[taken[0]])  # noqa: S608
            self.assertEqual(len(after), 1, after)
        else:
            # After it: only the dossier's code, then the end of the view's transaction.
            self.assertEqual(len(after), 2, after)
            self.assertTrue(after[0].startswith(f'UPDATE "{Dossier._meta.db_table}"'), after[0])
            self.assertIn(receipt["code"], after[0])
        self.assertTrue(after[-1].startswith("RELEASE SAVEPOINT"), after[-1])
        self.assertFalse(Dossier.objects.filter(code__startswith="~").exists())

    def test_a_public_lookup_takes_one_query_however_long_the_history(self) -> None:
        receipt = self.receive()
        params = {"code": receipt["code"], "key": receipt["lookup_key"]}
        self.client.get(LOOKUP, params)  # the throttle's first hit for this address
        with self.assertNumQueries(LOOKUP_QUERIES):
            short = self.client.get(LOOKUP, params)
        transfer = f"{DOSSIERS}{receipt['code']}/actions/transfer/"
        self.assertEqual(self.post(transfer, {}).status_code, 200)
        with self.assertNumQueries(LOOKUP_QUERIES):
            long = self.client.get(LOOKUP, params)
        self.assertEqual(len(short.json()["timeline"]), 1)
        self.assertEqual(
            [(e["action"], e["status"]) for e in long.json()["timeline"]],
            [("receive", 2), ("transfer", 4)],
        )

    def test_a_lookup_with_an_overlong_code_answers_the_serializer_message(self) -> None:
        response = self.client.get(LOOKUP, {"code": "0" * 61, "key": "ABCDEFGH"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()["errors"]), ["code"])
        blank_key = self.client.get(LOOKUP, {"code": "000.00.06.H57-260310-0001", "key": "  "})
        self.assertEqual(blank_key.status_code, 400)
        self.assertEqual(list(blank_key.json()["errors"]), ["key"])

    def test_the_same_idempotency_key_with_other_upload_ids_is_a_conflict(self) -> None:
        first_upload, other_upload = self.upload(), self.upload()
        body = self.receive_body(upload_ids=[{"id": first_upload, "name": "Tờ khai"}])
        first = self.post(DOSSIERS, body, HTTP_IDEMPOTENCY_KEY="k-uploads")
        self.assertEqual(first.status_code, 201, first.content)
        other = self.receive_body(upload_ids=[{"id": other_upload, "name": "Tờ khai"}])
        conflict = self.post(DOSSIERS, other, HTTP_IDEMPOTENCY_KEY="k-uploads")
        self.assertEqual(conflict.status_code, 409, conflict.content)
        self.assertIn(first.json()["code"], conflict.json()["errors"]["Idempotency-Key"][0])
        # The other file was not attached anywhere, and nothing else was created.
        self.assertEqual(Dossier.objects.count(), 1)
        self.assertEqual(IdempotencyRecord.objects.count(), 1)
        dossier = Dossier.objects.get()
        self.assertEqual([d.name for d in dossier.documents.all()], ["Tờ khai"])
        # The very same request is still a replay.
        again = self.post(DOSSIERS, body, HTTP_IDEMPOTENCY_KEY="k-uploads")
        self.assertEqual((again.status_code, again.json()), (200, first.json()))
