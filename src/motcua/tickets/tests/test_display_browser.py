"""The waiting-room display in Chromium (gh-7 items 4 and 7).

A kiosk, two counter screens and the display open in their own browser
contexts: a number taken at the kiosk and called at a counter appears on the
display within a second, without reloading; the display is axe-clean, keeps
its last state and says it is reconnecting while the server is unreachable,
and catches up (Last-Event-ID replay) when it is back.
"""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings, tag
from django.urls import reverse

from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from motcua.core.testing.browser import BrowserTestCase
from motcua.tickets import broadcast, services
from motcua.tickets.broadcast import hub
from motcua.tickets.models import Ticket

from .world import QueueWorld, make_queue_world

PASSWORD = "mat-khau-thu-nghiem-9"  # a test account's password
# The display must show a call this fast (gh-7 item 4: "within one second").
CALL_SHOWN_MS = 1000


@tag("gh-7")
class DisplayBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        broadcast.reset_backend()
        self.addCleanup(broadcast.reset_backend)
        self.w: QueueWorld = make_queue_world()
        self.display_path = reverse("tickets:display", args=[self.w.center.pk])

    def open_display(self, *, locale: str | None = None, prefix: str = "") -> Page:
        page = self.new_page(width=1920, height=1080, locale=locale)
        self.visit(prefix + self.display_path, page=page)
        # Connected: the stream is open and the page follows it.
        expect(page.locator("[data-display]")).to_have_attribute("data-online", "yes")
        return page

    def call(self, counter: int) -> Ticket:
        ticket = services.call_next(session=self.w.sessions[counter])
        assert ticket is not None
        return ticket

    def test_a_call_appears_on_the_display_within_a_second(self) -> None:
        self.w.open(1, 2)
        display = self.open_display()
        expect(display.get_by_role("heading", level=1)).to_have_text(self.w.center.name)
        expect(display.get_by_role("heading", name="Đang phục vụ")).to_be_visible()
        self.assert_accessible(display)

        a1 = services.ticket_take(service=self.w.services["A"])
        b1 = services.ticket_take(service=self.w.services["B"])
        waiting = display.locator("[data-waiting] .qd-next")
        expect(waiting.first).to_have_text(a1.display, timeout=CALL_SHOWN_MS)
        expect(waiting.nth(1)).to_have_text(b1.display, timeout=CALL_SHOWN_MS)

        self.call(1)
        latest = display.locator("[data-latest]")
        expect(latest.locator(".qd-latest-number")).to_have_text("A001", timeout=CALL_SHOWN_MS)
        expect(latest).to_contain_text("Mời số A001 đến quầy số 1")
        expect(display.locator("[data-display]")).to_have_attribute(
            "data-last-announcement", "Mời số A001 đến quầy số 1"
        )
        row_1 = display.locator("[data-counters] tr").first
        expect(row_1).to_contain_text("A001")

        self.call(2)
        expect(latest.locator(".qd-latest-number")).to_have_text("B001", timeout=CALL_SHOWN_MS)
        calls = display.locator("[data-calls] li")
        expect(calls).to_have_count(2)
        expect(calls.first).to_contain_text("B001")
        expect(calls.nth(1)).to_contain_text("A001")
        # The sound needs a touch first (browsers' autoplay rules): the button says so.
        expect(display.get_by_role("button", name="Bật âm thanh gọi số")).to_be_visible()
        self.assert_accessible(display)
        self.assert_no_console_errors(display)

    def test_the_display_keeps_its_state_while_offline_and_catches_up(self) -> None:
        self.w.open(1)
        services.ticket_take(service=self.w.services["A"])
        services.ticket_take(service=self.w.services["A"])
        self.call(1)
        display = self.open_display()
        latest = display.locator("[data-latest] .qd-latest-number")
        expect(latest).to_have_text("A001")

        # The server becomes unreachable: the browser is offline and the open stream ends.
        display.context.set_offline(True)
        with hub.lock:
            streams = list(hub.subscribers.get(self.w.center.pk, ()))
        self.assertEqual(len(streams), 1)
        for stream in streams:
            stream.cut_off()
        status = display.locator("[data-status]")
        expect(status).to_have_text("Đang kết nối lại…")
        expect(latest).to_have_text("A001")  # the last state stays on screen
        a1 = Ticket.objects.get(display="A001")
        services.ticket_finish(session=self.w.sessions[1], ticket_id=a1.pk)
        self.call(1)  # A002, while the display is offline
        display.wait_for_timeout(300)
        expect(latest).to_have_text("A001")

        display.context.set_offline(False)
        expect(latest).to_have_text("A002", timeout=10_000)
        expect(status).to_have_text("Đã kết nối")
        self.assert_no_console_errors_but_offline(display)

    def test_english_display(self) -> None:
        self.w.open(1)
        services.ticket_take(service=self.w.services["A"])
        display = self.open_display(locale="en-GB", prefix="/en")
        expect(display.locator("html")).to_have_attribute("lang", "en")
        self.call(1)
        expect(display.locator("[data-latest] .qd-latest-number")).to_have_text(
            "A001", timeout=CALL_SHOWN_MS
        )
        self.assert_accessible(display)

    def assert_no_console_errors_but_offline(self, page: Page) -> None:
        """The failed loads while the browser was offline are expected; nothing else."""
        errors = self._console_errors.get(id(page), [])
        errors[:] = [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e]
        self.assert_no_console_errors(page)


@tag("gh-7")
@override_settings(MOTCUA_DEMO=True)
class KioskCountersDisplayBrowserTests(BrowserTestCase):
    """Item 7: a kiosk, two counters and the display, each in its own browser context."""

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        broadcast.reset_backend()
        self.addCleanup(broadcast.reset_backend)
        self.w: QueueWorld = make_queue_world()
        for number in (1, 2):
            officer = self.w.officers[number]
            officer.is_demo = True  # demo accounts sign in without the second factor
            officer.set_password(PASSWORD)
            officer.save()
            EmailAddress.objects.create(
                user=officer, email=officer.email, verified=True, primary=True
            )

    def take_at_kiosk(self, kiosk: Page, service: str) -> str:
        self.visit(reverse("tickets:kiosk", args=[self.w.center.pk]), page=kiosk)
        with kiosk.expect_navigation():
            kiosk.get_by_role("link", name=service).first.click()
        with kiosk.expect_navigation():
            kiosk.get_by_role("button", name="Lấy số").click()
        return kiosk.locator(".tk-ticket-number").inner_text().strip()

    def counter_page(self, number: int) -> Page:
        page = self.new_page()
        self.login(self.w.officers[number].username, PASSWORD, page=page)
        self.visit(reverse("tickets_staff:counter", args=[self.w.counters[number].pk]), page=page)
        with page.expect_navigation():
            page.get_by_role("button", name="Mở quầy").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Quầy số {number}")
        return page

    def test_calls_from_two_counters_appear_on_the_display_within_a_second(self) -> None:
        kiosk = self.new_page(width=1080, height=1920)
        counter_1 = self.counter_page(1)
        counter_2 = self.counter_page(2)
        display = self.new_page(width=1920, height=1080)
        self.visit(reverse("tickets:display", args=[self.w.center.pk]), page=display)
        expect(display.locator("[data-display]")).to_have_attribute("data-online", "yes")
        rows = display.locator("[data-counters] tr")
        expect(rows.first).to_contain_text("Đang mở")  # counter 1 opened before the display

        a1 = self.take_at_kiosk(kiosk, "Hộ tịch")
        b1 = self.take_at_kiosk(kiosk, "Đất đai")
        self.assertEqual((a1, b1), ("A001", "B001"))
        waiting = display.locator("[data-waiting] .qd-next")
        expect(waiting.first).to_have_text(a1, timeout=CALL_SHOWN_MS)
        expect(waiting.nth(1)).to_have_text(b1, timeout=CALL_SHOWN_MS)

        latest = display.locator("[data-latest] .qd-latest-number")
        root = display.locator("[data-display]")
        with counter_1.expect_navigation():
            counter_1.get_by_role("button", name="Gọi số tiếp theo").click()
        expect(counter_1.locator(".tq-number")).to_have_text(a1)
        expect(latest).to_have_text(a1, timeout=CALL_SHOWN_MS)
        expect(root).to_have_attribute("data-last-announcement", "Mời số A001 đến quầy số 1")

        with counter_2.expect_navigation():
            counter_2.get_by_role("button", name="Gọi số tiếp theo").click()
        expect(latest).to_have_text(b1, timeout=CALL_SHOWN_MS)
        expect(root).to_have_attribute("data-last-announcement", "Mời số B001 đến quầy số 2")
        expect(rows.first).to_contain_text(a1)
        expect(rows.nth(1)).to_contain_text(b1)
        expect(waiting.first).to_have_text("")

        # A recall is announced again; the call list shows the latest first.
        with counter_1.expect_navigation():
            counter_1.get_by_role("button", name="Gọi lại").click()
        expect(root).to_have_attribute("data-announcements", "3", timeout=CALL_SHOWN_MS)
        expect(root).to_have_attribute("data-last-announcement", "Mời số A001 đến quầy số 1")
        expect(latest).to_have_text(a1)

        # The counter finishes: the display's counter row empties.
        with counter_1.expect_navigation():
            counter_1.get_by_role("button", name="Xong").click()
        expect(rows.first).not_to_contain_text(a1, timeout=CALL_SHOWN_MS)
        self.assert_accessible(display)
        for page in (kiosk, counter_1, counter_2, display):
            self.assert_no_console_errors(page)
