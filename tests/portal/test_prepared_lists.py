"""List statements compiled once: the same rows, related rows and values as the ORM, whatever
``now`` is; a statement whose parameters follow its arguments in an undeclared way is refused."""

import datetime

import pytest
from django.db.models import Count, Value
from django.utils import timezone

from events.models import Event
from events.models.events import start_of_day
from portal.prepared_lists import prepared_list
from tests.events.factories import EventFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

SAMPLES = (
    (datetime.datetime(2001, 2, 3, 10, 11, 12, 131415, tzinfo=datetime.UTC),),
    (datetime.datetime(2012, 11, 23, 20, 21, 22, 232425, tzinfo=datetime.UTC),),
)


def _upcoming(at):
    return (
        Event.objects.public()
        .upcoming(at)
        .select_related("province")
        .annotate(label=Value("x"))[:10]
    )


def test_a_prepared_list_reads_what_the_orm_reads_at_each_moment(django_assert_num_queries):
    now = timezone.now()
    province = ProvinceFactory()
    ended = EventFactory(start=now - datetime.timedelta(days=3), province=province)
    soon = EventFactory(start=now + datetime.timedelta(days=2), province=province)
    today = EventFactory(start=start_of_day(now) + datetime.timedelta(minutes=1), end=None)
    later = EventFactory(start=now + datetime.timedelta(days=20))
    statement = prepared_list("tests.upcoming", _upcoming, samples=SAMPLES, derive=(start_of_day,))

    for at in (now, now - datetime.timedelta(days=5), now + datetime.timedelta(days=10)):
        with django_assert_num_queries(1):
            read = statement.all(at)
            # The related rows come with the query; annotations are set.
            names = [event.province.name if event.province else None for event in read]
            assert {event.label for event in read} <= {"x"}
        expected = list(_upcoming(at))
        assert [event.pk for event in read] == [event.pk for event in expected]
        assert [event.start for event in read] == [event.start for event in expected]
        assert names == [e.province.name if e.province else None for e in expected]
    assert {e.pk for e in statement.all(now)} == {soon.pk, today.pk, later.pk}
    assert ended.pk in {e.pk for e in statement.all(now - datetime.timedelta(days=5))}
    assert prepared_list("tests.upcoming", _upcoming) is statement  # compiled once


def test_values_lists_give_tuples_converted_as_the_orm_converts_them():
    EventFactory(latitude="50.4", longitude="4.8")

    def located():
        return Event.objects.filter(latitude__isnull=False).values_list("latitude", "start")

    rows = prepared_list("tests.located", located).tuples()

    assert rows == list(located())


def test_annotations_with_aggregates_are_read():
    province = ProvinceFactory()
    EventFactory.create_batch(2, province=province)

    def counted():
        return type(province).objects.annotate(n=Count("events")).order_by("pk")

    read = prepared_list("tests.counted", counted).all()

    assert [(p.pk, p.n) for p in read] == [(p.pk, p.n) for p in counted()]


def test_a_parameter_derived_from_an_argument_must_be_declared():
    # ``upcoming`` compares with the start of the day of ``now`` too: without the derivation,
    # that parameter would be frozen into the statement.
    with pytest.raises(ValueError, match="varies"):
        prepared_list("tests.upcoming-undeclared", _upcoming, samples=SAMPLES)


def test_a_query_whose_shape_follows_its_arguments_is_refused():
    def shaped(at):
        events = Event.objects.all()
        return events.filter(start__gt=at) if at.year > 2005 else events

    with pytest.raises(ValueError, match="shape"):
        prepared_list("tests.shaped", shaped, samples=SAMPLES)
