"""One scaffold for the pages that change something: find the object in a permission-scoped
queryset, bind a form, call one service, show its refusal, redirect.

It knows no domain model. Each view gives its queryset (from its app's ``permissions``), its
form, its one service call (``perform``) and its messages; the rest is done here, the same way
on every page:

- ``SpaceMixin``: signed in (else the sign-in page), and let in by ``may_enter`` (else 404);
- ``ServiceFormView``: GET shows the form; POST binds it and, once it is valid, calls
  ``perform(form)``; the service's refusal (``ValidationError``) goes next to the fields it
  names, with what was typed kept (create, and any form that is not about one object);
- ``ObjectFormView``: the same on the page of the object named in the URL;
- ``ObjectEditView``: an ``ObjectFormView`` whose (model) form edits that object;
- ``ObjectActionView``: a button (POST only) on that object (publish, copy, cancel…);
- ``ObjectConfirmView``: GET asks for confirmation, POST acts (cancel, delete).

After the service: ``success_message`` (lazy; its placeholders are filled by
``get_message_params``) and a redirect to ``get_success_url()``. An action refused shows the
service's messages on ``get_refused_url(error)``. Services own their transaction, so a refusal
leaves nothing half-applied.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.views import View
from django.views.generic import FormView
from django.views.generic.base import TemplateResponseMixin
from django.views.generic.detail import SingleObjectMixin

from portal.models import User
from portal.service_errors import error_to_form, error_to_messages

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=models.Model)
F = TypeVar("F", bound=BaseForm)


class SpaceMixin(LoginRequiredMixin):
    """Signed in, and let into this space by ``may_enter``; otherwise « not found »."""

    request: HttpRequest
    kwargs: dict[str, Any]
    # Shown on the 404 page when DEBUG is on; the page itself says only « not found ».
    refused_message: StrOrPromise = ""

    def may_enter(self, user: User) -> bool:
        return True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if isinstance(user, User) and not self.may_enter(user):
            raise Http404(self.refused_message)
        return super().dispatch(request, *args, **kwargs)


class ServiceOutcomeMixin:
    """What follows a service call: its message, then where to go."""

    request: HttpRequest
    success_message: StrOrPromise = ""
    # A fixed destination; without one, the page of what the service returned.
    success_url: StrOrPromise | None = None
    # The object the page is about (None for a create form) and what the service returned.
    object: Any = None
    result: Any = None

    def get_message_params(self) -> dict[str, Any]:
        """The placeholders of the messages: ``title``, the object's name (``str()``)."""
        target = self.result if isinstance(self.result, models.Model) else self.object
        return {"title": str(target)} if target is not None else {}

    def get_success_message(self) -> str:
        return str(self.success_message) % self.get_message_params()

    def notify_success(self) -> None:
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)

    def get_success_url(self) -> str:
        """``success_url``, or else the page of what the service returned, or of the object."""
        if self.success_url:
            return str(self.success_url)
        target = self.result if isinstance(self.result, models.Model) else self.object
        if target is None or not hasattr(target, "get_absolute_url"):
            raise ImproperlyConfigured(f"{type(self).__name__} must define get_success_url().")
        return str(target.get_absolute_url())


class ScopedObjectMixin(SingleObjectMixin, Generic[M]):  # type: ignore[type-arg]
    """The object named in the URL (``slug`` or ``pk``), looked up in ``get_queryset()``.

    Each view starts ``get_queryset()`` from its permission-scoped queryset: what a person may
    not touch is a 404, for a GET and for a forged POST alike.
    """

    def get_queryset(self) -> QuerySet[M]:
        raise ImproperlyConfigured(
            f"{type(self).__name__} must start get_queryset() from a permission-scoped queryset."
        )

    def get_object(self, queryset: QuerySet[M] | None = None) -> M:
        obj: M = super().get_object(queryset)
        return obj


class ServiceFormView(ServiceOutcomeMixin, FormView, Generic[F]):  # type: ignore[type-arg]
    """GET shows the form; a valid POST calls ``perform(form)`` (one service), then redirects."""

    # Forms that offer what this person may choose (provinces…) take ``user``.
    form_takes_user = False

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.form_takes_user:
            kwargs["user"] = self.request.user
        return kwargs

    def perform(self, form: F) -> Any:
        """Call the service with the form's cleaned data; return what it returns."""
        raise NotImplementedError

    def form_valid(self, form: F) -> HttpResponse:
        try:
            self.result = self.perform(form)
        except ValidationError as error:
            error_to_form(form, error)
            return self.form_invalid(form)
        self.notify_success()
        return HttpResponseRedirect(self.get_success_url())


class ObjectFormView(ScopedObjectMixin[M], ServiceFormView[F]):
    """A form on the page of the object named in the URL (``self.object``, the stored row)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)


class ObjectEditView(ObjectFormView[M, F]):
    """The model form that edits the object named in the URL."""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        # The form works on a copy: the page keeps the saved values (the title in the heading)
        # while errors are shown; the service re-reads the stored row anyway.
        kwargs["instance"] = copy.copy(self.object)
        return kwargs


class ObjectActionView(ServiceOutcomeMixin, ScopedObjectMixin[M], View):
    """A button on the object named in the URL: POST only, one service, then a redirect."""

    http_method_names = ["post"]

    def perform(self) -> Any:
        """Call the service on ``self.object``; return what it returns."""
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        try:
            self.result = self.perform()
        except ValidationError as error:
            error_to_messages(request, error)
            return HttpResponseRedirect(self.get_refused_url(error))
        self.notify_success()
        return HttpResponseRedirect(self.get_success_url())

    def get_refused_url(self, error: ValidationError) -> str:
        """Where a refusal is shown: by default, the object's page."""
        return str(self.object.get_absolute_url())


class ObjectConfirmView(TemplateResponseMixin, ObjectActionView[M]):
    """GET asks for confirmation (``template_name``, with the object); POST acts."""

    http_method_names = ["get", "post", "head", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())
