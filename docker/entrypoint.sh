#!/bin/sh
# Entry point of the image: one verb per docker-compose service, so that the tests in
# tests/portal/test_processes.py run exactly the commands the containers run.
#
#   web                 apply migrations, load the seed data into a database never seeded
#                       (a no-op on every later start: load_seed --initial), then serve
#   serve               serve only: gunicorn portal.wsgi on $WEB_BIND (default 0.0.0.0:8000)
#   worker [ARGS]       celery -A portal worker (extra ARGS go to celery)
#   beat [ARGS]         celery -A portal beat, schedule in memory (portal/beat.py; extra ARGS
#                       go to celery)
#   healthcheck-web     GET / through gunicorn, as a client behind the TLS proxy would
#   healthcheck-worker  celery -A portal inspect ping, addressed to this container's worker
#   anything else       run as a command (e.g. "python manage.py createsuperuser")
set -eu

WEB_BIND="${WEB_BIND:-0.0.0.0:8000}"
export WEB_BIND
# Docker sets HOSTNAME to the container's name; the worker takes it as its node name so that
# the healthcheck pings this container's worker and not any worker on the broker.
NODE_HOST="${HOSTNAME:-$(python -c 'import socket; print(socket.gethostname())')}"

verb="${1:-serve}"
[ "$#" -gt 0 ] && shift

case "$verb" in
    web)
        python manage.py migrate --noinput
        # Only the first start of a new database loads the seed: staff own the content after.
        python manage.py load_seed --initial
        # docker/gunicorn.conf.py reads WEB_BIND and WEB_CONCURRENCY.
        exec gunicorn portal.wsgi --config docker/gunicorn.conf.py
        ;;
    serve)
        exec gunicorn portal.wsgi --config docker/gunicorn.conf.py
        ;;
    worker)
        exec celery -A portal worker --loglevel INFO --hostname "worker@$NODE_HOST" "$@"
        ;;
    beat)
        exec celery -A portal beat --loglevel INFO "$@"
        ;;
    healthcheck-web)
        # Production settings redirect plain HTTP and check the Host header: present the
        # first allowed host and the header the TLS proxy would add.
        exec python - "http://127.0.0.1:${WEB_BIND##*:}/" <<'PY'
import os
import sys
import urllib.request

host = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".")
if host in ("", "*"):
    host = "localhost"
request = urllib.request.Request(sys.argv[1], headers={"Host": host, "X-Forwarded-Proto": "https"})
with urllib.request.urlopen(request, timeout=5) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
        ;;
    healthcheck-worker)
        exec celery -A portal inspect ping --timeout 5 --destination "worker@$NODE_HOST"
        ;;
    *)
        exec "$verb" "$@"
        ;;
esac
