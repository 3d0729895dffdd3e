"""ASGI entry point: ``gunicorn motcua.asgi -k uvicorn_worker.UvicornWorker`` (or granian).

Serves the same Django as :mod:`motcua.wsgi`; long-lived responses (the
waiting-room displays' event streams, gh-7) then cost a coroutine each
instead of a worker thread. Production routes only those streams here and
everything else to ``motcua.wsgi`` with threads and persistent connections,
about three times faster for pages and the API (README, "Running in
production"; ``bench/dossiers.py --server asgi``).
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.production")

application = get_asgi_application()
