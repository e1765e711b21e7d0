"""URLs of the public expertise catalogue."""

from django.urls import path

from expertises import views, views_proposals

app_name = "expertises"

urlpatterns: list = [
    path("", views.FacilitatorListView.as_view(), name="facilitator_list"),
    path("ateliers-proposes/", views_proposals.ProposalListView.as_view(), name="proposal_list"),
    # Keep last: "<slug>/" would swallow any fixed path added after it.
    path("<slug:slug>/", views.FacilitatorDetailView.as_view(), name="facilitator_detail"),
]
