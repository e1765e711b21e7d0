"""App configuration for events."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Événements")

    def ready(self) -> None:
        from events import (  # noqa: F401
            email_renderers,  # registers the event emails' renderers with portal.mail
            signals,  # connects the deletion receivers
        )
        from events.page_times import next_event_change
        from portal.page_cache import time_boundary_register

        time_boundary_register(next_event_change)
