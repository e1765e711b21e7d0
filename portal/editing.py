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
- ``ActionView``: a button (POST only; publish, copy, subscribe…), ``ObjectActionView`` on
  the object named in the URL;
- ``ConfirmView``: GET shows the page with the button, POST acts (``ObjectConfirmView``: cancel,
  delete).

After the service: ``success_message`` (lazy; its placeholders are filled by
``get_message_params``) and a redirect to ``get_success_url()``. An action refused shows the
service's messages on ``get_refused_url(error)`` (or whatever ``refused`` answers). Services
own their transaction, so a refusal leaves nothing half-applied.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
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
from django.views.generic.base import ContextMixin, TemplateResponseMixin
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

    @property
    def user(self) -> User:
        """The signed-in person: past ``dispatch``, nobody else reaches the view's methods."""
        user = self.request.user
        if not isinstance(user, User):
            raise PermissionDenied
        return user

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


class ScopedObjectMixin(SingleObjectMixin, Generic[M]):
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


class ServiceFormView(ServiceOutcomeMixin, FormView, Generic[F]):
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


class ActionView(ServiceOutcomeMixin, View):
    """A button: POST only, one service (``perform``), then a message and a redirect."""

    http_method_names = ["post"]

    def get_object(self, queryset: Any = None) -> Any:
        """What the action is about; nothing, unless a subclass names it."""
        return None

    def perform(self) -> Any:
        """Call the service (on ``self.object``, if any); return what it returns."""
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        try:
            self.result = self.perform()
        except ValidationError as error:
            return self.refused(error)
        self.notify_success()
        return HttpResponseRedirect(self.get_success_url())

    def refused(self, error: ValidationError) -> HttpResponse:
        """The service said no: its messages, on ``get_refused_url``."""
        error_to_messages(self.request, error)
        return HttpResponseRedirect(self.get_refused_url(error))

    def get_refused_url(self, error: ValidationError) -> str:
        """By default, the object's page (or, without an object, ``get_success_url``)."""
        if self.object is not None:
            return str(self.object.get_absolute_url())
        return self.get_success_url()


class ConfirmView(TemplateResponseMixin, ContextMixin, ActionView):
    """GET shows the page with the button (``template_name``), POST acts."""

    http_method_names = ["get", "post", "head", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())


class ObjectActionView(ScopedObjectMixin[M], ActionView):
    """A button on the object named in the URL."""


class ObjectConfirmView(ScopedObjectMixin[M], ConfirmView):
    """GET asks for confirmation (the object in the page's context); POST acts on it."""
