"""Factories for provinces."""

from decimal import Decimal

import factory

from territoires.models import Province


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Province {n}")
    slug = factory.Sequence(lambda n: f"province-{n}")
    code = factory.Sequence(lambda n: f"P{n}")
    centre_latitude = Decimal("50.45")
    centre_longitude = Decimal("4.85")
    order = factory.Sequence(lambda n: n)
