"""The public datasets: what each holds, how it is read, filtered and dated.

Each dataset is one entry of ``DATASETS``: its API endpoint, its downloads (CSV, JSON, and
GeoJSON where its rows have a place), its schema, and its record in the DCAT-AP catalogue all
come from it, so they cannot drift apart.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, Model, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_filters import FilterSet
from rest_framework import serializers

from chantiers.filters import NewsFilter
from chantiers.models import Chantier, News, Participation, Resource, Step
from chantiers.selectors import news_public_queryset
from events.filters import EventFilter
from events.models import Event
from events.selectors import event_public_queryset
from expertises.filters import FacilitatorFilter
from expertises.models import Category, Facilitator
from expertises.selectors import facilitator_list_queryset
from newsletter.models import Issue, Section
from newsletter.selectors import issue_archive_list
from opendata import serializers as s
from projets.filters import ProjectFilter
from projets.models import Organisation, Project, ProjectType
from projets.selectors import project_list_queryset
from territoires.models import Province


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Promise
    description: Promise
    keywords: Sequence[Promise]
    serializer: type[serializers.ModelSerializer]
    queryset: Callable[[], QuerySet[Any]]
    # Every model whose rows change what the dataset shows: the latest change of any of their
    # rows (published or not, so that withdrawing one counts) is the dataset's last change.
    sources: Sequence[type[Model]]
    filterset: type[FilterSet] | None = None
    located: bool = False
    # Nested lists left out of the CSV file (each has its own dataset).
    csv_exclude: Sequence[str] = ()
    # Also changes at midnight: a step's status follows the date.
    changes_daily: bool = False
    # Rows that become public at a time of their own (news scheduled for later).
    published_at: str | None = None
    # The fields that hold a located row's point.
    latitude: str = "latitude"
    longitude: str = "longitude"

    @property
    def model(self) -> type[Model]:
        return self.serializer.Meta.model  # type: ignore[no-any-return]


def _projects() -> QuerySet[Project]:
    return project_list_queryset().prefetch_related(
        "partners",
        Prefetch("participations", queryset=Participation.objects.select_related("chantier")),
    )


def _steps() -> QuerySet[Step]:
    return Step.objects.select_related("chantier", "event").order_by("chantier__order", "order")


def _resources() -> QuerySet[Resource]:
    return Resource.objects.select_related("chantier", "provider").order_by(
        "chantier__order", "order", "pk"
    )


def _chantiers() -> QuerySet[Chantier]:
    lookups: list[Any] = [
        Prefetch("steps", queryset=_steps()),
        Prefetch("resources", queryset=_resources()),
        Prefetch(
            "participations",
            queryset=Participation.objects.filter(project__in=Project.objects.public()).order_by(
                "project__name", "pk"
            ),
            to_attr="public_participations",
        ),
    ]
    return Chantier.objects.prefetch_related(*lookups).order_by("order", "title")


def _events() -> QuerySet[Event]:
    return event_public_queryset().select_related("organiser").order_by("-start", "pk")


def _facilitators() -> QuerySet[Facilitator]:
    return facilitator_list_queryset()


def _news() -> QuerySet[News]:
    return news_public_queryset()


def _issues() -> QuerySet[Issue]:
    return issue_archive_list().prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("order", "pk"))
    )


def _provinces() -> QuerySet[Province]:
    return Province.objects.order_by("order", "name")


# The last change of a dataset that has never had a row.
EPOCH = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)

DATASETS: dict[str, Dataset] = {
    dataset.slug: dataset
    for dataset in [
        Dataset(
            slug="provinces",
            title=_("Provinces"),
            description=_("Les cinq provinces de Wallonie, avec le centre de leur carte."),
            keywords=[_("territoire"), _("Wallonie")],
            serializer=s.ProvinceSerializer,
            queryset=_provinces,
            sources=[Province],
            located=True,
            latitude="centre_latitude",
            longitude="centre_longitude",
        ),
        Dataset(
            slug="projets",
            title=_("Projets"),
            description=_(
                "Les projets soutenus pour relocaliser l'alimentation en Wallonie : porteurs, "
                "province, communes, types, chantiers auxquels ils prennent part, position."
            ),
            keywords=[_("alimentation"), _("relocalisation"), _("projets")],
            serializer=s.ProjectSerializer,
            queryset=_projects,
            sources=[Project, Participation, ProjectType, Organisation, Province, Chantier],
            filterset=ProjectFilter,
            located=True,
        ),
        Dataset(
            slug="chantiers",
            title=_("Chantiers communs"),
            description=_(
                "Les chantiers communs (en cours et pistes) avec leur objectif, leurs étapes, "
                "leurs ressources et les projets qui y prennent part."
            ),
            keywords=[_("chantiers"), _("coordination"), _("échéancier")],
            serializer=s.ChantierSerializer,
            queryset=_chantiers,
            sources=[Chantier, Step, Resource, Participation, Project, Event, Organisation],
            csv_exclude=("steps", "resources", "projects"),
            changes_daily=True,
        ),
        Dataset(
            slug="etapes",
            title=_("Étapes des chantiers"),
            description=_("L'échéancier de chaque chantier : ses étapes, leurs dates et statut."),
            keywords=[_("échéancier"), _("chantiers")],
            serializer=s.StepSerializer,
            queryset=_steps,
            sources=[Step, Chantier, Event],
            changes_daily=True,
        ),
        Dataset(
            slug="ressources",
            title=_("Ressources des chantiers"),
            description=_("Les ressources (outils, guides, études) rassemblées par chantier."),
            keywords=[_("ressources"), _("chantiers")],
            serializer=s.ResourceSerializer,
            queryset=_resources,
            sources=[Resource, Chantier, Organisation],
        ),
        Dataset(
            slug="evenements",
            title=_("Événements"),
            description=_(
                "Les ateliers thématiques, les rencontres territoriales et les autres "
                "événements publiés (les annulés restent, avec leur statut)."
            ),
            keywords=[_("événements"), _("ateliers"), _("rencontres territoriales")],
            serializer=s.EventSerializer,
            queryset=_events,
            sources=[Event, Chantier, Province, Organisation],
            filterset=EventFilter,
            located=True,
        ),
        Dataset(
            slug="facilitateurs",
            title=_("Facilitateurs"),
            description=_(
                "Le catalogue des organisations et services qui aident les projets, par "
                "catégorie d'expertise et province couverte."
            ),
            keywords=[_("expertises"), _("accompagnement")],
            serializer=s.FacilitatorSerializer,
            queryset=_facilitators,
            sources=[Facilitator, Category, Organisation, Province],
            filterset=FacilitatorFilter,
        ),
        Dataset(
            slug="actualites",
            title=_("Actualités"),
            description=_("Les actualités publiées des chantiers et des provinces."),
            keywords=[_("actualités")],
            serializer=s.NewsSerializer,
            queryset=_news,
            sources=[News, Chantier, Province],
            filterset=NewsFilter,
            published_at="published_at",
        ),
        Dataset(
            slug="lettres",
            title=_("Lettres d'information"),
            description=_("Les numéros envoyés de la lettre d'information inter-projets."),
            keywords=[_("lettre d'information")],
            serializer=s.IssueSerializer,
            queryset=_issues,
            sources=[Issue, Section],
        ),
    ]
}


def dataset_get(slug: str) -> Dataset | None:
    return DATASETS.get(slug)


def _has_updated_at(model: type[Model]) -> bool:
    return any(f.name == "updated_at" for f in model._meta.concrete_fields)


def dataset_last_modified(
    dataset: Dataset,
    *,
    now: datetime.datetime | None = None,
    seen: dict[type[Model], datetime.datetime | None] | None = None,
) -> datetime.datetime:
    """When the dataset last changed: the latest ``updated_at`` of every row of its sources
    (whatever their status, so that withdrawing one counts); for sources without that column
    (types, categories) the admin's log, where their changes are made; an admin deletion among
    any of them; a scheduled publication that has come; for datasets that follow the date,
    the last midnight. One query per source with timestamps (``seen`` keeps them across
    datasets), one for the log."""
    now = now or timezone.now()
    seen = {} if seen is None else seen
    moments: list[datetime.datetime] = []
    for model in dataset.sources:
        if not _has_updated_at(model):
            continue
        if model not in seen:
            seen[model] = model._default_manager.aggregate(latest=Max("updated_at"))["latest"]
        if seen[model] is not None:
            moments.append(seen[model])  # type: ignore[arg-type]
    if dataset.published_at:
        latest = dataset.model._default_manager.filter(
            **{f"{dataset.published_at}__lte": now}
        ).aggregate(latest=Max(dataset.published_at))["latest"]
        if latest is not None:
            moments.append(latest)
    types = ContentType.objects.get_for_models(*dataset.sources)
    untimed = [types[model].pk for model in dataset.sources if not _has_updated_at(model)]
    logged = LogEntry.objects.filter(
        Q(content_type_id__in=untimed)
        | Q(content_type_id__in=[t.pk for t in types.values()], action_flag=DELETION)
    ).aggregate(latest=Max("action_time"))["latest"]
    if logged is not None:
        moments.append(logged)
    if dataset.changes_daily:
        local = timezone.localtime(now)
        moments.append(local.replace(hour=0, minute=0, second=0, microsecond=0))
    if not moments:
        return EPOCH
    return max(moments)
