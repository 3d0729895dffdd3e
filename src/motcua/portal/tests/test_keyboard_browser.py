"""The citizen's pages after filing, with the keyboard alone (gh-5 item 12): answering a
supplement request (file chooser opened from the keyboard), then rating the result.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.test import override_settings

from playwright.sync_api import Page, expect

from motcua.accounts.tests.factories import UserFactory
from motcua.core.testing.browser import BrowserTestCase
from motcua.dossiers.constants import EventAction, ReturnMode
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import PartyData, dossier_act
from motcua.dossiers.tests.test_receive import make_world
from motcua.organisations.constants import Role
from motcua.ratings.models import Rating

from .test_filing import EFORM, PDF

MEDIA = tempfile.mkdtemp(prefix="motcua-keyboard-")
PASSWORD = "mật-khẩu-thử"
A = EventAction
R = Role


@override_settings(MEDIA_ROOT=MEDIA)
class KeyboardOnlyTests(BrowserTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.addClassCleanup(shutil.rmtree, MEDIA, ignore_errors=True)

    def setUp(self) -> None:
        super().setUp()
        self.world = make_world()
        self.world.variant.eform = EFORM
        self.world.variant.save()
        # No e-mail: an account with an unconfirmed e-mail must confirm it before signing in.
        self.citizen = UserFactory(username="binh", full_name="Trần Văn Bình", email="")
        self.file = Path(MEDIA) / "cccd.pdf"
        self.file.write_bytes(PDF)

    def act(self, dossier: Dossier, action: EventAction, role: Role, **fields: object) -> None:
        dossier_act(code=dossier.code, action=action, by=self.world.staff[role], **fields)

    def tab_to(self, page: Page, element_id: str, *, limit: int = 60) -> None:
        """Press Tab from the top of the page until ``element_id`` has the focus."""
        page.locator("body").focus()
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement && document.activeElement.id") == (
                element_id
            ):
                return
        self.fail(f"#{element_id} is not reachable with the Tab key")

    def press_enter_on(self, page: Page, name: str) -> None:
        page.get_by_role("button", name=name).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")

    def test_supplement_and_rating_with_the_keyboard(self) -> None:
        dossier = self.world.receive(
            owner=PartyData(full_name="Trần Văn Bình", user=self.citizen),
            form_data={"ho_ten": "Trần Văn Bình", "so_ban_sao": 1, "noi_dang_ky": "UBND"},
            return_mode=ReturnMode.COUNTER,
        )
        self.act(dossier, A.TRANSFER, R.RECEPTION_OFFICER)
        self.act(dossier, A.FORWARD, R.DIVISION_HEAD)
        self.act(
            dossier,
            A.REQUEST_SUPPLEMENT,
            R.SPECIALIST,
            items=["Bản sao CCCD", {"name": "Số bản sao", "field": "so_ban_sao"}],
            reason="Thiếu bản sao CCCD",
        )
        page = self.login("binh", PASSWORD)
        self.visit(f"/ho-so-cua-toi/{dossier.code}/bo-sung/", page=page)
        # Tab from the top of the page reaches the file input; the file dialog itself
        # belongs to the operating system, so the file is then given to the input.
        self.tab_to(page, "file-1")
        page.locator("#file-1").set_input_files(str(self.file))
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.name")
        self.assertEqual(focused, "so_ban_sao")
        page.keyboard.press("Control+A")
        page.keyboard.type("2")
        self.press_enter_on(page, "Gửi bổ sung")
        expect(page.get_by_text("Đã gửi hồ sơ bổ sung")).to_be_visible()

        self.act(dossier, A.SUBMIT_SUPPLEMENT, R.RECEPTION_OFFICER)
        dossier.refresh_from_db()
        while dossier.current_step is not None and dossier.current_step.role != R.CLERK:
            self.act(dossier, A.FORWARD, Role(dossier.current_step.role))
            dossier.refresh_from_db()
        self.act(dossier, A.ISSUE_RESULT, R.CLERK)
        self.act(dossier, A.RETURN_RESULT, R.RECEPTION_OFFICER)

        self.visit(f"/ho-so-cua-toi/{dossier.code}/danh-gia/", page=page)
        page.get_by_label("Hài lòng", exact=True).first.focus()
        page.keyboard.press("Space")
        self.press_enter_on(page, "Gửi đánh giá")
        self.assertEqual(Rating.objects.get(dossier=dossier).level, "satisfied")
        self.assert_accessible(page)
        self.assert_no_console_errors(page)
