"""Text search with case and accents folded, the same rule on every list and in the site search.

On PostgreSQL: French full text (stemming, ranking by weighted fields) over texts passed
through ``unaccent`` (the extension is created by a migration of this app), each word of the
query matching as a prefix. On SQLite (the newcomer's database): every word must appear in one
of the texts, compared through ``portal_fold``, a function this module registers on each SQLite
connection, so both sides fold alike; the rank adds the weights of the fields a word is in.
Both accept any string: words are what ``\\w`` matches, so no character of the query reaches
the database but letters and digits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Func, Model, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

M = TypeVar("M", bound=Model)

# Longer queries are refused with a message (a clear empty result), not cut short silently.
MAX_QUERY_LENGTH = 200
# More words than this add nothing a person means; they only make the query heavier.
MAX_WORDS = 10
# The weights of PostgreSQL's ts_rank for the labels A to D, used on SQLite too.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
# Letters that Unicode does not decompose but PostgreSQL's unaccent spells out.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ß": "ss"})
WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case, without accents: the form both sides of a search are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_words(text: str) -> list[str]:
    """The folded words of a query, each once, at most MAX_WORDS; punctuation is a separator."""
    words: list[str] = []
    for word in WORD.findall(fold(text)):
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


class Folded(Func):
    """A text column folded like ``fold()``: ``lower(unaccent(…))`` or ``portal_fold(…)``."""

    output_field = TextField()

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(Coalesce(expression, Value("")), **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # unaccent first: lower() under a "C" collation leaves É as it is. Angle brackets
        # become spaces: the text search parser would take « <b>…</b> » for tags and skip it.
        template = "translate(lower(unaccent(%(expressions)s)), '<>', '  ')"
        return self.as_sql(compiler, connection, template=template)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="portal_fold(%(expressions)s)")


def _fold_or_none(value: Any) -> str | None:
    return None if value is None else fold(str(value))


def sqlite_functions_register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give each new SQLite connection ``portal_fold`` (connected to ``connection_created``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("portal_fold", 1, _fold_or_none, deterministic=True)


def text_search(
    queryset: QuerySet[M],
    text: str,
    *,
    fields: Sequence[tuple[str, str]],
    then: Iterable[str] = ("pk",),
) -> QuerySet[M]:
    """The rows of ``queryset`` matching every word of ``text``, best first, with ``search_rank``.

    ``fields`` pairs a field (relations allowed, not many-to-many ones) with its weight, "A"
    (the title) to "D"; ``then`` orders rows of equal rank. A query without words, or too
    long, matches nothing; a blank one leaves the queryset as it is.
    """
    if not text.strip():
        return queryset
    words = search_words(text)
    if not words or len(text) > MAX_QUERY_LENGTH:
        return queryset.none()
    if connection.vendor == "postgresql":
        vector: Any = SearchVector(Folded(F(fields[0][0])), weight=fields[0][1], config="french")
        for name, weight in fields[1:]:
            vector += SearchVector(Folded(F(name)), weight=weight, config="french")
        # Words are letters and digits only, so the raw tsquery holds nothing but them.
        query = SearchQuery(
            " & ".join(f"{word}:*" for word in words), config="french", search_type="raw"
        )
        return (
            queryset.annotate(search_vector=vector)
            .filter(search_vector=query)
            .annotate(search_rank=SearchRank(vector, query))
            .order_by("-search_rank", *then)
        )
    aliases = {f"search_text_{i}": Folded(F(name)) for i, (name, _weight) in enumerate(fields)}
    matched = queryset.alias(**aliases)
    for word in words:
        matched = matched.filter(_any_contains(aliases, word))
    rank: Any = Value(0.0)
    for word in words:
        for (alias, _expr), (_name, weight) in zip(aliases.items(), fields, strict=True):
            rank += Case(
                When(**{f"{alias}__contains": word}, then=Value(WEIGHTS[weight])),
                default=Value(0.0),
                output_field=FloatField(),
            )
    return matched.annotate(search_rank=rank).order_by("-search_rank", *then)


def _any_contains(aliases: dict[str, Any], word: str) -> Q:
    condition = Q()
    for alias in aliases:
        condition |= Q(**{f"{alias}__contains": word})
    return condition


# --- Highlighting the words found ------------------------------------------------------------


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """``fold(text)``, and for each folded character the index of the character it came from."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = fold(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    return "".join(folded), origin


def _word_matches(word: str, terms: Sequence[str]) -> bool:
    # A prefix, as on PostgreSQL; or the term is the word plus an ending (a plural, a stemmed
    # form): « marchés » also marks « marché ».
    return any(
        word.startswith(term) or (term.startswith(word) and len(word) >= max(4, len(term) - 2))
        for term in terms
    )


def highlight(text: str, terms: Sequence[str], *, length: int | None = None) -> SafeString:
    """``text`` escaped, the words that start with one of ``terms`` (folded) in ``<mark>``.

    With ``length``, an excerpt of about that many characters around the first word found.
    """
    folded, origin = _folded_with_positions(text)
    spans: list[tuple[int, int]] = []
    for match in WORD.finditer(folded):
        if match.group() and _word_matches(match.group(), terms):
            start = origin[match.start()]
            end = origin[match.end() - 1] + 1
            spans.append((start, end))
    begin, finish = 0, len(text)
    if length is not None and len(text) > length:
        first = spans[0][0] if spans else 0
        begin = max(0, min(first - length // 4, len(text) - length))
        # Cut at a space so that no word is shown in halves.
        if begin > 0:
            space = text.find(" ", begin)
            begin = space + 1 if 0 <= space < first else begin
        finish = min(len(text), begin + length)
        space = text.rfind(" ", begin, finish)
        if finish < len(text) and space > begin:
            finish = space
    parts: list[str] = ["… " if begin > 0 else ""]
    cursor = begin
    for start, end in spans:
        if end <= begin or start >= finish:
            continue
        start, end = max(start, cursor), min(end, finish)
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    parts.append(escape(text[cursor:finish]))
    if finish < len(text):
        parts.append(" …")
    # Safe: every piece of the text went through escape() above.
    return mark_safe("".join(parts))
