"""Every write to what the map shows bumps the version of its cached layers (maps.cache).

Saves, deletions and many-to-many changes of the models the layers read are caught by model
signals, whatever the door (pages, "Mon espace", the admin, commands, the seed); bulk writes,
which send no model signal, announce themselves with ``portal.signals.rows_changed``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from chantiers.models import Chantier, Participation
from events.models import Event
from expertises.models import Facilitator
from maps.cache import data_changed, redis_back
from portal.circuit import breaker_closed
from portal.signals import rows_changed
from projets.models import Project, ProjectType
from territoires.models import Province

# What a layer shows or filters on: projects (with province, types, chantiers), events
# (with province, chantier, kind, date, place), facilitators (with the provinces they cover).
WATCHED: tuple[type[models.Model], ...] = (
    Project,
    ProjectType,
    Participation,
    Chantier,
    Event,
    Facilitator,
    Province,
)
WATCHED_RELATIONS = (Project.types.through, Facilitator.provinces.through)
# Columns of the watched models that no layer shows or filters on: a write of these alone (a
# seat taken or freed, at every registration) leaves the layers as they are.
NOT_SHOWN: dict[type[models.Model], frozenset[str]] = {Event: frozenset({"seats_taken"})}


def _shown(sender: Any, fields: Any) -> bool:
    """Whether a write of ``fields`` (None: any) of ``sender``'s rows may change a layer."""
    return not fields or not set(fields) <= NOT_SHOWN.get(sender, frozenset())


def _changed(sender: Any, **kwargs: Any) -> None:
    if not kwargs.get("action", "post_").startswith("post_"):  # m2m_changed also sends pre_*
        return
    if _shown(sender, kwargs.get("update_fields")):
        data_changed()


def _rows_changed(sender: Any, **kwargs: Any) -> None:
    if sender in WATCHED and _shown(sender, kwargs.get("fields")):
        data_changed()


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"maps.save.{model._meta.label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"maps.delete.{model._meta.label}")
    for through in WATCHED_RELATIONS:
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"maps.m2m.{through.__name__}")
    rows_changed.connect(_rows_changed, dispatch_uid="maps.rows_changed")
    breaker_closed.connect(redis_back, dispatch_uid="maps.redis_back")
