from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """Shared helpers: text folding, numbers and durations, template filters, test tools,
    and the reference-data cache (``core.refdata``)."""

    name = "motcua.core"
    label = "core"

    def ready(self) -> None:
        from django_structlog.signals import bind_extra_request_metadata

        from .http import bind_client_address
        from .refdata import triggers_install

        post_migrate.connect(triggers_install, sender=self, dispatch_uid="motcua.core.refdata")
        bind_extra_request_metadata.connect(bind_client_address, dispatch_uid="motcua.core.http")
