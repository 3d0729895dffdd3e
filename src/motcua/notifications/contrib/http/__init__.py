"""A generic HTTP SMS gateway: POST one JSON message with a bearer token.

Request (``MOTCUA_SMS_HTTP_URL``)::

    POST <url>
    Authorization: Bearer <MOTCUA_SMS_HTTP_TOKEN>
    Idempotency-Key: <reference>
    Content-Type: application/json

    {"to": "0905123456", "text": "…", "sender": "MOTCUA", "reference": "motcua-notification-42"}

Any 2xx answer is success; its JSON ``id`` (or ``message_id``), if any, is kept
as the provider's reference. Anything else — another status, a timeout, a
refused connection — raises ``SmsError`` with the reason, and the outbox
retries later. Most Vietnamese brand-name SMS gateways can be reached this way
through a small adapter; a vendor with its own protocol gets its own
``contrib/<vendor>`` provider.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from motcua.notifications.base import SmsError, SmsMessage, SmsProvider
from motcua.notifications.registry import sms_providers


@dataclass(frozen=True)
class HttpSmsOptions:
    url: str
    token: str
    timeout: int
    sender: str

    @classmethod
    def from_settings(cls) -> HttpSmsOptions:
        return cls(
            url=settings.MOTCUA_SMS_HTTP_URL,
            token=settings.MOTCUA_SMS_HTTP_TOKEN,
            timeout=settings.MOTCUA_SMS_HTTP_TIMEOUT,
            sender=settings.MOTCUA_SMS_SENDER,
        )

    def problems(self) -> list[str]:
        problems = []
        parts = urlsplit(self.url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            problems.append(
                "MOTCUA_SMS_HTTP_URL must be an http(s) URL for the 'http' SMS provider"
            )
        if not self.token:
            problems.append("MOTCUA_SMS_HTTP_TOKEN is required by the 'http' SMS provider")
        return problems


@sms_providers.register("http")
class HttpSmsProvider(SmsProvider):
    def check(self) -> list[str]:
        return HttpSmsOptions.from_settings().problems()

    def send(self, message: SmsMessage) -> str:
        options = HttpSmsOptions.from_settings()
        problems = options.problems()
        if problems:
            raise SmsError("; ".join(problems))
        payload = {
            "to": message.to,
            "text": message.text,
            "sender": options.sender,
            "reference": message.reference,
        }
        request = urllib.request.Request(  # noqa: S310 (scheme checked in problems())
            options.url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            method="POST",
            headers={
                "Authorization": f"Bearer {options.token}",
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Idempotency-Key": message.reference,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=options.timeout) as response:  # noqa: S310
                body = response.read(65536)
        except urllib.error.HTTPError as error:
            detail = error.read(500).decode("utf-8", "replace")
            raise SmsError(f"HTTP {error.code} from the SMS gateway: {detail}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SmsError(f"SMS gateway unreachable: {reason}") from error
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            return ""
        if isinstance(answer, dict):
            return str(answer.get("id") or answer.get("message_id") or "")[:200]
        return ""
