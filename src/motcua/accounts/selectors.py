"""Reads about users: whether they are staff and how they must sign in."""

from __future__ import annotations

from django.conf import settings

from allauth.mfa.models import Authenticator

from .constants import UserKind
from .models import User


def user_is_staff_member(*, user: User) -> bool:
    """Officials and administrators: anyone who works on dossiers or configuration."""
    return bool(user.kind == UserKind.STAFF or user.is_staff or user.is_superuser)


def user_has_totp(*, user: User) -> bool:
    has_totp: bool = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return has_totp


def user_may_skip_second_factor(*, user: User) -> bool:
    """Demo staff accounts sign in with a password only, and only in demo mode (gh-2)."""
    return bool(settings.MOTCUA_DEMO) and bool(user.is_demo)


def user_must_enrol_second_factor(*, user: User) -> bool:
    """Staff without TOTP must set it up before doing anything else.

    Staff who have TOTP are asked for a code by allauth at every sign-in, so
    enrolment is the only gap to close here.
    """
    return (
        user_is_staff_member(user=user)
        and not user_may_skip_second_factor(user=user)
        and not user_has_totp(user=user)
    )
