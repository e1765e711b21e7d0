"""Two admin views that raised on an id that is not one, fixed once for every ModelAdmin.

- ``autocomplete_fields``: when a bound form is shown again with its errors, Django's
  ``AutocompleteMixin.optgroups`` looks the submitted values up with ``pk__in=[value]``, which
  raises on a word where an integer id goes (``ValueError``: a 500 on nine admin forms). Our
  widgets keep only the values the field can convert, so an invalid one shows as "not a valid
  choice" like on any other select. ``install()`` makes the admin build them instead of
  Django's (``ModelAdmin.formfield_for_*`` look the class up in ``django.contrib.admin.options``),
  so no admin.py has to change.
- simple-history's history pages look their object (and version) up by the raw ids of the
  address: a word was a ``ValueError``; it is now a 404, as for an id that does not exist.

``install()`` runs in ``PortalAdminConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import wraps
from typing import Any

from django.contrib.admin import options
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest


def convertible_values(widget: Any, values: Iterable[Any]) -> list[Any]:
    """The submitted values that the related field can convert (the others match no row)."""
    remote = widget.field.remote_field
    target = remote.model._meta.get_field(
        getattr(remote, "field_name", None) or remote.model._meta.pk.name
    )
    kept = []
    for value in values:
        try:
            target.to_python(value)
        except (ValidationError, ValueError, TypeError, OverflowError):
            continue
        kept.append(value)
    return kept


class SafeAutocompleteMixin:
    def optgroups(self, name: str, value: list[Any], attr: Any = None) -> Any:
        return super().optgroups(name, convertible_values(self, value), attr)  # type: ignore[misc]


class SafeAutocompleteSelect(  # type: ignore[misc]
    SafeAutocompleteMixin, admin_widgets.AutocompleteSelect
):
    pass


class SafeAutocompleteSelectMultiple(  # type: ignore[misc]
    SafeAutocompleteMixin, admin_widgets.AutocompleteSelectMultiple
):
    pass


def _valid(field: Any, value: str) -> bool:
    try:
        field.to_python(unquote(value))
    except (ValidationError, ValueError, TypeError):
        return False
    return True


def _safe_history_view(history_view: Any) -> Any:
    @wraps(history_view)
    def view(self: Any, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> Any:
        if not _valid(self.model._meta.pk, object_id):
            raise Http404
        return history_view(self, request, object_id, *args, **kwargs)

    view.portal_safe = True  # type: ignore[attr-defined]
    return view


def _safe_history_form_view(history_form_view: Any) -> Any:
    @wraps(history_form_view)
    def view(
        self: Any, request: HttpRequest, object_id: str, version_id: str, *args: Any, **kw: Any
    ) -> Any:
        history_model = self.model.history.model
        if not _valid(self.model._meta.pk, object_id) or not _valid(
            history_model._meta.pk, version_id
        ):
            raise Http404
        return history_form_view(self, request, object_id, version_id, *args, **kw)

    view.portal_safe = True  # type: ignore[attr-defined]
    return view


def install() -> None:
    # ModelAdmin.formfield_for_foreignkey / _manytomany read these module globals at call time.
    setattr(options, "AutocompleteSelect", SafeAutocompleteSelect)  # noqa: B010
    setattr(options, "AutocompleteSelectMultiple", SafeAutocompleteSelectMultiple)  # noqa: B010
    from simple_history.admin import SimpleHistoryAdmin

    if not getattr(SimpleHistoryAdmin.history_view, "portal_safe", False):
        SimpleHistoryAdmin.history_view = _safe_history_view(  # type: ignore[method-assign]
            SimpleHistoryAdmin.history_view
        )
        SimpleHistoryAdmin.history_form_view = _safe_history_form_view(  # type: ignore[method-assign]
            SimpleHistoryAdmin.history_form_view
        )
