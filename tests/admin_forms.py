"""What a browser posts back from the admin: a change page's form as it stands, and an action
of a list. Tests change a few values and post the rest as shown."""

import datetime

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import timezone


def _value(value):
    value = getattr(value, "pk", value)
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


def change_form_data(response):
    """The POST a browser would send back from an admin change page, inlines included."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if callable(value):
            value = value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "all") and hasattr(value, "model"):  # a queryset (many-to-many)
            data[name] = [v.pk for v in value]
        elif isinstance(value, datetime.datetime):
            data.update(split_datetime(name, value))
        else:
            data[name] = _value(value)
    # A history version's form has no inlines.
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for subform in formset.initial_forms:
            data[f"{subform.prefix}-id"] = subform.instance.pk
            for name in subform.fields:
                if name != "id" and name in subform.initial:
                    data[f"{subform.prefix}-{name}"] = _value(subform.initial[name])
            if formset.fk.name in subform.fields:
                data[f"{subform.prefix}-{formset.fk.name}"] = response.context["original"].pk
    return data


def split_datetime(name, value):
    """The admin's date and time inputs of one datetime field (French formats)."""
    local = timezone.localtime(value)
    return {f"{name}_0": local.strftime("%d/%m/%Y"), f"{name}_1": local.strftime("%H:%M:%S")}


def inline_add(data, prefix, **fields):
    """Add one new row to the inline formset ``prefix`` of ``data`` (from change_form_data)."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = getattr(value, "pk", value)
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    return data


def inline_rows(data, prefix):
    """The indexes of the rows already shown in the inline formset ``prefix``."""
    return range(int(data[f"{prefix}-INITIAL_FORMS"]))


def action_data(action, objects, **extra):
    """The POST of a list's action on ``objects``."""
    return {
        "action": action,
        ACTION_CHECKBOX_NAME: [obj.pk for obj in objects],
        "index": 0,
        **extra,
    }
