"""Citizens register by e-mail or phone, verify it, and reset a password (gh-5 item 1)."""

from __future__ import annotations

import logging
import re

from django.core import mail
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from allauth.account.models import EmailAddress

from motcua.accounts import sms
from motcua.accounts.constants import UserKind
from motcua.accounts.models import User
from motcua.accounts.sms import send_sms

PASSWORD = "Sông-Hương-2026"
NEW_PASSWORD = "Núi-Ngự-Bình-2027"


@override_settings(MOTCUA_ACCOUNT_SMS_HOOK="motcua.accounts.sms.locmem_sender", MOTCUA_DEMO=False)
class RegistrationTests(TestCase):
    def setUp(self):
        sms.outbox.clear()
        self.addCleanup(sms.outbox.clear)
        # allauth's rate limits (one code per number at a time) live in the cache.
        cache.clear()
        self.addCleanup(cache.clear)

    def sign_up(self, **fields):
        data = {
            "kind": "citizen",
            "full_name": "Trần Thị Mai",
            "email": "",
            "phone": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **fields,
        }
        return self.client.post(reverse("account_signup"), data)

    def sign_in(self, login, password=PASSWORD):
        return self.client.post(reverse("account_login"), {"login": login, "password": password})

    def signed_in_user_id(self):
        return self.client.session.get("_auth_user_id")

    # --- by e-mail ------------------------------------------------------------------------
    def test_a_citizen_registers_by_e_mail_and_confirms_it_by_the_link(self):
        response = self.sign_up(email="mai.tran@example.vn")
        self.assertRedirects(
            response, reverse("account_email_verification_sent"), fetch_redirect_response=False
        )
        self.assertIsNone(self.signed_in_user_id(), "signed in before confirming the e-mail")
        user = User.objects.get(email="mai.tran@example.vn")
        self.assertEqual((user.kind, user.full_name), (UserKind.CITIZEN, "Trần Thị Mai"))

        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["mai.tran@example.vn"])
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
        self.assertIsNotNone(link, message.body)

        # Signing in before confirming only re-sends the way to confirm.
        self.sign_in("mai.tran@example.vn")
        self.assertIsNone(self.signed_in_user_id())

        path = link[0].split("testserver", 1)[1]
        confirm_page = self.client.get(path)
        self.assertContains(confirm_page, "Xác nhận")
        self.client.post(path)
        self.assertTrue(EmailAddress.objects.get(user=user).verified)
        self.assertEqual(self.signed_in_user_id(), str(user.pk))

        self.client.logout()
        self.sign_in("mai.tran@example.vn")
        self.assertEqual(self.signed_in_user_id(), str(user.pk))

    # --- by phone -------------------------------------------------------------------------
    def test_a_citizen_registers_by_phone_and_confirms_it_with_the_sms_code(self):
        response = self.sign_up(phone="0912 345 678", kind="business", full_name="Hộ kinh doanh An")
        self.assertRedirects(
            response, reverse("account_verify_phone"), fetch_redirect_response=False
        )
        self.assertIsNone(self.signed_in_user_id())
        user = User.objects.get(phone="+84912345678")
        self.assertFalse(user.phone_verified)
        self.assertEqual(user.kind, UserKind.BUSINESS)
        self.assertEqual(mail.outbox, [])

        self.assertEqual([m.phone for m in sms.outbox], ["+84912345678"])
        code = re.search(r"là (\S+)\.", sms.outbox[0].text)
        self.assertIsNotNone(code, sms.outbox[0].text)

        wrong = self.client.post(reverse("account_verify_phone"), {"code": "ZZZZZZ"})
        self.assertEqual(wrong.status_code, 200)
        self.assertTrue(wrong.context["form"].errors)
        self.assertIsNone(self.signed_in_user_id())

        self.client.post(reverse("account_verify_phone"), {"code": code[1]})
        user.refresh_from_db()
        self.assertTrue(user.phone_verified)
        self.assertEqual(self.signed_in_user_id(), str(user.pk))

        # Later sign-ins take the number as people write it.
        self.client.logout()
        self.sign_in("0912345678")
        self.assertEqual(self.signed_in_user_id(), str(user.pk))

    def test_it_asks_for_an_e_mail_or_a_phone_number_and_keeps_what_was_typed(self):
        response = self.sign_up(full_name="Lê Văn Tâm")
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        expected = (
            "Nhập địa chỉ thư điện tử hoặc số điện thoại di động (hoặc cả hai) để nhận"
            " liên kết hoặc mã xác minh tài khoản."
        )
        self.assertEqual(form.errors["email"], [expected])
        self.assertEqual(form.errors["phone"], [expected])
        self.assertContains(response, 'value="Lê Văn Tâm"')
        self.assertFalse(User.objects.exists())

    def test_it_refuses_a_malformed_phone_number_in_vietnamese(self):
        response = self.sign_up(phone="12345")
        self.assertEqual(
            response.context["form"].errors["phone"],
            [
                "Số điện thoại không hợp lệ: nhập 10 chữ số bắt đầu bằng 0 (ví dụ 0912 345 678)"
                " hoặc số quốc tế bắt đầu bằng + (ví dụ +84 912 345 678)."
            ],
        )
        self.assertEqual(sms.outbox, [])

    def test_a_phone_number_belongs_to_one_account(self):
        User.objects.create_user(username="first", phone="+84912345678", phone_verified=True)
        response = self.sign_up(phone="+84 912 345 678")
        self.assertEqual(User.objects.filter(phone="+84912345678").count(), 1)
        self.assertIsNone(self.signed_in_user_id())
        # Enumeration protection: no error on the page, a text to the owner instead.
        self.assertNotEqual(response.status_code, 500)
        self.assertEqual(len(sms.outbox), 1)
        self.assertIn("đã có tài khoản", sms.outbox[0].text)

    # --- password reset -------------------------------------------------------------------
    def test_a_citizen_resets_a_forgotten_password_by_e_mail(self):
        user = User.objects.create_user(username="mai", email="mai@example.vn", password=PASSWORD)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        self.client.post(reverse("account_reset_password"), {"email": "mai@example.vn"})
        self.assertEqual(len(mail.outbox), 1)
        link = re.search(
            r"https?://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body
        )
        self.assertIsNotNone(link, mail.outbox[0].body)

        form_page = self.client.get(link[1], follow=True)
        self.assertEqual(form_page.status_code, 200)
        set_url = form_page.redirect_chain[-1][0]
        done = self.client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.assertRedirects(
            done, reverse("account_reset_password_from_key_done"), fetch_redirect_response=False
        )
        self.sign_in("mai@example.vn", PASSWORD)
        self.assertIsNone(self.signed_in_user_id(), "the old password still works")
        self.sign_in("mai@example.vn", NEW_PASSWORD)
        self.assertEqual(self.signed_in_user_id(), str(user.pk))


class SmsHookTests(TestCase):
    @override_settings(MOTCUA_ACCOUNT_SMS_HOOK="", MOTCUA_DEMO=True)
    def test_demo_mode_writes_the_code_to_the_log(self):
        with self.assertLogs("motcua.accounts.sms", logging.WARNING) as logs:
            self.assertTrue(send_sms(phone="+84912345678", text="Mã là 123456."))
        self.assertIn("Mã là 123456.", logs.output[0])

    @override_settings(MOTCUA_ACCOUNT_SMS_HOOK="", MOTCUA_DEMO=False, DEBUG=False)
    def test_without_a_provider_nothing_is_sent_and_the_code_never_reaches_the_log(self):
        with self.assertLogs("motcua.accounts.sms", logging.WARNING) as logs:
            self.assertFalse(send_sms(phone="+84912345678", text="Mã là 987650."))
        self.assertIn("+84912345678", logs.output[0])
        self.assertNotIn("987650", "\n".join(logs.output))

    @override_settings(MOTCUA_ACCOUNT_SMS_HOOK="motcua.accounts.sms.locmem_sender")
    def test_a_configured_hook_receives_the_number_and_text(self):
        sms.outbox.clear()
        self.addCleanup(sms.outbox.clear)
        send_sms(phone="+84912345678", text="xin chào")
        self.assertEqual(sms.outbox, [sms.SentSms(phone="+84912345678", text="xin chào")])
