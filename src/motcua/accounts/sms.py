"""Sending a text message (SMS) for account verification codes.

One small function, :func:`send_sms`, owned by the accounts app. It calls the
sender named by ``settings.MOTCUA_ACCOUNT_SMS_HOOK`` (a dotted path to a callable
``(phone: str, text: str) -> None``), so the notifications app's SMS plugin
registry can be plugged in later by pointing the setting at it, without
changing allauth's adapter.

Without a configured sender:

- in demo mode (``MOTCUA_DEMO``) or with ``DEBUG`` the message, code included,
  is written to the log, so a demo user can read their code on the console;
- otherwise nothing is sent and an error is logged *without* the text: a
  verification code must never land in a production log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

import structlog

logger = structlog.stdlib.get_logger(__name__)

type SmsSender = Callable[[str, str], None]


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str


# Messages "sent" by :func:`locmem_sender` (tests), like Django's mail.outbox.
outbox: list[SentSms] = []


def locmem_sender(phone: str, text: str) -> None:
    """Keep the message in :data:`outbox` (test settings use this sender)."""
    outbox.append(SentSms(phone=phone, text=text))


def log_sender(phone: str, text: str) -> None:
    """Demo mode: write the message to the log instead of sending it."""
    logger.warning("sms_demo_not_sent", phone=phone, text=text)


def _configured_sender() -> SmsSender | None:
    path: str = getattr(settings, "MOTCUA_ACCOUNT_SMS_HOOK", "")
    if path:
        sender: SmsSender = import_string(path)
        return sender
    if settings.MOTCUA_DEMO or settings.DEBUG:
        return log_sender
    return None


def send_sms(*, phone: str, text: str) -> bool:
    """Send ``text`` to ``phone`` (E.164, ``+84…``); ``False`` when no sender is configured."""
    sender = _configured_sender()
    if sender is None:
        # Never the text: it carries a verification code.
        logger.error("sms_not_sent_no_sender", phone=phone, setting="MOTCUA_ACCOUNT_SMS_HOOK")
        return False
    sender(phone, text)
    return True
