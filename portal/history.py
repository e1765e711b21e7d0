"""The history of what staff and officers change (django-simple-history): who, when and why.

Every model staff edit carries ``history = PortalHistoricalRecords(...)``. A service names who
acts and why with ``history_note`` (a service may run outside a request, where the middleware
knows nobody); the admin lets staff type why (``portal.admin_history``). A model whose history
follows many-to-many fields records one entry per admin save, not one per row added or removed:
the admin holds the entries back while it saves the form and its relations, then writes one
snapshot (``history_snapshot``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from simple_history.models import HistoricalRecords

# simple-history's history_change_reason column (a CharField of 100).
CHANGE_REASON_MAX_LENGTH = 100
# The attribute simple-history reads to skip the entries of a save and of m2m changes.
SKIP_ATTRIBUTE = "skip_history_when_saving"


class PortalHistoricalRecords(HistoricalRecords):
    """simple-history's field, kept on its model so that a snapshot can be written later."""

    def finalize(self, sender: type[models.Model], **kwargs: Any) -> None:
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender._portal_history = self  # type: ignore[attr-defined]

    def m2m_changed(
        self, instance: Any, action: str, attr: str, pk_set: Any, reverse: bool, **kwargs: Any
    ) -> None:
        """simple-history reads only the forward side (``province.officers.add``); a change
        from the other side (``user.followed_provinces.clear()``) is an entry of each row of
        the historied model it touched."""
        if not reverse:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        if action == "pre_clear":
            touched = self.cls.objects.filter(**{attr: instance}).values_list("pk", flat=True)
            instance._portal_m2m_cleared = list(touched)
            return
        if action == "post_clear":
            pks = getattr(instance, "_portal_m2m_cleared", [])
        elif action in ("post_add", "post_remove"):
            pks = list(pk_set or ())
        else:
            return
        for row in self.cls._default_manager.filter(pk__in=pks):
            self.create_historical_record(row, "~")


def change_reason(reason: str | None, default: str = "") -> str:
    """What the history says of why: the reason given, else the service's own word."""
    text = " ".join((reason or "").split()) or str(default)
    return text[:CHANGE_REASON_MAX_LENGTH]


def history_note(obj: models.Model, *, user: Any, reason: str | None, default: str = "") -> None:
    """Tell simple-history who changes ``obj`` and why, for its next entry."""
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user  # type: ignore[attr-defined]
    text = change_reason(reason, default)
    if text:
        obj._change_reason = text  # type: ignore[attr-defined]


def history_hold(obj: models.Model) -> None:
    """No entry for the saves and m2m changes of ``obj`` until ``history_snapshot``."""
    setattr(obj, SKIP_ATTRIBUTE, True)


def history_snapshot(obj: models.Model, *, created: bool = False) -> None:
    """One entry for ``obj`` as it stands now, many-to-many fields included."""
    if hasattr(obj, SKIP_ATTRIBUTE):
        delattr(obj, SKIP_ATTRIBUTE)
    records = getattr(type(obj), "_portal_history", None)
    if records is None:
        return
    records.create_historical_record(obj, "+" if created else "~")


def m2m_history_fields(model: type[models.Model]) -> list[str]:
    """The many-to-many fields whose changes the history of ``model`` follows."""
    records = getattr(model, "_portal_history", None)
    if records is None:
        return []
    return [field.name for field in records.get_m2m_fields_from_model(model)]


# The columns simple-history adds to a historical model (the rest copy the row).
_HISTORY_OWN = frozenset(
    {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
)
BASELINE_REASON = "Début de l'historique"


def history_baseline(apps: Any, app_label: str, model_name: str, m2m: tuple[str, ...] = ()) -> int:
    """For a data migration: a first entry ("+") for each row that has none, with its
    many-to-many rows, so that the first change made after it shows its diff. Returns how many
    rows got one."""
    from django.utils import timezone

    model = apps.get_model(app_label, model_name)
    history = apps.get_model(app_label, f"Historical{model_name}")
    copied = [f.attname for f in history._meta.concrete_fields if f.attname not in _HISTORY_OWN]
    known = set(history.objects.values_list("id", flat=True).distinct())
    now = timezone.now()
    count = 0
    for row in model.objects.exclude(pk__in=known).iterator():
        record = history.objects.create(
            history_date=now,
            history_type="+",
            history_change_reason=BASELINE_REASON,
            **{name: getattr(row, name) for name in copied},
        )
        for field_name in m2m:
            field = model._meta.get_field(field_name)
            through = field.remote_field.through
            m2m_history = apps.get_model(app_label, f"Historical{model_name}_{field_name}")
            own = field.m2m_field_name()
            names = [f.attname for f in through._meta.concrete_fields]
            m2m_history.objects.bulk_create(
                m2m_history(history=record, **{name: getattr(link, name) for name in names})
                for link in through.objects.filter(**{own: row.pk})
            )
        count += 1
    return count
