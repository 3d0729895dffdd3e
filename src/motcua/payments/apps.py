from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    verbose_name = _("Thanh toán phí, lệ phí")

    def ready(self) -> None:
        # Importing the built-in providers registers them; then the configured
        # keys are checked, so a typo in MOTCUA_PAYMENT_PROVIDERS fails at start-up.
        from . import checks  # noqa: F401
        from .contrib.counter import plugin as _counter  # noqa: F401
        from .contrib.vietqr import plugin as _vietqr  # noqa: F401
        from .contrib.vnpay import plugin as _vnpay  # noqa: F401
