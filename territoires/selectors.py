"""Reads of the provinces' territorial officers, as the public may see them: name and role.

Their email addresses never leave this module for a page: the cards carry no address, so no
template can print one by mistake (the contact form reaches them through the outbox).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from portal.models import User
from portal.prepared_lists import prepared_list
from territoires.models import Province


@dataclass(frozen=True)
class OfficerCard:
    """What a public page shows of an officer."""

    name: str
    role: str
    provinces: tuple[str, ...]  # the provinces they follow, this one first


def _active_officers() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "pk")


def _officer_links(province_pk: int) -> QuerySet[Any]:
    link = Province.officers.through
    return (
        link.objects.filter(user__is_active=True, user__followed_provinces=province_pk)
        .select_related("user", "province")
        .order_by(
            "user__last_name", "user__first_name", "user__pk", "province__order", "province__name"
        )
    )


def _officers_followed(province: Province) -> list[tuple[User, list[str]]]:
    """The active officers of ``province``, each with the names of every province they follow,
    in the order of ``officers_prefetch()``: one query, over the links of those officers,
    compiled once (``portal.prepared_lists``: the province pages read it on every miss)."""
    rows = prepared_list("territoires.officer_links", _officer_links, samples=((1,), (2,)))
    followed: dict[int, tuple[User, list[str]]] = {}
    for row in rows.all(province.pk):
        followed.setdefault(row.user_id, (row.user, []))[1].append(row.province.name)
    return list(followed.values())


def officers_prefetch() -> Any:
    """Load each province's active officers with the provinces they follow (two queries).
    Typed Any: django-stubs 5.2 cannot infer Prefetch's generic parameters from a str."""
    officers = _active_officers().prefetch_related(
        Prefetch("followed_provinces", queryset=Province.objects.order_by("order", "name"))
    )
    return Prefetch("officers", queryset=officers, to_attr="active_officers")


def officer_cards(province: Province) -> list[OfficerCard]:
    """The cards of a province loaded with ``officers_prefetch()`` (else one query)."""
    # Any: the stubs do not see the reverse many-to-many ``followed_provinces`` of a User.
    officers: Iterable[Any] | None = getattr(province, "active_officers", None)
    if officers is None:
        followed = _officers_followed(province)
    else:
        followed = [(o, [p.name for p in o.followed_provinces.all()]) for o in officers]
    cards = []
    for officer, names in followed:
        others = tuple(name for name in names if name != province.name)
        cards.append(
            OfficerCard(
                # Never the email address: a person without a name is shown by their role.
                name=officer.get_full_name(),
                role=_("Chargé·e de mission territoriale"),
                provinces=(province.name, *others),
            )
        )
    # People without a name (shown by their role alone) come after those with one.
    return sorted(cards, key=lambda card: not card.name)
