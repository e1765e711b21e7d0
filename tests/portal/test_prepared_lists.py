"""List statements compiled once: the same rows, related rows and values as the ORM, whatever
``now`` is; a statement whose parameters follow its arguments in an undeclared way is refused."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db.models import Count, Value
from django.utils import timezone

from events.models import Event
from events.models.events import start_of_day
from portal.counts import count_many
from portal.prepared_lists import Windows, prepared_counts, prepared_list
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


def _in_province(pk):
    return Event.objects.filter(province_id=pk).order_by("start", "pk")


def test_a_paged_statement_reads_each_window_the_orm_reads():
    province, other = ProvinceFactory(), ProvinceFactory()
    for n in range(7):
        EventFactory(province=province, start=timezone.now() + datetime.timedelta(days=n))
    EventFactory(province=other)
    statement = prepared_list("tests.paged", _in_province, samples=((1,), (2,)), paged=True)

    for offset, limit in ((0, 3), (3, 3), (6, 3), (0, 10), (9, 3)):
        read = statement.all(province.pk, window=(offset, limit))
        expected = list(_in_province(province.pk)[offset : offset + limit])
        assert [e.pk for e in read] == [e.pk for e in expected]
    with pytest.raises(TypeError):
        statement.all(province.pk)  # a paged statement needs its window

    pages = Windows(7, lambda offset, limit: statement.all(province.pk, window=(offset, limit)))
    paginator = Paginator(pages, 3)
    assert [len(paginator.page(n).object_list) for n in (1, 2, 3)] == [3, 3, 1]


def test_prepared_counts_count_what_count_many_counts():
    province = ProvinceFactory()
    EventFactory.create_batch(3, province=province)
    EventFactory(province=province, status=Event.Status.DRAFT)

    def counted(pk):
        events = Event.objects.filter(province_id=pk)
        return {"all": events, "public": events.filter(status=Event.Status.PUBLISHED)}

    statement = prepared_counts("tests.counts", counted, samples=((1,), (2,)))

    assert statement.counts(province.pk) == count_many(**counted(province.pk))
    assert statement.counts(province.pk) == {"all": 4, "public": 3}
    assert statement.counts(province.pk + 100) == {"all": 0, "public": 0}
