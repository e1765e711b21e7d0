"""An event's public address: the slug made from its title and day, and the former slugs that
keep redirecting to it (``EventFormerSlug``). Used by the event services
(``events.services.events``) when an event is created, copied or changed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.models import Event, EventFormerSlug

SLUG_MAX_LENGTH = 200  # Event.slug


def _slug_taken(slug: str, event: Event) -> bool:
    """Another event's slug, current or former (a former one keeps redirecting to its event)."""
    return (
        Event.objects.filter(slug=slug).exclude(pk=event.pk).exists()
        or EventFormerSlug.objects.filter(slug=slug).exclude(event_id=event.pk).exists()
    )


def _slug_for(event: Event) -> str:
    """« <title> <day> », made unique among every event's current and former slugs."""
    day = timezone.localtime(event.start).date().isoformat() if event.start else ""
    base = slugify(f"{event.title} {day}")[: SLUG_MAX_LENGTH - 6].strip("-") or "evenement"
    slug, counter = base, 2
    while _slug_taken(slug, event):
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def _local_day(moment: Any) -> Any:
    return timezone.localtime(moment).date() if moment else None


def _check_chosen_slug(event: Event) -> None:
    if EventFormerSlug.objects.filter(slug=event.slug).exclude(event_id=event.pk).exists():
        raise ValidationError(
            {"slug": _("Cette adresse a appartenu à un autre événement, qu'elle désigne encore.")},
            code="former_slug",
        )


def _readdress(event: Event, *, old_slug: str, changed: list[str], old_day: Any) -> None:
    """A new title or day gives a new slug (unless staff chose one); the old one redirects.

    Call before saving: sets ``event.slug``, and records the slug left behind, which stays the
    event's (a title changed back takes it back).
    """
    slug_chosen = "slug" in changed
    if slug_chosen:
        _check_chosen_slug(event)
    elif "title" in changed or _local_day(event.start) != old_day:
        event.slug = _slug_for(event)
    if event.slug == old_slug:
        return
    EventFormerSlug.objects.filter(slug=event.slug, event_id=event.pk).delete()
    EventFormerSlug.objects.get_or_create(slug=old_slug, defaults={"event": event})
