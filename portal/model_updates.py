"""How a service changes a row: set the fields it was given, check the whole row, save what
changed and say what changed (the shape of HackSoft's ``model_update``).

The services own their transaction and their permission checks; these helpers spare each of
them its own copy of "lock the row, apply the data, full_clean, save". They know no domain
model: a service passes its own further rules as ``check``, which reports its refusals
together with the model's, field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=models.Model)

Check = Callable[[M], None]


def model_locked(
    instance: M, *, gone: StrOrPromise | None = None, select_related: Collection[str] = ()
) -> M:
    """The row as committed now, locked until the transaction ends (two clicks act once).

    The stored row decides, not the object passed in (a form may have changed it already). A
    row deleted meanwhile is refused with the message ``gone``; without one, the model's
    ``DoesNotExist`` goes up.
    """
    queryset = type(instance)._default_manager.select_for_update()
    if select_related:
        queryset = queryset.select_related(*select_related)
    try:
        return queryset.get(pk=instance.pk)
    except ObjectDoesNotExist:
        if gone is None:
            raise
        raise ValidationError(gone, code="gone") from None


def model_assign(
    instance: models.Model, *, fields: Iterable[str], data: Mapping[str, Any]
) -> list[str]:
    """Set each of ``fields`` that ``data`` holds; return the names of those whose value changed.

    A None for a text column that takes no NULL is stored as "" (Django's convention for blank
    text). Relations are compared by their key, so that no related row is read. Many-to-many
    relations are set after saving, by the caller.
    """
    changed: list[str] = []
    for name in fields:
        if name not in data:
            continue
        field = instance._meta.get_field(name)
        if not isinstance(field, models.Field) or field.many_to_many:
            raise TypeError(f"{name} is not a column of {type(instance).__name__}.")
        value = data[name]
        if (
            value is None
            and not field.null
            and isinstance(field, models.CharField | models.TextField)
        ):
            value = ""
        if field.is_relation:
            before = getattr(instance, field.attname)
            after = value.pk if isinstance(value, models.Model) else value
        else:
            before, after = getattr(instance, name), value
        if before != after:
            changed.append(name)
        setattr(instance, name, value)
    return changed


def model_validate(
    instance: M, *, exclude: Collection[str] | None = None, check: Check[M] | None = None
) -> None:
    """The model's own rules (``full_clean``) and the service's (``check``), refused together as
    one ``ValidationError`` by field, so that a form shows every problem at once."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if check is not None:
        try:
            check(instance)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def model_update(
    *,
    instance: M,
    fields: Iterable[str],
    data: Mapping[str, Any],
    exclude: Collection[str] | None = None,
    check: Check[M] | None = None,
) -> list[str]:
    """Set the fields ``data`` holds, check the whole row, and save only what changed
    (``save(update_fields=…)``, with ``updated_at`` when the model has one).

    Returns the names of the fields that changed; when none did, nothing is saved. Call it
    inside the service's transaction, on a row it locked (``model_locked``).
    """
    changed = model_assign(instance, fields=fields, data=data)
    model_validate(instance, exclude=exclude, check=check)
    if changed:
        update_fields = [instance._meta.get_field(name).name for name in changed]
        if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    return changed
