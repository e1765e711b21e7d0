"""Factories for chantiers, their resources, steps, participations and news."""

import datetime

import factory
from django.utils import timezone

from chantiers.models import Chantier, News, Participation, Partnership, Resource, Step
from tests.projets.factories import OrganisationFactory, ProjectFactory


class ChantierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chantier

    title = factory.Sequence(lambda n: f"Chantier {n}")
    slug = factory.Sequence(lambda n: f"chantier-{n}")
    objective = factory.Faker("sentence", locale="fr_FR")
    description = factory.Faker("paragraph", locale="fr_FR")
    order = factory.Sequence(lambda n: n)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    chantier = factory.SubFactory(ChantierFactory)
    title = factory.Sequence(lambda n: f"Ressource {n}")
    description = factory.Faker("sentence", locale="fr_FR")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    chantier = factory.SubFactory(ChantierFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = factory.Faker("sentence", locale="fr_FR")


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    chantier = factory.SubFactory(ChantierFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Étape {n}")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    chantier = factory.SubFactory(ChantierFactory)
    project = factory.SubFactory(ProjectFactory)


class NewsFactory(factory.django.DjangoModelFactory):
    """A published news item (an hour ago); ``published_at=None`` makes a draft."""

    class Meta:
        model = News

    title = factory.Sequence(lambda n: f"Actualité {n}")
    slug = factory.Sequence(lambda n: f"actualite-{n}")
    summary = factory.Faker("sentence", locale="fr_FR")
    body = factory.Faker("paragraph", locale="fr_FR")
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
