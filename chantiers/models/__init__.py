"""Chantiers: shared workstreams with their resources, their timeline of steps and projects.

A package (``chantiers``, ``steps``, ``news``) whose names are all read from here."""

from chantiers.models.chantiers import (
    Chantier,
    ChantierQuerySet,
    Participation,
    Partnership,
    PortalPage,
    Resource,
)
from chantiers.models.news import News, NewsQuerySet
from chantiers.models.steps import (
    EVENT_CANCELLED,
    EVENT_PUBLIC,
    EVENT_PUBLISHED,
    Step,
    StepQuerySet,
)

__all__ = [
    "EVENT_CANCELLED",
    "EVENT_PUBLIC",
    "EVENT_PUBLISHED",
    "Chantier",
    "ChantierQuerySet",
    "News",
    "NewsQuerySet",
    "Participation",
    "Partnership",
    "PortalPage",
    "Resource",
    "Step",
    "StepQuerySet",
]
