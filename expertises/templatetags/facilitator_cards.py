"""``{% facilitator_cards facilitators %}``: the cards of catalogue entries
(``portal.cards``), their organisation, categories and provinces loaded."""

from typing import Any, NamedTuple

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from portal.cards import cards, display, e, when
from portal.related_rows import rows_of

register = template.Library()


@register.simple_tag
def facilitator_cards(facilitators: Any) -> SafeString:
    # The words every card may repeat, translated once per list.
    labels = _Labels(
        everywhere=e(gettext("Toute la Wallonie")),
        nowhere=e(gettext("Zone non précisée")),
        reviewed=gettext("Vérifié le %(date)s"),
    )
    return cards(facilitators, lambda facilitator: _card(facilitator, labels))


class _Labels(NamedTuple):
    everywhere: str
    nowhere: str
    reviewed: str


def _card(facilitator: Any, labels: _Labels) -> str:
    organisation = facilitator.organisation.name if facilitator.organisation else ""
    organisation = organisation or facilitator.organisation_name
    organisation = f"<p>{e(organisation)}</p>" if organisation else ""
    categories = "".join(
        f'<span class="badge">{e(category.name)}</span>'
        for category in rows_of(facilitator, "categories")
    )
    if facilitator.covers_all_wallonia:
        area = labels.everywhere
    else:
        area = ", ".join(e(province.name) for province in rows_of(facilitator, "provinces"))
        area = area or labels.nowhere
    reviewed = ""
    if facilitator.last_reviewed:
        label = labels.reviewed % {"date": when(facilitator.last_reviewed, "j F Y")}
        reviewed = f"<span>{label}</span>"
    return (
        '<li class="card facilitator-card">\n'
        f'  <h3 class="card__title"><a href="{e(facilitator.get_absolute_url())}">'
        f"{e(facilitator.name)}</a></h3>\n"
        f"  {organisation}\n"
        '  <p class="card__meta">\n'
        f"    {categories}\n"
        "  </p>\n"
        '  <p class="card__meta">\n'
        f"    <span>{area}</span>\n"
        f"    <span>{display(facilitator, 'cost')}</span>\n"
        f"    {reviewed}\n"
        "  </p>\n"
        "</li>\n"
    )
