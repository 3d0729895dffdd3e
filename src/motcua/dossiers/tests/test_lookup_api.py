"""The public lookup's body is what its documented serializer would render (gh-4 item 13).

``DossierLookupApi`` runs its one statement compiled once and builds the body
without ``OutputSerializer`` (which documents it): these tests pin that the
bytes are exactly those of the serializer rendered by DRF's JSONRenderer, on
whichever database the suite runs (SQLite converts the instants itself), in
Vietnamese and in English, for a history of several events and for none.

The clock is frozen on Tue 10/03/2026 09:00 in Huế.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.cache import cache
from django.test import TestCase, tag
from django.utils import translation

import time_machine
from rest_framework.renderers import JSONRenderer

from motcua.apiclients.constants import Scope
from motcua.apiclients.services import api_token_issue
from motcua.dossiers.api.views import ACTIVE, DossierLookupApi
from motcua.dossiers.constants import DossierStatus, EventAction
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import DossierFactory
from motcua.dossiers.tests.test_receive import make_world, vn
from motcua.organisations.constants import Role

NOW = vn(2026, 3, 10, 9)
DOSSIERS = "/api/v1/dossiers/"
LOOKUP = "/api/v1/lookup/"
R = Role


def serializer_body(code: str, language: str, media_type: str = "application/json") -> bytes:
    """The lookup's answer as ``OutputSerializer`` and JSONRenderer would write it."""
    dossier = Dossier.objects.select_related("procedure_version", "current_step").get(code=code)
    with translation.override(language):
        on_time = dossier.timeliness
        if not on_time and dossier.due_at is not None and dossier.status in ACTIVE:
            on_time = "overdue" if dossier.due_at < NOW else "on_track"
        data = DossierLookupApi.OutputSerializer(
            {
                "code": dossier.code,
                "procedure_name": dossier.procedure_version.name,
                "status": dossier.status,
                "status_label": str(DossierStatus(dossier.status).label),
                "received_at": dossier.received_at,
                "due_at": dossier.due_at,
                "step": dossier.current_step.name if dossier.current_step else None,
                "on_time": on_time,
                "timeline": [
                    {
                        "action": event.action,
                        "action_label": str(EventAction(event.action).label),
                        "at": event.at,
                        "status": event.to_status,
                    }
                    for event in dossier.events.order_by("seq")
                ],
            }
        ).data
        return JSONRenderer().render(data, media_type)


@tag("gh-4")
class LookupBodyTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = make_world()
        cls.secrets: dict[Role, str] = {}
        for role, user in cls.world.staff.items():
            _, cls.secrets[role] = api_token_issue(user=user, scopes=Scope.values)

    def setUp(self) -> None:
        cache.clear()  # the lookup's throttle
        self.enterContext(time_machine.travel(NOW, tick=False))

    def post(self, url: str, body: dict[str, Any], role: Role) -> Any:
        return self.client.post(
            url,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.secrets[role]}",
        )

    def receive(self) -> dict[str, Any]:
        body = {
            "procedure_code": self.world.code,
            "variant_code": self.world.variant.code,
            "agency_code": self.world.center.code,
            "channel": 1,
            "owner": {"full_name": "Nguyễn Thị Hoa", "identity_number": "046190000123"},
            "return_mode": "counter",
        }
        response = self.post(DOSSIERS, body, R.RECEPTION_OFFICER)
        self.assertEqual(response.status_code, 201, response.content)
        return response.json()

    def test_a_long_history_reads_as_the_serializer_writes_it_in_both_languages(self) -> None:
        receipt = self.receive()
        code = receipt["code"]
        for slug, role in (("transfer", R.RECEPTION_OFFICER), ("forward", R.DIVISION_HEAD)):
            response = self.post(f"{DOSSIERS}{code}/actions/{slug}/", {}, role)
            self.assertEqual(response.status_code, 200, response.content)
        by_key = {"code": code, "key": receipt["lookup_key"]}
        by_identity = {"code": code, "identity_number": "046190000123"}
        vietnamese = self.client.get(LOOKUP, by_key)
        self.assertEqual(vietnamese.status_code, 200)
        self.assertEqual(vietnamese["Content-Type"], "application/json")
        self.assertEqual(vietnamese.content, serializer_body(code, "vi"))
        timeline = vietnamese.json()["timeline"]
        self.assertEqual([e["action"] for e in timeline], ["receive", "transfer", "forward"])
        self.assertEqual(timeline[0]["action_label"], "Tiếp nhận hồ sơ")
        self.assertEqual(timeline[0]["at"], "2026-03-10T09:00:00+07:00")
        english = self.client.get(LOOKUP, by_identity, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(english.status_code, 200)
        self.assertEqual(english.content, serializer_body(code, "en"))
        self.assertEqual(english.json()["timeline"][0]["action_label"], "Receive the dossier")
        # And Vietnamese again: the labels of one language never leak into the other.
        self.assertEqual(self.client.get(LOOKUP, by_key).content, vietnamese.content)

    def test_an_indent_asked_for_in_accept_is_honoured(self) -> None:
        receipt = self.receive()
        media_type = "application/json; indent=2"
        response = self.client.get(
            LOOKUP, {"code": receipt["code"], "key": receipt["lookup_key"]}, HTTP_ACCEPT=media_type
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.content, serializer_body(receipt["code"], "vi", media_type))
        self.assertIn(b'\n  "code": ', response.content)

    def test_a_dossier_without_history_has_an_empty_timeline(self) -> None:
        dossier = DossierFactory(current_step=None, due_at=None)
        response = self.client.get(LOOKUP, {"code": dossier.code, "key": dossier.lookup_key})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, serializer_body(dossier.code, "vi"))
        body = response.json()
        self.assertEqual((body["timeline"], body["step"], body["on_time"]), ([], None, ""))

    def test_unknown_codes_and_wrong_factors_answer_404_alike(self) -> None:
        receipt = self.receive()
        code = receipt["code"]
        answers = [
            self.client.get(LOOKUP, params)
            for params in (
                {"code": code, "key": "AAAAAAAA"},
                {"code": code + "9", "key": receipt["lookup_key"]},
                {"code": code, "identity_number": "046190000999"},
                {"code": code + "9", "identity_number": "046190000123"},
            )
        ]
        self.assertEqual([a.status_code for a in answers], [404] * 4)
        self.assertEqual(len({a.content for a in answers}), 1)
