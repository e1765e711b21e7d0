"""The project leaders' space: ask to join a project, decide on requests, edit a project's page.

The edit view starts from ``projects_editable_by`` and the decisions from
``join_requests_decidable_by``: what a person may not change is a 404, for a GET and for a
forged POST alike. The views only read input and call one service each.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from portal.service_errors import error_to_form, error_to_messages
from projets.forms import (
    JoinRequestDeclineForm,
    JoinRequestForm,
    ParticipationFormSet,
    ProjectPageForm,
)
from projets.models import JoinRequest, Project
from projets.permissions import can_request_to_join
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
    project_page_update,
)


class JoinRequestCreateView(LoginRequiredMixin, TemplateView):
    """A small form to ask the project's leaders to become one of them."""

    template_name = "projets/espace/join_request_form.html"

    def get_project(self) -> Project:
        return get_object_or_404(
            Project.objects.public().select_related("province"), slug=self.kwargs["slug"]
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.get_project()
        if not can_request_to_join(request.user, project):
            messages.info(request, join_request_refusal(user=request.user, project=project) or "")
            return redirect(project)
        return self.render_to_response(
            self.get_context_data(project=project, form=JoinRequestForm())
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.get_project()
        form = JoinRequestForm(request.POST)
        if form.is_valid():
            try:
                join_request_create(
                    user=request.user, project=project, message=form.cleaned_data["message"]
                )
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Votre demande pour rejoindre « %(project)s » est envoyée. Vous recevrez "
                        "un e-mail dès qu'elle aura reçu une réponse."
                    )
                    % {"project": project.name},
                )
                return redirect("espace_projets:join_requests")
        return self.render_to_response(self.get_context_data(project=project, form=form))


class JoinRequestListView(LoginRequiredMixin, TemplateView):
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


class JoinRequestDecideMixin(LoginRequiredMixin):
    """The request named in the URL, among those this person may decide (else 404)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_join_request(self) -> JoinRequest:
        return get_object_or_404(
            join_requests_to_decide(user=self.request.user), pk=self.kwargs["pk"]
        )


class JoinRequestApproveView(JoinRequestDecideMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        join_request = self.get_join_request()
        try:
            decided = join_request_approve(by=request.user, join_request=join_request)
        except ValidationError as error:
            error_to_messages(request, error)
        else:
            messages.success(
                request,
                _(
                    "%(person)s est désormais porteur·euse de « %(project)s » ; "
                    "un e-mail l'en informe."
                )
                % {"person": decided.user, "project": decided.project.name},
            )
        return redirect("espace_projets:join_requests")


class JoinRequestDeclineView(JoinRequestDecideMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        join_request = self.get_join_request()
        form = JoinRequestDeclineForm(request.POST, prefix=f"demande-{join_request.pk}")
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, str(message))
            return redirect("espace_projets:join_requests")
        try:
            decided = join_request_decline(
                by=request.user, join_request=join_request, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            error_to_messages(request, error)
        else:
            messages.success(
                request,
                _(
                    "La demande de %(person)s pour « %(project)s » est refusée ; "
                    "un e-mail l'en informe."
                )
                % {"person": decided.user, "project": decided.project.name},
            )
        return redirect("espace_projets:join_requests")


class ProjectEditView(LoginRequiredMixin, TemplateView):
    """The leaders' edit of a project's public page and of its chantiers."""

    template_name = "projets/espace/project_form.html"

    def get_project(self) -> Project:
        return get_object_or_404(
            project_edit_queryset(user=self.request.user), slug=self.kwargs["slug"]
        )

    def _forms(
        self, project: Project, data: Any = None
    ) -> tuple[ProjectPageForm, ParticipationFormSet]:
        # The form works on a copy: the page keeps the saved values while errors are shown.
        form = ProjectPageForm(data, instance=copy.copy(project), user=self.request.user)
        participations = ParticipationFormSet(
            data,
            chantiers=chantiers_for_participation(),
            participations=project.participations.all(),
        )
        return form, participations

    def _render(
        self, project: Project, form: ProjectPageForm, participations: ParticipationFormSet
    ) -> HttpResponse:
        return self.render_to_response(
            self.get_context_data(project=project, form=form, participations=participations)
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.get_project()
        return self._render(project, *self._forms(project))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        project = self.get_project()
        form, participations = self._forms(project, request.POST)
        # Both validated, so that the errors of each show at once.
        if all([form.is_valid(), participations.is_valid()]):
            try:
                project = project_page_update(
                    user=request.user,
                    project=project,
                    data=form.page_data(),
                    participations=participations.roles(),
                )
            except ValidationError as error:
                error_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("La fiche « %(project)s » est enregistrée.") % {"project": project.name},
                )
                if project.status == Project.Status.WITHDRAWN:
                    # A withdrawn project has no public page to show.
                    return redirect("espace:home")
                return redirect(project)
        return self._render(project, form, participations)
