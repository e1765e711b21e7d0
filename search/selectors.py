"""Reads of the site search: per kind, the count and the best rows, each with its excerpt."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from portal.search import highlight, search_words, text_search
from search.kinds import KINDS, Kind

# Results shown per kind on the overview; the kind's own page lists them all, paginated.
OVERVIEW_PER_KIND = 5
EXCERPT_LENGTH = 220


@dataclass
class Result:
    url: str
    title: SafeString
    meta: str
    excerpt: SafeString | None


@dataclass
class Group:
    kind: Kind
    count: int
    results: list[Result] = field(default_factory=list)


def kind_matches(kind: Kind, query: str) -> QuerySet[Any]:
    """The public rows of a kind matching the query, best first."""
    return text_search(kind.queryset(), query, fields=kind.fields, then=kind.then)


def kind_counts(query: str) -> list[Group]:
    """Every kind with its number of matching rows (one query each)."""
    return [Group(kind=kind, count=kind_matches(kind, query).count()) for kind in KINDS]


def results_of(kind: Kind, rows: Any, query: str) -> list[Result]:
    """Rows as results: the title and an excerpt of the first text with a word found, both
    escaped, the words in ``<mark>``."""
    terms = search_words(query)
    results = []
    for row in rows:
        excerpt = None
        for name in kind.texts:
            text = getattr(row, name) or ""
            marked = highlight(text, terms, length=EXCERPT_LENGTH)
            if "<mark>" in marked:
                excerpt = marked
                break
        if excerpt is None:
            first = next((getattr(row, name) for name in kind.texts if getattr(row, name)), "")
            excerpt = highlight(first, [], length=EXCERPT_LENGTH) if first else None
        results.append(
            Result(
                url=row.get_absolute_url(),
                title=highlight(getattr(row, kind.title), terms),
                meta=kind.meta(row),
                excerpt=excerpt,
            )
        )
    return results


def search_overview(query: str) -> list[Group]:
    """Each kind with its count and its best results (two queries a kind)."""
    groups = kind_counts(query)
    for group in groups:
        if group.count:
            rows = kind_matches(group.kind, query)[:OVERVIEW_PER_KIND]
            group.results = results_of(group.kind, rows, query)
    return groups
