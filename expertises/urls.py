"""URLs of the public expertise catalogue."""

from django.urls import path

from expertises import views, views_proposals
from portal.page_cache import anonymous_page, page_number

app_name = "expertises"

urlpatterns: list = [
    path(
        "",
        anonymous_page(views.FacilitatorListView.as_view(), params=page_number, signed_in=True),
        name="facilitator_list",
    ),
    path("ateliers-proposes/", views_proposals.ProposalListView.as_view(), name="proposal_list"),
    # Keep last: "<slug>/" would swallow any fixed path added after it.
    path(
        "<slug:slug>/",
        anonymous_page(views.FacilitatorDetailView.as_view(), signed_in=True),
        name="facilitator_detail",
    ),
]
