"""Calendar views: one event's .ics, the public feeds, the private feed of my registrations, and
the page where I see and renew my private address.

Every feed is one query for its events (plus one for its province, chantier or token), whatever
the number of events. What may not be seen (a draft, an unknown slug, a wrong or renewed token)
is a plain 404, which reveals nothing.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from chantiers.models import Chantier
from events.calendar import (
    FEED_REFRESH,
    absolute_url,
    calendar_feed_token_renew,
    calendar_for_events,
    site_host,
    webcal_url,
)
from events.models import CalendarFeedToken, Event, Registration
from events.selectors import event_public_queryset
from portal.editing import ConfirmView, SpaceMixin
from territoires.models import Province

# Feeds hold the upcoming events and those of the last twelve months: enough for an agenda,
# without growing for ever.
FEED_PAST = datetime.timedelta(days=365)
PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)  # as Event.objects.public()

M = TypeVar("M", bound=Model)


def ics_response(content: bytes, *, filename: str, private: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    if private:
        # The address is the credential: keep it out of shared caches and search engines.
        response["Cache-Control"] = "private, no-cache"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def feed_window(
    rows: QuerySet[M], *, prefix: str = "", now: datetime.datetime | None = None
) -> QuerySet[M]:
    """Keep the events (reached through ``prefix``, e.g. ``"event__"``) that have not ended, or
    that started less than twelve months ago."""
    now = now or timezone.now()
    since = now - FEED_PAST
    return rows.filter(Q(**{f"{prefix}start__gte": since}) | Q(**{f"{prefix}end__gte": now}))


def public_feed_events() -> QuerySet[Event]:
    return feed_window(event_public_queryset()).order_by("start", "pk")


class EventIcsView(View):
    """``/calendrier/evenement/<slug>.ics``: one public event (drafts are 404)."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        event = event_public_queryset().filter(slug=slug).first()
        if event is None:
            former = event_public_queryset().filter(former_slugs__slug=slug).first()
            if former is None:
                raise Http404
            return HttpResponsePermanentRedirect(
                reverse("calendar:event_ics", kwargs={"slug": former.slug})
            )
        content = calendar_for_events([event], name=event.title)
        return ics_response(content, filename=f"{event.slug}.ics")


class PublicFeedView(View):
    """``/calendrier/tous.ics``, and the base of the other public feeds: :meth:`get_feed` gives
    the events, the feed's name and the key of its UID and file name."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        events, name, key = self.get_feed(**kwargs)
        content = calendar_for_events(
            events,
            name=name,
            uid=f"calendar-{key}@{site_host()}",
            refresh=FEED_REFRESH,
        )
        return ics_response(content, filename=f"chantiers-communs-{key}.ics")

    def get_feed(self, **kwargs: Any) -> tuple[QuerySet[Event], str, str]:
        return public_feed_events(), _("Chantiers communs – événements"), "tous"


class ProvinceFeedView(PublicFeedView):
    def get_feed(self, **kwargs: Any) -> tuple[QuerySet[Event], str, str]:
        province = get_object_or_404(Province.objects.only("pk", "name", "slug"), **kwargs)
        name = _("Chantiers communs – %(province)s") % {"province": province.name}
        return public_feed_events().filter(province=province), name, f"province-{province.slug}"


class ChantierFeedView(PublicFeedView):
    def get_feed(self, **kwargs: Any) -> tuple[QuerySet[Event], str, str]:
        chantier = get_object_or_404(Chantier.objects.only("pk", "title", "slug"), **kwargs)
        name = _("Chantiers communs – %(chantier)s") % {"chantier": chantier.title}
        return public_feed_events().filter(chantier=chantier), name, f"chantier-{chantier.slug}"


class PrivateFeedView(View):
    """``/calendrier/prive/<token>.ics``: the public events of my confirmed and waiting
    registrations (a waiting one says so in its title); a cancelled event stays, as cancelled.
    Calendar apps send no cookies: the token in the address is the credential."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        feed_token = get_object_or_404(CalendarFeedToken.objects.only("pk", "user_id"), token=token)
        registrations = (
            feed_window(Registration.objects.active(), prefix="event__")
            .filter(user_id=feed_token.user_id, event__status__in=PUBLIC_STATUSES)
            .select_related("event")
            .order_by("event__start", "event__pk")
        )
        events = [registration.event for registration in registrations]
        waiting = {r.event_id for r in registrations if r.status == Registration.Status.WAITING}
        content = calendar_for_events(
            events,
            name=_("Chantiers communs – mes inscriptions"),
            uid=f"calendar-private-{feed_token.pk}@{site_host()}",
            refresh=FEED_REFRESH,
            waiting_list=waiting,
        )
        return ics_response(content, filename="mes-inscriptions.ics", private=True)


class PrivateFeedManageView(SpaceMixin, ConfirmView):
    """``/calendrier/mon-agenda/``: my private feed's address, and a button to renew it."""

    template_name = "espace/calendar.html"
    success_url = reverse_lazy("calendar:private_manage")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.user
        feed_token = CalendarFeedToken.objects.filter(user=user).first()
        if feed_token is not None:
            feed_url = absolute_url(feed_token.get_absolute_url())
            context.update(
                feed_token=feed_token, feed_url=feed_url, feed_webcal_url=webcal_url(feed_url)
            )
        return context

    def perform(self) -> bool:
        """Renew (or create) the token; returns whether there was one before."""
        user = self.user
        had_one = CalendarFeedToken.objects.filter(user=user).exists()
        calendar_feed_token_renew(user=user)
        return had_one

    def get_success_message(self) -> str:
        if self.result:
            return _(
                "Votre adresse d'agenda a été renouvelée : l'ancienne ne fonctionne plus. "
                "Abonnez votre agenda à la nouvelle."
            )
        return _("Votre adresse d'agenda privée est prête.")
