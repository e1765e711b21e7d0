"""Factories for the expertise catalogue."""

import factory

from expertises.models import Category, Facilitator


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Catégorie {n}")
    slug = factory.Sequence(lambda n: f"categorie-{n}")
    order = factory.Sequence(lambda n: 100 + n)


class FacilitatorFactory(factory.django.DjangoModelFactory):
    """A published facilitator; ``categories=[…]`` and ``provinces=[…]`` set its relations."""

    class Meta:
        model = Facilitator
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    organisation_name = "Asbl Exemple"
    offer = factory.Faker("paragraph", locale="fr_FR")

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def provinces(self, create, extracted, **kwargs):
        if create and extracted:
            self.provinces.set(extracted)


# Needs, offers and workshop proposals (models named by label: this block imports nothing).


class NeedFactory(factory.django.DjangoModelFactory):
    """An open need of a project, in the project's province."""

    class Meta:
        model = "expertises.Need"

    project = factory.SubFactory("tests.projets.factories.ProjectFactory")
    category = factory.SubFactory(CategoryFactory)
    province = factory.SelfAttribute("project.province")
    description = factory.Faker("paragraph", locale="fr_FR")


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "expertises.Offer"

    project = factory.SubFactory("tests.projets.factories.ProjectFactory")
    category = factory.SubFactory(CategoryFactory)
    description = factory.Faker("paragraph", locale="fr_FR")


class WorkshopProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "expertises.WorkshopProposal"

    title = factory.Sequence(lambda n: f"Atelier proposé {n}")
    description = factory.Faker("paragraph", locale="fr_FR")
    proposed_by = factory.SubFactory("tests.portal.factories.UserFactory")
