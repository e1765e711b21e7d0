"""URLs of the signed-in part of the expertise catalogue (needs, offers, proposals)."""

from django.urls import path

from expertises import views_espace

app_name = "espace_expertises"

urlpatterns: list = [
    path("besoins/", views_espace.NeedListView.as_view(), name="need_list"),
    path("besoins/<int:pk>/", views_espace.NeedDetailView.as_view(), name="need_detail"),
    path("besoins/<int:pk>/modifier/", views_espace.NeedUpdateView.as_view(), name="need_edit"),
    path("besoins/<int:pk>/supprimer/", views_espace.NeedDeleteView.as_view(), name="need_delete"),
    path(
        "besoins/<int:pk>/repondu/",
        views_espace.NeedMarkAnsweredView.as_view(),
        name="need_mark_answered",
    ),
    path("offres/<int:pk>/modifier/", views_espace.OfferUpdateView.as_view(), name="offer_edit"),
    path("offres/<int:pk>/supprimer/", views_espace.OfferDeleteView.as_view(), name="offer_delete"),
    path("tableau/", views_espace.NeedBoardView.as_view(), name="board"),
    path("projets/<slug:slug>/", views_espace.ProjectExpertiseView.as_view(), name="project"),
    path(
        "projets/<slug:slug>/besoins/ajouter/",
        views_espace.NeedCreateView.as_view(),
        name="need_create",
    ),
    path(
        "projets/<slug:slug>/offres/ajouter/",
        views_espace.OfferCreateView.as_view(),
        name="offer_create",
    ),
    path("ateliers/proposer/", views_espace.ProposalCreateView.as_view(), name="proposal_create"),
    path(
        "ateliers/<int:pk>/soutien/",
        views_espace.ProposalSupportView.as_view(),
        name="proposal_support",
    ),
    path(
        "ateliers/<int:pk>/programmer/",
        views_espace.ProposalScheduleView.as_view(),
        name="proposal_schedule",
    ),
    path(
        "ateliers/<int:pk>/non-retenue/",
        views_espace.ProposalDeclineView.as_view(),
        name="proposal_decline",
    ),
]
