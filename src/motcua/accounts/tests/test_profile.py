"""The citizen's profile: validation in Vietnamese, and identity a provider verified stays put."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import TestCase
from django.urls import reverse

from motcua.accounts.constants import UserKind
from motcua.accounts.oidc import oidc_apps
from motcua.accounts.services import (
    identity_from_claims,
    user_apply_verified_identity,
    user_update_profile,
)
from motcua.accounts.tests.factories import UserFactory

URL = "/tai-khoan/ho-so/"
BAD_CCCD = "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."
BAD_PROVINCE = "Ba chữ số đầu của số CCCD (mã tỉnh nơi đăng ký khai sinh) phải từ 001 đến 096."
BAD_MST = "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số."


def profile_data(**overrides):
    data = {
        "kind": "citizen",
        "full_name": "Phan Văn Long",
        "identity_number": "046088001234",
        "date_of_birth": "1988-02-29",
        "tax_code": "",
        "address_unit": "",
        "address_street": "5 Trần Hưng Đạo",
    }
    data.update(overrides)
    return data


def verified_citizen():
    user = UserFactory(full_name="", kind=UserKind.CITIZEN)
    identity = identity_from_claims(
        provider="VNeID",
        kind="citizen",
        claim_names={
            "full_name": "name",
            "identity_number": "identity_number",
            "date_of_birth": "birthdate",
        },
        claims={"name": "Hồ Thị Lan", "identity_number": "046190000555", "birthdate": "1990-01-02"},
    )
    return user_apply_verified_identity(user=user, identity=identity)


class ProfilePageTests(TestCase):
    def setUp(self):
        self.user = UserFactory(full_name="Phan Văn Long")
        self.client.force_login(self.user)

    def test_it_asks_anonymous_visitors_to_sign_in(self):
        self.client.logout()
        response = self.client.get(URL)
        self.assertRedirects(
            response, f"{reverse('account_login')}?next={URL}", fetch_redirect_response=False
        )

    def test_the_page_is_in_the_portal_and_saves_the_profile(self):
        page = self.client.get(URL)
        self.assertEqual(page.status_code, 200)
        self.assertTemplateUsed(page, "base.html")
        self.assertContains(page, "<h1>Hồ sơ của tôi</h1>", html=True)

        response = self.client.post(URL, profile_data(), follow=True)
        self.assertContains(response, "Đã lưu hồ sơ của bạn.")
        self.user.refresh_from_db()
        self.assertEqual(self.user.identity_number, "046088001234")
        self.assertEqual(self.user.date_of_birth, dt.date(1988, 2, 29))
        self.assertEqual(self.user.address_street, "5 Trần Hưng Đạo")

    def test_it_explains_a_wrong_cccd_in_vietnamese_and_keeps_what_was_typed(self):
        for number, message in (
            ("04608800123", BAD_CCCD),
            ("12A088001234", BAD_CCCD),
            ("099088001234", BAD_PROVINCE),
        ):
            with self.subTest(number=number):
                response = self.client.post(URL, profile_data(identity_number=number))
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.context["form"].errors["identity_number"], [message])
                self.assertContains(response, f'value="{number}"', status_code=400)
                self.assertContains(response, 'value="5 Trần Hưng Đạo"', status_code=400)
        self.user.refresh_from_db()
        self.assertEqual(self.user.identity_number, "")

    def test_it_checks_a_business_tax_code(self):
        for code in ("012345678", "0123456789-01", "0123456789001"):
            with self.subTest(code=code):
                response = self.client.post(URL, profile_data(kind="business", tax_code=code))
                self.assertEqual(response.context["form"].errors["tax_code"], [BAD_MST])
        missing = self.client.post(URL, profile_data(kind="business", tax_code=""))
        self.assertEqual(
            missing.context["form"].errors["tax_code"],
            ["Doanh nghiệp, tổ chức phải nhập mã số thuế."],
        )
        for code in ("0123456789", "0123456789-001"):
            with self.subTest(code=code):
                self.client.post(URL, profile_data(kind="business", tax_code=code))
                self.user.refresh_from_db()
                self.assertEqual((self.user.kind, self.user.tax_code), (UserKind.BUSINESS, code))

    def test_a_cccd_belongs_to_one_account(self):
        UserFactory(identity_number="046088001234")
        response = self.client.post(URL, profile_data())
        self.assertEqual(
            response.context["form"].errors["identity_number"],
            ["Số định danh cá nhân này đã thuộc về một tài khoản khác."],
        )


class VerifiedProfileTests(TestCase):
    def setUp(self):
        self.user = verified_citizen()
        self.client.force_login(self.user)

    def test_the_provider_s_identity_is_marked_verified(self):
        self.assertTrue(self.user.identity_verified)
        self.assertEqual(self.user.identity_provider, "VNeID")
        self.assertIsNotNone(self.user.identity_verified_at)
        self.assertEqual(
            (self.user.full_name, self.user.identity_number, self.user.date_of_birth),
            ("Hồ Thị Lan", "046190000555", dt.date(1990, 1, 2)),
        )

    def test_the_form_shows_identity_fields_disabled(self):
        page = self.client.get(URL)
        self.assertContains(page, "đã được VNeID xác thực")
        form = page.context["form"]
        for name in ("full_name", "identity_number", "date_of_birth", "kind"):
            self.assertTrue(form.fields[name].disabled, name)
        self.assertFalse(form.fields["address_street"].disabled)

    def test_a_tampered_post_cannot_change_verified_fields(self):
        response = self.client.post(
            URL,
            profile_data(
                full_name="Kẻ Mạo Danh",
                identity_number="046088009999",
                date_of_birth="1970-01-01",
                kind="business",
                tax_code="0123456789",
                address_street="7 Lê Lợi",
            ),
        )
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        self.user.refresh_from_db()
        self.assertEqual(
            (
                self.user.full_name,
                self.user.identity_number,
                self.user.date_of_birth,
                self.user.kind,
            ),
            ("Hồ Thị Lan", "046190000555", dt.date(1990, 1, 2), UserKind.CITIZEN),
        )
        self.assertEqual(self.user.address_street, "7 Lê Lợi")

    def test_the_service_refuses_a_change_of_a_verified_field(self):
        with self.assertRaises(ValidationError) as raised:
            user_update_profile(
                user=self.user, by=self.user, data={"identity_number": "046088009999"}
            )
        self.assertIn("VNeID", raised.exception.message_dict["identity_number"][0])
        self.user.refresh_from_db()
        self.assertEqual(self.user.identity_number, "046190000555")

    def test_a_verified_identity_takes_its_number_back_from_an_unverified_account(self):
        squatter = UserFactory(identity_number="046191000888")
        user = UserFactory()
        identity = identity_from_claims(
            provider="VNeID",
            kind="citizen",
            claim_names={"identity_number": "cccd"},
            claims={"cccd": "046191000888"},
        )
        user_apply_verified_identity(user=user, identity=identity)
        squatter.refresh_from_db()
        self.assertEqual(squatter.identity_number, "")
        user.refresh_from_db()
        self.assertEqual(user.identity_number, "046191000888")

    def test_malformed_claims_are_dropped_not_stored(self):
        identity = identity_from_claims(
            provider="VNeID",
            kind="citizen",
            claim_names={"identity_number": "cccd", "date_of_birth": "birthdate"},
            claims={"cccd": "12345", "birthdate": "30/04/1991"},
        )
        self.assertEqual((identity.identity_number, identity.date_of_birth), ("", None))


class OidcSettingsTests(TestCase):
    def test_it_reads_providers_from_json(self):
        apps = oidc_apps(
            json.dumps(
                [
                    {
                        "id": "vneid",
                        "name": "VNeID",
                        "server_url": "https://sso.example.vn",
                        "client_id": "motcua",
                        "secret": "s",
                        "kind": "organisation",
                        "claims": {"tax_code": "mst"},
                    }
                ]
            )
        )
        self.assertEqual(apps[0]["provider_id"], "vneid")
        self.assertEqual(apps[0]["settings"]["motcua_kind"], "organisation")
        self.assertEqual(apps[0]["settings"]["motcua_claims"]["tax_code"], "mst")
        self.assertEqual(apps[0]["settings"]["motcua_claims"]["full_name"], "name")
        self.assertEqual(oidc_apps(None), [])

    def test_a_mistake_fails_at_start_up_naming_the_variable(self):
        good = {"id": "a", "name": "A", "server_url": "https://x", "client_id": "c"}
        for raw, words in (
            ("{", "not valid JSON"),
            ("{}", "JSON list"),
            (json.dumps([{**good, "server_url": "ftp://x"}]), "server_url"),
            (json.dumps([{**good, "kind": "staff"}]), "kind"),
            (json.dumps([good, good]), "used twice"),
            (json.dumps([{**good, "colour": "red"}]), "unknown keys: colour"),
            (json.dumps([{**good, "claims": {"shoe_size": "x"}}]), "claims"),
        ):
            with self.subTest(raw=raw), self.assertRaises(ImproperlyConfigured) as raised:
                oidc_apps(raw)
            self.assertIn("MOTCUA_OIDC_PROVIDERS", str(raised.exception))
            self.assertIn(words, str(raised.exception))
