"""What expertises does when something happens below it (connected in ``ExpertisesConfig.ready``).

The events app may not import this one; it sends ``events.hooks.event_published`` and the
workshop proposals answer it here, so that every door that publishes an event (the officers'
space, the admin, a script) tells the proposals' authors and supporters.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from events.hooks import event_published
from events.models import Event
from expertises.services import proposal_event_published_notify


@receiver(event_published, dispatch_uid="expertises.proposal_event_published")
def _proposal_event_published(sender: type[Event], event: Event, **kwargs: Any) -> None:
    proposal_event_published_notify(event=event)
