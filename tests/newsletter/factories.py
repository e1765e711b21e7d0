"""Factories for the newsletter: subscribers, issues and their sections."""

import factory
from django.utils import timezone

from newsletter.models import Issue, Section, Subscriber, token_new


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    subject = factory.Sequence(lambda n: f"Lettre {n}")
    slug = factory.Sequence(lambda n: f"lettre-{n}")
    introduction = "Bonjour à toutes et à tous."
    status = Issue.Status.DRAFT

    class Params:
        sent = factory.Trait(
            status=Issue.Status.SENT,
            number=factory.Sequence(lambda n: n + 1),
            sending_started_at=factory.LazyFunction(timezone.now),
            sent_at=factory.LazyFunction(timezone.now),
        )


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    issue = factory.SubFactory(IssueFactory)
    title = factory.Sequence(lambda n: f"Rubrique {n}")
    body = "Un paragraphe avec un [lien](https://example.org)."
    order = factory.Sequence(lambda n: n)


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed subscriber by default (consent given); ``pending=True`` for one awaiting
    confirmation, with a fresh key."""

    class Meta:
        model = Subscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"abonne{n}@example.org")
    status = Subscriber.Status.CONFIRMED
    consent_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Subscriber.Status.CONFIRMED else None
    )
    consent_source = "Page d'inscription"

    class Params:
        pending = factory.Trait(
            status=Subscriber.Status.PENDING,
            confirmation_key=factory.LazyFunction(token_new),
            confirmation_sent_at=factory.LazyFunction(timezone.now),
        )
        unsubscribed = factory.Trait(
            status=Subscriber.Status.UNSUBSCRIBED,
            unsubscribed_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def provinces(self, create, extracted, **kwargs):
        if create and extracted:
            self.provinces.set(extracted)

    @factory.post_generation
    def chantiers(self, create, extracted, **kwargs):
        if create and extracted:
            self.chantiers.set(extracted)
