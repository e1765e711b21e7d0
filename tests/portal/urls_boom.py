"""A URLconf with views that fail, to render the 500 page and report server errors."""

from django.urls import path


def boom(request):
    raise RuntimeError("boom")


def boom_elsewhere(request):
    raise LookupError("autre chose")


urlpatterns = [path("boom/", boom), path("boom-autre/", boom_elsewhere)]
