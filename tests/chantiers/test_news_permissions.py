"""Who may write which news: every role against an item of Liège, of Namur and Wallonia-wide."""

import pytest

from chantiers.models import News
from chantiers.permissions import (
    can_manage_news,
    can_place_news_in,
    can_write_news,
    is_news_staff,
    news_manageable_by,
    news_provinces_for,
)
from tests.chantiers.factories import NewsFactory
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "plain", "leader", "officer_liege", "officer_namur", "staff")
# What each role manages (and may place a news item in), per place.
MANAGES = {
    "anonymous": set(),
    "plain": set(),
    "leader": set(),
    "officer_liege": {"liege"},
    "officer_namur": {"namur"},
    "staff": {"liege", "namur", "wallonia"},
}
CAN_WRITE = {
    "anonymous": False,
    "plain": False,
    "leader": False,
    "officer_liege": True,
    "officer_namur": True,
    "staff": True,
}


@pytest.fixture
def places(liege, namur):
    return {"liege": liege, "namur": namur, "wallonia": None}


@pytest.fixture
def items(places):
    # A draft and a published item in each place: drafts are managed like the others.
    return {
        place: [
            NewsFactory(province=province, published_at=None),
            NewsFactory(province=province),
        ]
        for place, province in places.items()
    }


@pytest.mark.parametrize("role", ROLES)
def test_manageable_news_follow_the_matrix(role, people, items):
    user = people[role]

    managed = set(news_manageable_by(user))

    expected = {news for place in MANAGES[role] for news in items[place]}
    assert managed == expected
    for place, news_items in items.items():
        for news in news_items:
            assert can_manage_news(user, news) is (place in MANAGES[role]), (place, news)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_write_and_where(role, people, places):
    user = people[role]

    assert can_write_news(user) is CAN_WRITE[role]
    for place, province in places.items():
        assert can_place_news_in(user, province) is (place in MANAGES[role]), place
    offered = {p.slug for p in news_provinces_for(user)}
    assert offered == {place for place in MANAGES[role] if place != "wallonia"}


def test_news_of_a_province_with_two_officers_comes_once(liege, officer):
    liege.officers.add(UserFactory())
    news = NewsFactory(province=liege)

    assert list(news_manageable_by(officer)) == [news]


def test_staff_flag_without_the_group_is_not_enough(liege):
    user = UserFactory(is_staff=True)
    news = NewsFactory(province=liege)

    assert not is_news_staff(user)
    assert not can_write_news(user)
    assert not can_manage_news(user, news)
    assert news_manageable_by(user).count() == 0


def test_inactive_staff_manages_nothing(staff, liege):
    staff.is_active = False
    staff.save()
    NewsFactory(province=liege)

    assert not is_news_staff(staff)
    assert news_manageable_by(staff).count() == 0


def test_officer_does_not_manage_wallonia_wide_news(officer):
    news = NewsFactory(province=None)

    assert not can_manage_news(officer, news)
    assert news not in news_manageable_by(officer)
    assert News.objects.count() == 1
