from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostalConfig(AppConfig):
    name = "motcua.postal"
    verbose_name = _("Bưu chính công ích")

    def ready(self) -> None:
        # Register the built-in postal providers and the configuration check.
        from . import checks  # noqa: F401
        from .contrib import local, vnpost  # noqa: F401
