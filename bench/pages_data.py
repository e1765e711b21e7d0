"""The data side of bench/pages.py, run inside the portal (``manage.py shell -c``): the
signed-in visitor and their session, the query counts and sizes of the key pages, and the
growth of the seed to 100 times its rows with bulk inserts."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chantiers.models import Participation, Resource, Step
from events.models import Event, Registration
from expertises.models import Category, Facilitator
from portal import page_cache
from portal.models import User
from portal.signals import rows_changed
from projets.models import Membership, Project
from territoires.models import Province

EMAIL = "bench-pages@example.org"


def setup() -> None:
    """A project leader registered to two meetings, signed in: prints the session key."""
    user, _ = User.objects.get_or_create(
        email=EMAIL, defaults={"first_name": "Banc", "last_name": "Essai"}
    )
    project = Project.objects.order_by("pk").first()
    Membership.objects.get_or_create(project=project, user=user)
    for event in Event.objects.order_by("pk")[:2]:
        Registration.objects.get_or_create(event=event, user=user, defaults={"project": project})
    # The seed's catalogue is empty: three entries, so that the "Recueil d'expertises" page
    # is measured with its glimpse of the catalogue (and grown with it).
    categories, provinces = list(Category.objects.all()), list(Province.objects.all())
    for n in range(3):
        facilitator, _ = Facilitator.objects.get_or_create(
            slug=f"banc-facilitateur-{n}",
            defaults={
                "name": f"Service d'essai {n}",
                "offer": "Un accompagnement.",
                "cost": "free",
            },
        )
        facilitator.categories.set(categories[n : n + 2])
        facilitator.provinces.set(provinces[n : n + 2])
    rows_changed.send(sender=Facilitator)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(session.session_key)


def measure(pages: dict[str, str], signed_in: dict[str, str], session_key: str, host: str) -> None:
    """Queries and bytes of each page (by name) built afresh (a cache miss), as JSON: the
    queries of one miss, without the two of the next change by time (once per version)."""
    anonymous = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="fr")
    person = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="fr")
    person.cookies[settings.SESSION_COOKIE_NAME] = session_key
    result: dict[str, Any] = {}
    for name, page in {**pages, **signed_in}.items():
        client = person if name in signed_in else anonymous
        client.get(page, secure=True)
        page_cache.version_bump()
        # The next change by time is computed once per content version, by the first miss
        # after a write (two queries), then kept: computed here beforehand, as for every other
        # miss (tests/querycount.py counts the same way).
        page_cache.next_change(timezone.now())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page, secure=True)
        assert response.status_code == 200, (page, response.status_code)
        result[name] = {"queries": len(queries.captured_queries), "bytes": len(response.content)}
    print(json.dumps(result))


def _clone(rows: list[Any], times: int, change: Any) -> list[Any]:
    clones = []
    for i in range(1, times):
        for row in rows:
            copy = type(row).objects.model(
                **{f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
            )
            copy.pk = None
            change(copy, row, i)
            clones.append(copy)
    return clones


@transaction.atomic
def grow(times: int = 100) -> None:
    """Every public list ``times`` as long: projects (with types and chantiers), events,
    steps, resources, facilitators (with provinces and categories), and the signed-in
    visitor's registrations and projects. Bulk inserts, then ``rows_changed``."""
    user = User.objects.get(email=EMAIL)

    projects = list(Project.objects.all())

    def project(copy: Project, row: Project, i: int) -> None:
        copy.slug = f"{row.slug}-{i}"
        copy.name = f"{row.name} ({i})"

    new_projects = Project.objects.bulk_create(_clone(projects, times, project), batch_size=2000)
    by_origin: dict[int, list[Project]] = {}
    for index, copy in enumerate(new_projects):
        by_origin.setdefault(projects[index % len(projects)].pk, []).append(copy)
    through = Project.types.through
    links = [
        through(project_id=copy.pk, projecttype_id=link.projecttype_id)
        for link in through.objects.all()
        for copy in by_origin.get(link.project_id, [])
    ]
    through.objects.bulk_create(links, batch_size=2000)
    participations = [
        Participation(chantier_id=p.chantier_id, project_id=copy.pk, role=p.role)
        for p in Participation.objects.all()
        for copy in by_origin.get(p.project_id, [])
    ]
    Participation.objects.bulk_create(participations, batch_size=2000)

    events = list(Event.objects.all())

    def event(copy: Event, row: Event, i: int) -> None:
        copy.slug = f"{row.slug}-{i}"
        copy.title = f"{row.title} ({i})"
        shift = datetime.timedelta(days=7 * i)
        copy.start = row.start + shift
        copy.end = row.end + shift if row.end else None
        copy.seats_taken = 0

    new_events = Event.objects.bulk_create(_clone(events, times, event), batch_size=2000)

    steps = list(Step.objects.all())

    def step(copy: Step, row: Step, i: int) -> None:
        copy.order = row.order + 100 * i
        copy.event_id = None  # an event carries its own step, not a hundred copies of it
        copy.title = f"{row.title} ({i})"

    Step.objects.bulk_create(_clone(steps, times, step), batch_size=2000)

    def resource(copy: Resource, row: Resource, i: int) -> None:
        copy.title = f"{row.title} ({i})"

    Resource.objects.bulk_create(
        _clone(list(Resource.objects.all()), times, resource), batch_size=2000
    )

    facilitators = list(Facilitator.objects.all())

    def facilitator(copy: Facilitator, row: Facilitator, i: int) -> None:
        copy.slug = f"{row.slug}-{i}"
        copy.name = f"{row.name} ({i})"

    new_facilitators = Facilitator.objects.bulk_create(
        _clone(facilitators, times, facilitator), batch_size=2000
    )
    copies: dict[int, list[Facilitator]] = {}
    for index, copy in enumerate(new_facilitators):
        copies.setdefault(facilitators[index % len(facilitators)].pk, []).append(copy)
    for relation in (Facilitator.provinces.through, Facilitator.categories.through):
        other = next(
            f.attname
            for f in relation._meta.concrete_fields
            if f.attname not in ("id", "facilitator_id")
        )
        relation.objects.bulk_create(
            [
                relation(facilitator_id=copy.pk, **{other: getattr(link, other)})
                for link in relation.objects.all()
                for copy in copies.get(link.facilitator_id, [])
            ],
            batch_size=2000,
        )

    mine = Registration.objects.filter(user=user).count()
    Registration.objects.bulk_create(
        [Registration(event=e, user=user) for e in new_events[: mine * (times - 1)]],
        batch_size=2000,
    )
    led = Membership.objects.filter(user=user).count()
    Membership.objects.bulk_create(
        [Membership(project=p, user=user) for p in new_projects[: led * (times - 1)]],
        batch_size=2000,
    )
    for model in (Project, Participation, Event, Step, Resource, Facilitator, Registration):
        rows_changed.send(sender=model)
    print(
        json.dumps(
            {
                "projects": Project.objects.count(),
                "events": Event.objects.count(),
                "steps": Step.objects.count(),
                "facilitators": Facilitator.objects.count(),
                "registrations": Registration.objects.filter(user=user).count(),
            }
        )
    )
