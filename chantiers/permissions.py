"""Who may write the news: staff everywhere, territorial officers in their provinces."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.db.models import QuerySet

from chantiers.models import News, NewsQuerySet
from territoires.models import Province
from territoires.permissions import ProvincePolicy

if TYPE_CHECKING:
    from portal.types import Visitor

policy: ProvincePolicy[News] = ProvincePolicy(model=News, staff_permission="chantiers.change_news")


def is_news_staff(user: Visitor) -> bool:
    """The Cellule Manger Demain: staff with the right to change every news item."""
    return policy.is_staff(user)


def news_provinces_for(user: Visitor) -> QuerySet[Province]:
    """The provinces this person may attach a news item to (all of them for staff)."""
    return policy.provinces_for(user)


def news_manageable_by(user: Visitor) -> NewsQuerySet:
    """Every news item of the provinces this person follows (drafts too); all of them for staff.

    A Wallonia-wide item (no province) is staff's alone.
    """
    return cast(NewsQuerySet, policy.manageable(user))


def can_write_news(user: Visitor) -> bool:
    """Staff (a Wallonia-wide item needs no province), or an officer of at least one province."""
    return policy.can_create(user)


def can_place_news_in(user: Visitor, province: Province | None) -> bool:
    """Whether this person may attach a news item to this province (None: all of Wallonia)."""
    return policy.can_place_in(user, province)


def can_manage_news(user: Visitor, news: News) -> bool:
    """The same rule as news_manageable_by, answered without a query per item."""
    return policy.can_manage(user, news)
