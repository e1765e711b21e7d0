"""The admin as one more door onto the services: a refusal is a form error, never a 500 or
half a change.

A ``ModelAdmin`` built on ``ServiceAdmin`` calls the services in ``save_model``,
``save_formset``/``save_related``, ``delete_model``, ``delete_queryset`` and its actions, and
lets their ``ValidationError`` (or ``PermissionDenied``) propagate. This class runs each writing
view (add and change forms, a history version's form, delete, the list's actions and editable
columns) in one transaction; on a refusal that transaction is rolled back whole (rows, outbox
messages, history, the admin's log), then:

- a form view is rendered again from the same POST with the refusal on the form, next to the
  field it names or at the top (``portal.service_errors.error_to_form``);
- the delete page and the list show the refusal as an error message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Model
from django.forms import BaseForm, BaseModelFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from portal.models import User
from portal.service_errors import error_to_form

REFUSALS = (ValidationError, PermissionDenied)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Where the refusal of a first pass waits for the form of the second one.
_REFUSAL_ATTR = "_portal_service_refusal"


def acting_user(request: HttpRequest) -> User:
    """Who acts in the admin: always a signed-in staff member (the admin site checks it)."""
    return cast(User, request.user)


def refusal_error(error: Exception) -> ValidationError:
    """A service's refusal as a ValidationError (a service's PermissionDenied has a message).

    Django's own PermissionDenied, without a message (the person lacks the admin permission),
    is raised again: that is a 403, not a refusal to show on a form.
    """
    if isinstance(error, ValidationError):
        return error
    if not error.args:
        raise error
    return ValidationError(str(error))


class _RefusedForm(BaseForm):
    """Mixed into the admin's form class on the second pass: the service's refusal is one more
    error of the form, so the admin shows it where it shows the others, and saves nothing."""

    service_refusal: ValidationError

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and hasattr(self, "cleaned_data"):
            error_to_form(self, self.service_refusal)


class ServiceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Base of every ModelAdmin whose writes go through services (see the module's docstring)."""

    # --- Form views: add, change, a history version ------------------------------------------

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return self._form_view(super().changeform_view, request, object_id, form_url, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """simple-history's "revert to this version" saves through ``save_model`` too."""
        parent = super().history_form_view  # type: ignore[misc]
        return self._form_view(parent, request, object_id, version_id, extra_context)

    def _form_view(
        self, view: Callable[..., HttpResponse], request: HttpRequest, *args: Any
    ) -> Any:
        if request.method in SAFE_METHODS:
            return view(request, *args)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return view(request, *args)
        except REFUSALS as error:
            refusal = refusal_error(error)
        # Everything the first pass wrote is rolled back: render the same POST again, with the
        # refusal on the form, which makes it invalid so that nothing is saved this time.
        setattr(request, _REFUSAL_ATTR, refusal)
        return view(request, *args)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, _REFUSAL_ATTR, None)
        if refusal is None:
            return form
        return type(form.__name__, (_RefusedForm, form), {"service_refusal": refusal})

    # --- Delete page, list actions and editable columns --------------------------------------

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> Any:
        if request.method in SAFE_METHODS:
            return super().delete_view(request, object_id, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().delete_view(request, object_id, extra_context)
        except REFUSALS as error:
            self.message_refusal(request, refusal_error(error))
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[quote(object_id)],
            )
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        if request.method in SAFE_METHODS:
            return super().changelist_view(request, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)
        except REFUSALS as error:
            # An action (or an editable column) is all or nothing: one refusal undoes it all.
            self.message_refusal(request, refusal_error(error))
        return HttpResponseRedirect(request.get_full_path())

    def message_refusal(self, request: HttpRequest, error: ValidationError) -> None:
        for message in error.messages:
            self.message_user(request, message, messages.ERROR)

    # --- Deletion refused before it is confirmed ---------------------------------------------

    def deletion_blockers(self, request: HttpRequest, obj: Any) -> list[str]:
        """Why the service would refuse to delete ``obj`` (none by default). Shown on the
        confirmation page as Django shows protected objects, so nobody confirms in vain; the
        service checks again when it deletes."""
        return []

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        blockers = [reason for obj in objs for reason in self.deletion_blockers(request, obj)]
        return deleted, counts, perms_needed, [*protected, *blockers]


@dataclass
class InlineChanges:
    """What an inline formset asks for, not yet written: rows to add (unsaved instances) and
    rows to remove (as stored). A row changed in place is both: its old version removed, its
    new one added, so that each goes through the service that grants or withdraws."""

    added: list[Any] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)


def inline_changes(formset: BaseModelFormSet) -> InlineChanges:  # type: ignore[type-arg]
    formset.save(commit=False)
    changes = InlineChanges(added=list(formset.new_objects), removed=list(formset.deleted_objects))
    for obj, _fields in formset.changed_objects:
        changes.removed.append(type(obj)._default_manager.get(pk=obj.pk))
        changes.added.append(obj)
    return changes


def adopt(obj: Model, saved: Model) -> None:
    """Make the admin's object the row a service saved (its pk when it created it, its values),
    so that the admin's log, message and redirect speak of what was saved."""
    for concrete in saved._meta.concrete_fields:
        setattr(obj, concrete.attname, getattr(saved, concrete.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db
