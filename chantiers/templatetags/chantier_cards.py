"""The cards of the chantiers' lists, written in Python (``portal.cards``), with the same content
and messages as the templates' own: ``{% chantier_cards %}`` (the home page and the chantier
list; the chantiers carry ``step_count`` and ``project_count``), ``{% step_cards %}`` (the home
page's next steps, with their chantier), and on a chantier's page ``{% resource_cards %}``,
``{% partner_cards %}`` and ``{% participation_items %}``."""

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from portal.cards import cards, display, e
from portal.links import safe_link

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


@register.simple_tag
def resource_cards(resources: Any) -> SafeString:
    """A chantier's resources: the title, a link only where it is safe, the description and
    who provides it."""
    return cards(resources, _resource_card)


def _resource_card(resource: Any) -> str:
    title = e(resource.title)
    href = safe_link(resource.link)
    if href:
        title = f'<a href="{e(href)}" rel="noopener">{title}</a>'
    parts = [f'<li class="card">\n  <h3 class="card__title">{title}</h3>\n']
    if resource.description:
        parts.append(f"  <p>{e(resource.description)}</p>\n")
    if resource.provider:
        proposed_by = e(gettext("Proposée par"))
        parts.append(f'  <p class="card__meta">{proposed_by} {e(resource.provider)}</p>\n')
    parts.append("</li>\n")
    return "".join(parts)


@register.simple_tag
def partner_cards(partnerships: Any) -> SafeString:
    """A chantier's partners: the acronym (else the name), linked to their website where it
    is safe, the full name beside an acronym, and their role."""
    return cards(partnerships, _partner_card)


def _partner_card(partnership: Any) -> str:
    organisation = partnership.organisation
    label = e(organisation.acronym or organisation.name)
    href = safe_link(organisation.website)
    if href:
        label = f'<a href="{e(href)}" rel="noopener">{label}</a>'
    if organisation.acronym and organisation.acronym != organisation.name:
        label += f' <span class="card__meta">{e(organisation.name)}</span>'
    role = f"  <p>{e(partnership.role)}</p>\n" if partnership.role else ""
    return f'<li class="card">\n  <h3 class="card__title">{label}</h3>\n{role}</li>\n'


@register.simple_tag
def participation_items(participations: Any) -> SafeString:
    """The projects taking part in a chantier: the project, its role, its province."""
    return cards(participations, _participation_item)


def _participation_item(participation: Any) -> str:
    project = participation.project
    province = project.province
    where = f' <span class="card__meta">{e(province.name)}</span>' if province else ""
    return (
        f'<li><a href="{e(project.get_absolute_url())}">{e(project.name)}</a>'
        f' <span class="badge">{display(participation, "role")}</span>{where}</li>\n'
    )
