"""Reads of events: the public pages' events, and registrations for people and organisers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from chantiers.models import Step
from events.filters import EventFilter
from events.models import Event, EventQuerySet, Registration, RegistrationQuerySet
from portal.counts import first_rows_queryset, rows_and_total
from portal.prepared_lists import prepared_list

if TYPE_CHECKING:
    from chantiers.models import Chantier
    from portal.models import User
    from portal.types import Visitor


def event_public_queryset() -> EventQuerySet:
    return Event.objects.public().select_related("province", "chantier")


def event_filter(*, data: Any) -> EventFilter:
    """The FilterSet over public events; its ``qs`` ignores invalid fields (see its errors)."""
    return EventFilter(data=data or None, queryset=event_public_queryset())


def event_list_upcoming(*, limit: int | None = None) -> QuerySet[Event]:
    events = event_public_queryset().upcoming()
    return events[:limit] if limit else events


def event_list_recent(*, limit: int | None = None) -> QuerySet[Event]:
    events = event_public_queryset().past()
    return events[:limit] if limit else events


def event_list_of_chantier(*, chantier: Chantier, limit: int) -> tuple[list[Event], int]:
    """A chantier's public events, latest first: the first ``limit`` and how many in all
    (one statement compiled once per process)."""

    def build(chantier_id: int) -> QuerySet[Event]:
        events = Event.objects.public().filter(chantier_id=chantier_id).select_related("province")
        return first_rows_queryset(events.order_by("-start"), limit)

    statement = prepared_list(f"events.of_chantier.{limit}", build, samples=((1,), (2,)))
    events = statement.all(chantier.pk)
    for event in events:
        event.chantier = chantier
    return rows_and_total(events)


def event_detail_queryset() -> QuerySet[Event]:
    return event_public_queryset().select_related("organiser").prefetch_related("steps__chantier")


def _public_by_slug(slug: str) -> QuerySet[Event]:
    return event_public_queryset().select_related("organiser").filter(slug=slug)


def event_public_by_slug(*, slug: str) -> Event | None:
    """The public event at ``slug``, with its province, chantier and organiser (what anyone
    may open, whoever asks): a statement compiled once, read on each of the page's misses."""
    statement = prepared_list("events.public_by_slug", _public_by_slug, samples=(("a",), ("b",)))
    found = statement.all(slug)
    return found[0] if found else None


def _steps_of(event_id: int) -> QuerySet[Step]:
    return Step.objects.filter(event_id=event_id).select_related("chantier")


def event_steps(*, event: Event) -> list[Step]:
    """The chantier steps an event carries, with their chantier (a statement compiled once)."""
    steps = prepared_list("events.steps_of", _steps_of, samples=((1,), (2,))).all(event.pk)
    for step in steps:
        step.event = event
    return steps


# --- The officers' space and the detail page seen through a person's rights -------------------


def event_detail_queryset_for(*, user: Visitor) -> QuerySet[Event]:
    """The detail page's queryset, starting from what this person may see (drafts they manage)."""
    from events.permissions import events_visible_to

    return events_visible_to(user).select_related("province", "chantier", "organiser")


def event_by_former_slug(*, user: Visitor, slug: str) -> Event | None:
    """The event, visible to this person, that had ``slug`` before its title or date changed
    (its old address redirects there); None when there is none."""
    from events.permissions import events_visible_to

    return events_visible_to(user).filter(former_slugs__slug=slug).only("pk", "slug").first()


def event_manage_queryset(*, user: Visitor) -> EventQuerySet:
    """Every event this person manages, with what the list of their space shows."""
    from events.permissions import events_manageable_by

    return events_manageable_by(user).select_related("province", "chantier")


def event_manage_sections(*, user: Visitor) -> dict[str, EventQuerySet]:
    """The sections of « Mes événements »: drafts, upcoming and past published, cancelled."""
    events = event_manage_queryset(user=user)
    return {
        "drafts": events.filter(status=Event.Status.DRAFT).order_by("start", "pk"),
        "upcoming": events.published().upcoming().order_by("start", "pk"),
        "past": events.published().past().order_by("-start", "pk"),
        "cancelled": events.filter(status=Event.Status.CANCELLED).order_by("-start", "pk"),
    }


# --- Registrations ---------------------------------------------------------------------------


def registrations_of_user(*, user: User) -> RegistrationQuerySet:
    """All of a person's registrations, cancelled ones included, each with its event, project
    and ``waiting_position``, in one query; split with ``.upcoming()`` and ``.past()``."""
    return (
        Registration.objects.filter(user=user)
        .select_related("event", "event__province", "project")
        .with_waiting_position()
        .order_by("event__start", "pk")
    )


def registrations_of_event(*, event: Event) -> RegistrationQuerySet:
    """An event's registrations for its organisers: confirmed, then the waiting list in its
    order, then cancelled ones; each with its person, project and ``waiting_position``."""
    rank = Case(
        When(status=Registration.Status.CONFIRMED, then=Value(0)),
        When(status=Registration.Status.WAITING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Registration.objects.filter(event=event)
        .select_related("user", "project")
        .with_waiting_position()
        .order_by(rank, "waiting_since", "registered_at", "pk")
    )


def registrations_active(*, event: Event) -> RegistrationQuerySet:
    """The registrations that still hold a seat or a place in line (confirmed, waiting): those
    an event cannot be deleted with."""
    return Registration.objects.filter(event=event).active().select_related("user")


def registration_for(*, user: Visitor, event: Event) -> Registration | None:
    """This person's registration to this event (in any status), or None."""
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(user=user, event=event).first()


def registration_waiting_position(registration: Registration) -> int | None:
    """1 for the next in line; None when the registration is not on the waiting list."""
    if registration.status != Registration.Status.WAITING:
        return None
    return Registration.objects.filter(
        Q(waiting_since__lt=registration.waiting_since)
        | Q(waiting_since=registration.waiting_since, pk__lte=registration.pk),
        event_id=registration.event_id,
        status=Registration.Status.WAITING,
    ).count()
