"""``{% event_cards events %}``: the cards of a list of events (``portal.cards``), their
province and chantier loaded."""

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from portal import dates
from portal.cards import cards, display, e, when

register = template.Library()


@register.simple_tag
def event_cards(events: Any) -> SafeString:
    # The words every card repeats, translated once per list.
    cancelled, chantier = e(gettext("Annulé")), e(gettext("Chantier"))
    return cards(events, lambda event: _card(event, cancelled, chantier))


def _card(event: Any, cancelled_label: str, chantier_label: str) -> str:
    cancelled = event.is_cancelled
    meta = [f'<span class="badge">{display(event, "kind")}</span>']
    meta.append(f'<span class="badge badge--alert">{cancelled_label}</span>' if cancelled else "")
    meta.append(f"<span>{e(event.province.name)}</span>" if event.province else "")
    meta.append(
        f"<span>{chantier_label} « {e(event.chantier.title)} »</span>" if event.chantier else ""
    )
    return (
        f'<li class="card event-card{" event-card--cancelled" if cancelled else ""}">\n'
        f'  <h3 class="card__title"><a href="{e(event.get_absolute_url())}">'
        f"{e(event.title)}</a></h3>\n"
        f'  <p class="event-card__when"><time datetime="{when(event.start, "c")}">'
        f"{e(dates.when(event))}</time></p>\n"
        '  <p class="card__meta">\n'
        f"    {meta[0]}\n"
        f"    {meta[1]}\n"
        f"    {meta[2]}\n"
        f"    {meta[3]}\n"
        "  </p>\n"
        "</li>\n"
    )
