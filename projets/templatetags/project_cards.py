"""``{% project_cards projects %}``: the cards of a list of projects (``portal.cards``), their
province and types loaded."""

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from portal.cards import cards, e
from portal.related_rows import rows_of

register = template.Library()


@register.simple_tag
def project_cards(projects: Any) -> SafeString:
    # The words every card may repeat, translated once per list.
    everywhere, unconfirmed = e(gettext("Toute la Wallonie")), e(gettext("Fiche à confirmer"))
    return cards(projects, lambda project: _card(project, everywhere, unconfirmed))


def _card(project: Any, everywhere: str, unconfirmed_label: str) -> str:
    summary = f"<p>{e(project.summary)}</p>" if project.summary else ""
    province = e(project.province.name) if project.province else everywhere
    types = "".join(
        f'<span class="badge">{e(kind.name)}</span>' for kind in rows_of(project, "types")
    )
    unconfirmed = ""
    if not project.is_confirmed:
        unconfirmed = f'<span class="badge badge--muted">{unconfirmed_label}</span>'

    return (
        '<li class="card project-card">\n'
        f'  <h3 class="card__title"><a href="{e(project.get_absolute_url())}">'
        f"{e(project.name)}</a></h3>\n"
        f"  {summary}\n"
        '  <p class="card__meta">\n'
        f"    <span>{province}</span>\n"
        f"    {types}\n"
        f"    {unconfirmed}\n"
        "  </p>\n"
        "</li>\n"
    )
