"""Filters of the public catalogue of facilitators: category, province, cost and a search."""

from __future__ import annotations

import re
import unicodedata

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from expertises.models import Category, Facilitator
from territoires.models import Province

# The texts a search looks into; organisation_name holds an organisation absent from the list.
SEARCH_FIELDS = ("name", "offer", "audience", "organisation_name", "organisation__name")
# PostgreSQL's translate() strips accents without the unaccent extension (no migration needed):
# « credit » then finds « micro-crédit », as people type without accents.
ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿœæ"
UNACCENTED = "aaaaaaceeeeiiiinooooouuuuyyoa"


def fold(text: str) -> str:
    """Lower case, without accents: the form both sides of a search are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _folded(field: str) -> Func:
    return Func(
        Lower(F(field)),
        Value(ACCENTED),
        Value(UNACCENTED),
        function="translate",
        output_field=TextField(),
    )


def facilitator_search(queryset: QuerySet[Facilitator], text: str) -> QuerySet[Facilitator]:
    """Full-text search (French stemming, ranked) on PostgreSQL; every word, on SQLite."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        vector = SearchVector(*(_folded(field) for field in SEARCH_FIELDS), config="french")
        query = SearchQuery(fold(text), config="french", search_type="websearch")
        return (
            queryset.annotate(search=vector, search_rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-search_rank", "name")
        )
    # SQLite folds neither accents nor non-ASCII case: compare in Python, one query over the
    # (small, curated) catalogue, then keep the matching ids.
    words = [word for word in re.split(r"\s+", fold(text)) if word]
    matching = [
        row[0]
        for row in queryset.values_list("pk", *SEARCH_FIELDS)
        if all(word in fold(" ".join(cell or "" for cell in row[1:])) for word in words)
    ]
    return queryset.filter(pk__in=matching)


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
        # A subquery rather than FacilitatorQuerySet.covering(): its join and DISTINCT would
        # clash with the search's rank ordering.
        covering = Facilitator.provinces.through.objects.filter(province=value)
        return queryset.filter(
            Q(covers_all_wallonia=True) | Q(pk__in=covering.values("facilitator_id"))
        )
