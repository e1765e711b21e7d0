"""URLs of the event pages."""

from django.urls import path

from events import views, views_registration
from portal.page_cache import anonymous_page, page_number

app_name = "events"

urlpatterns = [
    path(
        "",
        anonymous_page(views.EventListView.as_view(), params=page_number, signed_in=True),
        name="event_list",
    ),
    # The public page with its registration box (views_registration.EventDetailView extends
    # views.EventDetailView).
    path("<slug:slug>/", anonymous_page(views.EventDetailView.as_view()), name="event_detail"),
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
