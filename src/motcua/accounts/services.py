"""Writes about accounts: identity verified by a provider, and the citizen's own profile edits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import structlog

from motcua.core.text import nfc

from .constants import UserKind
from .models import User
from .validators import validate_cccd, validate_tax_code

logger = structlog.stdlib.get_logger(__name__)

# What an identity provider vouches for: a verified profile never lets its owner
# change these (issue 5 item 1). The tax code is an organisation's identity.
CITIZEN_LOCKED_FIELDS = ("full_name", "identity_number", "date_of_birth")
ORGANISATION_LOCKED_FIELDS = ("kind", "full_name", "tax_code")
# What a citizen may edit on their profile page (phone and e-mail change through
# allauth's own pages, which verify the new contact first).
PROFILE_FIELDS = (
    "kind",
    "full_name",
    "identity_number",
    "date_of_birth",
    "tax_code",
    "address_unit",
    "address_street",
)


def locked_fields(user: User) -> frozenset[str]:
    """Profile fields the owner may not change: the identity a provider verified."""
    if not user.identity_verified:
        return frozenset()
    if user.kind == UserKind.CITIZEN:
        return frozenset({"kind", *CITIZEN_LOCKED_FIELDS})
    return frozenset(ORGANISATION_LOCKED_FIELDS)


@dataclass(frozen=True)
class VerifiedIdentity:
    """The identity an OpenID Connect provider asserted in its claims."""

    provider: str
    kind: UserKind
    full_name: str = ""
    identity_number: str = ""
    date_of_birth: dt.date | None = None
    tax_code: str = ""
    address: str = ""


def _claim_text(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    if isinstance(value, dict):  # OIDC's address claim is an object
        value = value.get("formatted", "")
    return nfc(str(value)).strip() if value not in (None, "") else ""


def identity_from_claims(
    *, provider: str, kind: str, claim_names: Mapping[str, str], claims: Mapping[str, Any]
) -> VerifiedIdentity:
    """Read the identity out of a provider's claims; malformed values are dropped and logged."""
    values = {field: _claim_text(claims, name) for field, name in claim_names.items()}
    birth: dt.date | None = None
    if values.get("date_of_birth"):
        try:
            birth = dt.date.fromisoformat(values["date_of_birth"])  # OIDC: YYYY-MM-DD
        except ValueError:
            logger.warning("identity_claim_malformed", provider=provider, field="date_of_birth")
    for field, validate in (("identity_number", validate_cccd), ("tax_code", validate_tax_code)):
        if values.get(field):
            try:
                validate(values[field])
            except ValidationError:
                logger.warning("identity_claim_malformed", provider=provider, field=field)
                values[field] = ""
    return VerifiedIdentity(
        provider=provider,
        kind=UserKind.CITIZEN if kind == "citizen" else UserKind.ORGANISATION,
        full_name=values.get("full_name", "")[:200],
        identity_number=values.get("identity_number", ""),
        date_of_birth=birth,
        tax_code=values.get("tax_code", ""),
        address=values.get("address", "")[:300],
    )


def user_apply_verified_identity(
    *, user: User, identity: VerifiedIdentity, now: dt.datetime | None = None, save: bool = True
) -> User:
    """Copy a provider-verified identity onto ``user`` and mark it verified, by whom and when.

    The provider is the authority: its values replace what the citizen typed. If
    another, *unverified* account claimed the same identity number or tax code
    (typed by mistake or by someone else), that claim is withdrawn from it, so
    the verified owner is never locked out of their own number. ``save=False``
    serves allauth's sign-up, which saves the new user itself.
    """
    user.kind = identity.kind
    for field in ("full_name", "identity_number", "tax_code"):
        value = getattr(identity, field)
        if value:
            setattr(user, field, value)
    if identity.date_of_birth:
        user.date_of_birth = identity.date_of_birth
    if identity.address and not user.address_street:
        user.address_street = identity.address
    user.identity_verified = True
    user.identity_provider = identity.provider
    user.identity_verified_at = now or timezone.now()
    if not save:
        return user
    with transaction.atomic():
        _release_unverified_claims(user)
        user.full_clean(exclude=["password", "username"])
        user.save()
    return user


def release_unverified_claims(user: User) -> None:
    """Before saving a newly verified user: withdraw its numbers from unverified accounts."""
    _release_unverified_claims(user)


def _release_unverified_claims(user: User) -> None:
    for field in ("identity_number", "tax_code"):
        value = getattr(user, field)
        if not value:
            continue
        others = User.objects.filter(**{field: value}, identity_verified=False).exclude(pk=user.pk)
        for other in others:
            logger.warning(
                "unverified_identity_withdrawn", verified_user=user.pk, field=field, user=other.pk
            )
            setattr(other, field, "")
            other.save(update_fields=[field])


def user_update_profile(*, user: User, by: User, data: Mapping[str, Any]) -> User:
    """Save the citizen's own profile edits.

    ``data`` holds cleaned values of :data:`PROFILE_FIELDS`. A verified identity
    field (see :func:`locked_fields`) that differs from the stored value is
    refused, whatever the form showed: the check is here, not in the page.
    """
    if by.pk != user.pk:
        raise PermissionError("a profile is edited by its owner")
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    locked = locked_fields(user)
    errors: dict[str, list[str]] = {}
    for field, value in data.items():
        if field in locked and value != getattr(user, field):
            errors[field] = [
                _(
                    "Thông tin này đã được %(provider)s xác thực nên không sửa được;"
                    " nếu sai, hãy đề nghị %(provider)s điều chỉnh."
                )
                % {"provider": user.identity_provider or _("nhà cung cấp định danh")}
            ]
    if errors:
        raise ValidationError(errors)
    for field, value in data.items():
        setattr(user, field, nfc(value) if isinstance(value, str) else value)
    if user.kind != UserKind.CITIZEN and not user.tax_code:
        raise ValidationError({"tax_code": [_("Doanh nghiệp, tổ chức phải nhập mã số thuế.")]})
    user.full_clean(exclude=["password", "username"])
    user.save()
    return user
