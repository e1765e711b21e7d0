"""Widgets of the imports' resources: each refusal in French, naming its column."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from portal.imports.cells import fold, split_list
from portal.links import link_clean

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# --- Widgets: each refusal in French, naming its column ----------------------------------------


class TextWidget(widgets.CharWidget):
    def __init__(self, *, column: str, max_length: int | None = None, required: bool = False):
        super().__init__(allow_blank=True)
        self.column, self.max_length, self.required = column, max_length, required

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = "" if value is None else str(value).strip()
        if self.required and not text:
            raise ValueError(_("La colonne « %(column)s » est vide.") % {"column": self.column})
        if self.max_length is not None and len(text) > self.max_length:
            raise ValueError(
                _("La colonne « %(column)s » dépasse %(limit)s caractères.")
                % {"column": self.column, "limit": self.max_length}
            )
        return text


class LinkWidget(widgets.CharWidget):
    """A web address: "https://" added when no scheme is given; http, https or mailto only."""

    def __init__(self, *, invalid: StrOrPromise, max_length: int = 200) -> None:
        super().__init__(allow_blank=True)
        self.invalid, self.max_length = invalid, max_length

    def clean_one(self, value: str) -> str:
        try:
            url = link_clean(value)
            if len(url) > self.max_length:
                raise ValidationError(
                    _("L'adresse dépasse %(limit)s caractères.") % {"limit": self.max_length}
                )
        except ValidationError as error:
            raise ValueError(" ".join([self.invalid % {"value": value}, *error.messages])) from None
        return url

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = "" if value is None else str(value).strip()
        return self.clean_one(text) if text else ""


class LinksWidget(LinkWidget):
    """Several web addresses separated by ";" in the file, one per line in the base."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        urls, errors = [], []
        for part in split_list(str(value or "")):
            try:
                urls.append(self.clean_one(part))
            except ValueError as error:
                errors.append(str(error))
        if errors:
            raise ValueError(" ".join(errors))
        return "\n".join(urls)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "; ".join(line.strip() for line in (value or "").splitlines() if line.strip())


class NamedWidget(widgets.Widget):
    """A row of another table, by one of its names (folded: case, accents and spaces ignored).

    ``choices`` returns {folded name: row} (read once per import); ``unknown`` (with
    ``%(value)s`` and ``%(known)s``) tells a name that matches none.
    """

    def __init__(
        self,
        *,
        choices: Callable[[], dict[str, Any]],
        known: Callable[[], str],
        unknown: StrOrPromise,
        label: Callable[[Any], str] = str,
    ) -> None:
        super().__init__()
        self.choices, self.known, self.unknown, self.label = choices, known, unknown, label
        self._cache: dict[str, Any] | None = None

    def lookup(self, value: str) -> Any:
        if self._cache is None:
            self._cache = self.choices()
        found = self._cache.get(fold(value))
        if found is None:
            raise ValueError(self.unknown % {"value": value, "known": self.known() or "—"})
        return found

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = "" if value is None else str(value).strip()
        return self.lookup(text) if text else None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else self.label(value)


class NamedListWidget(NamedWidget):
    """Several rows of another table, names separated by ";"; each unknown name is an error."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[Any]:
        found, errors = [], []
        for part in split_list(str(value or "")):
            try:
                item = self.lookup(part)
            except ValueError as error:
                errors.append(str(error))
                continue
            if item not in found:
                found.append(item)
        if errors:
            raise ValueError(" ".join(errors))
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        items = value.all() if hasattr(value, "all") else (value or [])
        return "; ".join(self.label(item) for item in items)


class ListField(fields.Field):
    """A many-to-many column: checked with the row, kept on the instance until the service
    creates it (``instance.import_lists``), exported from the prefetched relation."""

    def save(self, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        if not hasattr(instance, "import_lists"):
            instance.import_lists = {}
        instance.import_lists[self.attribute] = self.clean(row, **kwargs)
