"""Factories for site-wide models."""

import factory

from portal.models import ImportUpload, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_BE")
    last_name = factory.Faker("last_name", locale="fr_BE")
    password = factory.django.Password("correct horse battery staple")


class ImportUploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportUpload

    user = factory.SubFactory(UserFactory, is_staff=True)
    import_label = "projets.project"
    name = "projets.csv"
    file_format = "csv"
    data = b"nom,province,porteurs,source\nA,Namur,,s\n"
