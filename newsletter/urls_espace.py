"""URL of "Mon espace" for the newsletter: a member subscribes or leaves in one click."""

from django.urls import path

from newsletter import views_espace

app_name = "espace_newsletter"

urlpatterns: list = [
    path("", views_espace.NewsletterEspaceView.as_view(), name="home"),
    path("inscription/", views_espace.NewsletterSubscribeView.as_view(), name="subscribe"),
    path("desinscription/", views_espace.NewsletterUnsubscribeView.as_view(), name="unsubscribe"),
]
