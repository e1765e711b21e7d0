"""URLs of the newsletter: subscription, confirmation, unsubscription, preferences, archive."""

from django.urls import path

from newsletter import views_archive
from newsletter import views_subscription as subscription
from portal.page_cache import anonymous_page, page_number

app_name = "newsletter"

urlpatterns: list = [
    path("inscription/", subscription.SubscribeView.as_view(), name="subscribe"),
    path("inscription/merci/", subscription.SubscribeDoneView.as_view(), name="subscribe_done"),
    path("confirmer/<str:key>/", subscription.ConfirmView.as_view(), name="confirm"),
    path("desinscription/<str:token>/", subscription.UnsubscribeView.as_view(), name="unsubscribe"),
    path("reinscription/<str:token>/", subscription.ResubscribeView.as_view(), name="resubscribe"),
    path("preferences/<str:token>/", subscription.PreferencesView.as_view(), name="preferences"),
    # The archive; "<slug:slug>/" stays last (it would match the addresses above).
    path(
        "",
        anonymous_page(views_archive.issue_list, params=page_number, signed_in=True),
        name="issue_list",
    ),
    path(
        "<slug:slug>/",
        anonymous_page(views_archive.issue_detail, signed_in=True),
        name="issue_detail",
    ),
]
