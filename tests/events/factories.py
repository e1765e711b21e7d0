"""Factories for events."""

import datetime

import factory
from django.utils import timezone

from events.models import Event


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Rencontre {n}")
    slug = factory.Sequence(lambda n: f"rencontre-{n}")
    kind = Event.Kind.TERRITORIAL_MEETING
    status = Event.Status.PUBLISHED
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=3))
    venue = "Salle communale"
    address = "Rue de l'Exemple 1, 5000 Namur"
