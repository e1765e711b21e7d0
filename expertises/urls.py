"""URLs of the public expertise catalogue."""

from django.urls import path  # noqa: F401

app_name = "expertises"

urlpatterns: list = []
