# Two images from one build (see docker-compose.yml):
# - app: gunicorn serving portal.wsgi, plus the Celery worker and beat (same image, other verbs
#   of docker/entrypoint.sh);
# - proxy: the official nginx with the collected static files and docker/nginx's template.
# The last stage is the app, so that a plain `docker build .` gives it.
FROM python:3.11-slim AS app

# Without DATABASE_URL the portal falls back to SQLite: SQLITE_PATH points into a writable dir.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    SQLITE_PATH=/app/data/db.sqlite3

WORKDIR /app

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --shell /usr/sbin/nologin portal

# Dependencies first, so that a code change does not reinstall them.
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

COPY . .

# The manifest storage needs collected static files; the secret and host only let the
# production settings load for this command and are not kept in the image's environment.
RUN DJANGO_SECRET_KEY=build-only-collectstatic-not-a-secret-0123456789-abcdefghij \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/data \
    && chown -R portal:portal /app/data

# The code stays owned by root: the portal user can read it, not change it.
USER portal

EXPOSE 8000

ENTRYPOINT ["sh", "/app/docker/entrypoint.sh"]
CMD ["serve"]

# --- The reverse proxy ---------------------------------------------------------------------------
FROM nginx:1.27-alpine AS proxy
COPY --from=app /app/staticfiles /srv/static
# The image fills ${PORTAL_UPSTREAM} and the others from its environment at start-up.
COPY docker/nginx/default.conf.template /etc/nginx/templates/default.conf.template

# --- The default target: the app ---------------------------------------------------------------
FROM app AS web
