"""Results by public post (gh-6 item 9; domain.md §11.7): waybill, label, events, return."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

import time_machine
from pypdf import PdfReader

from motcua.accounts.tests.factories import UserFactory
from motcua.dossiers.constants import DossierStatus, EventAction, PartyKind, PartyRole, ReturnMode
from motcua.dossiers.models import Delivery, Dossier, DossierEvent, Party
from motcua.dossiers.services import dossier_delivery_change
from motcua.dossiers.tests.factories import DossierFactory
from motcua.organisations.constants import Role
from motcua.organisations.tests.factories import MembershipFactory
from motcua.postal.base import PostalError
from motcua.postal.constants import ShipmentStatus
from motcua.postal.models import ShipmentEvent
from motcua.postal.registry import postal_providers
from motcua.postal.services import shipment_create, shipment_record_event, shipment_sync
from motcua.postal.waybill import luhn_digit, waybill_valid

NOW = dt.datetime(2026, 3, 10, 3, 0, tzinfo=dt.UTC)  # Tue 10/03/2026 10:00 in Huế
HUE = dt.timezone(dt.timedelta(hours=7))


class WaybillTests(SimpleTestCase):
    def test_luhn_digit_matches_the_textbook_example(self) -> None:
        self.assertEqual(luhn_digit("7992739871"), "3")

    def test_a_typed_mistake_is_caught(self) -> None:
        number = "MC123456789" + luhn_digit("123456789")
        self.assertTrue(waybill_valid(number))
        self.assertFalse(waybill_valid(number[:2] + "213456789" + number[-1]))  # swapped
        self.assertFalse(waybill_valid(number[:5] + "0" + number[6:]))  # one digit wrong


class PostalWorld(TestCase):
    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="motcua-postal-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.enterContext(time_machine.travel(NOW, tick=False))
        self.citizen = UserFactory()
        self.dossier = DossierFactory(status=DossierStatus.RESOLVED)
        agency = self.dossier.received_by
        agency.address = "01 Lê Lai, phường Thuận Hóa, Huế"
        agency.phone = "0234 3822 222"
        agency.save()
        Party.objects.create(
            dossier=self.dossier,
            role=PartyRole.OWNER,
            kind=PartyKind.CITIZEN,
            user=self.citizen,
            full_name="Nguyễn Thị Hoa",
        )
        self.delivery = Delivery.objects.create(
            dossier=self.dossier,
            mode=ReturnMode.POSTAL,
            recipient="Nguyễn Thị Hoa",
            address="12 Nguyễn Huệ, phường Vĩnh Ninh, Huế",
            phone="0905123456",
        )
        self.returner = MembershipFactory(agency=agency, role=Role.RETURNER).user


class ShipmentCreateTests(PostalWorld):
    def test_the_local_provider_numbers_the_waybill_and_prints_a_label(self) -> None:
        shipment = shipment_create(dossier=self.dossier, by=self.returner)
        self.assertRegex(shipment.waybill, r"^MC[0-9]{10}$")
        self.assertTrue(waybill_valid(shipment.waybill))
        self.assertEqual(shipment.provider, "local")
        self.assertEqual(shipment.status, ShipmentStatus.CREATED)
        self.assertEqual(
            (shipment.recipient, shipment.address, shipment.phone),
            ("Nguyễn Thị Hoa", "12 Nguyễn Huệ, phường Vĩnh Ninh, Huế", "0905123456"),
        )
        self.assertEqual(
            list(shipment.events.values_list("status", flat=True)), [ShipmentStatus.CREATED]
        )
        with shipment.label.open("rb") as f:
            reader = PdfReader(io.BytesIO(f.read()))
        (page,) = reader.pages
        # 100 × 150 mm = 283.46 × 425.2 pt.
        self.assertAlmostEqual(float(page.mediabox.width), 283.46, places=1)
        self.assertAlmostEqual(float(page.mediabox.height), 425.2, places=1)
        text = page.extract_text()
        self.assertIn(shipment.waybill, text)
        self.assertIn(self.dossier.code, text)
        self.assertIn("Nguyễn Thị Hoa", text)

    def test_the_dispatch_is_in_the_history_and_tells_the_citizen(self) -> None:
        from motcua.dossiers.constants import EventAction
        from motcua.notifications.constants import NotificationKind
        from motcua.notifications.models import Notification

        shipment = shipment_create(dossier=self.dossier, by=self.returner)
        event = self.dossier.events.order_by("-seq").first()
        assert event is not None
        self.assertEqual(
            (event.action, event.actor, event.data["waybill"]),
            (EventAction.DISPATCH, self.returner, shipment.waybill),
        )
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RESOLVED)  # until delivered
        sent = Notification.objects.filter(event=event, kind=NotificationKind.DISPATCHED)
        self.assertTrue(sent.filter(user=self.citizen).exists())

    def test_the_label_names_sender_recipient_dossier_and_waybill(self) -> None:
        from motcua.postal.labels import label_html

        shipment = shipment_create(dossier=self.dossier, by=self.returner)
        html = label_html(shipment)
        for text in (
            self.dossier.received_by.name,
            "01 Lê Lai, phường Thuận Hóa, Huế",
            "Nguyễn Thị Hoa",
            "12 Nguyễn Huệ, phường Vĩnh Ninh, Huế",
            "0905123456",
            self.dossier.code,
            shipment.waybill,
        ):
            self.assertIn(text, html)
        self.assertIn("data:image/svg+xml", html)

    def test_an_event_typed_in_the_minute_the_waybill_was_made_moves_the_status_on(self) -> None:
        with time_machine.travel(NOW + dt.timedelta(seconds=30), tick=False):
            shipment = shipment_create(dossier=self.dossier, by=self.returner)
            shipment_record_event(
                waybill=shipment.waybill,
                status=ShipmentStatus.PICKED_UP,
                at=NOW,  # the slip says the same minute, without seconds
                by=self.returner,
            )
        shipment.refresh_from_db()
        self.assertEqual(shipment.status, ShipmentStatus.PICKED_UP)

    def test_only_an_issued_postal_result_is_shipped_and_only_once(self) -> None:
        self.dossier.status = DossierStatus.PROCESSING
        self.dossier.save()
        with self.assertRaisesMessage(ValidationError, "kết quả đã ban hành"):
            shipment_create(dossier=self.dossier, by=self.returner)
        self.dossier.status = DossierStatus.RESOLVED
        self.dossier.save()
        self.delivery.mode = ReturnMode.COUNTER
        self.delivery.save()
        with self.assertRaisesMessage(ValidationError, "không nhận kết quả qua bưu chính"):
            shipment_create(dossier=self.dossier, by=self.returner)
        self.delivery.mode = ReturnMode.POSTAL
        self.delivery.save()
        first = shipment_create(dossier=self.dossier, by=self.returner)
        with self.assertRaisesMessage(ValidationError, first.waybill):
            shipment_create(dossier=self.dossier, by=self.returner)

    def test_an_officer_of_another_agency_cannot_ship(self) -> None:
        stranger = MembershipFactory(role=Role.RETURNER).user
        with self.assertRaises(PermissionDenied):
            shipment_create(dossier=self.dossier, by=stranger)
        self.assertFalse(self.dossier.shipments.exists())

    def test_the_owner_cannot_change_the_address_once_shipped(self) -> None:
        shipment_create(dossier=self.dossier, by=self.returner)
        with self.assertRaisesMessage(ValidationError, "Kết quả đã được gửi đi"):
            dossier_delivery_change(
                by=self.citizen, code=self.dossier.code, address="5 Lê Lợi, Huế"
            )
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.address, "12 Nguyễn Huệ, phường Vĩnh Ninh, Huế")

    def test_a_result_returned_to_sender_can_go_to_a_corrected_address(self) -> None:
        first = shipment_create(dossier=self.dossier, by=self.returner)
        shipment_record_event(
            waybill=first.waybill,
            status=ShipmentStatus.RETURNED,
            at=dt.datetime(2026, 3, 13, 16, 0, tzinfo=HUE),
            note="Sai địa chỉ",
            by=self.returner,
        )
        dossier_delivery_change(by=self.citizen, code=self.dossier.code, address="5 Lê Lợi, Huế")
        second = shipment_create(dossier=self.dossier, by=self.returner)
        self.assertNotEqual(second.waybill, first.waybill)
        self.assertEqual(second.address, "5 Lê Lợi, Huế")


class ShipmentEventTests(PostalWorld):
    def test_delivery_returns_the_result_through_the_engine(self) -> None:
        shipment = shipment_create(dossier=self.dossier, by=self.returner)
        picked = dt.datetime(2026, 3, 10, 14, 0, tzinfo=HUE)
        delivered = dt.datetime(2026, 3, 11, 9, 30, tzinfo=HUE)
        shipment_record_event(
            waybill=shipment.waybill,
            status=ShipmentStatus.PICKED_UP,
            at=picked,
            place="Bưu cục Huế",
        )
        shipment.refresh_from_db()
        self.assertEqual(shipment.status, ShipmentStatus.PICKED_UP)
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RESOLVED)

        shipment_record_event(
            waybill=shipment.waybill,
            status=ShipmentStatus.DELIVERED,
            at=delivered,
            place="Bưu cục Vĩnh Ninh",
            note="Người nhận ký nhận",
        )
        self.dossier.refresh_from_db()
        self.assertEqual(self.dossier.status, DossierStatus.RETURNED)
        event = DossierEvent.objects.get(dossier=self.dossier, action=EventAction.RETURN_RESULT)
        self.assertEqual(event.actor, self.returner)
        self.assertIn(shipment.waybill, event.note)
        self.assertIn("Bưu điện đã giao", event.note)
        self.assertIn("09:30 11/03/2026", event.note)

    def test_the_same_event_twice_is_recorded_once(self) -> None:
        shipment = shipment_create(dossier=self.dossier, by=self.returner)
        at = dt.datetime(2026, 3, 11, 9, 30, tzinfo=HUE)
        first = shipment_record_event(
            waybill=shipment.waybill, status=ShipmentStatus.DELIVERED, at=at
        )
        again = shipment_record_event(
            waybill=shipment.waybill, status=ShipmentStatus.DELIVERED, at=at
        )
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(
            DossierEvent.objects.filter(
                dossier=self.dossier, action=EventAction.RETURN_RESULT
            ).count(),
            1,
        )
        self.assertEqual(ShipmentEvent.objects.filter(shipment=shipment).count(), 2)

    def test_a_failed_delivery_keeps_the_result_unreturned(self) -> None:
        shipment = shipment_create(dossier=self.dossier, by=self.returner)
        shipment_record_event(
            waybill=shipment.waybill,
            status=ShipmentStatus.FAILED,
            at=dt.datetime(2026, 3, 11, 9, 30, tzinfo=HUE),
            note="Không có người nhận",
        )
        shipment.refresh_from_db()
        self.dossier.refresh_from_db()
        self.assertEqual(shipment.status, ShipmentStatus.FAILED)
        self.assertEqual(self.dossier.status, DossierStatus.RESOLVED)

    def test_an_unknown_waybill_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "MC0000000000"):
            shipment_record_event(waybill="MC0000000000", status="delivered", at=NOW)

    def test_the_citizen_sees_the_waybill_and_its_events(self) -> None:
        shipment = shipment_create(dossier=self.dossier, by=self.returner)
        shipment_record_event(
            waybill=shipment.waybill,
            status=ShipmentStatus.PICKED_UP,
            at=dt.datetime(2026, 3, 10, 14, 0, tzinfo=HUE),
            place="Bưu cục Huế",
        )
        self.client.force_login(self.citizen)
        page = self.client.get(reverse("portal:my-dossier", args=[self.dossier.code]))
        self.assertContains(page, shipment.waybill)
        self.assertContains(page, "Bưu cục Huế")
        self.assertContains(page, "14:00 10/03/2026")
        self.assertFalse(page.context["can_change_address"])

    def test_the_admin_shows_the_shipment_and_its_events_read_only(self) -> None:
        shipment = shipment_create(dossier=self.dossier, by=self.returner)
        from allauth.mfa.models import Authenticator

        admin_user = UserFactory(is_staff=True, is_superuser=True)
        # Staff have a second factor (gh-2 item 11).
        Authenticator.objects.create(user=admin_user, type=Authenticator.Type.TOTP, data={})
        self.client.force_login(admin_user)
        listing = self.client.get(reverse("admin:postal_shipment_changelist"))
        self.assertContains(listing, shipment.waybill)
        page = self.client.get(reverse("admin:postal_shipment_change", args=[shipment.pk]))
        self.assertContains(page, "Đã tạo vận đơn")
        self.assertNotContains(page, 'name="_save"')


# --- the operator's API, against a test double on 127.0.0.1 -----------------------------------


class _FakeOperator(BaseHTTPRequestHandler):
    orders: ClassVar[list[dict[str, Any]]] = []
    events: ClassVar[dict[str, list[dict[str, str]]]] = {}
    fail: ClassVar[bool] = False

    def _answer(self, code: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        if self.headers["Authorization"] != "Bearer tok-123" or self.path != "/api/orders":
            self._answer(401, {"error": "unauthorised"})
            return
        if self.fail:
            self._answer(503, {"error": "maintenance"})
            return
        order = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.orders.append(order)
        self._answer(201, {"waybill": f"EB{len(self.orders):09d}VN"})

    def do_GET(self) -> None:
        match = re.fullmatch(r"/api/orders/([A-Z0-9]+)/events", self.path)
        if self.headers["Authorization"] != "Bearer tok-123" or match is None:
            self._answer(404, {"error": "not found"})
            return
        self._answer(200, {"events": self.events.get(match.group(1), [])})

    def log_message(self, format: str, *args: Any) -> None:
        pass


class VnpostProviderTests(PostalWorld):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOperator)
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)

    def setUp(self) -> None:
        super().setUp()
        _FakeOperator.orders.clear()
        _FakeOperator.events.clear()
        _FakeOperator.fail = False
        host, port = self.server.server_address[:2]
        self.enterContext(
            override_settings(
                MOTCUA_POSTAL_PROVIDER="vnpost",
                MOTCUA_VNPOST_URL=f"http://{host!s}:{port}/api",
                MOTCUA_VNPOST_TOKEN="tok-123",
                MOTCUA_VNPOST_CUSTOMER_CODE="HUE0001",
            )
        )

    def test_it_creates_the_order_and_records_the_operator_events(self) -> None:
        shipment = shipment_create(dossier=self.dossier, by=self.returner)
        self.assertEqual((shipment.provider, shipment.waybill), ("vnpost", "EB000000001VN"))
        (order,) = _FakeOperator.orders
        self.assertEqual(order["customer_code"], "HUE0001")
        self.assertEqual(order["reference"], self.dossier.code)
        self.assertEqual(order["recipient"]["address"], "12 Nguyễn Huệ, phường Vĩnh Ninh, Huế")
        self.assertEqual(order["sender"]["name"], self.dossier.received_by.name)

        _FakeOperator.events["EB000000001VN"] = [
            {"status": "picked_up", "at": "2026-03-10T15:00:00+07:00", "place": "BC Huế"},
            {"status": "delivered", "at": "2026-03-11T10:00:00+07:00", "note": "Đã ký nhận"},
        ]
        self.assertEqual(shipment_sync(waybill=shipment.waybill), 2)
        self.assertEqual(shipment_sync(waybill=shipment.waybill), 0)  # nothing new
        shipment.refresh_from_db()
        self.assertEqual(shipment.status, ShipmentStatus.DELIVERED)
        self.assertEqual(Dossier.objects.get(pk=self.dossier.pk).status, DossierStatus.RETURNED)

    def test_an_operator_refusal_creates_nothing(self) -> None:
        _FakeOperator.fail = True
        with self.assertRaisesMessage(PostalError, "HTTP 503"):
            shipment_create(dossier=self.dossier, by=self.returner)
        self.assertFalse(self.dossier.shipments.exists())

    def test_manage_py_check_reports_the_configuration(self) -> None:
        from motcua.postal.checks import postal_provider_check

        self.assertEqual(postal_provider_check(), [])
        with override_settings(MOTCUA_VNPOST_CUSTOMER_CODE=""):
            self.assertEqual([e.id for e in postal_provider_check()], ["motcua.postal.E002"])
        with override_settings(MOTCUA_POSTAL_PROVIDER="vnpots"):
            self.assertEqual([e.id for e in postal_provider_check()], ["motcua.postal.E001"])

    def test_missing_configuration_is_reported(self) -> None:
        with override_settings(MOTCUA_VNPOST_TOKEN=""):
            self.assertIn(
                "MOTCUA_VNPOST_TOKEN is required by the 'vnpost' provider",
                postal_providers["vnpost"].check(),
            )
            with self.assertRaises(PostalError):
                shipment_create(dossier=self.dossier, by=self.returner)
