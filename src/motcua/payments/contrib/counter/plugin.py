"""Pay at the counter: a fee collector takes the money and records the receipt."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from motcua.payments.base import PaymentProvider
from motcua.payments.registry import payment_providers


@payment_providers.register("counter")
class CounterProvider(PaymentProvider):
    label = _("Nộp tại quầy")
    settles_later = True

    def is_configured(self) -> bool:
        return True
