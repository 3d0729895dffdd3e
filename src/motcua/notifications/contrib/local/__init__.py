"""Built-in SMS providers for the embedded demo and development: nothing leaves the machine.

``console`` prints each message on standard output (like Django's console
e-mail backend); ``log`` writes it to the structured log with the number
masked (logs must not carry personal data, conventions §11).
"""

from __future__ import annotations

import sys
import uuid

import structlog

from motcua.notifications.base import SmsMessage, SmsProvider
from motcua.notifications.registry import sms_providers

log = structlog.stdlib.get_logger(__name__)


@sms_providers.register("console")
class ConsoleSmsProvider(SmsProvider):
    def send(self, message: SmsMessage) -> str:
        sys.stdout.write(f"SMS to {message.to} [{message.reference}]\n{message.text}\n{'-' * 40}\n")
        sys.stdout.flush()
        return f"console-{uuid.uuid4().hex[:12]}"


def mask(number: str) -> str:
    """0905123456 → 09******56: enough to tell two recipients apart in a log."""
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


@sms_providers.register("log")
class LogSmsProvider(SmsProvider):
    def send(self, message: SmsMessage) -> str:
        ref = f"log-{uuid.uuid4().hex[:12]}"
        log.info(
            "sms_sent",
            to=mask(message.to),
            reference=message.reference,
            provider_ref=ref,
            length=len(message.text),
        )
        return ref
