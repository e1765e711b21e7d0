"""Rushes of concurrent registrations, in real threads with their own connections: never more
confirmed than seats, the waiting list in arrival order, one row per person, no error.

Runs on the configured database (SQLite for a newcomer: a file, see portal/settings/test.py)
and, marked ``services``, on PostgreSQL. Emails stay queued in the outbox: waking the sender
after each commit is not under test here (tests/portal/test_mail.py covers it).
"""

import contextlib
import os
import re
import threading
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from events.models import Event, Registration
from events.services import (
    registration_cancel,
    registration_create,
    registration_waiting_position,
)
from portal.models import OutgoingEmail
from tests.events.factories import EventFactory
from tests.events.outbox import send_outbox
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
SEATS = 20
RUSH = 200
# PostgreSQL accepts 100 connections here (max_connections), shared with other test runs: 200
# threads start together, at most this many hold a connection at once, the others wait their
# turn (as requests would for a connection pool). SQLite has no such limit.
POSTGRESQL_CONNECTIONS = 40
JOIN_TIMEOUT = 180  # seconds; a thread still running then is a failure, not a hang


@dataclass
class Outcome:
    started: Any = None  # timezone.now() just before the call
    returned: Any = None  # and just after it returned (or raised)
    value: Any = None
    error: BaseException | None = None


@pytest.fixture(autouse=True)
def _sender_not_woken(monkeypatch):
    monkeypatch.setattr("portal.mail.queueing.wake_sender", lambda: None)


def run_concurrently(calls: list[Any]) -> tuple[list[Outcome], float]:
    """Each call in its own thread and connection, all released at once by a barrier."""
    limit = POSTGRESQL_CONNECTIONS if connection.vendor == "postgresql" else None
    gate = threading.BoundedSemaphore(limit) if limit else None
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def work(outcome: Outcome, call: Any) -> None:
        try:
            barrier.wait(timeout=60)
            with gate or contextlib.nullcontext():
                try:
                    outcome.started = timezone.now()
                    outcome.value = call()
                except BaseException as exc:
                    outcome.error = exc
                finally:
                    outcome.returned = timezone.now()
                    connection.close()  # this thread's own connection
        except BaseException as exc:  # the barrier broke
            outcome.error = exc

    threads = [
        threading.Thread(target=work, args=(outcome, call), daemon=True)
        for outcome, call in zip(outcomes, calls, strict=True)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_TIMEOUT)
    elapsed = time.perf_counter() - began
    assert not [t for t in threads if t.is_alive()], "threads still running"
    return outcomes, elapsed


def report(record_property, capsys, name: str, text: str, seconds: float) -> None:
    """The figure for the closing note: in the JUnit XML and on the terminal, with or without
    -s."""
    record_property(name, f"{seconds:.2f}")
    with capsys.disabled():
        print(f"\n[{connection.vendor}] {text}: {seconds:.2f} s")


def assert_seats_exact(event: Event) -> None:
    event.refresh_from_db()
    assert event.seats_taken == Registration.objects.filter(event=event).confirmed().count()
    assert event.capacity is None or event.seats_taken <= event.capacity


def rush_of_registrations(record_property, capsys) -> None:
    event = EventFactory(capacity=SEATS)
    users = [UserFactory() for _ in range(RUSH)]

    outcomes, elapsed = run_concurrently(
        [
            partial(registration_create, user=user, event=event, organisation="Asbl Exemple")
            for user in users
        ]
    )

    errors = [repr(o.error) for o in outcomes if o.error is not None]
    assert errors == []
    rows = Registration.objects.filter(event=event)
    assert rows.count() == RUSH
    assert rows.values("user").distinct().count() == RUSH  # no duplicate
    confirmed = list(rows.confirmed().order_by("pk"))
    waiting = list(rows.waiting())
    assert len(confirmed) == SEATS
    assert len(waiting) == RUSH - SEATS
    assert_seats_exact(event)
    assert event.seats_taken == SEATS

    # The waiting list: positions 1..180, distinct and contiguous, the same through the
    # annotation of the selectors.
    positions = [registration_waiting_position(r) for r in waiting]
    assert positions == list(range(1, RUSH - SEATS + 1))
    annotated = rows.waiting().with_waiting_position().values_list("waiting_position", flat=True)
    assert list(annotated) == positions

    # In arrival order. Writers went one at a time (the event's lock), so the order of the
    # inserts (primary keys), of the stamps (waiting_since) and of the list agree; the
    # first 20 in got the seats.
    assert [r.pk for r in waiting] == sorted(r.pk for r in waiting)
    assert max(r.pk for r in confirmed) < min(r.pk for r in waiting)
    # Each stamp falls inside its own call: with the list ordered by the stamps, a call that
    # returned before another one started is ahead of it.
    by_user = {o.value.user_id: o for o in outcomes}
    for registration in waiting:
        outcome = by_user[registration.user_id]
        assert outcome.started <= registration.waiting_since <= outcome.returned

    # Each person was told once, and each waiting notice gives their position (built when
    # sent, before anyone cancels: the position they were given).
    send_outbox()
    emails = OutgoingEmail.objects.filter(key__startswith="registration-")
    assert emails.count() == RUSH
    assert emails.filter(key__contains="-confirmed-").count() == SEATS
    notices = {
        int(re.search(r"registration-(\d+)-waiting-1", e.key).group(1)): e.body_text
        for e in emails.filter(key__contains="-waiting-")
    }
    for position, registration in enumerate(waiting, start=1):
        assert f"en position {position}." in notices[registration.pk]

    report(record_property, capsys, "rush_200_seconds", "200 inscriptions simultanées", elapsed)

    # Then one cancellation promotes exactly one: the first in line.
    promoted = registration_cancel(registration=confirmed[0])
    assert promoted is not None and promoted.pk == waiting[0].pk
    assert rows.confirmed().count() == SEATS
    assert rows.waiting().count() == RUSH - SEATS - 1
    assert registration_waiting_position(Registration.objects.get(pk=waiting[1].pk)) == 1
    assert_seats_exact(event)


def test_rush_of_200_registrations_for_20_seats(record_property, capsys):
    rush_of_registrations(record_property, capsys)


@pytest.mark.services
@pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="DATABASE_URL absent ou pas PostgreSQL : ce test a besoin de PostgreSQL",
)
def test_rush_of_200_registrations_for_20_seats_on_postgresql(record_property, capsys):
    assert connection.vendor == "postgresql"
    rush_of_registrations(record_property, capsys)


def test_cancellations_during_a_rush_give_the_seats_to_the_waiting_list_in_order(
    record_property, capsys
):
    event = EventFactory(capacity=SEATS)
    holders = [
        registration_create(user=UserFactory(), event=event, organisation="Asbl")
        for _ in range(SEATS)
    ]
    waiting = [
        registration_create(user=UserFactory(), event=event, organisation="Asbl")
        for _ in range(SEATS)
    ]
    newcomers = [UserFactory() for _ in range(2 * SEATS)]

    calls = [partial(registration_cancel, registration=r) for r in holders] + [
        partial(registration_create, user=u, event=event, organisation="Asbl") for u in newcomers
    ]
    outcomes, elapsed = run_concurrently(calls)

    assert [repr(o.error) for o in outcomes if o.error is not None] == []
    rows = Registration.objects.filter(event=event)
    # Every freed seat went to someone already waiting, never to a newcomer.
    assert set(rows.confirmed().values_list("pk", flat=True)) == {r.pk for r in waiting}
    assert set(rows.waiting().values_list("user", flat=True)) == {u.pk for u in newcomers}
    assert rows.cancelled().count() == SEATS
    promoted = [o.value for o in outcomes[:SEATS]]
    assert sorted(p.pk for p in promoted if p is not None) == sorted(r.pk for r in waiting)
    assert_seats_exact(event)
    report(
        record_property,
        capsys,
        "cancellations_during_rush_seconds",
        "20 annulations et 40 inscriptions simultanées",
        elapsed,
    )


def test_double_submit_from_the_same_person_makes_one_row_and_no_error():
    event = EventFactory(capacity=SEATS)
    person = UserFactory()
    submit = partial(registration_create, user=person, event=event, organisation="Asbl")

    outcomes, _elapsed = run_concurrently([submit] * 10)

    done = [o.value for o in outcomes if o.error is None]
    refusals = [o.error for o in outcomes if o.error is not None]
    assert len(done) == 1
    assert len(refusals) == 9
    assert all(isinstance(e, ValidationError) for e in refusals), refusals
    assert {m for e in refusals for m in e.messages} == {
        "Vous êtes déjà inscrit·e à cet événement."
    }
    assert Registration.objects.filter(event=event, user=person).count() == 1
    assert_seats_exact(event)
    assert event.seats_taken == 1

    # Cancelling, then registering again in a rush: the same row, registered once more.
    registration_cancel(registration=done[0])
    outcomes, _elapsed = run_concurrently([submit] * 10)

    assert len([o for o in outcomes if o.error is None]) == 1
    assert all(isinstance(o.error, ValidationError) for o in outcomes if o.error is not None)
    registration = Registration.objects.get(event=event, user=person)
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.times_registered == 2
    assert_seats_exact(event)
    assert (
        OutgoingEmail.objects.filter(key__startswith=f"registration-{registration.pk}-").count()
        == 3  # confirmed, cancelled, confirmed again
    )


def test_project_cap_holds_under_a_rush():
    event = EventFactory(capacity=SEATS, project_cap=3)
    project = ProjectFactory()
    leaders = [MembershipFactory(project=project).user for _ in range(30)]

    outcomes, _elapsed = run_concurrently(
        [partial(registration_create, user=u, event=event, project=project) for u in leaders]
    )

    refusals = [o.error for o in outcomes if o.error is not None]
    assert all(isinstance(e, ValidationError) for e in refusals), refusals
    assert len(refusals) == 27
    assert {m for e in refusals for m in e.messages} == {
        "Ce projet a déjà 3 inscrit·es, le maximum pour cet événement."
    }
    assert Registration.objects.filter(event=event, project=project).confirmed().count() == 3
    assert_seats_exact(event)
