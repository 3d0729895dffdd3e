"""Staff sign in with a second factor (TOTP); citizens and demo staff in demo mode do not (gh-2)."""

from __future__ import annotations

import datetime as dt

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from motcua.accounts.tests.factories import StaffFactory, UserFactory

PASSWORD = "mật-khẩu-thử"  # the factories' password
ENROL_MESSAGE = (
    "Tài khoản cán bộ phải bật xác thực hai lớp. Hãy quét mã QR bằng ứng dụng"
    " xác thực (TOTP) và nhập mã để tiếp tục."
)
# A fixed base32 secret, as an authenticator app would store it.
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = dt.datetime(2026, 11, 26, 9, 0, 10, tzinfo=dt.UTC)


def totp_at(moment: dt.datetime, secret: str = SECRET) -> str:
    """The code an authenticator app shows at ``moment`` (allauth's own HOTP)."""
    return format_hotp_value(
        hotp_value(secret, int(moment.timestamp()) // mfa_settings.TOTP_PERIOD)
    )


@time_machine.travel(NOW, tick=False)
@override_settings(MOTCUA_DEMO=False)
class StaffSecondFactorTests(TestCase):
    def setUp(self):
        # allauth remembers used TOTP codes in the cache; a code from another
        # test must not count as "already used" here.
        cache.clear()
        self.addCleanup(cache.clear)

    def make_user(self, factory=StaffFactory, **kwargs):
        user = factory(**kwargs)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    def sign_in(self, user):
        """Username and password through allauth's sign-in form."""
        return self.client.post(
            reverse("account_login"), {"login": user.username, "password": PASSWORD}
        )

    def assert_signed_in_as(self, user):
        self.assertEqual(self.client.session.get("_auth_user_id"), str(user.pk))

    def assert_sent_to_totp_set_up(self, response):
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)

    def test_it_sends_staff_without_totp_to_the_set_up_from_any_page(self):
        officer = self.make_user(username="tinh.motcua")
        self.sign_in(officer)
        self.assert_signed_in_as(officer)
        for path in ("/", "/du-kien-ngay-hen/", reverse("account_email"), "/admin/"):
            with self.subTest(path=path):
                self.assert_sent_to_totp_set_up(self.client.get(path))
        # The set-up is reachable (allauth first asks for the password again)
        # and says why in Vietnamese.
        page = self.client.get("/", follow=True)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(
            page.resolver_match.url_name, "account_reauthenticate", page.redirect_chain
        )
        # Said once, although five requests were turned back.
        self.assertEqual([str(m) for m in page.context["messages"]].count(ENROL_MESSAGE), 1)
        page = self.client.post(page.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
        self.assertEqual(page.resolver_match.url_name, "mfa_activate_totp")
        self.assertContains(page, 'id="authenticator_secret"')

    def test_it_completes_the_set_up_with_a_code_from_the_app(self):
        officer = self.make_user()
        self.sign_in(officer)
        self.client.get(reverse("account_reauthenticate"))
        self.client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        page = self.client.get(reverse("mfa_activate_totp"))
        self.assertEqual(page.status_code, 200)
        secret = page.context["form"].secret  # what the QR code and the page show
        done = self.client.post(reverse("mfa_activate_totp"), {"code": totp_at(NOW, secret)})
        self.assertNotEqual(done.status_code, 200, done.content.decode()[:500])
        self.assertTrue(Authenticator.objects.filter(user=officer, type="totp").exists())
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_it_lets_citizens_in_without_a_second_factor(self):
        citizen = self.make_user(UserFactory)
        self.assertRedirects(self.sign_in(citizen), "/", fetch_redirect_response=False)
        home = self.client.get("/")
        self.assertEqual(home.status_code, 200)
        self.assert_signed_in_as(citizen)
        self.assertNotIn(ENROL_MESSAGE, [str(m) for m in get_messages(home.wsgi_request)])

    @override_settings(MOTCUA_DEMO=True)
    def test_it_lets_a_demo_staff_account_in_with_the_password_only_in_demo_mode(self):
        officer = self.make_user(username="tinh.motcua", is_demo=True)
        self.sign_in(officer)
        home = self.client.get("/")
        self.assertEqual(home.status_code, 200)
        self.assert_signed_in_as(officer)
        self.assertContains(home, "Bản trình diễn")

    def test_it_requires_the_set_up_of_the_same_demo_account_without_demo_mode(self):
        officer = self.make_user(username="tinh.motcua", is_demo=True)
        self.sign_in(officer)
        self.assert_sent_to_totp_set_up(self.client.get("/"))

    def test_it_requires_the_set_up_of_other_staff_even_in_demo_mode(self):
        with override_settings(MOTCUA_DEMO=True):
            officer = self.make_user(is_demo=False)
            self.sign_in(officer)
            self.assert_sent_to_totp_set_up(self.client.get("/"))

    def test_it_asks_staff_with_totp_for_a_code_at_sign_in(self):
        officer = self.make_user()
        TOTP.activate(officer, SECRET)
        response = self.sign_in(officer)
        self.assertRedirects(response, reverse("mfa_authenticate"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session, "signed in before the code")
        self.assertContains(self.client.get(reverse("mfa_authenticate")), 'name="code"')

        code = totp_at(NOW)
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        refused = self.client.post(reverse("mfa_authenticate"), {"code": wrong})
        self.assertEqual(refused.status_code, 200)
        self.assertIn("code", refused.context["form"].errors)
        self.assertNotIn("_auth_user_id", self.client.session)

        accepted = self.client.post(reverse("mfa_authenticate"), {"code": code})
        self.assertRedirects(accepted, "/", fetch_redirect_response=False)
        self.assert_signed_in_as(officer)
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_it_refuses_a_code_used_once_already(self):
        officer = self.make_user()
        TOTP.activate(officer, SECRET)
        self.sign_in(officer)
        self.client.post(reverse("mfa_authenticate"), {"code": totp_at(NOW)})
        self.assert_signed_in_as(officer)
        self.client.post(reverse("account_logout"))
        self.sign_in(officer)
        replay = self.client.post(reverse("mfa_authenticate"), {"code": totp_at(NOW)})
        self.assertEqual(replay.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_sends_the_admin_sign_in_through_allauth(self):
        response = self.client.get("/admin/", follow=True)
        final_url, _status = response.redirect_chain[-1]
        self.assertTrue(
            final_url.startswith(reverse("account_login") + "?next="), response.redirect_chain
        )
        self.assertTemplateUsed(response, "account/login.html")
