"""Several counts in one query (portal.counts), and a paginator given its count."""

import pytest
from django.test import RequestFactory

from portal.counts import count_many
from portal.pagination import paginate
from projets.models import Project
from territoires.models import Province
from tests.projets.factories import ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


def test_count_many_gives_each_count_in_one_query(django_assert_num_queries):
    province = ProvinceFactory()
    ProjectFactory.create_batch(3, province=province)
    ProjectFactory(status=Project.Status.WITHDRAWN)
    querysets = {
        "public": Project.objects.public(),
        "here": Project.objects.filter(province=province),
        "none": Project.objects.filter(name="no such project"),
        "distinct": Province.objects.filter(projects__isnull=False).distinct(),
        "provinces": Province.objects.all(),
    }
    expected = {name: qs.count() for name, qs in querysets.items()}
    with django_assert_num_queries(1):
        counts = count_many(**querysets)
    assert counts == expected
    assert counts["here"] == 3 and counts["none"] == 0


def test_count_many_refuses_a_sliced_queryset():
    with pytest.raises(ValueError, match="sliced"):
        count_many(first=Project.objects.all()[:2])


def test_a_paginator_given_its_count_does_not_count(django_assert_num_queries):
    ProjectFactory.create_batch(3)
    request = RequestFactory().get("/?page=2")
    with django_assert_num_queries(1):  # the rows of the page only
        page = paginate(request, Project.objects.order_by("pk"), per_page=2, count=3)
        assert len(page.object_list) == 1
    assert page.number == 2 and page.paginator.num_pages == 2
