"""Filters of the public catalogue of facilitators: category, province, cost and a search."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from expertises.models import Category, Facilitator
from portal.search import text_search
from territoires.models import Province

# The texts a search looks into, with their weights; organisation_name holds an organisation
# absent from the list.
SEARCH_FIELDS = (
    ("name", "A"),
    ("organisation__name", "B"),
    ("organisation_name", "B"),
    ("offer", "C"),
    ("audience", "C"),
)


def facilitator_search(queryset: QuerySet[Facilitator], text: str) -> QuerySet[Facilitator]:
    """Accents and case folded, best first: the rule of every search (portal.search)."""
    return text_search(queryset, text, fields=SEARCH_FIELDS, then=("name", "pk"))


class FacilitatorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Micro-crédit, marchés publics…")}
        ),
    )
    categorie = django_filters.ModelChoiceFilter(
        label=_("Catégorie"),
        field_name="categories",
        queryset=Category.objects.all(),
        to_field_name="slug",
        empty_label=_("Toutes les catégories"),
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"),
        method="filter_province",
        queryset=Province.objects.all(),
        to_field_name="slug",
        empty_label=_("Toutes les provinces"),
    )
    cout = django_filters.ChoiceFilter(
        label=_("Coût"),
        field_name="cost",
        choices=Facilitator.Cost.choices,
        empty_label=_("Tous les coûts"),
    )

    class Meta:
        model = Facilitator
        fields: list[str] = []

    def filter_search(
        self, queryset: QuerySet[Facilitator], name: str, value: str
    ) -> QuerySet[Facilitator]:
        return facilitator_search(queryset, value)

    def filter_province(
        self, queryset: QuerySet[Facilitator], name: str, value: Province | None
    ) -> QuerySet[Facilitator]:
        if value is None:
            return queryset
        # A subquery (no join, no DISTINCT): the search's rank ordering stays as it is.
        return queryset.covering(value)  # type: ignore[attr-defined]
