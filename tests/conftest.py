"""Shared fixtures, and the rule that in CI (PORTAL_TESTS_STRICT=1) no test may skip."""

import os

import pytest

STRICT = os.environ.get("PORTAL_TESTS_STRICT") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # A missing browser or service must fail CI rather than pass quietly as a skip.
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in strict mode (PORTAL_TESTS_STRICT=1): {reason}"


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """.delay() runs in-process even with REDIS_URL: only tests marked ``services`` use the real
    broker (with a worker of their own); otherwise messages would pile up in Redis for no one,
    or for a developer's worker running against another database."""
    if request.node.get_closest_marker("services"):
        yield
        return
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


# --- People and provinces most tests need -------------------------------------------------
# Two provinces, an officer of each, and a member of the staff group: the roles whose rights
# differ. A module that needs another shape of one defines its own fixture of the same name.


@pytest.fixture
def liege():
    from tests.territoires.factories import ProvinceFactory

    return ProvinceFactory(name="Liège", slug="liege", code="LG")


@pytest.fixture
def namur():
    from tests.territoires.factories import ProvinceFactory

    return ProvinceFactory(name="Namur", slug="namur", code="NA")


@pytest.fixture
def officer(liege):
    from tests.portal.factories import UserFactory

    user = UserFactory(email="liege@example.org")
    liege.officers.add(user)
    return user


@pytest.fixture
def namur_officer(namur):
    from tests.portal.factories import UserFactory

    user = UserFactory(email="namur@example.org")
    namur.officers.add(user)
    return user


@pytest.fixture
def staff():
    from portal.roles import staff_group_ensure
    from tests.portal.factories import UserFactory

    user = UserFactory(is_staff=True, email="staff@example.org")
    user.groups.add(staff_group_ensure())
    return user


@pytest.fixture(autouse=True)
def _french_by_default():
    """Each test starts in French, the site's language: a request in English leaves English
    active in the test's thread (LocaleMiddleware activates it and nothing switches it back),
    which made later tests comparing French words fail by order."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_map_layers():
    """A new version of the map's data for each test: a layer cached by an earlier test (whose
    rows were rolled back, which sends no signal) is never served. Not cache.clear(): with
    REDIS_URL the cache is a shared server."""
    from maps.cache import version_bump
    from portal import page_cache

    version_bump()
    page_cache.version_bump()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): write…``: the block's writes as one commit. The test's transaction
    never commits, so the block's on-commit hooks run at its end (the caches' versions move
    then, as after a commit in production: ``portal.commit_hooks``). What the test wrote before
    counts as committed before the block: the caches' hooks still waiting from it run first
    (otherwise the block's writes would join them, once per transaction, and never run)."""
    from contextlib import contextmanager

    from django.db import connection

    from portal.commit_hooks import _Once

    @contextmanager
    def commit():
        for _savepoints, hook, _robust in list(connection.run_on_commit):
            if isinstance(hook, _Once):
                hook()
        with django_capture_on_commit_callbacks(execute=True) as hooks:
            yield hooks

    return commit


@pytest.fixture(autouse=True)
def _no_pending_wake_up():
    """No wake-up of the mail sender left pending by an earlier test (portal.mail's flag, in
    the shared cache with REDIS_URL): a test whose wake-up ran nowhere (a mocked broker) would
    otherwise keep the next tests' wake-ups from being published for half a minute."""
    from django.core.cache import cache

    from portal.mail import WAKE_PENDING_KEY

    cache.delete(WAKE_PENDING_KEY)
