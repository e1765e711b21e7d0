"""The session engine: Django's database sessions, read with a statement compiled once.

Every signed-in request reads its session first; building and compiling that one query cost
the ORM more than SQLite takes to run it (``portal.prepared``). The rows, the table and the
cookie are Django's own: only the read is prepared, with the same rule (a session past its
expiry date is no session). Sessions stay in the database, not in Redis: a session ended
while Redis was down (a sign-out) must not come back from Redis once it answers again.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from portal.prepared import prepared_select


def _session_by_key(session_key: str) -> QuerySet[Session]:
    return Session.objects.filter(session_key=session_key)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        statement = prepared_select("portal.session_by_key", _session_by_key)
        session = statement.get(self.session_key)
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
