"""URLs of the signed-in space ("Mon espace") that belong to events."""

from django.urls import path  # noqa: F401

app_name = "espace_events"

urlpatterns: list = []
