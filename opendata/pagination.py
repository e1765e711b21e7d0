"""Pages of the API's lists: a page number or size out of range is a 400, never a guess."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


def _positive_int(request: Request, name: str, *, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum is not None and value > maximum):
        if maximum is None:
            message = str(_("Un nombre entier positif est attendu."))
        else:
            message = _("Un nombre entier entre 1 et %(maximum)s est attendu.") % {
                "maximum": maximum
            }
        raise ValidationError({name: [message]})
    return value


class StrictPageNumberPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        size = _positive_int(request, self.page_size_query_param, maximum=self.max_page_size)
        return size or settings.PAGINATE_BY

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        number = _positive_int(request, self.page_query_param) or 1
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise ValidationError(
                {
                    self.page_query_param: [
                        _("Cette page n'existe pas : il y en a %(count)s.")
                        % {"count": paginator.num_pages}
                    ]
                }
            ) from None
        return list(self.page)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
