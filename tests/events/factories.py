"""Factories for events."""

import datetime

import factory
from django.db.models import F
from django.utils import timezone

from events.models import Event, Registration


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


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A row as the services leave it: a confirmed one takes a seat (``Event.seats_taken``),
    beyond the capacity the database refuses it. ``registration_create`` checks the rules."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory("tests.portal.factories.UserFactory")
    organisation = "Asbl Exemple"
    status = Registration.Status.CONFIRMED
    waiting_since = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Registration.Status.WAITING else None
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        registration = super()._create(model_class, *args, **kwargs)
        if registration.status == Registration.Status.CONFIRMED:
            Event.objects.filter(pk=registration.event_id).update(seats_taken=F("seats_taken") + 1)
            registration.event.refresh_from_db(fields=["seats_taken"])
        return registration
