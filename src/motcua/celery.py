"""Celery application: background tasks in production (Redis broker).

Without ``MOTCUA_REDIS_URL`` tasks run eagerly in-process (embedded mode), so
the same task code serves both ways of running motcua.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.dev")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
