"""The signed-in side of the catalogue: needs and offers of the projects one leads, open needs,
the staff's board, and the workshop proposals' forms.

Every view that changes a row finds it in a permission-scoped queryset
(``expertises.permissions``): what a person may not change is a 404, for a GET and a forged POST
alike. The views read input and call one service each.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_stubs_ext import StrOrPromise

from expertises.forms import NeedForm, OfferForm, ProposalForm, ProposalScheduleForm
from expertises.matching import match_counts, matches_for_need
from expertises.models import Need, Offer, WorkshopProposal
from expertises.permissions import (
    can_edit_need,
    can_manage_proposals,
    can_see_need_board,
    can_see_need_matches,
    needs_editable_by,
    needs_visible_to,
    offers_editable_by,
)
from expertises.selectors_espace import (
    need_board,
    open_need_list,
    project_for_expertise,
    project_needs,
    project_offers,
)
from expertises.services import (
    need_create,
    need_delete,
    need_mark_answered,
    need_update,
    offer_create,
    offer_delete,
    offer_update,
    proposal_create,
    proposal_decline,
    proposal_schedule,
    proposal_support_toggle,
)
from portal.pagination import paginate, query_without
from portal.service_errors import error_to_form, error_to_messages
from projets.models import Project


def _project_url(project: Project) -> str:
    return reverse("espace_expertises:project", kwargs={"slug": project.slug})


class ProjectExpertiseView(LoginRequiredMixin, TemplateView):
    """A project's needs and offers, for its leaders (and staff)."""

    template_name = "expertises/espace/project_expertise.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project = get_object_or_404(
            project_for_expertise(user=self.request.user), slug=kwargs["slug"]
        )
        context.update(
            project=project,
            needs=list(project_needs(project)),
            offers=list(project_offers(project)),
        )
        return context


class _ObjectFormView(LoginRequiredMixin, TemplateView):
    """Shared by the add and edit forms of needs and offers."""

    template_name = "expertises/espace/form.html"
    form_class: type[BaseForm]
    # Lazy: read in the language of each request, not frozen in that of the import.
    heading: StrOrPromise = ""
    submit_label: StrOrPromise = ""

    def render_form(self, form: BaseForm, project: Project, **extra: Any) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(
                form=form,
                project=project,
                heading=self.heading % {"project": project.name},
                submit_label=self.submit_label,
                cancel_url=_project_url(project),
                **extra,
            )
        )


class NeedCreateView(_ObjectFormView):
    heading = gettext_lazy("Nouveau besoin de « %(project)s »")
    submit_label = gettext_lazy("Enregistrer le besoin")

    def get_project(self) -> Project:
        return get_object_or_404(
            project_for_expertise(user=self.request.user), slug=self.kwargs["slug"]
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.get_project()
        return self.render_form(NeedForm(initial={"province": project.province_id}), project)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.get_project()
        form = NeedForm(request.POST)
        if form.is_valid():
            try:
                need = need_create(user=request.user, project=project, data=form.cleaned_data)
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(request, _("Le besoin est enregistré."))
                return redirect(need)
        return self.render_form(form, project)


class NeedUpdateView(_ObjectFormView):
    heading = gettext_lazy("Modifier un besoin de « %(project)s »")
    submit_label = gettext_lazy("Enregistrer les modifications")

    def get_need(self) -> Need:
        return get_object_or_404(
            needs_editable_by(self.request.user).select_related("project"), pk=self.kwargs["pk"]
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        need = self.get_need()
        return self.render_form(NeedForm(instance=need), need.project)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        need = self.get_need()
        form = NeedForm(request.POST, instance=Need(pk=need.pk, project=need.project))
        if form.is_valid():
            try:
                need = need_update(user=request.user, need=need, data=form.cleaned_data)
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(request, _("Le besoin est modifié."))
                return redirect(need)
        return self.render_form(form, need.project)


class OfferCreateView(_ObjectFormView):
    heading = gettext_lazy("Nouvelle offre d'expertise de « %(project)s »")
    submit_label = gettext_lazy("Enregistrer l'offre")

    def get_project(self) -> Project:
        return get_object_or_404(
            project_for_expertise(user=self.request.user), slug=self.kwargs["slug"]
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(OfferForm(), self.get_project())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.get_project()
        form = OfferForm(request.POST)
        if form.is_valid():
            try:
                offer_create(user=request.user, project=project, data=form.cleaned_data)
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(request, _("L'offre est enregistrée ; elle est publique."))
                return redirect(_project_url(project))
        return self.render_form(form, project)


class OfferUpdateView(_ObjectFormView):
    heading = gettext_lazy("Modifier une offre de « %(project)s »")
    submit_label = gettext_lazy("Enregistrer les modifications")

    def get_offer(self) -> Offer:
        return get_object_or_404(
            offers_editable_by(self.request.user).select_related("project"), pk=self.kwargs["pk"]
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        offer = self.get_offer()
        return self.render_form(OfferForm(instance=offer), offer.project)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        offer = self.get_offer()
        form = OfferForm(request.POST, instance=Offer(pk=offer.pk, project=offer.project))
        if form.is_valid():
            try:
                offer_update(user=request.user, offer=offer, data=form.cleaned_data)
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(request, _("L'offre est modifiée."))
                return redirect(_project_url(offer.project))
        return self.render_form(form, offer.project)


class _DeleteView(LoginRequiredMixin, TemplateView):
    template_name = "expertises/espace/confirm_delete.html"

    def get_object(self) -> Any:
        raise NotImplementedError

    def delete(self, obj: Any) -> None:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        return self.render_to_response(
            self.get_context_data(object=obj, cancel_url=_project_url(obj.project))
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        project = obj.project
        try:
            self.delete(obj)
        except ValidationError as error:
            error_to_messages(request, error)
        else:
            messages.success(request, _("La suppression est faite."))
        return redirect(_project_url(project))


class NeedDeleteView(_DeleteView):
    def get_object(self) -> Need:
        return get_object_or_404(
            needs_editable_by(self.request.user).select_related("project", "category"),
            pk=self.kwargs["pk"],
        )

    def delete(self, obj: Need) -> None:
        need_delete(user=self.request.user, need=obj)


class OfferDeleteView(_DeleteView):
    def get_object(self) -> Offer:
        return get_object_or_404(
            offers_editable_by(self.request.user).select_related("project", "category"),
            pk=self.kwargs["pk"],
        )

    def delete(self, obj: Offer) -> None:
        offer_delete(user=self.request.user, offer=obj)


class NeedListView(LoginRequiredMixin, TemplateView):
    """The open needs of every project, for signed-in members."""

    template_name = "expertises/espace/need_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        needs, form = open_need_list(user=self.request.user, data=self.request.GET)
        page = paginate(self.request, needs)
        context.update(
            filter=SimpleNamespace(form=form, errors=form.errors if form.is_bound else {}),
            page_obj=page,
            needs=page.object_list,
            total=page.paginator.count,
            page_query=query_without(self.request, "page"),
        )
        return context


class NeedDetailView(LoginRequiredMixin, TemplateView):
    template_name = "expertises/espace/need_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        need = get_object_or_404(
            needs_visible_to(user).select_related("project", "category", "province"),
            pk=kwargs["pk"],
        )
        show_matches = can_see_need_matches(user, need)
        facilitators, offers = matches_for_need(need) if show_matches else ([], [])
        context.update(
            need=need,
            show_matches=show_matches,
            can_edit=can_edit_need(user, need),
            facilitators=list(facilitators),
            offers=list(offers),
        )
        return context


class NeedMarkAnsweredView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        need = get_object_or_404(needs_visible_to(request.user), pk=kwargs["pk"])
        if not can_see_need_matches(request.user, need):
            raise Http404
        try:
            need_mark_answered(by=request.user, need=need)
        except ValidationError as error:
            error_to_messages(request, error)
        else:
            messages.success(request, _("Le besoin est marqué comme répondu."))
        if request.POST.get("next") == "board" and can_see_need_board(request.user):
            return redirect("espace_expertises:board")
        return redirect(need)


class NeedBoardView(LoginRequiredMixin, TemplateView):
    """Staff's board: every open need with how many entries and offers fit it."""

    template_name = "expertises/espace/board.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_see_need_board(request.user):
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, need_board())
        needs = list(page.object_list)
        counts = match_counts(needs)
        context.update(
            page_obj=page,
            rows=[(need, *counts[need.pk]) for need in needs],
            total=page.paginator.count,
            page_query=query_without(self.request, "page"),
        )
        return context


# Workshop proposals ---------------------------------------------------------------------------


class ProposalCreateView(LoginRequiredMixin, TemplateView):
    template_name = "expertises/espace/proposal_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=ProposalForm()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ProposalForm(request.POST)
        if form.is_valid():
            try:
                proposal = proposal_create(user=request.user, data=form.cleaned_data)
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(request, _("Merci : votre proposition d'atelier est publiée."))
                return redirect(proposal)
        return self.render_to_response(self.get_context_data(form=form))


class ProposalSupportView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        proposal = get_object_or_404(WorkshopProposal, pk=kwargs["pk"])
        try:
            supported = proposal_support_toggle(user=request.user, proposal=proposal)
        except ValidationError as error:
            error_to_messages(request, error)
        else:
            messages.success(
                request,
                _("Votre soutien est enregistré.") if supported else _("Votre soutien est retiré."),
            )
        return redirect(proposal)


class _ProposalManageMixin(LoginRequiredMixin):
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_proposal(self) -> WorkshopProposal:
        if not can_manage_proposals(self.request.user):
            raise Http404
        return get_object_or_404(
            WorkshopProposal.objects.select_related("chantier"), pk=self.kwargs["pk"]
        )


class ProposalScheduleView(_ProposalManageMixin, TemplateView):
    """A draft workshop, prefilled from the proposal; supporters are told once it exists."""

    template_name = "expertises/espace/proposal_schedule.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        proposal = self.get_proposal()
        form = ProposalScheduleForm(
            initial={
                "title": proposal.title,
                "chantier": proposal.chantier_id,
                "description": proposal.description,
                "time_to_be_confirmed": True,
            }
        )
        return self.render_to_response(self.get_context_data(proposal=proposal, form=form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        proposal = self.get_proposal()
        form = ProposalScheduleForm(request.POST)
        if form.is_valid():
            try:
                event = proposal_schedule(
                    user=request.user, proposal=proposal, data=form.cleaned_data
                )
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Le brouillon « %(title)s » est créé ; ses soutiens sont prévenus. "
                        "Complétez-le puis publiez-le."
                    )
                    % {"title": event.title},
                )
                return redirect("espace_events:event_edit", slug=event.slug)
        return self.render_to_response(self.get_context_data(proposal=proposal, form=form))


class ProposalDeclineView(_ProposalManageMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        proposal = self.get_proposal()
        try:
            proposal_decline(user=request.user, proposal=proposal)
        except ValidationError as error:
            error_to_messages(request, error)
        else:
            messages.success(request, _("La proposition est marquée « non retenue »."))
        return redirect(proposal)
