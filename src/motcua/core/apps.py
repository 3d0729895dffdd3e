from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared helpers: text folding, numbers and durations, template filters, test tools."""

    name = "motcua.core"
    label = "core"
