"""Workshop proposals: members propose and support; staff schedule one as a draft workshop, or
set it aside."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event
from expertises.forms import ProposalForm, ProposalScheduleForm
from expertises.models import WorkshopProposal
from expertises.permissions import can_manage_proposals
from expertises.services import (
    proposal_create,
    proposal_decline,
    proposal_schedule,
    proposal_support_toggle,
)
from portal.editing import ObjectActionView, ObjectFormView, ServiceFormView, SpaceMixin
from portal.models import User


class ProposalCreateView(SpaceMixin, ServiceFormView[ProposalForm]):
    template_name = "expertises/espace/proposal_form.html"
    form_class = ProposalForm
    success_message = gettext_lazy("Merci : votre proposition d'atelier est publiée.")

    def perform(self, form: ProposalForm) -> WorkshopProposal:
        return proposal_create(user=self.user, data=form.cleaned_data)


class ProposalSupportView(SpaceMixin, ObjectActionView[WorkshopProposal]):
    def get_queryset(self) -> QuerySet[WorkshopProposal]:
        return WorkshopProposal.objects.all()

    def perform(self) -> bool:
        return proposal_support_toggle(user=self.user, proposal=self.object)

    def get_success_message(self) -> str:
        return _("Votre soutien est enregistré.") if self.result else _("Votre soutien est retiré.")

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class _ProposalManageMixin(SpaceMixin):
    """Staff only (anyone else: « not found »), on the proposal named in the URL."""

    def may_enter(self, user: User) -> bool:
        return can_manage_proposals(user)

    def get_queryset(self) -> QuerySet[WorkshopProposal]:
        return WorkshopProposal.objects.select_related("chantier")


class ProposalScheduleView(
    _ProposalManageMixin, ObjectFormView[WorkshopProposal, ProposalScheduleForm]
):
    """A draft workshop, prefilled from the proposal; supporters are told once it exists."""

    template_name = "expertises/espace/proposal_schedule.html"
    form_class = ProposalScheduleForm
    success_message = gettext_lazy(
        "Le brouillon « %(title)s » est créé ; ses soutiens sont prévenus. "
        "Complétez-le puis publiez-le."
    )

    def get_initial(self) -> dict[str, Any]:
        proposal = self.object
        return {
            "title": proposal.title,
            "chantier": proposal.chantier_id,
            "description": proposal.description,
            "time_to_be_confirmed": True,
        }

    def perform(self, form: ProposalScheduleForm) -> Event:
        return proposal_schedule(user=self.user, proposal=self.object, data=form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("espace_events:event_edit", kwargs={"slug": self.result.slug})


class ProposalDeclineView(_ProposalManageMixin, ObjectActionView[WorkshopProposal]):
    success_message = gettext_lazy("La proposition est marquée « non retenue ».")

    def perform(self) -> WorkshopProposal:
        return proposal_decline(user=self.user, proposal=self.object)
