"""Who may write the news: staff everywhere, territorial officers in their provinces."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from chantiers.models import News, NewsQuerySet
from events.permissions import followed_province_ids
from territoires.models import Province

User = Any  # portal.models.User or AnonymousUser


def is_news_staff(user: User) -> bool:
    """The Cellule Manger Demain: staff with the right to change every news item."""
    return bool(user.is_active and user.is_staff and user.has_perm("chantiers.change_news"))


def news_provinces_for(user: User) -> QuerySet[Province]:
    """The provinces this person may attach a news item to (all of them for staff)."""
    if not user.is_authenticated:
        return Province.objects.none()
    if is_news_staff(user):
        return Province.objects.all()
    return Province.objects.followed_by(user)


def news_manageable_by(user: User) -> NewsQuerySet:
    """Every news item of the provinces this person follows (drafts too); all of them for staff.

    A Wallonia-wide item (no province) is staff's alone.
    """
    if not user.is_authenticated:
        return News.objects.none()
    if is_news_staff(user):
        return News.objects.all()
    # A subquery, not a join: an item of a province followed by several officers comes once.
    return News.objects.filter(province__in=Province.objects.followed_by(user))


def can_write_news(user: User) -> bool:
    """Staff (a Wallonia-wide item needs no province), or an officer of at least one province."""
    if not user.is_authenticated:
        return False
    if is_news_staff(user):
        return True
    return bool(followed_province_ids(user))


def can_place_news_in(user: User, province: Province | None) -> bool:
    """Whether this person may attach a news item to this province (None: all of Wallonia)."""
    if not user.is_authenticated:
        return False
    if is_news_staff(user):
        return True
    if province is None:
        return False
    return province.pk in followed_province_ids(user)


def can_manage_news(user: User, news: News) -> bool:
    """The same rule as news_manageable_by, answered without a query per item."""
    if not user.is_authenticated:
        return False
    if is_news_staff(user):
        return True
    if news.province_id is None:
        return False
    return news.province_id in followed_province_ids(user)
