"""URLs of the signed-in part of the expertise catalogue (needs, offers, proposals)."""

from django.urls import path  # noqa: F401

app_name = "espace_expertises"

urlpatterns: list = []
