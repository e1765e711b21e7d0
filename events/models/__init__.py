"""The models of events: the events themselves, their registrations, and the secret
addresses of private calendar feeds; each module's public names are re-exported here."""

from events.models.calendar_tokens import CalendarFeedToken as CalendarFeedToken
from events.models.calendar_tokens import calendar_feed_token_new as calendar_feed_token_new
from events.models.events import Event as Event
from events.models.events import EventQuerySet as EventQuerySet
from events.models.registrations import Registration as Registration
from events.models.registrations import RegistrationQuerySet as RegistrationQuerySet
from events.models.slugs import EventFormerSlug as EventFormerSlug
