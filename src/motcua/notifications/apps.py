from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        # Register the built-in SMS providers and the configuration check.
        from . import checks  # noqa: F401
        from .contrib import http, local  # noqa: F401
