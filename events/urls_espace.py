"""URLs of the signed-in space ("Mon espace") that belong to events: the officers' events."""

from django.urls import path

from events import views_attendees, views_espace

app_name = "espace_events"

urlpatterns = [
    path("", views_espace.EventManageListView.as_view(), name="event_list"),
    path("nouveau/", views_espace.EventCreateView.as_view(), name="event_create"),
    path("<slug:slug>/modifier/", views_espace.EventEditView.as_view(), name="event_edit"),
    path("<slug:slug>/publier/", views_espace.EventPublishView.as_view(), name="event_publish"),
    path("<slug:slug>/annuler/", views_espace.EventCancelView.as_view(), name="event_cancel"),
    path("<slug:slug>/copier/", views_espace.EventCopyView.as_view(), name="event_copy"),
    # The registrants, for the event's organisers (events.views_attendees).
    path("<slug:slug>/inscrits/", views_attendees.AttendeeListView.as_view(), name="attendees"),
    path(
        "<slug:slug>/inscrits.csv", views_attendees.AttendeeCsvView.as_view(), name="attendees_csv"
    ),
    path(
        "<slug:slug>/inscrits.xlsx",
        views_attendees.AttendeeXlsxView.as_view(),
        name="attendees_xlsx",
    ),
    path(
        "<slug:slug>/inscrits/presences/",
        views_attendees.AttendanceView.as_view(),
        name="attendees_attendance",
    ),
    path(
        "<slug:slug>/inscrits/message/",
        views_attendees.EventMessageView.as_view(),
        name="attendees_message",
    ),
    path(
        "<slug:slug>/inscrits/<int:pk>/annuler/",
        views_attendees.AttendeeCancelView.as_view(),
        name="attendees_cancel",
    ),
]
