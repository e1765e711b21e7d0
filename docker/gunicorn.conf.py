"""gunicorn's settings for the web service (docker/entrypoint.sh serve and web).

gunicorn listens on the internal network only; nginx (docker/nginx/default.conf.template) is
in front. gunicorn has no setting for the size of a request body: Django refuses oversized
bodies before reading them (portal/middleware/body_limits.py) and nginx does so first with the
same limits.
The header limits below match nginx's large_client_header_buffers (4 buffers of 8 KiB).
"""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"

limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# A request that takes longer than this is killed with its worker: a hung dependency must not
# hold a sync worker for ever (Redis cannot: portal/circuit.py).
timeout = 60
graceful_timeout = 30


def post_worker_init(worker: object) -> None:
    """The worker has loaded the portal: its modules, models, URLconf and compiled templates
    last as long as the worker. ``gc.freeze()`` moves them out of the garbage collector's
    generations, so that the full collections a request's allocations set off no longer walk
    them again (measured: 7.6% of the instructions of a home page miss)."""
    import gc

    gc.freeze()
