"""Unique slugs for rows that people create from a title."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.utils.text import slugify


def unique_slug(
    queryset: QuerySet[Model], text: str, *, fallback: str, max_length: int = 200
) -> str:
    base = slugify(text)[: max_length - 6].strip("-") or fallback
    slug, counter = base, 2
    while queryset.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug
