"""Factories for projects, project types and organisations."""

from decimal import Decimal

import factory

from projets.models import (
    JoinRequest,
    Membership,
    Organisation,
    PisteProposal,
    Project,
    ProjectType,
)
from tests.portal.factories import UserFactory
from tests.territoires.factories import ProvinceFactory


class ProjectTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectType
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Projet {n}")
    slug = factory.Sequence(lambda n: f"projet-{n}")
    summary = factory.Faker("sentence", locale="fr_FR")
    promoters = "Asbl Exemple; Commune d'Exemple"
    province = factory.SubFactory(ProvinceFactory)
    latitude = Decimal("50.46")
    longitude = Decimal("4.87")

    @factory.post_generation
    def types(self, create, extracted, **kwargs):
        if create and extracted:
            self.types.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    """A project leader ("porteur·euse de projet")."""

    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)


class JoinRequestFactory(factory.django.DjangoModelFactory):
    """A pending request to join a project."""

    class Meta:
        model = JoinRequest

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    message = factory.Faker("sentence", locale="fr_FR")


class PisteProposalFactory(factory.django.DjangoModelFactory):
    """A pending proposal of a new piste, by a leader of its project."""

    class Meta:
        model = PisteProposal

    project = factory.SubFactory(ProjectFactory)
    proposed_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Piste proposée {n}")
    description = factory.Faker("sentence", locale="fr_FR")
