"""``{% news_cards items %}``: the cards of a list of published news items
(``portal.cards``), their chantier and province loaded."""

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from portal.cards import cards, e, when

register = template.Library()


@register.simple_tag
def news_cards(items: Any) -> SafeString:
    label = e(gettext("Chantier"))  # translated once per list
    return cards(items, lambda news: _card(news, label))


def _card(news: Any, label: str) -> str:
    province = f"<span>{e(news.province.name)}</span>" if news.province else ""
    chantier = f"<span>{label} « {e(news.chantier.title)} »</span>" if news.chantier else ""
    return (
        '\n<li class="card news-card">\n'
        f'  <h3 class="card__title"><a href="{e(news.get_absolute_url())}">'
        f"{e(news.title)}</a></h3>\n"
        '  <p class="card__meta">\n'
        f'    <time datetime="{when(news.published_at, "c")}">'
        f"{when(news.published_at, 'j F Y')}</time>\n"
        f"    {province}\n"
        f"    {chantier}\n"
        "  </p>\n"
        f"  <p>{e(news.summary)}</p>\n"
        "</li>\n"
    )
