"""Once per transaction, after its commit (portal.commit_hooks): the caches' versions move once
however many rows a transaction writes, never for a write rolled back, at once outside a
transaction."""

import pytest
from django.db import connection, transaction

from events.services import registration_create
from maps import cache as map_cache
from portal import commit_hooks, page_cache
from tests.chantiers.factories import ChantierFactory, StepFactory
from tests.events.factories import EventFactory
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bumps(monkeypatch):
    """The writes of the page cache's version to the cache, in order."""
    writes = []
    real_call = page_cache.pages.shared_call

    def spy(cache, method, *args, **kwargs):
        if method == "set" and args[0] == page_cache.VERSION_KEY:
            writes.append(args[1])
        return real_call(cache, method, *args, **kwargs)

    monkeypatch.setattr(page_cache.version, "shared_call", spy)
    monkeypatch.setattr(page_cache.pages, "shared_call", spy)
    return writes


def pending() -> bool:
    return commit_hooks.pending(page_cache.version_bump)


def test_the_writes_of_a_transaction_bump_the_version_once_after_its_commit(committed, bumps):
    event = EventFactory(capacity=10)
    with committed():
        before = page_cache.content_version()
        bumps.clear()
        # A registration: the seat taken (rows_changed) and the registration row (post_save).
        registration_create(user=UserFactory(), event=event, organisation="Ferme")
        ChantierFactory()
        assert pending()
        assert bumps == []
        assert page_cache.content_version() == before  # nothing moves before the commit
    assert len(bumps) == 1
    assert page_cache.content_version() == bumps[0] != before
    assert not pending()


def test_a_savepoint_rolled_back_leaves_nothing_pending(committed, bumps):
    with committed():
        before = page_cache.content_version()
        bumps.clear()
        with transaction.atomic():
            ChantierFactory()
            assert pending()
            transaction.set_rollback(True)
        assert not pending()
    assert bumps == []
    assert page_cache.content_version() == before


def test_a_write_after_a_savepoint_rolled_back_registers_again(committed, bumps):
    with committed():
        bumps.clear()
        with transaction.atomic():
            ChantierFactory()
            transaction.set_rollback(True)
        StepFactory()
        assert pending()
    assert len(bumps) == 1


def test_a_savepoint_rolled_back_keeps_what_the_transaction_wrote_before(committed, bumps):
    with committed():
        bumps.clear()
        ChantierFactory()
        with transaction.atomic():
            StepFactory()  # joins the pending bump
            transaction.set_rollback(True)
        assert pending()  # the first write still needs it
    assert len(bumps) == 1


def test_each_cache_has_its_own_hook(committed):
    with committed():
        before = map_cache.data_version(), page_cache.content_version()
        map_cache.data_changed()
        page_cache.content_changed()
        assert commit_hooks.pending(map_cache.version_bump) and pending()
    after = map_cache.data_version(), page_cache.content_version()
    assert after[0] != before[0] and after[1] != before[1]


@pytest.mark.django_db(transaction=True)
def test_with_real_commits_and_rollbacks(bumps):
    ChantierFactory()  # autocommit: at once
    assert len(bumps) == 1

    with transaction.atomic():
        chantier = ChantierFactory()
        StepFactory(chantier=chantier)
        assert len(bumps) == 1
    assert len(bumps) == 2  # one for the transaction, after its commit

    with transaction.atomic():
        ChantierFactory()
        transaction.set_rollback(True)
    assert len(bumps) == 2
    assert connection.run_on_commit == []  # nothing left to run after a later commit
