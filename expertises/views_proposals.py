"""The public list of workshop proposals, the most supported first."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from expertises.permissions import can_manage_proposals, can_propose_workshop
from expertises.selectors_espace import proposal_ranking, supported_ids
from portal.pagination import paginate


class ProposalListView(TemplateView):
    template_name = "expertises/proposal_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page = paginate(self.request, proposal_ranking())
        context.update(
            page_obj=page,
            proposals=page.object_list,
            page_query="",
            supported=supported_ids(user=user),
            can_propose=can_propose_workshop(user),
            can_manage=can_manage_proposals(user),
        )
        return context
