"""A row's related rows read in its own query: the same rows, in the same order, as
``prefetch_related``, with no further query to read them."""

import pytest

from expertises.models import Facilitator
from portal.related_rows import related_in_row, rows_of, set_prefetched, set_related
from tests.expertises.factories import CategoryFactory, FacilitatorFactory

pytestmark = pytest.mark.django_db


def _names(facilitators):
    return [[category.name for category in f.categories.all()] for f in facilitators]


def test_related_rows_are_prefetch_related_s_in_one_query(django_assert_num_queries):
    # Ties on the order are broken by the name, as the database collates it.
    categories = [
        CategoryFactory(name=f"{name} (essai)", order=order)
        for name, order in (("Zèbre", 1), ("abc", 1), ("Éco", 1), ("Eau", 1), ("Premier", 0))
    ]
    first = FacilitatorFactory(categories=categories)
    second = FacilitatorFactory(categories=categories[:1])
    bare = FacilitatorFactory()
    pks = [first.pk, second.pk, bare.pk]

    listed = (
        Facilitator.objects.filter(pk__in=pks)
        .annotate(categories_rows=related_in_row(Facilitator, "categories"))
        .order_by("pk")
    )
    list(listed)  # SQLite checks its JSON support once per connection
    with django_assert_num_queries(1):
        facilitators = list(listed.all())
    with django_assert_num_queries(0):
        set_related(facilitators, "categories", "categories_rows")
        loaded = _names(facilitators)

    expected = _names(
        Facilitator.objects.filter(pk__in=pks).prefetch_related("categories").order_by("pk")
    )
    assert loaded == expected
    assert loaded[0][0] == "Premier (essai)"
    assert sorted(loaded[0]) == sorted(c.name for c in categories)
    assert loaded[1:] == [["Zèbre (essai)"], []]


def test_related_rows_hold_key_name_and_order_only():
    category = CategoryFactory(name="Logistique (essai)", order=4)
    FacilitatorFactory(categories=[category])
    [facilitator] = Facilitator.objects.annotate(
        categories_rows=related_in_row(Facilitator, "categories")
    )
    set_related([facilitator], "categories", "categories_rows")

    [row] = facilitator.categories.all()
    assert (row.pk, row.name, row.order) == (category.pk, "Logistique (essai)", 4)
    assert row.get_deferred_fields() == {"slug"}


def test_set_prefetched_answers_all_without_a_query(django_assert_num_queries):
    facilitator = FacilitatorFactory()
    category = CategoryFactory()
    set_prefetched(facilitator, "categories", [category])
    with django_assert_num_queries(0):
        assert list(facilitator.categories.all()) == [category]


def test_set_related_of_no_object_does_nothing():
    set_related([], "categories", "categories_rows")


def test_rows_of_reads_what_was_put_in_place_else_the_database(django_assert_num_queries):
    category, other = CategoryFactory(), CategoryFactory()
    facilitator = FacilitatorFactory(categories=[other])
    set_prefetched(facilitator, "categories", [category])
    with django_assert_num_queries(0):
        assert list(rows_of(facilitator, "categories")) == [category]
    fresh = Facilitator.objects.get(pk=facilitator.pk)  # nothing in place: one query
    with django_assert_num_queries(1):
        assert list(rows_of(fresh, "categories")) == [other]
    prefetched = Facilitator.objects.prefetch_related("categories").get(pk=facilitator.pk)
    with django_assert_num_queries(0):
        assert list(rows_of(prefetched, "categories")) == [other]
