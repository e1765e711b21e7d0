"""URLs of the signed-in space ("Mon espace") that belong to events: the officers' events."""

from django.urls import path

from events import views_espace

app_name = "espace_events"

urlpatterns = [
    path("", views_espace.EventManageListView.as_view(), name="event_list"),
    path("nouveau/", views_espace.EventCreateView.as_view(), name="event_create"),
    path("<slug:slug>/modifier/", views_espace.EventEditView.as_view(), name="event_edit"),
    path("<slug:slug>/publier/", views_espace.EventPublishView.as_view(), name="event_publish"),
    path("<slug:slug>/annuler/", views_espace.EventCancelView.as_view(), name="event_cancel"),
    path("<slug:slug>/copier/", views_espace.EventCopyView.as_view(), name="event_copy"),
]
