from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiClientsConfig(AppConfig):
    name = "motcua.apiclients"
    verbose_name = _("Truy cập API")

    def ready(self) -> None:
        # Registers the bearer scheme with drf-spectacular.
        from . import schema  # noqa: F401
