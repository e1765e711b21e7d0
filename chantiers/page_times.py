"""When a news page changes by time alone, for the shared page cache (``portal.page_cache``):
a news item scheduled for later comes out."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Min

from chantiers.models import News


def next_news_change(now: datetime) -> datetime | None:
    return News.objects.filter(published_at__gt=now).aggregate(first=Min("published_at"))["first"]
