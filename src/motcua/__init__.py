"""motcua — one-stop public administrative services (Trung tâm Phục vụ Hành chính công)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
