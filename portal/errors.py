"""The 400 page: a refused request (invalid characters, a malformed form) in the visitor's
language, like the 403, 404 and 429 pages, and never the same page as a server error."""

from __future__ import annotations

import re
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400`` of the root URLconf, and the answer of ``RefuseNulMiddleware``.

    ``exception`` is set in the context (never shown) so that the footer's forms stay out, as
    on the other error pages: nothing of the refused request is echoed back.
    """
    if re.match(settings.JSON_ERROR_PATHS, request.path_info):
        # Clients of the API and of the data files read JSON, as its other 400s.
        # Keyed by the parameters refused, as the API's other 400s are.
        detail = _("La demande contient des caractères que le portail n'accepte pas.")
        refused = {
            key: [detail]
            for key, values in request.GET.lists()
            if "\x00" in key or any("\x00" in value for value in values)
        }
        return JsonResponse(refused or {"detail": detail}, status=HTTPStatus.BAD_REQUEST)
    return render(request, "400.html", {"exception": "bad request"}, status=HTTPStatus.BAD_REQUEST)
