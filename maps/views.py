"""The map page (/carte/) and its GeoJSON layers, one endpoint per layer."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from events.selectors import event_filter, event_public_queryset
from expertises.selectors import facilitator_filter, facilitator_list_queryset
from maps.cache import Layer, geojson_response
from maps.forms import EVENTS, FACILITATORS, LAYERS, LAYERS_PARAM, PROJECTS, MapFilterForm
from maps.forms import chosen_layers as layers_from
from maps.layers import event_features, facilitator_counts, facilitator_features, project_features
from maps.params import readable, validated_params
from portal.maps import MapConfig, MapLayer, form_params
from portal.pagination import paginate, query_without
from projets.selectors import project_filter, project_list_queryset
from territoires.models import Province

# The events layer shows upcoming events unless asked for the past ones (a province's map).
PERIODS = {"a-venir": True, "passes": False}
PERIOD_PARAM = "periode"


def layer_url(name: str, params: dict[str, str]) -> str:
    url = reverse(f"maps:{name}")
    return f"{url}?{urlencode(params)}" if params else url


class ProjectLayerView(View):
    """Located public projects, with the project list's filters (q, province, type, chantier)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        data, whole = readable(request.GET)
        filterset = project_filter(data=data)
        params = validated_params(filterset.form, data, free_text=("q",)) if whole else None
        return geojson_response(
            request, layer=PROJECTS, params=params, build=lambda: project_features(filterset.qs)
        )


class EventLayerView(View):
    """Located published events, upcoming (or past: ``periode=passes``), with the event
    list's filters (kind, province, chantier)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        data, whole = readable(request.GET)
        period = data.pop(PERIOD_PARAM, ["a-venir"])[-1]
        upcoming = PERIODS.get(period)
        filterset = event_filter(data=data)
        params = validated_params(filterset.form, data) if whole else None
        if upcoming is None:
            upcoming, params = True, None
        elif params is not None and not upcoming:
            params[PERIOD_PARAM] = period
        return geojson_response(
            request,
            layer=EVENTS,
            params=params,
            build=lambda: event_features(filterset.qs, upcoming=bool(upcoming)),
        )


class FacilitatorLayerView(View):
    """How many facilitators work in each province, at its centre, with the catalogue's
    filters (q, categorie, province, cout)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        data, whole = readable(request.GET)
        filterset = facilitator_filter(data=data)
        params = validated_params(filterset.form, data, free_text=("q",)) if whole else None
        catalogue = reverse("expertises:facilitator_list")
        valid = form_params(filterset.form)
        kept = {name: value for name, value in valid.items() if name != "province"}
        province = filterset.form.cleaned_data.get("province") if valid else None

        def link(province: Province) -> str:
            return f"{catalogue}?{urlencode({**kept, 'province': province.slug})}"

        def build() -> Layer:
            rows = facilitator_counts(filterset.qs, province=province)
            return facilitator_features(rows, link=link)

        return geojson_response(request, layer=FACILITATORS, params=params, build=build)


class MapView(TemplateView):
    """One map of projects, upcoming events and facilitators, with the list beside it that
    says the same in text (and is what a phone shows first)."""

    template_name = "maps/map.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request = self.request
        query, _whole = readable(request.GET)
        form = MapFilterForm(data=query or None)
        province, chantier = form.value("province"), form.value("chantier")
        params = {}
        if province is not None:
            params["province"] = province.slug
        if chantier is not None:
            params["chantier"] = chantier.slug
        shown = layers_from(query)
        urls = {
            PROJECTS: layer_url(PROJECTS, params),
            EVENTS: layer_url(EVENTS, params),
            # Facilitators belong to no chantier: that filter does not apply to them.
            FACILITATORS: layer_url(
                FACILITATORS, {"province": params.get("province", "")} if province else {}
            ),
        }
        icons = {PROJECTS: "project", EVENTS: "event", FACILITATORS: "facilitators"}
        the_map = MapConfig(
            id="carte",
            label=_("Carte des projets, des rencontres et des facilitateurs"),
            layers=[
                MapLayer(name, label, urls[name], icons[name], visible=name in shown)
                for name, label in LAYERS
            ],
        )
        # The list: the same rows as the layers, filtered by the instances validated above.
        projects = project_list_queryset().prefetch_related(None)
        events = event_public_queryset().published().upcoming()
        if province is not None:
            projects, events = projects.filter(province=province), events.filter(province=province)
        if chantier is not None:
            projects = projects.filter(participations__chantier=chantier).distinct()
            events = events.filter(chantier=chantier)
        context.update(
            form=form,
            map=the_map,
            shown=shown,
            layers_param=LAYERS_PARAM,
            view=request.GET.get("vue")
            if request.GET.get("vue") in ("liste", "carte")
            else "liste",
            projects_page=paginate(request, projects, param="projets"),
            events_page=paginate(request, events, param="evenements"),
            facilitators=facilitator_counts(facilitator_list_queryset(), province=province),
            chantier=chantier,
            province=province,
            projects_query=query_without(request, "projets"),
            events_query=query_without(request, "evenements"),
            list_query=query_without(request, "vue"),
        )
        return context
