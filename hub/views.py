"""Pages that gather from many apps: the home page, and the chantier and project pages with
what other apps hold about them."""

from functools import cache, cached_property
from typing import Any

from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.generic import TemplateView

from chantiers import selectors as chantier_selectors
from chantiers import views as chantiers_views
from events.models import Event
from events.selectors import event_list_of_chantier
from expertises.models import Facilitator
from expertises.permissions import needs_visible_to
from expertises.selectors import CATALOGUE_CHANTIER_SLUG, facilitator_highlights
from hub.map_preview import map_preview
from hub.seed import content as seed_content
from hub.selectors import (
    home_chantiers,
    home_events,
    home_latest_news,
    home_next_steps,
    home_provinces_and_counts,
)
from portal import page_cache
from projets import views as projets_views
from projets.permissions import projects_led_by

# How many events the home page lists: those to come, else the last ones.
HOME_EVENTS = 5
HOME_RECENT_EVENTS = 3
# The events a chantier's page lists at most, latest first; all of them are a link away.
CHANTIER_EVENTS = 5


class HomeView(TemplateView):
    """Something to do whatever the date: the document's opening, the next steps of the
    échéancier, the events to come (else the last ones and how to propose a workshop), the
    news, the newsletter, a glimpse of the map, the search box and whom to contact."""

    template_name = "hub/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        # One query for the events to come or, when none is, the last ones; one for the
        # provinces and both figures (the list, the contact links and the map's labels all
        # read the same rows).
        events = cache(lambda: home_events(now, HOME_EVENTS, HOME_RECENT_EVENTS))
        provinces_and_counts = cache(home_provinces_and_counts)
        provinces = SimpleLazyObject(lambda: provinces_and_counts()[0])
        context.update(
            intro=seed_content.INTRO,
            contact=seed_content.CONTACT,
            # Lazy: read only when the template's shared fragment renders, so that a fragment
            # served from the cache makes no query.
            chantiers=SimpleLazyObject(home_chantiers),
            candidate_count=lambda: provinces_and_counts()[1]["candidates"],
            next_steps=SimpleLazyObject(lambda: home_next_steps(now)),
            upcoming_events=SimpleLazyObject(lambda: events()[0]),
            # Only when nothing is announced: what took place, and how to ask for more.
            recent_events=SimpleLazyObject(lambda: events()[1]),
            latest_news=SimpleLazyObject(lambda: home_latest_news(now)),
            project_count=lambda: provinces_and_counts()[1]["projects"],
            provinces=provinces,
            map_preview=cache(lambda: map_preview(provinces)),
        )
        return context


class ChantierPage(chantier_selectors.ChantierPage):
    """A chantier's page with what other apps hold about it, read at first use too."""

    @cached_property
    def _events(self) -> tuple[list[Event], int]:
        return event_list_of_chantier(chantier=self.chantier, limit=CHANTIER_EVENTS)

    @property
    def events(self) -> list[Event]:
        return self._events[0]

    @property
    def event_count(self) -> int:
        return self._events[1]

    @cached_property
    def catalogue_facilitators(self) -> list[Facilitator] | None:
        """The "Recueil d'expertises" chantier is the catalogue's: its page gives a glimpse."""
        if self.chantier.slug != CATALOGUE_CHANTIER_SLUG:
            return None
        return facilitator_highlights()


class ChantierDetailView(chantiers_views.ChantierDetailView):
    """A chantier's page, with its public events and, for the Recueil d'expertises, the
    catalogue."""

    template_name = "hub/chantier_detail.html"
    page_class = ChantierPage

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # A piste's page says how to take part: through the projects this person leads.
        if self.object.is_candidate:
            page_cache.personal(self.request)
            context["led_projects"] = list(projects_led_by(self.request.user).order_by("name"))
        return context


class ProjectDetailView(projets_views.ProjectDetailView):
    """A project's page, with its offers of expertise and (for members) its open needs."""

    template_name = "hub/project_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Offers are public; open needs are for signed-in members (expertises.permissions).
        context["offers"] = list(self.object.offers.select_related("category"))
        context["open_needs"] = list(
            needs_visible_to(self.request.user)
            .open()
            .filter(project=self.object)
            .select_related("category")
        )
        return context
