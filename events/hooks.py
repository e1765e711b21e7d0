"""Signals the events app sends for the apps above it, which may not be imported from here.

``event_published`` is sent by ``events.services.event_publish`` — whatever the door (the
officers' space, the admin's form through ``event_save``, a script) — inside its transaction,
once the row is saved as published: a receiver's outbox messages commit, or roll back, with the
publication. Receivers are connected in their own ``AppConfig.ready`` (the proposals' authors
and supporters are told by ``expertises.receivers``). Arguments: ``event`` (the published
``Event``) and ``user`` (who published it).
"""

from __future__ import annotations

from django.dispatch import Signal

event_published = Signal()
