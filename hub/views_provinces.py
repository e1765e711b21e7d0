"""Public pages of the provinces: list and detail with projects, meetings and map, and the
contact form of their territorial officers."""

import logging
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, ListView, TemplateView

from chantiers.feeds import province_feed_urls
from expertises.selectors import facilitators_covering_first
from hub.selectors import (
    province_latest_news,
    province_list,
    province_past_events,
    province_upcoming_events,
    province_with_figures,
)
from portal.csrf import csrf_verified
from portal.maps import MapConfig, MapLayer
from portal.pagination import paginate
from portal.ratelimits import FormLimits
from portal.service_errors import error_to_form
from projets.selectors import project_pages
from territoires.contact import OfficerMessage, officer_message_send
from territoires.forms import OfficerContactForm
from territoires.models import Province
from territoires.selectors import officer_cards, officers_prefetch

logger = logging.getLogger(__name__)

# How many facilitators a province page lists before linking to the filtered catalogue.
PROVINCE_FACILITATORS = 10
# The upcoming events a province page lists at most; the event list filtered by the province
# has them all.
PROVINCE_EVENTS = 5
# A page of the province's projects (the project list filtered by the province has them all).
PROVINCE_PROJECTS = 10


class ProvinceListView(ListView):
    template_name = "hub/province_list.html"
    context_object_name = "provinces"

    def get_queryset(self) -> list[Province]:  # type: ignore[override]
        provinces = list(province_list())
        for province in provinces:
            province.officer_cards = officer_cards(province)  # type: ignore[attr-defined]
        return provinces


def contact_form(
    request: HttpRequest, data: Any = None, *, signed_in: bool | None = None
) -> OfficerContactForm:
    """The officers' contact form, filled in advance for a signed-in person (``signed_in``
    False: as for anyone, whoever is signed in; None: as the session says)."""
    user = request.user
    if signed_in is False or not user.is_authenticated:
        return OfficerContactForm(data)
    initial = {"name": user.get_full_name(), "email": user.email}
    return OfficerContactForm(data, initial=initial, signed_in=True)


class ProvinceDetailView(DetailView):
    """Every read has a fixed shape, compiled once (``hub.selectors``): the province with its
    figures, its events to come and a page of past ones, its news, its facilitators with their
    categories and provinces, its officers, a page of its projects with their types."""

    template_name = "hub/province_detail.html"
    context_object_name = "province"

    def get_object(self, queryset: QuerySet[Province] | None = None) -> Province:
        self.now = timezone.now()
        province = province_with_figures(self.kwargs["slug"], self.now)
        if province is None:
            raise Http404
        return province

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        province, now = self.object, self.now
        count = province.project_total  # type: ignore[attr-defined]
        projects = project_pages(count=count, province_pk=province.pk)
        page = paginate(self.request, projects, per_page=PROVINCE_PROJECTS, count=count)
        facilitators = facilitators_covering_first(province.pk, PROVINCE_FACILITATORS)
        located = province.located_total  # type: ignore[attr-defined]
        # One more than shown: whether to link to the whole list, without counting.
        upcoming = province_upcoming_events(province.pk, now, PROVINCE_EVENTS + 1)
        past = province_past_events(province.pk, now, province.past_total)  # type: ignore[attr-defined]
        context.update(
            facilitators=facilitators,
            facilitator_count=province.facilitator_total,  # type: ignore[attr-defined]
            projects_page=page,
            map=province_map(province),
            located=located,
            unlocated=count - located,
            upcoming_events=upcoming[:PROVINCE_EVENTS],
            more_upcoming=len(upcoming) > PROVINCE_EVENTS,
            past_events=paginate(
                self.request, past, per_page=PROVINCE_EVENTS, param="passes", count=len(past)
            ),
            latest_news=province_latest_news(province.pk, now),
            news_feeds=province_feed_urls(province.slug),
            officers=officer_cards(province),
            contact_form=contact_form(self.request),
        )
        return context


# Per address of the sender, a burst and a sustained flood; per email address, a mailbox that
# writes again and again (as the newsletter form).
LIMITS = FormLimits(group="officer-contact", per_ip=("5/m", "20/h"), per_email="5/h")
TOO_MANY = gettext_lazy(
    "Trop de messages envoyés en peu de temps. Votre message n'est pas parti : "
    "réessayez dans quelques minutes, il est conservé ci-dessous."
)


@method_decorator(csrf_exempt, name="dispatch")
class ProvinceContactView(TemplateView):
    """The officers' contact form on a page of its own: where the province page's form posts,
    and where it comes back with its errors (or the 429 of the rate limit) and what was typed."""

    template_name = "hub/province_contact.html"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.province = get_object_or_404(
            Province.objects.prefetch_related(officers_prefetch()), slug=kwargs["slug"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", contact_form(self.request))
        context.update(province=self.province, officers=officer_cards(self.province))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Exempt from the CSRF check (the province page's form is the same for every anonymous
        # visitor): the message is sent for a signed-in person, with a copy to their account,
        # only when their page's token comes with it; otherwise as from anyone.
        signed_in = request.user.is_authenticated and csrf_verified(request)
        form = contact_form(request, request.POST, signed_in=signed_in)
        valid = form.is_valid()
        if LIMITS.exceeded(request, email=form.cleaned_data["email"].lower() if valid else None):
            form.add_error(None, TOO_MANY)
            context = self.get_context_data(form=form)
            return self.render_to_response(context, status=HTTPStatus.TOO_MANY_REQUESTS)
        if valid:
            data = form.cleaned_data
            try:
                officer_message_send(
                    province=self.province,
                    message=OfficerMessage(
                        sender_name=data["name"],
                        sender_email=data["email"],
                        organisation=data["organisation"],
                        message=data["message"],
                    ),
                    copy_to=request.user if signed_in and data.get("copy") else None,  # type: ignore[arg-type]
                )
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Votre message est envoyé aux chargé·es de mission de la province : "
                        "%(province)s. Ils ou elles vous répondront par e-mail."
                    )
                    % {"province": self.province.name},
                )
                return HttpResponseRedirect(self.province.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


def province_map(province: Province) -> MapConfig:
    """The province's projects and meetings (upcoming, and past ones), from the map's layers."""
    scope = f"?province={province.slug}"
    return MapConfig(
        id="province-map",
        label=_("Carte de la province : %(name)s") % {"name": province.name},
        layers=[
            MapLayer("projets", _("Projets"), reverse("maps:projets") + scope, "project"),
            MapLayer(
                "evenements",
                _("Rencontres et ateliers à venir"),
                reverse("maps:evenements") + scope,
                "event",
            ),
            MapLayer(
                "evenements-passes",
                _("Rencontres et ateliers passés"),
                reverse("maps:evenements") + scope + "&periode=passes",
                "event_past",
            ),
        ],
        centre=(province.centre_latitude, province.centre_longitude),
        zoom=province.zoom,
    )
