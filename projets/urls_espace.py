"""URLs of the signed-in space ("Mon espace") that belong to projets."""

from django.urls import path  # noqa: F401

app_name = "espace_projets"

urlpatterns: list = []
