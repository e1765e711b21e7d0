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
    # The code column holds 4 characters: 65,536 distinct codes before they repeat.
    code = factory.Sequence(lambda n: f"{n % 65536:04X}")
    centre_latitude = Decimal("50.45")
    centre_longitude = Decimal("4.85")
    order = factory.Sequence(lambda n: n)
