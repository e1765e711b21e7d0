"""URLs of the event pages."""

from django.urls import path

from events import views, views_registration

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event_list"),
    # The public page with its registration box (views_registration.EventDetailView extends
    # views.EventDetailView).
    path("<slug:slug>/", views.EventDetailView.as_view(), name="event_detail"),
    path(
        "<slug:slug>/inscription/",
        views_registration.RegistrationCreateView.as_view(),
        name="register",
    ),
    path(
        "<slug:slug>/desinscription/",
        views_registration.RegistrationCancelView.as_view(),
        name="unregister",
    ),
]
