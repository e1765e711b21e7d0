"""How a view shows a service's refusal (a ValidationError): next to the form's fields when
the form has them, or as messages on the next page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest


def error_to_form(form: BaseForm, error: ValidationError) -> None:
    """Put each message next to the field it names, when the form shows that field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_to_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def error_codes(error: ValidationError) -> set[str]:
    """The codes of every message in the error, whether it names fields or not."""
    errors = (
        [e for field_errors in error.error_dict.values() for e in field_errors]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    return {e.code for e in errors if e.code}
