"""The payment-provider plugin interface (conventions §7: every vendor behind a registry)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from .models import Payment


@dataclass(frozen=True)
class StartResult:
    """What the citizen gets after choosing a provider.

    ``redirect_url``: send the browser there (online gateway); ``qr_payload``:
    show it as a QR code (bank transfer); neither: show the instructions page.
    """

    redirect_url: str = ""
    qr_payload: str = ""


@dataclass(frozen=True)
class CallbackCheck:
    """A gateway callback after its signature was checked."""

    valid: bool
    reference: str = ""
    amount: int | None = None  # in đồng
    succeeded: bool = False
    provider_reference: str = ""


class PaymentProvider(ABC):
    """One way to pay. Stateless: settings are read at call time."""

    label: str | Promise = ""
    # A fee collector confirms the money later (counter, bank transfer): choosing
    # such a provider is the citizen's commitment to pay, so it no longer blocks
    # submission. An online gateway blocks until its notification says "paid".
    settles_later: bool = False

    def __init__(self, *, key: str) -> None:
        self.key = key

    @abstractmethod
    def is_configured(self) -> bool:
        """True when the settings this provider needs are present."""

    def start(self, *, payment: Payment, return_url: str, client_ip: str) -> StartResult:
        return StartResult()

    def check_callback(self, params: Mapping[str, str]) -> CallbackCheck:
        """Verify a gateway callback (return or server-to-server notification)."""
        return CallbackCheck(valid=False)
