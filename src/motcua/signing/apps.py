from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "motcua.signing"
    verbose_name = _("Ký số kết quả")

    def ready(self) -> None:
        # Importing the providers registers them in ``signature_providers``.
        from . import providers  # noqa: F401
