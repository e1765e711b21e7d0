"""URLs of the signed-in space ("Mon espace") that belong to portal."""

from django.urls import path  # noqa: F401

app_name = "espace"

urlpatterns: list = []
