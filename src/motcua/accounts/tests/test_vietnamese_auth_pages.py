"""allauth's pages and messages speak Vietnamese on Vietnamese pages (gh-2 follow-up).

allauth ships no Vietnamese; motcua's catalogue for it is
src/motcua/locale_vendor/vi (settings.LOCALE_PATHS). English pages keep allauth's
own English.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from motcua.accounts.tests.factories import StaffFactory, UserFactory

PASSWORD = "mật-khẩu-thử"  # the factories' password
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32, as an authenticator app stores it
NOW = dt.datetime(2026, 11, 26, 9, 0, 10, tzinfo=dt.UTC)


def main_text(response) -> str:
    """The page's <main> (allauth's content and the flash messages), whitespace collapsed.

    The site header outside it says "Đăng nhập" on every page, so looking at the
    whole page would let an untranslated sign-in form pass.
    """
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", main)


def inner_texts(response, tag: str) -> list[str]:
    """The text of each ``<tag>`` on the page, whitespace collapsed (templates indent it)."""
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", response.content.decode(), flags=re.S)
    return [re.sub(r"\s+", " ", text).strip() for text in found]


@time_machine.travel(NOW, tick=False)
@override_settings(MOTCUA_DEMO=False)
class VietnameseAuthPagesTests(TestCase):
    def setUp(self):
        # allauth remembers used TOTP codes in the cache.
        cache.clear()
        self.addCleanup(cache.clear)
        # A request leaves its language active in this thread (LocaleMiddleware
        # does not reset it), so an English page would make later reverse()
        # calls, here and in other test files, return /en/ paths.
        translation.deactivate()
        self.addCleanup(translation.deactivate)

    def make_user(self, factory=UserFactory, **kwargs):
        user = factory(**kwargs)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    def sign_in(self, user, **kwargs):
        return self.client.post(
            reverse("account_login"), {"login": user.username, "password": PASSWORD}, **kwargs
        )

    def assert_vietnamese(self, response, *, heading, shows=(), buttons=(), hides=()):
        """The page's <h1> is ``heading``; ``shows`` are in its <main>, each of
        ``buttons`` is a button's text, and none of ``hides`` is anywhere on it."""
        self.assertEqual(response.status_code, 200)
        self.assertEqual(inner_texts(response, "h1"), [heading])
        main = main_text(response)
        for text in shows:
            self.assertIn(text, main)
        for text in buttons:
            self.assertIn(text, inner_texts(response, "button"))
        page = response.content.decode()
        for text in hides:
            self.assertNotIn(text, page)

    def test_it_shows_the_sign_in_page_in_vietnamese(self):
        self.assert_vietnamese(
            self.client.get("/accounts/login/"),
            heading="Đăng nhập",
            shows=[
                "Nếu bạn chưa có tài khoản, vui lòng",
                'placeholder="Tên đăng nhập, thư điện tử hoặc số điện thoại"',
                "Mật khẩu:",
                'placeholder="Mật khẩu"',
                "Quên mật khẩu?",
                "Ghi nhớ đăng nhập",
            ],
            buttons=["Đăng nhập"],
            hides=["Sign In", "Password", "Remember Me", "Forgot your password?"],
        )

    def test_it_shows_the_sign_up_password_reset_and_e_mail_confirmation_in_vietnamese(self):
        pages = [
            # (path, heading, a sentence of the page, English that must be gone)
            ("/accounts/signup/", "Đăng ký tài khoản", "Nhập lại mật khẩu", "Sign Up"),
            (
                "/accounts/password/reset/",
                "Đặt lại mật khẩu",
                "Quên mật khẩu? Hãy nhập địa chỉ thư điện tử của bạn",
                "Password Reset",
            ),
            # An unknown key: the "link expired" page, whose translation carries a link.
            (
                "/accounts/confirm-email/khong-co-khoa-nay/",
                "Xác nhận địa chỉ thư điện tử",
                'không hợp lệ. Vui lòng <a href="/accounts/email/">gửi yêu cầu xác nhận',
                "This email confirmation link expired",
            ),
        ]
        for path, heading, sentence, english in pages:
            with self.subTest(path=path):
                self.assert_vietnamese(
                    self.client.get(path), heading=heading, shows=[sentence], hides=[english]
                )

    def test_it_keeps_the_english_sign_in_page_in_english(self):
        page = self.client.get("/en/accounts/login/")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(inner_texts(page, "h1"), ["Sign In"])
        main = main_text(page)
        for text in ('placeholder="Password"', "Remember Me", "Forgot your password?"):
            self.assertIn(text, main)
        self.assertNotIn("Mật khẩu", page.content.decode())

    def test_it_says_in_vietnamese_who_signed_in(self):
        citizen = self.make_user(username="nguyen.van.a")
        home = self.sign_in(citizen, follow=True)
        self.assertEqual(home.resolver_match.url_name, "home")
        self.assertEqual(
            [str(m) for m in home.context["messages"]],
            ["Đăng nhập thành công với tài khoản nguyen.van.a."],
        )
        self.assertIn("Đăng nhập thành công với tài khoản nguyen.van.a.", main_text(home))

    def test_it_shows_the_totp_set_up_and_its_re_authentication_in_vietnamese(self):
        officer = self.make_user(StaffFactory)
        self.sign_in(officer)
        # Staff without TOTP are sent to the set-up; allauth first asks for the password.
        confirm = self.client.get("/", follow=True)
        self.assertEqual(confirm.resolver_match.url_name, "account_reauthenticate")
        self.assert_vietnamese(
            confirm,
            heading="Xác nhận truy cập",
            shows=["Vui lòng xác thực lại để bảo vệ tài khoản", "Nhập mật khẩu của bạn:"],
            buttons=["Xác nhận"],
            hides=["Confirm Access", "Enter your password"],
        )
        set_up = self.client.post(
            confirm.redirect_chain[-1][0], {"password": PASSWORD}, follow=True
        )
        self.assertEqual(set_up.resolver_match.url_name, "mfa_activate_totp")
        self.assert_vietnamese(
            set_up,
            heading="Kích hoạt ứng dụng xác thực",
            shows=[
                "hãy dùng ứng dụng xác thực quét mã QR",
                "Khóa bí mật",
                "Mã xác thực:",
            ],
            buttons=["Kích hoạt"],
            hides=["Activate Authenticator App", "Authenticator secret", "Authenticator code"],
        )

    def test_it_asks_for_the_code_and_shows_the_recovery_codes_in_vietnamese(self):
        officer = self.make_user(StaffFactory)
        TOTP.activate(officer, SECRET)
        RecoveryCodes.activate(officer)
        ask = self.sign_in(officer, follow=True)
        self.assertEqual(ask.resolver_match.url_name, "mfa_authenticate")
        self.assert_vietnamese(
            ask,
            heading="Xác thực hai lớp",
            shows=["Tài khoản của bạn được bảo vệ bằng xác thực hai lớp."],
            buttons=["Đăng nhập", "Hủy bỏ"],
            hides=["Two-Factor Authentication", "Sign In", "Cancel"],
        )
        code = format_hotp_value(
            hotp_value(SECRET, int(NOW.timestamp()) // mfa_settings.TOTP_PERIOD)
        )
        self.client.post(reverse("mfa_authenticate"), {"code": code})
        # Showing the codes needs a fresh re-authentication, now with a second way.
        confirm = self.client.get(reverse("mfa_view_recovery_codes"), follow=True)
        self.assertEqual(confirm.resolver_match.url_name, "account_reauthenticate")
        self.assert_vietnamese(
            confirm,
            heading="Xác nhận truy cập",
            shows=["Dùng ứng dụng xác thực hoặc mã khôi phục"],
            hides=["Alternative options", "Use authenticator app or code"],
        )
        self.assertEqual(inner_texts(confirm, "h2"), ["Cách xác thực khác"])
        codes = self.client.post(confirm.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
        self.assertEqual(codes.resolver_match.url_name, "mfa_view_recovery_codes")
        count = mfa_settings.RECOVERY_CODE_COUNT
        self.assert_vietnamese(
            codes,
            heading="Mã khôi phục",
            shows=[
                # Vietnamese's one plural form, with both counts filled in.
                f"Bạn còn {count} trong tổng số {count} mã khôi phục chưa dùng.",
                "Mã chưa sử dụng",
            ],
            hides=["Recovery Codes", "recovery codes available", "Unused codes"],
        )
