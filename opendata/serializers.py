"""What each dataset publishes of a row: public fields only, the same in the API and downloads.

Left out on purpose, although some pages show them: email addresses, phone numbers and
contact names (personal data: a page showing them is no licence to republish them), online
meeting links, who wrote or created a row, registrations and seat counts, subscribers.
References to the shared vocabularies (provinces, chantiers, types, categories) are their
slugs, as in the filters; ``id`` is the stable identifier of a row.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from chantiers.models import Chantier, News, Participation, Resource, Step
from events.models import Event
from expertises.models import Facilitator
from newsletter.models import Issue, Section
from opendata.fields import PageUrlField, PublicEventIdField
from projets.models import Project
from territoires.models import Province


def _slugs(**kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="slug", read_only=True, **kwargs)


class ProvinceSerializer(serializers.ModelSerializer):
    url = PageUrlField()

    class Meta:
        model = Province
        fields = [
            "id",
            "slug",
            "name",
            "code",
            "description",
            "centre_latitude",
            "centre_longitude",
            "url",
            "updated_at",
        ]


class ProjectParticipationSerializer(serializers.ModelSerializer):
    chantier = _slugs(help_text=_("Slug du chantier."))

    class Meta:
        model = Participation
        fields = ["chantier", "role"]


class ProjectSerializer(serializers.ModelSerializer):
    province = _slugs(
        allow_null=True, help_text=_("Slug de la province ; vide : toute la Wallonie.")
    )
    types = _slugs(many=True, help_text=_("Slugs des types de projet."))
    promoters = serializers.ListField(
        child=serializers.CharField(),
        source="promoter_list",
        read_only=True,
        label=_("porteurs"),
        help_text=_("Les organisations qui portent le projet."),
    )
    partners: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="name",
        many=True,
        read_only=True,
        label=_("partenaires"),
        help_text=_("Noms des organisations partenaires."),
    )
    status = serializers.ChoiceField(
        choices=[
            (Project.Status.ONGOING, Project.Status.ONGOING.label),
            (Project.Status.COMPLETED, Project.Status.COMPLETED.label),
        ],
        read_only=True,
        label=_("statut"),
        help_text=_("Les projets retirés ne sont pas publiés."),
    )
    chantiers = ProjectParticipationSerializer(
        source="participations",
        many=True,
        read_only=True,
        label=_("chantiers"),
        help_text=_("Les chantiers auxquels le projet prend part, avec son rôle."),
    )
    url = PageUrlField()

    class Meta:
        model = Project
        fields = [
            "id",
            "slug",
            "name",
            "summary",
            "description",
            "promoters",
            "province",
            "communes",
            "types",
            "partners",
            "chantiers",
            "website",
            "status",
            "is_confirmed",
            "source",
            "latitude",
            "longitude",
            "location_is_approximate",
            "url",
            "created_at",
            "updated_at",
        ]


class StepSerializer(serializers.ModelSerializer):
    """Every field of a step, whatever the model holds (the échéancier is evolving), except
    the event, given only when public; and the status the pages show."""

    chantier = _slugs(help_text=_("Slug du chantier."))
    event = PublicEventIdField(
        label=_("événement"), help_text=_("Id de l'événement public qui réalise cette étape.")
    )
    status = serializers.CharField(
        read_only=True, label=_("statut"), help_text=_("Le statut affiché sur le site.")
    )
    url = PageUrlField()

    class Meta:
        model = Step
        exclude: list[str] = []


class ResourceSerializer(serializers.ModelSerializer):
    chantier = _slugs(help_text=_("Slug du chantier."))
    provider: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="name",
        read_only=True,
        allow_null=True,
        label=_("proposée par"),
        help_text=_("Nom de l'organisation qui propose la ressource."),
    )

    class Meta:
        model = Resource
        fields = [
            "id",
            "chantier",
            "title",
            "description",
            "provider",
            "url",
            "order",
            "updated_at",
        ]


class ChantierProjectSerializer(serializers.ModelSerializer):
    project: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True, label=_("projet"), help_text=_("Id du projet.")
    )

    class Meta:
        model = Participation
        fields = ["project", "role"]


class ChantierSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True, label=_("étapes"))
    resources = ResourceSerializer(many=True, read_only=True, label=_("ressources"))
    projects = ChantierProjectSerializer(
        source="public_participations",
        many=True,
        read_only=True,
        label=_("projets"),
        help_text=_("Les projets qui y prennent part, avec leur rôle."),
    )
    url = PageUrlField()

    class Meta:
        model = Chantier
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "objective",
            "description",
            "status",
            "order",
            "steps",
            "resources",
            "projects",
            "url",
            "created_at",
            "updated_at",
        ]


class EventSerializer(serializers.ModelSerializer):
    chantier = _slugs(allow_null=True, help_text=_("Slug du chantier."))
    province = _slugs(
        allow_null=True, help_text=_("Slug de la province ; vide : toute la Wallonie.")
    )
    organiser: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="name",
        read_only=True,
        allow_null=True,
        label=_("organisateur"),
        help_text=_("Nom de l'organisation qui organise l'événement."),
    )
    status = serializers.ChoiceField(
        choices=[
            (Event.Status.PUBLISHED, Event.Status.PUBLISHED.label),
            (Event.Status.CANCELLED, Event.Status.CANCELLED.label),
        ],
        read_only=True,
        label=_("statut"),
        help_text=_("Les brouillons ne sont pas publiés ; un événement annulé le reste."),
    )
    is_online = serializers.BooleanField(
        read_only=True, label=_("en ligne"), help_text=_("Vrai quand l'événement a lieu en ligne.")
    )
    url = PageUrlField()

    class Meta:
        model = Event
        fields = [
            "id",
            "slug",
            "title",
            "kind",
            "status",
            "chantier",
            "province",
            "start",
            "end",
            "time_to_be_confirmed",
            "venue",
            "address",
            "is_online",
            "latitude",
            "longitude",
            "summary",
            "description",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "organiser",
            "url",
            "created_at",
            "updated_at",
        ]


class FacilitatorSerializer(serializers.ModelSerializer):
    organisation = serializers.SerializerMethodField(
        label=_("organisation"), help_text=_("Nom de l'organisation qui propose le service.")
    )
    categories = _slugs(many=True, help_text=_("Slugs des catégories d'expertise."))
    provinces = _slugs(many=True, help_text=_("Slugs des provinces couvertes."))
    links = serializers.ListField(
        child=serializers.URLField(),
        source="link_list",
        read_only=True,
        label=_("autres liens"),
    )
    url = PageUrlField()

    class Meta:
        model = Facilitator
        fields = [
            "id",
            "slug",
            "name",
            "organisation",
            "offer",
            "categories",
            "covers_all_wallonia",
            "provinces",
            "audience",
            "cost",
            "website",
            "links",
            "last_reviewed",
            "url",
            "created_at",
            "updated_at",
        ]

    def get_organisation(self, facilitator: Facilitator) -> str:
        if facilitator.organisation is not None:
            return facilitator.organisation.name
        return facilitator.organisation_name


class NewsSerializer(serializers.ModelSerializer):
    chantier = _slugs(allow_null=True, help_text=_("Slug du chantier."))
    province = _slugs(
        allow_null=True, help_text=_("Slug de la province ; vide : toute la Wallonie.")
    )
    url = PageUrlField()

    class Meta:
        model = News
        fields = [
            "id",
            "slug",
            "title",
            "chantier",
            "province",
            "summary",
            "body",
            "published_at",
            "url",
            "created_at",
            "updated_at",
        ]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["title", "body", "order"]


class IssueSerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True, read_only=True, label=_("rubriques"))
    url = PageUrlField()

    class Meta:
        model = Issue
        fields = [
            "id",
            "number",
            "slug",
            "subject",
            "introduction",
            "sections",
            "sent_at",
            "url",
            "created_at",
            "updated_at",
        ]
