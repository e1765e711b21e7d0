"""Work done once after a transaction commits, however many of its writes ask for it.

The caches' versions (``portal.page_cache``, ``maps.cache``) must move after every commit that
changes what they hold, and only then: other processes cannot see uncommitted rows, so a bump
before the commit buys them nothing, and a bump after it is what makes them rebuild. A
registration sends three or four such signals (the seat taken, the registration row, the
status); each Redis write costs the web worker a round trip, so the transaction gets one hook.

``on_commit_once(func)`` registers ``func`` with ``transaction.on_commit`` unless a hook of
``func`` not yet run is already waiting for this transaction's commit. It relies on what
Django does with its hooks: a savepoint rolled back drops the hooks registered inside it, so a
write after it registers again; a transaction rolled back drops them all, so nothing stays
pending. Outside a transaction (autocommit) ``func`` runs at once, as ``on_commit`` does.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction


class _Once:
    """A hook that runs ``func`` the first time it is called (tests that run the hooks of the
    test's transaction by hand leave them in Django's list: ``done`` tells they are spent)."""

    def __init__(self, func: Callable[[], object]) -> None:
        self.func = func
        self.done = False
        # Django names the hook when a robust one fails.
        self.__qualname__ = getattr(func, "__qualname__", repr(func))

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        self.func()


def pending(func: Callable[[], object], *, using: str | None = None) -> bool:
    """Whether a hook of ``func`` waits for the commit of the current transaction."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return False
    return any(
        isinstance(hook, _Once) and hook.func is func and not hook.done
        for _savepoints, hook, _robust in connection.run_on_commit
    )


def on_commit_once(func: Callable[[], object], *, using: str | None = None) -> None:
    """Run ``func`` after the current transaction commits, once for the transaction; at once
    outside one. Robust: a failing ``func`` is logged and does not undo the commit's answer."""
    if pending(func, using=using):
        return
    transaction.on_commit(_Once(func), using=using, robust=True)
