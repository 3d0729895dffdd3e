"""Bearer tokens for staff and API clients (gh-4 item 10), through HTTP."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase

import time_machine

from motcua.accounts.constants import UserKind
from motcua.accounts.tests.factories import UserFactory
from motcua.apiclients.constants import Scope
from motcua.apiclients.models import ApiClient, ApiToken
from motcua.apiclients.services import (
    api_client_create,
    api_token_issue,
    api_token_revoke,
    demo_tokens_issue,
)
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.organisations.constants import Role
from motcua.organisations.models import StaffMembership

NOW = vn(2026, 3, 10, 9)
LIST = "/api/v1/dossiers/"
UPLOADS = "/api/v1/uploads/"


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


class ApiTokenTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.officer = cls.world.staff[Role.RECEPTION_OFFICER]

    def setUp(self) -> None:
        self.enterContext(time_machine.travel(NOW, tick=False))

    def test_it_stores_only_the_hash_and_shows_the_secret_once(self) -> None:
        token, secret = api_token_issue(user=self.officer, scopes=[Scope.DOSSIERS_READ])
        self.assertRegex(secret, r"^mc_[A-Za-z0-9]{40}$")
        token.refresh_from_db()
        self.assertEqual(token.key_hash, hashlib.sha256(secret.encode()).hexdigest())
        self.assertEqual(token.lookup, secret[:11])
        row = ApiToken.objects.filter(pk=token.pk).values().get()
        self.assertNotIn(secret, [str(value) for value in row.values()])

    def test_it_authenticates_a_valid_token_and_records_last_use_once_a_minute(self) -> None:
        token, secret = api_token_issue(user=self.officer, scopes=[Scope.DOSSIERS_READ])
        response = self.client.get(LIST, **bearer(secret))
        self.assertEqual(response.status_code, 200)
        token.refresh_from_db()
        self.assertEqual(token.last_used_at, NOW)
        with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
            self.client.get(LIST, **bearer(secret))
        token.refresh_from_db()
        self.assertEqual(token.last_used_at, NOW)  # not rewritten within the minute
        with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
            self.client.get(LIST, **bearer(secret))
        token.refresh_from_db()
        self.assertEqual(token.last_used_at, NOW + dt.timedelta(minutes=2))

    def test_it_answers_401_without_a_token_or_with_an_unknown_one(self) -> None:
        self.assertEqual(self.client.get(LIST).status_code, 401)
        response = self.client.get(LIST, **bearer("mc_" + "x" * 40))
        self.assertEqual(response.status_code, 401)
        self.assertIn("Bearer", response["WWW-Authenticate"])

    def test_it_refuses_a_revoked_token(self) -> None:
        token, secret = api_token_issue(user=self.officer, scopes=[Scope.DOSSIERS_READ])
        api_token_revoke(token=token)
        self.assertEqual(self.client.get(LIST, **bearer(secret)).status_code, 401)

    def test_it_refuses_an_expired_token(self) -> None:
        _, secret = api_token_issue(
            user=self.officer,
            scopes=[Scope.DOSSIERS_READ],
            expires_at=NOW + dt.timedelta(days=1),
        )
        self.assertEqual(self.client.get(LIST, **bearer(secret)).status_code, 200)
        with time_machine.travel(NOW + dt.timedelta(days=1, seconds=1), tick=False):
            self.assertEqual(self.client.get(LIST, **bearer(secret)).status_code, 401)

    def test_it_answers_403_for_a_token_without_the_scope(self) -> None:
        _, secret = api_token_issue(user=self.officer, scopes=[Scope.DOSSIERS_READ])
        upload = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%%EOF\n")
        response = self.client.post(UPLOADS, {"file": upload}, **bearer(secret))
        self.assertEqual(response.status_code, 403)
        response = self.client.post(LIST, {}, content_type="application/json", **bearer(secret))
        self.assertEqual(response.status_code, 403)

    def test_it_refuses_personal_tokens_for_citizens(self) -> None:
        citizen = UserFactory(kind=UserKind.CITIZEN)
        with self.assertRaises(ValidationError):
            api_token_issue(user=citizen, scopes=[Scope.DOSSIERS_READ])

    def test_it_binds_a_client_to_its_agency_through_a_service_user(self) -> None:
        w = self.world
        client = api_client_create(
            name="buudien", agency=w.center, scopes=[Scope.DOSSIERS_READ, Scope.DOSSIERS_WRITE]
        )
        membership = StaffMembership.objects.get(user=client.service_user)
        self.assertEqual((membership.agency, membership.role), (w.center, Role.RECEPTION_OFFICER))
        self.assertFalse(client.service_user.has_usable_password())
        with self.assertRaises(ValidationError):
            api_token_issue(client=client, scopes=[Scope.UPLOADS_WRITE])
        token, secret = api_token_issue(
            client=client, scopes=[Scope.DOSSIERS_READ, Scope.DOSSIERS_WRITE]
        )
        self.assertEqual(token.user, client.service_user)
        body = {
            "procedure_code": w.code,
            "agency_code": w.center.code,
            "channel": 3,
            "owner": {"full_name": "Lê Văn Bình"},
            "return_mode": "postal",
            "delivery_address": "12 Lê Lợi, Thuận Hóa, Huế",
        }
        response = self.client.post(LIST, body, content_type="application/json", **bearer(secret))
        self.assertEqual(response.status_code, 201, response.content)
        # At another agency the service user is no reception officer.
        body["agency_code"] = w.other.code
        response = self.client.post(LIST, body, content_type="application/json", **bearer(secret))
        self.assertEqual(response.status_code, 403)

    def test_it_narrows_a_client_token_to_the_client_scopes_and_blocks_disabled_clients(
        self,
    ) -> None:
        client = api_client_create(
            name="dvcqg", agency=self.world.center, scopes=[Scope.DOSSIERS_READ]
        )
        _, secret = api_token_issue(client=client, scopes=[Scope.DOSSIERS_READ])
        ApiClient.objects.filter(pk=client.pk).update(scopes=[])
        self.assertEqual(self.client.get(LIST, **bearer(secret)).status_code, 403)
        ApiClient.objects.filter(pk=client.pk).update(scopes=[Scope.DOSSIERS_READ], is_active=False)
        self.assertEqual(self.client.get(LIST, **bearer(secret)).status_code, 401)

    def test_it_creates_tokens_with_the_management_command(self) -> None:
        out = StringIO()
        call_command(
            "create_api_token",
            "--user",
            self.officer.username,
            "--scopes",
            "dossiers:read",
            stdout=out,
        )
        secret = out.getvalue().strip()
        self.assertEqual(self.client.get(LIST, **bearer(secret)).status_code, 200)
        out = StringIO()
        call_command(
            "create_api_token",
            "--client",
            "motcua-hue",
            "--agency",
            self.world.center.code,
            "--scopes",
            "dossiers:read",
            "uploads:write",
            stdout=out,
        )
        secret = out.getvalue().strip()
        client = ApiClient.objects.get(name="motcua-hue")
        self.assertEqual(client.agency, self.world.center)
        token = ApiToken.objects.get(client=client)
        self.assertEqual(sorted(token.scopes), ["dossiers:read", "uploads:write"])
        self.assertEqual(self.client.get(LIST, **bearer(secret)).status_code, 200)

    def test_it_issues_one_token_per_demo_staff_user_and_revokes_the_previous_ones(self) -> None:
        demo = self.world.staff[Role.SPECIALIST]
        demo.is_demo = True
        demo.save(update_fields=["is_demo"])
        citizen = UserFactory(kind=UserKind.CITIZEN, is_demo=True)
        first = demo_tokens_issue()
        self.assertEqual([username for username, _ in first], [demo.username])
        self.assertNotIn(citizen.username, dict(first))
        second = demo_tokens_issue()
        self.assertEqual(self.client.get(LIST, **bearer(first[0][1])).status_code, 401)
        self.assertEqual(self.client.get(LIST, **bearer(second[0][1])).status_code, 200)


class ApiTokenAdminTests(TestCase):
    def test_it_issues_a_client_token_in_the_admin_and_shows_it_once(self) -> None:
        world = make_world()
        client = api_client_create(name="cong-tinh", agency=world.center, scopes=Scope.values)
        # A demo superuser in demo mode skips the second factor (as in test_history).
        self.client.force_login(UserFactory(is_staff=True, is_superuser=True, is_demo=True))
        self.enterContext(self.settings(MOTCUA_DEMO=True))
        response = self.client.post(
            "/admin/apiclients/apitoken/add/",
            {"client": client.pk, "name": "cổng tỉnh", "scopes": '["dossiers:read"]'},
            follow=True,
        )
        self.assertEqual(response.status_code, 200)
        errors = (
            response.context["adminform"].form.errors if "adminform" in response.context else {}
        )
        self.assertEqual(errors, {})
        token = ApiToken.objects.get(client=client)
        self.assertEqual(token.user, client.service_user)
        shown = [str(m) for m in response.context["messages"]]
        self.assertTrue(any(token.lookup in m for m in shown), shown)
