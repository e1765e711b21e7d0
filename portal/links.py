"""Links people type (a website, a resource, an online meeting): http, https or mailto only.

A ``javascript:`` (or ``data:``, ``vbscript:``…) address in an ``href`` runs when clicked. Every
field that stores a link uses :class:`LinkField` (model) / :class:`LinkFormField` (form), which
refuse any other scheme with a message that says so; the CSV imports check with
:func:`link_clean`; templates print stored links through the ``safe_link`` filter, which drops
what does not pass, for rows written before these checks or by any other door.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

SCHEMES = ("http", "https", "mailto")
# What browsers ignore in a URL before reading its scheme ("java\tscript:" is "javascript:").
_IGNORED = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")

SCHEME_REFUSED = _(
    "Seules les adresses web (http:// ou https://) et e-mail (mailto:) sont acceptées ; "
    "« %(scheme)s: » ne l'est pas."
)
INVALID_URL = _("Saisissez une adresse web complète, par ex. https://www.exemple.be.")
INVALID_MAILTO = _("Saisissez une adresse e-mail valide après « mailto: ».")

_web = URLValidator(schemes=["http", "https"], message=INVALID_URL)


def _scheme(value: str) -> str | None:
    match = _SCHEME.match(_IGNORED.sub("", value))
    return match.group(1).lower() if match else None


def validate_link(value: str) -> None:
    """An http(s) address, or ``mailto:`` and an email address; else a ValidationError."""
    scheme = _scheme(value)
    if scheme is not None and scheme not in SCHEMES:
        raise ValidationError(SCHEME_REFUSED, code="scheme", params={"scheme": scheme})
    if scheme == "mailto":
        address = value.strip()[len("mailto:") :].split("?", 1)[0]
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(INVALID_MAILTO, code="invalid") from None
        return
    if value != value.strip() or _IGNORED.search(value):
        raise ValidationError(INVALID_URL, code="invalid")
    _web(value)


def link_clean(value: str) -> str:
    """A link as typed in a file: ``https://`` added when no scheme is given, then checked."""
    value = value.strip()
    if _scheme(value) is None:
        value = f"https://{value}"
    validate_link(value)
    return value


def validate_link_lines(value: str) -> None:
    """One link per line (blank lines ignored); the first wrong one is named."""
    for number, line in enumerate(value.splitlines(), start=1):
        if line.strip():
            try:
                validate_link(line.strip())
            except ValidationError as error:
                raise ValidationError(
                    _("Ligne %(line)s : %(error)s"),
                    code=error.code,
                    params={"line": number, "error": " ".join(error.messages)},
                ) from None


def safe_link(value: Any) -> str:
    """``value`` when it is an http(s) or mailto link, or a path of this site; else "".

    For printing stored links in ``href``: whatever got into the database, nothing but these
    reaches a page or an email.
    """
    text = str(value or "").strip()
    if not text:
        return ""
    scheme = _scheme(text)
    if scheme is None:
        cleaned = _IGNORED.sub("", text)
        return text if cleaned.startswith("/") and not cleaned.startswith("//") else ""
    return text if scheme in SCHEMES else ""


class LinkFormField(forms.URLField):
    default_validators = [validate_link]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = (value or "").strip() if isinstance(value, str) else value
        scheme = _scheme(text) if isinstance(text, str) and text else None
        if scheme is not None and scheme not in ("http", "https"):
            return text  # mailto: kept as typed; any other scheme left to the validator
        return super().to_python(value)


class LinkField(models.URLField):
    """A URLField that takes http, https and mailto links only."""

    default_validators = [validate_link]

    def formfield(
        self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any
    ) -> Any:
        return super().formfield(
            form_class=form_class or LinkFormField, choices_form_class=choices_form_class, **kwargs
        )
