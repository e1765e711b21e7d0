"""The session engine: Django's database sessions, read with a statement compiled once, and
with the person they belong to in the same statement once the process has seen them.

Every signed-in request reads its session first; building and compiling that one query cost
the ORM more than SQLite takes to run it (``portal.prepared``). The rows, the table and the
cookie are Django's own: only the read is prepared, with the same rule (a session past its
expiry date is no session). Sessions stay in the database, not in Redis: a session ended
while Redis was down (a sign-out) must not come back from Redis once it answers again.

The person's id is inside the session's signed data, which SQL cannot read; but a session
key belongs to one person for its whole life (signing in gives a new key, signing out deletes
the row). So the process remembers whose each session was (``_owners``, a guess only), and
the next request reads the session and that person's row in one statement. The guess is
checked as Django checks every session: ``django.contrib.auth.get_user`` asks for the id the
session holds (``User.objects.get(pk=…)`` is handed the joined row only when the ids match),
tests the account is active and the password hash unchanged; a wrong or stale guess costs
the usual second query, nothing else.
"""

from __future__ import annotations

from typing import Any

from django.contrib import auth
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from portal.models import User, joined_user
from portal.prepared import prepared_select

# Session key -> the id of the person it was last seen signed in: at most this many, then
# forgotten all at once (each is only a guess, re-read and checked).
OWNERS_KEPT = 10_000
_owners: dict[str, int] = {}


def _session_by_key(session_key: str) -> QuerySet[Session]:
    return Session.objects.filter(session_key=session_key)


def _user_with_session(pk: int, session_key: str) -> QuerySet[User]:
    session = Session.objects.filter(session_key=session_key)
    return (
        User._default_manager.get_queryset()
        .filter(pk=pk)
        .order_by()  # one row: the model's ordering would only add a sort
        .annotate(
            joined_session_data=Subquery(session.values("session_data")[:1]),
            joined_expire_date=Subquery(session.values("expire_date")[:1]),
        )
    )


class SessionStore(db.SessionStore):
    joined_user: User | None = None

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        owner = _owners.get(key) if key else None
        if key and owner is not None:
            joined = prepared_select("portal.user_with_session", _user_with_session)
            user = joined.get(owner, key)
            if user is not None:  # else the person is gone: the session alone, below
                data: Any = user.__dict__.pop("joined_session_data")
                expire_date: Any = user.__dict__.pop("joined_expire_date")
                if data is None or expire_date <= timezone.now():
                    self._session_key = None
                    return None
                self.joined_user = user
                return Session(session_key=key, session_data=data, expire_date=expire_date)
        statement = prepared_select("portal.session_by_key", _session_by_key)
        session = statement.get(self.session_key)
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session


def request_user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    """``django.contrib.auth.get_user``, handed the row read with the session if any; then
    remembers whose the session is, for its next request."""
    session = request.session
    signed_in = auth.SESSION_KEY in session  # loads the session (and the person, if joined)
    token = joined_user.set(getattr(session, "joined_user", None) if signed_in else None)
    try:
        user = auth.get_user(request)
    finally:
        joined_user.reset(token)
    key = session.session_key
    if user.is_authenticated and key:
        if len(_owners) >= OWNERS_KEPT:
            _owners.clear()
        _owners[key] = user.pk
    return user


def _cached_user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    if not hasattr(request, "_cached_user"):
        request._cached_user = request_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, with ``request.user`` from ``request_user`` (``request.auser`` unchanged)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))  # type: ignore[assignment]
