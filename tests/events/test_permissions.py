"""Who may see and manage events: every role against every action, for three kinds of event."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from events.models import Event
from events.permissions import (
    can_cancel_event,
    can_copy_event,
    can_create_event,
    can_edit_event,
    can_manage_event,
    can_place_event_in,
    can_publish_event,
    event_actions,
    events_manageable_by,
    events_visible_to,
    is_event_staff,
    provinces_managed_by,
)
from portal.roles import staff_group_ensure
from tests.events.factories import EventFactory
from tests.portal.factories import UserFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "plain", "officer_liege", "officer_namur", "staff")
PLACES = ("liege", "namur", "wallonia")  # an event of Liège, of Namur, and Wallonia-wide
EVENT_ACTIONS = ("view_draft", "view_published", "edit", "publish", "cancel", "copy")

EVERYTHING = frozenset(EVENT_ACTIONS)
PUBLIC_ONLY = frozenset({"view_published"})

# The permission matrix: what each role may do with an event of each place.
MATRIX = {
    "anonymous": {"liege": PUBLIC_ONLY, "namur": PUBLIC_ONLY, "wallonia": PUBLIC_ONLY},
    "plain": {"liege": PUBLIC_ONLY, "namur": PUBLIC_ONLY, "wallonia": PUBLIC_ONLY},
    "officer_liege": {"liege": EVERYTHING, "namur": PUBLIC_ONLY, "wallonia": PUBLIC_ONLY},
    "officer_namur": {"liege": PUBLIC_ONLY, "namur": EVERYTHING, "wallonia": PUBLIC_ONLY},
    "staff": {"liege": EVERYTHING, "namur": EVERYTHING, "wallonia": EVERYTHING},
}
CAN_CREATE = {
    "anonymous": False,
    "plain": False,
    "officer_liege": True,
    "officer_namur": True,
    "staff": True,
}


@pytest.fixture
def provinces():
    return {
        "liege": ProvinceFactory(name="Liège", slug="liege", code="LG"),
        "namur": ProvinceFactory(name="Namur", slug="namur", code="NA"),
        "wallonia": None,
    }


def make_staff(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(staff_group_ensure())
    return user


@pytest.fixture
def people(provinces):
    officer_liege = UserFactory(email="liege@example.org")
    provinces["liege"].officers.add(officer_liege)
    officer_namur = UserFactory(email="namur@example.org")
    provinces["namur"].officers.add(officer_namur)
    return {
        "anonymous": AnonymousUser(),
        "plain": UserFactory(email="plain@example.org"),
        "officer_liege": officer_liege,
        "officer_namur": officer_namur,
        "staff": make_staff(email="staff@example.org"),
    }


def allowed(user, action, province):
    """Ask the permission functions, on a fresh event of the state the action needs."""
    if action == "view_draft":
        event = EventFactory(province=province, status=Event.Status.DRAFT)
        return events_visible_to(user).filter(pk=event.pk).exists()
    if action == "view_published":
        event = EventFactory(province=province, status=Event.Status.PUBLISHED)
        return events_visible_to(user).filter(pk=event.pk).exists()
    if action == "edit":
        draft = EventFactory(province=province, status=Event.Status.DRAFT)
        published = EventFactory(province=province, status=Event.Status.PUBLISHED)
        answers = {can_edit_event(user, draft), can_edit_event(user, published)}
        assert len(answers) == 1, "editing must not depend on the status"
        return answers.pop()
    if action == "publish":
        return can_publish_event(user, EventFactory(province=province, status="draft"))
    if action == "cancel":
        return can_cancel_event(user, EventFactory(province=province, status="published"))
    if action == "copy":
        return can_copy_event(user, EventFactory(province=province, status="published"))
    raise AssertionError(action)


@pytest.mark.parametrize("action", EVENT_ACTIONS)
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(people, provinces, role, place, action):
    expected = action in MATRIX[role][place]

    assert allowed(people[role], action, provinces[place]) is expected


@pytest.mark.parametrize("role", ROLES)
def test_who_may_create(people, role):
    assert can_create_event(people[role]) is CAN_CREATE[role]


@pytest.mark.parametrize(
    ("role", "places"),
    [
        ("anonymous", set()),
        ("plain", set()),
        ("officer_liege", {"liege"}),
        ("officer_namur", {"namur"}),
        ("staff", {"liege", "namur", "wallonia"}),
    ],
)
def test_where_each_role_may_place_an_event(people, provinces, role, places):
    for place in PLACES:
        assert can_place_event_in(people[role], provinces[place]) is (place in places), place
    expected = {slug for slug in places if slug != "wallonia"}
    assert {p.slug for p in provinces_managed_by(people[role])} == expected


@pytest.mark.parametrize("role", ROLES)
def test_can_manage_agrees_with_the_manageable_queryset(people, provinces, role):
    user = people[role]
    events = [
        EventFactory(province=provinces[place], status=status)
        for place in PLACES
        for status in Event.Status.values
    ]
    manageable = set(events_manageable_by(user).values_list("pk", flat=True))

    for event in events:
        assert can_manage_event(user, event) is (event.pk in manageable)


def test_state_rules_for_someone_who_manages_the_event(people, provinces):
    officer = people["officer_liege"]
    liege = provinces["liege"]
    past = EventFactory(province=liege, start=timezone.now() - datetime.timedelta(days=3))
    cancelled = EventFactory(province=liege, status="cancelled")
    published = EventFactory(province=liege, status="published")

    assert not can_publish_event(officer, published)
    assert not can_publish_event(officer, cancelled)
    assert not can_cancel_event(officer, past)
    assert not can_cancel_event(officer, cancelled)
    assert can_edit_event(officer, cancelled)
    assert can_copy_event(officer, cancelled)
    assert event_actions(officer, cancelled).any
    assert not event_actions(people["officer_namur"], published).any


def test_staff_means_the_group_not_the_flag_alone(provinces):
    flag_only = UserFactory(is_staff=True)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    inactive = make_staff(is_active=False)

    assert not is_event_staff(flag_only)
    assert not can_create_event(flag_only)
    assert is_event_staff(superuser)
    assert not is_event_staff(inactive)


def test_staff_may_create_even_before_any_province_exists():
    assert can_create_event(make_staff())


def test_officer_of_two_provinces_manages_both(provinces):
    officer = UserFactory()
    provinces["liege"].officers.add(officer)
    provinces["namur"].officers.add(officer)

    assert can_manage_event(officer, EventFactory(province=provinces["liege"]))
    assert can_manage_event(officer, EventFactory(province=provinces["namur"]))
    assert not can_manage_event(officer, EventFactory(province=None))


def test_a_public_event_is_listed_once_whatever_the_number_of_officers(people, provinces):
    provinces["namur"].officers.add(UserFactory(), UserFactory())
    event = EventFactory(province=provinces["namur"], status="published")

    assert list(events_visible_to(people["officer_liege"]).filter(pk=event.pk)) == [event]
    assert events_visible_to(people["officer_namur"]).filter(pk=event.pk).count() == 1


def test_the_buttons_of_many_events_cost_one_query(people, provinces, django_assert_num_queries):
    officer = people["officer_liege"]
    events = [EventFactory(province=provinces["liege"]) for _ in range(5)]

    with django_assert_num_queries(1):  # the provinces the officer follows, once
        for event in events:
            event_actions(officer, event)
