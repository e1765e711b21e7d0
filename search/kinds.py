"""What the site search looks into: one kind per public content, read through its app's
public queryset, with the texts searched (and their weights) and what a result shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chantiers.models import Chantier, News, Step
from chantiers.selectors import news_public_queryset
from events.models import Event
from events.selectors import event_public_queryset
from expertises.filters import SEARCH_FIELDS as FACILITATOR_SEARCH_FIELDS
from expertises.models import Facilitator
from expertises.selectors import facilitator_list_queryset
from newsletter.models import Issue
from newsletter.selectors import issue_archive_list
from projets.models import PROJECT_SEARCH_FIELDS, Project
from projets.selectors import project_list_queryset


@dataclass(frozen=True)
class Kind:
    slug: str
    label: Promise
    queryset: Callable[[], QuerySet[Any]]
    fields: Sequence[tuple[str, str]]
    # The attribute shown as the result's title, and those an excerpt may come from.
    title: str
    texts: Sequence[str]
    meta: Callable[[Any], str]
    then: Sequence[str] = ("pk",)


def _date(moment: Any) -> str:
    if moment is None:
        return ""
    return str(formats.date_format(timezone.localtime(moment), "j F Y"))


def _chantier_meta(chantier: Chantier) -> str:
    return str(chantier.get_status_display())


def _step_meta(step: Step) -> str:
    return str(step.chantier.title)


def _project_meta(project: Project) -> str:
    return project.province.name if project.province else str(_("Toute la Wallonie"))


def _event_meta(event: Event) -> str:
    parts = [_date(event.start), event.get_kind_display()]
    if event.is_cancelled:
        parts.append(str(_("annulé")))
    return " · ".join(str(p) for p in parts if p)


def _news_meta(news: News) -> str:
    return _date(news.published_at)


def _facilitator_meta(facilitator: Facilitator) -> str:
    if facilitator.organisation is not None:
        return facilitator.organisation.name
    return facilitator.organisation_name


def _issue_meta(issue: Issue) -> str:
    return _date(issue.sent_at)


KINDS: list[Kind] = [
    Kind(
        slug="chantiers",
        label=_("Chantiers"),
        queryset=lambda: Chantier.objects.all(),
        fields=[("title", "A"), ("summary", "B"), ("objective", "B"), ("description", "C")],
        title="title",
        texts=["summary", "objective", "description"],
        meta=_chantier_meta,
        then=("order", "title"),
    ),
    Kind(
        slug="etapes",
        label=_("Étapes des chantiers"),
        queryset=lambda: Step.objects.select_related("chantier"),
        fields=[("title", "A"), ("description", "C")],
        title="title",
        texts=["description"],
        meta=_step_meta,
        then=("chantier__order", "order"),
    ),
    Kind(
        slug="projets",
        label=_("Projets"),
        queryset=lambda: project_list_queryset().select_related("province"),
        fields=PROJECT_SEARCH_FIELDS,
        title="name",
        texts=["summary", "promoters", "communes", "description"],
        meta=_project_meta,
        then=("name", "pk"),
    ),
    Kind(
        slug="evenements",
        label=_("Événements"),
        queryset=event_public_queryset,
        fields=[
            ("title", "A"),
            ("summary", "B"),
            ("venue", "C"),
            ("address", "C"),
            ("description", "C"),
        ],
        title="title",
        texts=["summary", "venue", "address", "description"],
        meta=_event_meta,
        then=("-start", "pk"),
    ),
    Kind(
        slug="actualites",
        label=_("Actualités"),
        queryset=news_public_queryset,
        fields=[("title", "A"), ("summary", "B"), ("body", "C")],
        title="title",
        texts=["summary", "body"],
        meta=_news_meta,
        then=("-published_at", "pk"),
    ),
    Kind(
        slug="facilitateurs",
        label=_("Facilitateurs"),
        queryset=lambda: facilitator_list_queryset().prefetch_related(None),
        fields=FACILITATOR_SEARCH_FIELDS,
        title="name",
        texts=["offer", "audience", "organisation_name"],
        meta=_facilitator_meta,
        then=("name", "pk"),
    ),
    Kind(
        slug="lettres",
        label=_("Lettres d'information"),
        queryset=issue_archive_list,
        fields=[("subject", "A"), ("introduction", "C")],
        title="subject",
        texts=["introduction"],
        meta=_issue_meta,
        then=("-number", "pk"),
    ),
]
KINDS_BY_SLUG = {kind.slug: kind for kind in KINDS}


def model_of(kind: Kind) -> type[Model]:
    return kind.queryset().model
