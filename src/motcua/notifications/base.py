"""The SMS-provider plugin interface (conventions §7: every vendor behind a registry)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


class SmsError(Exception):
    """The provider did not accept the message; the text says why (recorded on the outbox row)."""


@dataclass(frozen=True)
class SmsMessage:
    to: str  # digits, possibly with a leading +
    text: str
    # Stable per outbox row: a provider that supports it drops a retried duplicate.
    reference: str


class SmsProvider(ABC):
    """Sends one text message. ``send`` returns the provider's message id or raises ``SmsError``."""

    def __init__(self, *, key: str) -> None:
        self.key = key

    @abstractmethod
    def send(self, message: SmsMessage) -> str: ...

    def check(self) -> list[str]:
        """Configuration problems, for ``manage.py check`` (empty when ready)."""
        return []
