"""The portal's app configuration: the one Django picks runs its ``ready()``, so a fresh
``migrate`` creates the staff group with its permissions."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

from portal.apps import PortalConfig

ROOT = Path(__file__).resolve().parents[2]

CHECK_GROUP = """
import django
django.setup()
from django.contrib.auth.models import Group
from portal.roles import STAFF_GROUP, staff_permissions
group = Group.objects.get(name=STAFF_GROUP)
expected = set(staff_permissions().values_list("pk", flat=True))
granted = set(group.permissions.values_list("pk", flat=True))
assert expected, "no permission to grant"
assert granted == expected, sorted(expected - granted)
print("group ok", len(granted))
"""


def test_django_uses_the_portal_config():
    assert type(apps.get_app_config("portal")) is PortalConfig


def test_migrate_on_an_empty_database_creates_the_staff_group(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.test",
        SQLITE_PATH=str(tmp_path / "empty.sqlite3"),
    )

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    migrate = run("manage.py", "migrate", "--noinput")
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    check = run("-c", CHECK_GROUP)
    assert check.returncode == 0, check.stderr[-3000:]
    assert check.stdout.startswith("group ok")


@pytest.mark.django_db
def test_the_test_database_has_the_group_without_anyone_creating_it():
    """pytest-django builds the test database with ``migrate``: the group comes from there."""
    from django.contrib.auth.models import Group

    from portal.roles import STAFF_GROUP

    assert Group.objects.get(name=STAFF_GROUP).permissions.exists()
