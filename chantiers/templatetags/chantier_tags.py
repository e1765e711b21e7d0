"""Labels of the chantier cards, written in Python: in a list of cards, a ``blocktranslate``
per count costs more than the rest of the card (the home page renders sixteen). Same messages,
same translations as the templates' own."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def step_count_label(count: int) -> str:
    """« 3 étapes »."""
    return ngettext("%(counter)s étape", "%(counter)s étapes", count) % {"counter": count}


@register.filter
def project_count_label(count: int) -> str:
    """« 3 projets participants »."""
    return ngettext("%(counter)s projet participant", "%(counter)s projets participants", count) % {
        "counter": count
    }


@register.filter
def chantier_label(title: str) -> SafeString:
    """« Chantier « titre » », the title escaped."""
    return mark_safe(gettext("Chantier « %(title)s »") % {"title": conditional_escape(title)})
