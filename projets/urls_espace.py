"""URLs of the signed-in space ("Mon espace") that belong to projets: the leaders' side."""

from django.urls import path

from projets import views_espace

app_name = "espace_projets"

urlpatterns = [
    path("demandes/", views_espace.JoinRequestListView.as_view(), name="join_requests"),
    path(
        "demandes/<int:pk>/accepter/",
        views_espace.JoinRequestApproveView.as_view(),
        name="join_request_approve",
    ),
    path(
        "demandes/<int:pk>/refuser/",
        views_espace.JoinRequestDeclineView.as_view(),
        name="join_request_decline",
    ),
    path("pistes/proposer/", views_espace.PisteProposeView.as_view(), name="piste_propose"),
    path(
        "<slug:slug>/rejoindre/",
        views_espace.JoinRequestCreateView.as_view(),
        name="join_request_create",
    ),
    path("<slug:slug>/modifier/", views_espace.ProjectEditView.as_view(), name="project_edit"),
]
