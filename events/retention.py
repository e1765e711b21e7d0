"""How long registrations keep what people write about themselves.

A registration's remarks hold what organisers need to welcome the person (diet, accessibility):
health data, needed until the event and shortly after (a question from the caterer, a
complaint), then of no use. ``registration_remarks_erase`` blanks them ``REMARKS_KEPT_DAYS``
after the event has ended; a daily beat task runs it (portal/celery.py), and the privacy page
says so. The registration itself (who came to what) stays as long as the account.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from events.models import Registration

REMARKS_KEPT_DAYS = 30


@transaction.atomic
def registration_remarks_erase(*, now: datetime.datetime | None = None) -> int:
    """Blank the remarks of registrations to events that ended more than ``REMARKS_KEPT_DAYS``
    ago (an event without an end: its start); returns how many. Running it twice changes
    nothing more: the second run finds no remark left."""
    before = (now or timezone.now()) - datetime.timedelta(days=REMARKS_KEPT_DAYS)
    ended = Q(event__end__lt=before) | Q(event__end__isnull=True, event__start__lt=before)
    return Registration.objects.filter(ended).exclude(remarks="").update(remarks="")
