"""Settings for the test suite: fast hashing, in-memory mail, DATABASE_URL honoured."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests compare rendered pages; the manifest would need collectstatic before every run.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

# Tasks run in-process, without a broker; with REDIS_URL the tests marked "services" send them
# through Redis to a worker of their own (tests/conftest.py makes every other test eager).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL  # noqa: F405
# An in-process sender sends at once (tests/portal/test_mail.py sets a settle of its own).
MAIL_SETTLE_SECONDS = 0.0
if not REDIS_URL:  # noqa: F405
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}

# The concurrency tests run real threads, each with its own connection. SQLite's in-memory
# test database is shared between threads only in "shared cache" mode, where concurrent writers
# fail at once ("database table is locked") instead of queueing: a file, one per test process,
# so that they queue as in production (IMMEDIATE transactions, busy timeout, WAL).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os
    import tempfile
    from pathlib import Path

    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(  # noqa: F405
        Path(tempfile.gettempdir()) / f"chantiers-test-{os.getpid()}.sqlite3"
    )
