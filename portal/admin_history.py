"""The admin's history of a page: who changed what, when (Brussels time) and why.

``HistoryAdmin`` (django-simple-history's admin, made to fit):

- every change form gains an optional "Motif de la modification", stored as the entry's
  ``history_change_reason``: a ModelAdmin that saves through a service hands it on
  (``self.history_reason(form)``); a plain save, the inlines' rows and deletions carry it here;
- a model whose history follows many-to-many fields gets one entry per save, taken once the
  form's relations are saved (``portal.history.history_hold`` / ``history_snapshot``);
- the history page names fields by their French verbose names and shows values as people read
  them: choices by their label, yes/no, related rows by name, dates in Brussels time
  (``history_value``, also used by the page's extra columns, ``templates/simple_history/``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper
from simple_history.utils import get_m2m_reverse_field_name

from portal.history import (
    CHANGE_REASON_MAX_LENGTH,
    SKIP_ATTRIBUTE,
    history_hold,
    history_note,
    history_snapshot,
    m2m_history_fields,
)

REASON_FIELD = "history_change_reason"
EMPTY = "—"


def reason_form(form: type[forms.ModelForm[Any]]) -> type[forms.ModelForm[Any]]:
    """``form`` with the optional reason field (declared, so that fieldsets may name it)."""
    if REASON_FIELD in form.base_fields:
        return form
    field = forms.CharField(
        label=_("Motif de la modification"),
        required=False,
        max_length=CHANGE_REASON_MAX_LENGTH,
        help_text=_("Facultatif : il apparaît dans l'historique de la fiche, avec votre nom."),
    )
    return type(form.__name__, (form,), {REASON_FIELD: field})


# --- Values as people read them ----------------------------------------------------------------


def _moment(value: datetime.datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "j F Y, H:i")


def history_value(field: models.Field[Any, Any] | None, value: Any) -> str:
    """A stored value as the history page shows it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, list):
        return ", ".join(history_value(None, item) for item in value) or EMPTY
    if isinstance(value, DeletedObject):
        return gettext("%(model)s supprimé·e (n° %(pk)s)") % {
            "model": capfirst(value.model._meta.verbose_name),
            "pk": value.pk,
        }
    if field is not None and field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if isinstance(value, datetime.datetime):
        return _moment(value)
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    return str(value)


def history_field_label(model: type[models.Model], name: str) -> str:
    """A column's heading: the field's French verbose name (or the name, for a property)."""
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name))  # type: ignore[union-attr]
    except FieldDoesNotExist:  # a property or an admin method: its own name
        return str(capfirst(name.replace("_", " ")))


class PortalHistoryContextHelper(HistoricalRecordContextHelper):
    """simple-history's diff, with readable values (the field names are its verbose names)."""

    def prepare_delta_change_value(self, change: Any, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            reverse_name = get_m2m_reverse_field_name(field)
            return history_value(None, sorted(str(row[reverse_name]) for row in value))
        return history_value(field, value)  # type: ignore[arg-type]


class HistoryAdmin(SimpleHistoryAdmin):
    """Base of the admins of models with a history (see the module's docstring)."""

    form: type[forms.ModelForm[Any]]

    def __init__(self, model: type[models.Model], admin_site: Any) -> None:
        super().__init__(model, admin_site)
        self.form = reason_form(self.form)

    # --- The form's reason --------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if REASON_FIELD in flatten_fieldsets(fieldsets):
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f != REASON_FIELD]})
                for name, options in fieldsets
            ]
        return [*fieldsets, (_("Historique de la modification"), {"fields": [REASON_FIELD]})]

    def history_reason(self, form: Any) -> str:
        cleaned = getattr(form, "cleaned_data", None) or {}
        return str(cleaned.get(REASON_FIELD) or "")

    def history_default_reason(self, change: bool) -> str:
        return gettext("Modification") if change else gettext("Création")

    # --- Plain saves (a ModelAdmin that saves through a service overrides save_model) ----

    def history_form_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        request._portal_history_revert = True  # type: ignore[attr-defined]
        return super().history_form_view(request, *args, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        history_note(
            obj,
            user=request.user,
            reason=self.history_reason(form),
            default=self.history_default_reason(change),
        )
        reverting = getattr(request, "_portal_history_revert", False)
        if m2m_history_fields(type(obj)) and not reverting:
            history_hold(obj)  # one entry, once the relations are saved (save_related)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if hasattr(obj, SKIP_ATTRIBUTE):
            history_note(
                obj,
                user=request.user,
                reason=self.history_reason(form),
                default=self.history_default_reason(change),
            )
            history_snapshot(obj, created=not change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The inlines' rows keep a history too, with the page's reason."""
        if not hasattr(formset.model, "_portal_history"):
            super().save_formset(request, form, formset, change)
            return
        reason = self.history_reason(form)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            history_note(obj, user=request.user, reason=reason, default=gettext("Suppression"))
            obj.delete()
        for obj in instances:
            adding = obj._state.adding
            history_note(
                obj,
                user=request.user,
                reason=reason,
                default=self.history_default_reason(not adding),
            )
            obj.save()
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        history_note(obj, user=request.user, reason="", default=gettext("Suppression"))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # One by one, so that each deletion leaves its entry with who deleted it.
        for obj in queryset:
            self.delete_model(request, obj)

    # --- The history page ----------------------------------------------------------------

    def get_historical_record_context_helper(self, request: HttpRequest, record: Any) -> Any:
        return PortalHistoryContextHelper(self.model, record)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> Any:
        columns = [
            (name, history_field_label(self.model, name))
            for name in self.get_history_list_display(request)
        ]
        context = {"history_columns": columns, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context=context)
