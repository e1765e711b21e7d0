"""URLs of the calendars (mounted at /calendrier/): .ics files, feeds, and my private address."""

from django.urls import path

from events import feeds

app_name = "calendar"

urlpatterns = [
    path("evenement/<slug:slug>.ics", feeds.EventIcsView.as_view(), name="event_ics"),
    path("tous.ics", feeds.PublicFeedView.as_view(), name="all"),
    path("province/<slug:slug>.ics", feeds.ProvinceFeedView.as_view(), name="province"),
    path("chantier/<slug:slug>.ics", feeds.ChantierFeedView.as_view(), name="chantier"),
    # token_urlsafe() uses exactly the slug alphabet (letters, digits, "-" and "_").
    path("prive/<slug:token>.ics", feeds.PrivateFeedView.as_view(), name="private"),
    path("mon-agenda/", feeds.PrivateFeedManageView.as_view(), name="private_manage"),
]
