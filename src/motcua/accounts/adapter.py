"""motcua's allauth adapters: phone numbers, verification, and identity from OIDC claims.

Citizens register with an e-mail address or a mobile number (or both) and a
password. Whatever contact they give is verified before they are signed in:
the e-mail by a confirmation link, the phone by a code sent by SMS.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin

from .models import User
from .services import (
    identity_from_claims,
    release_unverified_claims,
    user_apply_verified_identity,
)
from .sms import send_sms
from .validators import normalise_phone


class PhoneField(forms.CharField):
    """A mobile number as Vietnamese people type it, cleaned to E.164 (``+84…``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "placeholder": gettext_lazy("Ví dụ: 0912 345 678"),
                    "autocomplete": "tel",
                    "type": "tel",
                    "inputmode": "tel",
                }
            ),
        )
        kwargs.setdefault("label", gettext_lazy("Số điện thoại di động"))
        kwargs.setdefault("max_length", 24)
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> str:
        cleaned: str = super().clean(value)
        return normalise_phone(cleaned) if cleaned else cleaned


class ContactEmailVerificationStage(EmailVerificationStage):
    """E-mail verification that is mandatory when the account has an e-mail address.

    allauth's "mandatory" setting requires an e-mail at sign-up, which would
    shut out citizens who register with a phone number only; with "optional"
    it would let an unconfirmed address sign in. So allauth runs with
    "optional" and this stage demands the confirmation from accounts that have
    an address (phone-only accounts are verified by the phone stage instead).
    """

    def handle(self) -> tuple[Any, bool]:
        login = self.login
        method = account_settings.EmailVerificationMethod
        if (
            login.email_verification == method.OPTIONAL
            and login.user is not None
            and (login.email or _has_email(login.user))
        ):
            login.email_verification = method.MANDATORY
        result: tuple[Any, bool] = super().handle()
        return result


def _has_email(user: Any) -> bool:
    return bool(user.email) or EmailAddress.objects.filter(user=user).exists()


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        stages: list[str] = super().get_login_stages()
        original = "allauth.account.stages.EmailVerificationStage"
        ours = f"{__name__}.ContactEmailVerificationStage"
        return [ours if stage == original else stage for stage in stages]

    # --- phone numbers (allauth's phone support) ----------------------------------------
    def phone_form_field(self, **kwargs: Any) -> PhoneField:
        return PhoneField(**kwargs)

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        send_sms(
            phone=phone,
            text=_(
                "Mã xác minh số điện thoại của bạn trên Cổng dịch vụ công là %(code)s."
                " Không đưa mã này cho người khác."
            )
            % {"code": code},
        )

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        send_sms(
            phone=phone,
            text=_(
                "Có người vừa yêu cầu mã đăng nhập Cổng dịch vụ công cho số này, nhưng số này"
                " chưa gắn với tài khoản nào. Nếu không phải bạn, hãy bỏ qua tin nhắn."
            ),
        )

    def send_account_already_exists_sms(self, phone: str) -> None:
        send_sms(
            phone=phone,
            text=_(
                "Số điện thoại này đã có tài khoản trên Cổng dịch vụ công. Hãy đăng nhập,"
                " hoặc dùng chức năng quên mật khẩu."
            ),
        )

    def set_phone(self, user: Any, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        return (user.phone, bool(user.phone_verified)) if user.phone else None

    def set_phone_verified(self, user: Any, phone: str) -> None:
        if user.phone == phone:
            user.phone_verified = True
            user.save(update_fields=["phone_verified"])

    def get_user_by_phone(self, phone: str) -> User | None:
        # The sign-in form passes what the person typed ("0912 345 678").
        try:
            normalised = normalise_phone(phone)
        except ValidationError:
            return None
        return User.objects.filter(phone=normalised).first()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Signing in through an identity provider verifies the profile with its claims."""

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: Any) -> Any:
        user = super().populate_user(request, sociallogin, data)
        identity = _identity(sociallogin)
        if identity is not None:
            user_apply_verified_identity(user=user, identity=identity, save=False)
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        if _identity(sociallogin) is not None:
            release_unverified_claims(sociallogin.user)
        return super().save_user(request, sociallogin, form)

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        # A returning user: the provider's current claims refresh the profile
        # (a corrected name, a new CCCD) and the verification time.
        super().pre_social_login(request, sociallogin)
        if not sociallogin.is_existing:
            return
        identity = _identity(sociallogin)
        if identity is not None:
            user_apply_verified_identity(user=sociallogin.user, identity=identity)


def _identity(sociallogin: SocialLogin) -> Any:
    """The verified identity in an OpenID Connect login; ``None`` for other providers."""
    provider = sociallogin.provider
    app_settings = getattr(getattr(provider, "app", None), "settings", None) or {}
    if "motcua_claims" not in app_settings:
        return None
    extra = sociallogin.account.extra_data or {}
    claims = {**(extra.get("id_token") or {}), **(extra.get("userinfo") or {})}
    return identity_from_claims(
        provider=provider.name,
        kind=app_settings.get("motcua_kind", "citizen"),
        claim_names=app_settings["motcua_claims"],
        claims=claims,
    )
