"""Statements compiled once: the same rows and values as the ORM, with new arguments."""

import pytest
from django.db.models import F, OuterRef, Subquery

from events.models import Event, Registration
from portal.prepared import prepared_select, prepared_update
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _by_slug(slug):
    return Event.objects.filter(slug=slug)


def _with_registration(pk, user_pk):
    return Event.objects.annotate(
        mine=Subquery(
            Registration.objects.filter(event_id=OuterRef("pk"), user_id=user_pk).values("pk")[:1]
        )
    ).filter(pk=pk)


def _by_pk(pk):
    return Event.objects.filter(pk=pk)


def test_a_prepared_select_reads_what_the_orm_reads_for_each_argument():
    first, second = EventFactory(slug="premier"), EventFactory(slug="second")
    statement = prepared_select("tests.by_slug", _by_slug)

    for event in (first, second):
        read = statement.get(event.slug)
        expected = Event.objects.get(pk=event.pk)
        assert read.pk == event.pk
        # Converted as the ORM converts them (aware datetimes, decimals…).
        assert read.start == expected.start and read.created_at == expected.created_at
        assert read.capacity == expected.capacity
        assert not read._state.adding
    assert statement.get("aucun") is None
    assert prepared_select("tests.by_slug", _by_slug) is statement  # compiled once


def test_annotations_are_set_on_the_instance():
    registration = RegistrationFactory()
    other = EventFactory()
    statement = prepared_select("tests.with_registration", _with_registration)

    assert statement.get(registration.event_id, registration.user_id).mine == registration.pk
    assert statement.get(other.pk, registration.user_id).mine is None


def test_a_prepared_update_counts_the_rows_changed():
    event = EventFactory()
    statement = prepared_update("tests.bump", _by_pk, {"sequence": F("sequence") + 1})

    assert statement.execute(event.pk) == 1
    assert statement.execute(event.pk + 1000) == 0
    event.refresh_from_db()
    assert event.sequence == 1


def test_an_argument_that_is_not_a_parameter_is_refused():
    with pytest.raises(ValueError, match="Each argument"):
        prepared_select("tests.unused", lambda pk: Event.objects.all())
