"""The project leaders' space: ask to join a project, decide on requests, edit a project's page.

The edit view starts from ``projects_editable_by`` and the decisions from
``join_requests_decidable_by``: what a person may not change is a 404, for a GET and for a
forged POST alike. The views only read input and call one service each.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from portal.editing import (
    ObjectActionView,
    ObjectEditView,
    ObjectFormView,
    ServiceFormView,
    SpaceMixin,
)
from projets.forms import (
    JoinRequestDeclineForm,
    JoinRequestForm,
    ParticipationFormSet,
    PisteProposalForm,
    ProjectPageForm,
)
from projets.models import JoinRequest, PisteProposal, Project
from projets.permissions import can_propose_piste, can_request_to_join
from projets.selectors import (
    chantiers_for_participation,
    join_requests_of,
    join_requests_to_decide,
    project_edit_queryset,
)
from projets.services import (
    join_request_approve,
    join_request_create,
    join_request_decline,
    join_request_refusal,
    piste_propose,
    project_page_update,
)

JOIN_REQUESTS_URL = reverse_lazy("espace_projets:join_requests")


class JoinRequestCreateView(SpaceMixin, ObjectFormView[Project, JoinRequestForm]):
    """A small form to ask the project's leaders to become one of them."""

    template_name = "projets/espace/join_request_form.html"
    form_class = JoinRequestForm
    success_url = JOIN_REQUESTS_URL
    success_message = _(
        "Votre demande pour rejoindre « %(project)s » est envoyée. Vous recevrez "
        "un e-mail dès qu'elle aura reçu une réponse."
    )

    def get_queryset(self) -> QuerySet[Project]:
        return Project.objects.public().select_related("province")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.get_object()
        if not can_request_to_join(request.user, project):
            messages.info(request, join_request_refusal(user=request.user, project=project) or "")
            return HttpResponseRedirect(project.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def perform(self, form: JoinRequestForm) -> JoinRequest:
        return join_request_create(
            user=self.user, project=self.object, message=form.cleaned_data["message"]
        )

    def get_message_params(self) -> dict[str, Any]:
        return {"project": self.object.name}


class JoinRequestListView(SpaceMixin, TemplateView):
    """The requests this person may decide, and their own requests with their status."""

    template_name = "projets/espace/join_request_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        to_decide = list(join_requests_to_decide(user=user))
        context.update(
            to_decide=[(r, JoinRequestDeclineForm(prefix=f"demande-{r.pk}")) for r in to_decide],
            mine=list(join_requests_of(user=user)),
        )
        return context


class JoinRequestDecideMixin(SpaceMixin):
    """The request named in the URL, among those this person may decide (else 404); back to
    the list of requests whatever the outcome."""

    def get_queryset(self) -> QuerySet[JoinRequest]:
        return join_requests_to_decide(user=self.user)

    def get_success_url(self) -> str:
        return str(JOIN_REQUESTS_URL)

    def get_refused_url(self, error: ValidationError) -> str:
        return str(JOIN_REQUESTS_URL)


class JoinRequestApproveView(JoinRequestDecideMixin, ObjectActionView[JoinRequest]):
    success_message = _(
        "%(person)s est désormais porteur·euse de « %(project)s » ; un e-mail l'en informe."
    )

    def perform(self) -> JoinRequest:
        return join_request_approve(by=self.user, join_request=self.object)

    def get_message_params(self) -> dict[str, Any]:
        return {"person": self.result.user, "project": self.result.project.name}


class JoinRequestDeclineView(JoinRequestDecideMixin, ObjectActionView[JoinRequest]):
    success_message = _(
        "La demande de %(person)s pour « %(project)s » est refusée ; un e-mail l'en informe."
    )

    def perform(self) -> JoinRequest:
        # The reason comes from the list's own small form (one per request, by its prefix).
        form = JoinRequestDeclineForm(self.request.POST, prefix=f"demande-{self.object.pk}")
        if not form.is_valid():
            raise ValidationError([str(m) for errors in form.errors.values() for m in errors])
        return join_request_decline(
            by=self.user, join_request=self.object, reason=form.cleaned_data["reason"]
        )

    def get_message_params(self) -> dict[str, Any]:
        return {"person": self.result.user, "project": self.result.project.name}


class ProjectEditView(SpaceMixin, ObjectEditView[Project, ProjectPageForm]):
    """The leaders' edit of a project's public page and of its chantiers."""

    template_name = "projets/espace/project_form.html"
    form_class = ProjectPageForm
    form_takes_user = True
    success_message = _("La fiche « %(project)s » est enregistrée.")

    def get_queryset(self) -> QuerySet[Project]:
        return project_edit_queryset(user=self.user)

    def get_participations(self) -> ParticipationFormSet:
        if not hasattr(self, "participations"):
            self.participations = ParticipationFormSet(
                self.request.POST if self.request.method == "POST" else None,
                chantiers=chantiers_for_participation(),
                participations=self.object.participations.all(),
            )
        return self.participations

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(participations=self.get_participations(), **kwargs)

    def form_valid(self, form: ProjectPageForm) -> HttpResponse:
        # Both are validated (the page shows the errors of each at once).
        if not self.get_participations().is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def perform(self, form: ProjectPageForm) -> Project:
        return project_page_update(
            user=self.user,
            project=self.object,
            data=form.page_data(),
            participations=self.get_participations().roles(),
        )

    def get_message_params(self) -> dict[str, Any]:
        return {"project": self.result.name}

    def get_success_url(self) -> str:
        if self.result.status == Project.Status.WITHDRAWN:
            # A withdrawn project has no public page to show.
            return reverse("espace:home")
        return super().get_success_url()


class PisteProposeView(SpaceMixin, ServiceFormView[PisteProposalForm]):
    """A leader proposes a new piste on behalf of one of their projects; staff review it in
    the admin. Someone who leads no project yet is told how to become a leader (no form)."""

    template_name = "projets/espace/piste_proposal_form.html"
    form_class = PisteProposalForm
    form_takes_user = True
    success_url = reverse_lazy("chantiers:candidate_list")
    success_message = _(
        "Merci : la piste « %(title)s » est transmise à la Cellule Manger Demain, qui vous "
        "répondra par e-mail."
    )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_propose"] = can_propose_piste(self.user)
        return context

    def perform(self, form: PisteProposalForm) -> PisteProposal:
        return piste_propose(
            user=self.user,
            project=form.cleaned_data["project"],
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        )
