"""Pages that gather from many apps: the home page, and the chantier and project pages with
what other apps hold about them."""

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.views.generic import TemplateView

from chantiers import views as chantiers_views
from chantiers.models import Chantier
from chantiers.selectors import chantier_list, news_latest
from events.models import Event
from events.selectors import event_list_recent, event_list_upcoming
from expertises.permissions import needs_visible_to
from expertises.selectors import CATALOGUE_CHANTIER_SLUG, facilitator_highlights
from projets import views as projets_views
from projets.models import Project
from territoires.models import Province

# The events a chantier's page lists at most, latest first; all of them are a link away.
CHANTIER_EVENTS = 5


class HomeView(TemplateView):
    template_name = "hub/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            chantiers=chantier_list(),
            # Callables and lazy querysets: the template's shared fragment reads them only
            # when it renders, so that a fragment served from the cache makes no query.
            candidate_count=chantier_list(candidates=True).count,
            upcoming_events=event_list_upcoming(limit=5),
            recent_events=event_list_recent(limit=5),
            latest_news=news_latest(),
            project_count=Project.objects.public().count,
            provinces=Province.objects.all(),
        )
        return context


class ChantierDetailView(chantiers_views.ChantierDetailView):
    """A chantier's page, with its public events and, for the Recueil d'expertises, the
    catalogue."""

    template_name = "hub/chantier_detail.html"

    def get_queryset(self) -> QuerySet[Chantier]:
        events = Prefetch(
            "events",
            queryset=Event.objects.public()
            .select_related("province")
            .order_by("-start")[:CHANTIER_EVENTS],
            to_attr="public_events",
        )
        count = (
            Event.objects.public()
            .filter(chantier=OuterRef("pk"))
            .order_by()
            .values("chantier")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset()
            .prefetch_related(events)
            .annotate(event_count=Coalesce(Subquery(count, output_field=IntegerField()), 0))
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The "Recueil d'expertises" chantier is the catalogue's: its page gives a glimpse.
        if self.object.slug == CATALOGUE_CHANTIER_SLUG:
            context["catalogue_facilitators"] = facilitator_highlights()
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
