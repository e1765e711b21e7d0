"""Settings as each deployment loads them, imported in a subprocess with a controlled environment.

Settings are read once at import, so each case starts a fresh interpreter. A developer's .env
file must not leak into these cases: the subprocess turns ``Env.read_env`` into a no-op first.
"""

import ast
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = "postgres://portal:secret@db.invalid:5432/chantiers"
REDIS_URL = "redis://redis.invalid:6379/0"
CONTROLLED = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_DEBUG",
    # Set for the whole session by the browser tests' conftest; check --deploy rejects it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

PRELUDE = """
import json, sys
import environ
environ.Env.read_env = lambda *args, **kwargs: None  # ignore any .env of the developer
"""

DESCRIBE = (
    PRELUDE
    + """
from django.conf import settings
from portal.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "debug": settings.DEBUG,
}))
"""
)

MANAGE = (
    PRELUDE
    + """
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", *sys.argv[1:]])
"""
)


def example_secrets() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "example.org",
        # The legal notice must name the host: check --deploy warns without it (hub.W001).
        "LEGAL_HOST": "Example Hosting, 1 rue de l'Exemple, 5000 Namur",
    }


def run_python(
    code: str, *args: str, settings: str, **env: str
) -> subprocess.CompletedProcess[str]:
    full_env = {key: value for key, value in os.environ.items() if key not in CONTROLLED}
    full_env.update(env, DJANGO_SETTINGS_MODULE=settings)
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def describe(settings: str, **env: str) -> dict[str, object]:
    proc = run_python(DESCRIBE, settings=settings, **env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_production_refuses_to_load_without_a_secret_key() -> None:
    proc = run_python(
        PRELUDE + "import django; django.setup()",
        settings="portal.settings.production",
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr
    assert "DJANGO_SECRET_KEY" in proc.stderr


def test_production_refuses_to_load_without_allowed_hosts() -> None:
    proc = run_python(
        PRELUDE + "import django; django.setup()",
        settings="portal.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
    )
    assert proc.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in proc.stderr


def test_production_passes_check_deploy_with_example_values() -> None:
    proc = run_python(
        MANAGE,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        settings="portal.settings.production",
        **example_secrets(),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no issues" in proc.stdout


@pytest.mark.parametrize(
    ("settings", "extra", "eager", "broker"),
    [
        ("portal.settings.local", {}, False, "filesystem://"),
        ("portal.settings.test", {}, True, "memory://"),
        ("portal.settings.production", example_secrets(), False, "filesystem://"),
    ],
    ids=["local", "test", "production"],
)
def test_embedded_default_is_sqlite_and_a_broker_on_the_local_disk(
    settings: str, extra: dict[str, str], eager: bool, broker: str, tmp_path: Path
) -> None:
    """Without services: SQLite, and tasks through a folder to the worker `make run` starts;
    the tests alone run tasks in-process."""
    described = describe(settings, SQLITE_PATH=str(tmp_path / "db.sqlite3"), **extra)
    assert described["engine"] == "django.db.backends.sqlite3"
    assert described["eager"] is eager
    assert described["broker"] == broker
    assert described["cache"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.parametrize(
    ("settings", "extra"),
    [
        ("portal.settings.local", {}),
        ("portal.settings.test", {}),
        ("portal.settings.production", example_secrets()),
    ],
    ids=["local", "test", "production"],
)
def test_database_url_and_redis_url_switch_to_postgresql_and_a_real_worker(
    settings: str, extra: dict[str, str]
) -> None:
    described = describe(settings, DATABASE_URL=POSTGRES_URL, REDIS_URL=REDIS_URL, **extra)
    assert described["engine"] == "django.db.backends.postgresql"
    assert described["eager"] is False
    assert described["broker"] == REDIS_URL
    assert described["cache"] == "portal.cache.ResilientRedisCache"


def test_production_never_runs_in_debug() -> None:
    described = describe("portal.settings.production", DJANGO_DEBUG="true", **example_secrets())
    assert described["debug"] is False


def settings_variables() -> set[str]:
    """Names passed to ``env(...)``, ``env.bool(...)``... anywhere in portal/settings."""
    names = set()
    for module in (ROOT / "portal" / "settings").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func, first = node.func, node.args[0]
            reads_env = (isinstance(func, ast.Name) and func.id == "env") or (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
            )
            if reads_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def test_env_example_documents_every_variable_the_settings_read() -> None:
    documented = set(
        re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    variables = settings_variables()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= variables
    assert variables - documented == set()
