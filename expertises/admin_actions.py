"""Admin actions on needs and proposals, for ``expertises.admin`` to import.

    from expertises.admin_actions import decline_proposals, mark_needs_answered, schedule_proposal
    NeedAdmin.actions = [mark_needs_answered]
    WorkshopProposalAdmin.actions = [schedule_proposal, decline_proposals]

And after saving a facilitator with its categories and provinces (``save_related``), call
``expertises.services.facilitator_published(facilitator=form.instance)`` so that the leaders
of the open needs it fits hear of it at once (the hourly scan would catch it otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from expertises.models import Need, WorkshopProposal
from expertises.services import need_mark_answered, proposal_decline
from portal.admin_services import acting_user


@admin.action(description=gettext_lazy("Marquer comme répondu"))
def mark_needs_answered(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Need]) -> None:
    done = 0
    for need in queryset.open():  # type: ignore[attr-defined]
        try:
            need_mark_answered(by=request.user, need=need)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            done += 1
    modeladmin.message_user(
        request, _("%(count)s besoin(s) marqué(s) comme répondu(s).") % {"count": done}
    )


@admin.action(description=gettext_lazy("Programmer un atelier"))
def schedule_proposal(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[WorkshopProposal]
) -> HttpResponse | None:
    """One proposal at a time: the space's form prefills the draft workshop."""
    if queryset.count() != 1:
        modeladmin.message_user(
            request, _("Choisissez une seule proposition à programmer."), messages.WARNING
        )
        return None
    return redirect("espace_expertises:proposal_schedule", pk=queryset.get().pk)


@admin.action(description=gettext_lazy("Écarter les propositions sélectionnées"))
def decline_proposals(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[WorkshopProposal]
) -> None:
    """All or nothing: a proposal already handled refuses the whole action (see ServiceAdmin)."""
    proposals = list(queryset.order_by("pk"))
    for proposal in proposals:
        proposal_decline(user=acting_user(request), proposal=proposal)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d proposition écartée.", "%(count)d propositions écartées.", len(proposals)
        )
        % {"count": len(proposals)},
        messages.SUCCESS,
    )
