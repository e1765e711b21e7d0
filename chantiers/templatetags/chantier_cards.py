"""``{% chantier_cards chantiers %}`` and ``{% step_cards steps %}``: the cards of the chantiers
(the home page and the chantier list) and of the next steps of the échéancier (the home page),
written in Python (``portal.cards``), with the same HTML and messages as the templates' own.
The chantiers carry ``step_count`` and ``project_count``; the steps their chantier."""

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from portal.cards import cards, e

register = template.Library()


def step_count_label(count: int) -> str:
    """« 3 étapes »."""
    return ngettext("%(counter)s étape", "%(counter)s étapes", count) % {"counter": count}


def project_count_label(count: int) -> str:
    """« 3 projets participants »."""
    return ngettext("%(counter)s projet participant", "%(counter)s projets participants", count) % {
        "counter": count
    }


def chantier_label(title: str) -> SafeString:
    """« Chantier « titre » », the title escaped."""
    return mark_safe(gettext("Chantier « %(title)s »") % {"title": conditional_escape(title)})


@register.simple_tag
def chantier_cards(chantiers: Any, heading: str = "h3", summary: bool = False) -> SafeString:
    """The cards of ``chantiers``, their titles as ``heading`` (``h2`` where the list is the
    page's), with their summary when ``summary``."""
    if heading not in ("h2", "h3"):
        raise template.TemplateSyntaxError("chantier_cards: heading is h2 or h3")
    objective_label = e(gettext("Objectif :"))

    def card(chantier: Any) -> str:
        about = ""
        if summary and chantier.summary:
            about += f"\n  <p>{e(chantier.summary)}</p>"
        if chantier.objective:
            about += f"\n  <p><strong>{objective_label}</strong> {e(chantier.objective)}</p>"
        return (
            '<li class="card">\n'
            f'  <{heading} class="card__title"><a href="{e(chantier.get_absolute_url())}">'
            f"{e(chantier.title)}</a></{heading}>{about}\n"
            '  <p class="card__meta">\n'
            f"    <span>{e(step_count_label(chantier.step_count))}</span>\n"
            f"    <span>{e(project_count_label(chantier.project_count))}</span>\n"
            "  </p>\n"
            "</li>\n"
        )

    return cards(chantiers, card)


@register.simple_tag
def step_cards(steps: Any) -> SafeString:
    return cards(steps, _step_card)


def _step_card(step: Any) -> str:
    status = step.current_status
    return (
        '<li class="card">\n'
        f'  <h3 class="card__title"><a href="{e(step.get_absolute_url())}">'
        f"{e(step.title)}</a></h3>\n"
        '  <p class="card__meta">\n'
        f'    <span class="status status--{e(status)}">{e(status.label)}</span>\n'
        f"    <span>{e(step.when())}</span>\n"
        f"    <span>{chantier_label(step.chantier.title)}</span>\n"
        "  </p>\n"
        "</li>\n"
    )
