"""A project's needs and offers, for its leaders (and staff): the page, and add, edit, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from expertises.forms import NeedForm, OfferForm
from expertises.models import Need, Offer
from expertises.permissions import needs_editable_by, offers_editable_by
from expertises.selectors_espace import project_for_expertise, project_needs, project_offers
from expertises.services import (
    need_create,
    need_delete,
    need_update,
    offer_create,
    offer_delete,
    offer_update,
)
from portal.editing import ObjectConfirmView, ObjectEditView, ObjectFormView, SpaceMixin
from projets.models import Project

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def project_url(project: Project) -> str:
    return reverse("espace_expertises:project", kwargs={"slug": project.slug})


class ProjectExpertiseView(SpaceMixin, TemplateView):
    """A project's needs and offers, for its leaders (and staff)."""

    template_name = "expertises/espace/project_expertise.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project = get_object_or_404(project_for_expertise(user=self.user), slug=kwargs["slug"])
        context.update(
            project=project,
            needs=list(project_needs(project)),
            offers=list(project_offers(project)),
        )
        return context


class _ExpertiseFormMixin:
    """The add and edit forms of needs and offers share one template: a heading naming the
    project, the form, a submit button and a way back to the project's page."""

    template_name: str | None = "expertises/espace/form.html"
    # Lazy: read in the language of each request, not frozen in that of the import.
    heading: StrOrPromise = ""
    submit_label: StrOrPromise = ""
    object: Any

    def get_project(self) -> Project:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        project = self.get_project()
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(
            project=project,
            heading=str(self.heading) % {"project": project.name},
            submit_label=self.submit_label,
            cancel_url=project_url(project),
        )
        return context


class _ProjectFormView(_ExpertiseFormMixin, SpaceMixin, ObjectFormView[Project, Any]):
    """A new need or offer of the project named in the URL, among those this person leads."""

    def get_queryset(self) -> QuerySet[Project]:
        return project_for_expertise(user=self.user)

    def get_project(self) -> Project:
        project: Project = self.object
        return project


class NeedCreateView(_ProjectFormView):
    form_class = NeedForm
    heading = _("Nouveau besoin de « %(project)s »")
    submit_label = _("Enregistrer le besoin")
    success_message = _("Le besoin est enregistré.")

    def get_initial(self) -> dict[str, Any]:
        return {"province": self.object.province_id}

    def perform(self, form: NeedForm) -> Need:
        return need_create(user=self.user, project=self.object, data=form.cleaned_data)


class OfferCreateView(_ProjectFormView):
    form_class = OfferForm
    heading = _("Nouvelle offre d'expertise de « %(project)s »")
    submit_label = _("Enregistrer l'offre")
    success_message = _("L'offre est enregistrée ; elle est publique.")

    def perform(self, form: OfferForm) -> Offer:
        return offer_create(user=self.user, project=self.object, data=form.cleaned_data)

    def get_success_url(self) -> str:
        return project_url(self.object)


class NeedUpdateView(_ExpertiseFormMixin, SpaceMixin, ObjectEditView[Need, NeedForm]):
    form_class = NeedForm
    heading = _("Modifier un besoin de « %(project)s »")
    submit_label = _("Enregistrer les modifications")
    success_message = _("Le besoin est modifié.")

    def get_queryset(self) -> QuerySet[Need]:
        return needs_editable_by(self.request.user).select_related("project")

    def get_project(self) -> Project:
        return self.object.project

    def perform(self, form: NeedForm) -> Need:
        return need_update(user=self.user, need=self.object, data=form.cleaned_data)


class OfferUpdateView(_ExpertiseFormMixin, SpaceMixin, ObjectEditView[Offer, OfferForm]):
    form_class = OfferForm
    heading = _("Modifier une offre de « %(project)s »")
    submit_label = _("Enregistrer les modifications")
    success_message = _("L'offre est modifiée.")

    def get_queryset(self) -> QuerySet[Offer]:
        return offers_editable_by(self.request.user).select_related("project")

    def get_project(self) -> Project:
        return self.object.project

    def perform(self, form: OfferForm) -> Offer:
        return offer_update(user=self.user, offer=self.object, data=form.cleaned_data)

    def get_success_url(self) -> str:
        return project_url(self.object.project)


class _DeleteView(SpaceMixin, ObjectConfirmView[Any]):
    """GET asks for confirmation; POST deletes; back to the project's page either way."""

    template_name = "expertises/espace/confirm_delete.html"
    success_message = _("La suppression est faite.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(cancel_url=project_url(self.object.project), **kwargs)

    def get_success_url(self) -> str:
        return project_url(self.object.project)

    def get_refused_url(self, error: ValidationError) -> str:
        return project_url(self.object.project)


class NeedDeleteView(_DeleteView):
    def get_queryset(self) -> QuerySet[Need]:
        return needs_editable_by(self.request.user).select_related("project", "category")

    def perform(self) -> None:
        need_delete(user=self.user, need=self.object)


class OfferDeleteView(_DeleteView):
    def get_queryset(self) -> QuerySet[Offer]:
        return offers_editable_by(self.request.user).select_related("project", "category")

    def perform(self) -> None:
        offer_delete(user=self.user, offer=self.object)
