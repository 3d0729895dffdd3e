"""Single sign-on through a real OpenID Connect provider, in Chromium (gh-5 item 1).

The provider is panva's ``oidc-provider`` (npm devDependency) run by Node from
``oidc/provider.mjs`` on 127.0.0.1 at a free port: discovery, its own login and
consent pages, authorization code with PKCE, signed ID tokens, the userinfo
endpoint — nothing is mocked. One process serves two clients: a citizens'
provider and an organisations' one, as a province would configure VNeID.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import Page, expect

from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.accounts.oidc import form_action_origins, oidc_apps, socialaccount_providers
from motcua.core.testing.browser import BrowserTestCase

PROVIDER_SCRIPT = Path(__file__).parent / "oidc" / "provider.mjs"
OIDC_PROVIDER_PACKAGE = Path(settings.BASE_DIR) / "node_modules" / "oidc-provider"
CITIZEN_CLAIMS = {
    "name": "Nguyễn Thị Hoà",
    "birthdate": "1991-04-30",
    "identity_number": "046191000777",
    "email": "hoa.nguyen@example.vn",
    "email_verified": True,
}
COMPANY_CLAIMS = {
    "name": "Công ty TNHH Sông Hương",
    "tax_code": "3301234567",
    "email": "lienhe@songhuong.example.vn",
    "email_verified": True,
}


def start_provider(clients: list[dict[str, str]], accounts: dict[str, Any]) -> tuple[Any, str]:
    """Start oidc-provider; returns the process and its issuer URL."""
    node = shutil.which("node")
    if node is None or not OIDC_PROVIDER_PACKAGE.exists():
        raise RuntimeError(
            "The single sign-on test needs Node.js and the npm package oidc-provider:"
            " run `npm ci` in the repository (make setup does it)."
        )
    config = tempfile.NamedTemporaryFile(  # noqa: SIM115 - removed with the process
        "w", suffix=".json", delete=False, encoding="utf-8"
    )
    json.dump({"clients": clients, "accounts": accounts}, config)
    config.close()
    process = subprocess.Popen(  # noqa: S603 - node and a script of this repository
        [node, str(PROVIDER_SCRIPT), config.name],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=settings.BASE_DIR,
        text=True,
    )
    ready, _, _ = select.select([process.stdout], [], [], 20)
    line = process.stdout.readline() if ready and process.stdout else ""
    os.unlink(config.name)
    if not line:
        process.kill()
        _, errors = process.communicate(timeout=5)
        raise RuntimeError(f"oidc-provider did not start: {errors}")
    return process, json.loads(line)["issuer"]


def stop_provider(process: Any) -> None:
    process.terminate()
    try:
        process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


class OidcSignInBrowserTests(BrowserTestCase):
    issuer: ClassVar[str]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        callback = cls.live_server_url + "/accounts/oidc/{}/login/callback/"
        process, cls.issuer = start_provider(
            clients=[
                {
                    "client_id": "motcua-citizens",
                    "client_secret": "citizens-secret",
                    "redirect_uri": callback.format("vneid"),
                },
                {
                    "client_id": "motcua-organisations",
                    "client_secret": "organisations-secret",
                    "redirect_uri": callback.format("vneid-to-chuc"),
                },
            ],
            accounts={"hoa": CITIZEN_CLAIMS, "songhuong": COMPANY_CLAIMS},
        )
        cls.addClassCleanup(stop_provider, process)
        # What a deployment writes in MOTCUA_OIDC_PROVIDERS, through the same parser.
        apps = oidc_apps(
            json.dumps(
                [
                    {
                        "id": "vneid",
                        "name": "VNeID",
                        "server_url": cls.issuer,
                        "client_id": "motcua-citizens",
                        "secret": "citizens-secret",
                        "kind": "citizen",
                    },
                    {
                        "id": "vneid-to-chuc",
                        "name": "VNeID tổ chức",
                        "server_url": cls.issuer,
                        "client_id": "motcua-organisations",
                        "secret": "organisations-secret",
                        "kind": "organisation",
                    },
                ]
            )
        )
        csp = {**settings.SECURE_CSP}
        csp["form-action"] = [*csp["form-action"], *form_action_origins(apps)]
        override = override_settings(
            SOCIALACCOUNT_PROVIDERS=socialaccount_providers(apps), SECURE_CSP=csp
        )
        override.enable()
        cls.addClassCleanup(override.disable)

    def sign_in_at_provider(self, page: Page, *, button: str, login: str) -> None:
        """From motcua's sign-in page through the provider's login and consent pages."""
        self.visit(reverse("account_login"), page=page)
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_url(self.issuer + "/**")
        page.locator("input[name=login]").fill(login)
        page.locator("input[name=password]").fill("bat-ky-mat-khau")
        page.get_by_role("button", name="Sign-in").click()
        # The consent page: motcua asks for the profile and e-mail scopes.
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(self.live_server_url + "/**")
        # The provider's development pages link web fonts this offline machine
        # cannot load; only motcua's own pages must be free of console errors.
        self._console_errors[id(page)].clear()

    def test_a_citizen_signs_in_with_the_identity_provider_and_gets_a_verified_profile(self):
        page = self.page
        self.visit(reverse("account_login"))
        expect(
            page.get_by_role("heading", name="Hoặc đăng nhập bằng tài khoản định danh điện tử")
        ).to_be_visible()
        self.assert_accessible()
        self.sign_in_at_provider(page, button="Đăng nhập bằng VNeID", login="hoa")

        # Back on motcua, signed in, with the identity the provider asserted.
        expect(page.locator(".user-name")).to_have_text("Nguyễn Thị Hoà")
        user = User.objects.get(socialaccount__provider="vneid", socialaccount__uid="hoa")
        self.assertEqual(user.kind, UserKind.CITIZEN)
        self.assertEqual(user.full_name, "Nguyễn Thị Hoà")
        self.assertEqual(user.identity_number, "046191000777")
        self.assertEqual(str(user.date_of_birth), "1991-04-30")
        self.assertTrue(user.identity_verified)
        self.assertEqual(user.identity_provider, "VNeID")
        self.assertIsNotNone(user.identity_verified_at)
        self.assertTrue(
            EmailAddress.objects.filter(user=user, email=CITIZEN_CLAIMS["email"], verified=True)
        )

        # The profile page: verified, and the identity fields cannot be edited.
        self.visit(reverse("accounts:profile"))
        expect(page.locator("#identity-verified")).to_contain_text("VNeID")
        for label in ("Họ và tên (hoặc tên doanh nghiệp)", "Số định danh cá nhân (CCCD)"):
            expect(page.get_by_label(label, exact=False)).to_be_disabled()
        expect(page.get_by_label("Ngày sinh", exact=False)).to_be_disabled()
        expect(page.get_by_label("Số định danh cá nhân (CCCD)", exact=False)).to_have_value(
            "046191000777"
        )
        # The address is still the citizen's to fill in.
        street = page.get_by_label("Địa chỉ chi tiết")
        expect(street).to_be_enabled()
        street.fill("12 Lê Lợi")
        page.get_by_role("button", name="Lưu hồ sơ").click()
        expect(page.locator(".messages")).to_contain_text("Đã lưu hồ sơ của bạn.")
        user.refresh_from_db()
        self.assertEqual(user.address_street, "12 Lê Lợi")
        self.assertEqual(user.identity_number, "046191000777")
        self.assert_accessible()
        self.assert_no_console_errors()

        # Signing in again finds the same account (no second one is created).
        page.get_by_role("button", name="Đăng xuất").click()
        self.sign_in_at_provider(self.new_page(), button="Đăng nhập bằng VNeID", login="hoa")
        self.assertEqual(SocialAccount.objects.filter(provider="vneid").count(), 1)
        self.assertEqual(User.objects.filter(identity_number="046191000777").count(), 1)

    def test_an_organisation_signs_in_with_its_organisation_e_id(self):
        page = self.page
        self.sign_in_at_provider(page, button="Đăng nhập bằng VNeID tổ chức", login="songhuong")
        expect(page.locator(".user-name")).to_have_text("Công ty TNHH Sông Hương")
        user = User.objects.get(socialaccount__provider="vneid-to-chuc")
        self.assertEqual(user.kind, UserKind.ORGANISATION)
        self.assertEqual(user.tax_code, "3301234567")
        self.assertTrue(user.identity_verified)
        self.assertEqual(user.identity_provider, "VNeID tổ chức")
        self.visit(reverse("accounts:profile"))
        expect(page.get_by_label("Mã số thuế (doanh nghiệp)", exact=False)).to_be_disabled()
