from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """Shared helpers: text folding, numbers and durations, template filters, test tools,
    and the reference-data cache (``core.refdata``)."""

    name = "motcua.core"
    label = "core"

    def ready(self) -> None:
        from .refdata import triggers_install

        post_migrate.connect(triggers_install, sender=self, dispatch_uid="motcua.core.refdata")
