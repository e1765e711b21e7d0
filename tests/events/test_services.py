"""Writes on events: permissions checked by each service, state rules, history of who did what."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events.models import Event
from events.services import (
    event_cancel,
    event_copy,
    event_create,
    event_publish,
    event_update,
)
from tests.chantiers.factories import ChantierFactory
from tests.events.factories import EventFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
START = datetime.datetime(2030, 6, 12, 14, 0, tzinfo=BRUSSELS)


def data(province, **overrides):
    values = {
        "title": "Rencontre territoriale de Liège",
        "kind": Event.Kind.TERRITORIAL_MEETING,
        "province": province,
        "chantier": None,
        "start": START,
        "end": START + datetime.timedelta(hours=3),
        "time_to_be_confirmed": False,
        "venue": "Salle des fêtes",
        "address": "Place du Marché 1, 4000 Liège",
        "online_url": "",
        "latitude": None,
        "longitude": None,
        "summary": "",
        "description": "",
        "capacity": None,
        "registration_opens_at": None,
        "registration_closes_at": None,
    }
    values.update(overrides)
    return values


def last_history(event):
    return event.history.order_by("-history_id").first()


# --- create ------------------------------------------------------------------------------------


def test_create_makes_a_draft_with_author_slug_and_history(officer, liege):
    event = event_create(user=officer, data=data(liege))

    assert event.status == Event.Status.DRAFT
    assert event.created_by == officer
    assert event.slug == "rencontre-territoriale-de-liege-2030-06-12"
    record = last_history(event)
    assert record.history_type == "+"
    assert record.history_user == officer
    assert record.history_change_reason == "Création"


def test_create_gives_a_new_slug_to_the_same_title_and_date(officer, liege):
    first = event_create(user=officer, data=data(liege))
    second = event_create(user=officer, data=data(liege))

    assert second.slug == f"{first.slug}-2"


def test_create_without_a_place_is_allowed_for_a_draft(officer, liege):
    event = event_create(user=officer, data=data(liege, venue="", address=""))

    assert event.status == Event.Status.DRAFT


def test_nobody_outside_the_provinces_creates(liege):
    with pytest.raises(PermissionDenied):
        event_create(user=UserFactory(), data=data(liege))
    assert not Event.objects.exists()


def test_an_officer_creates_only_in_their_provinces(officer, namur):
    with pytest.raises(ValidationError) as excinfo:
        event_create(user=officer, data=data(namur))
    assert excinfo.value.message_dict == {
        "province": ["Vous ne gérez pas les événements de cette province."]
    }

    with pytest.raises(ValidationError) as excinfo:
        event_create(user=officer, data=data(None))
    assert excinfo.value.message_dict == {"province": ["Choisissez la province de l'événement."]}
    assert not Event.objects.exists()


def test_staff_creates_a_wallonia_wide_event(staff):
    event = event_create(user=staff, data=data(None))

    assert event.province is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end": START - datetime.timedelta(hours=1)}, "end"),
        ({"capacity": 0}, "capacity"),
        ({"registration_closes_at": START + datetime.timedelta(hours=1)}, "registration_closes_at"),
        ({"description": "x" * 10_001}, "description"),
        ({"title": "T" * 201}, "title"),
        ({"latitude": Decimal("50.85034"), "longitude": Decimal("4.35171")}, "latitude"),
    ],
)
def test_create_refuses_what_the_model_refuses(officer, liege, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        event_create(user=officer, data=data(liege, **overrides))

    assert field in excinfo.value.message_dict
    assert not Event.objects.exists()


def test_only_staff_may_confirm_a_point_outside_wallonia(officer, staff, liege):
    brussels = {"latitude": Decimal("50.85034"), "longitude": Decimal("4.35171")}

    with pytest.raises(ValidationError):
        event_create(user=officer, data=data(liege, **brussels, confirm_outside_wallonia=True))
    with pytest.raises(ValidationError):
        event_create(user=staff, data=data(liege, **brussels))
    event = event_create(user=staff, data=data(liege, **brussels, confirm_outside_wallonia=True))

    assert event.latitude == Decimal("50.85034")


# --- update ------------------------------------------------------------------------------------


def test_update_changes_the_fields_and_the_slug_not_the_status(officer, liege):
    event = EventFactory(province=liege, status="published", slug="avant")
    chantier = ChantierFactory()

    updated = event_update(
        user=officer,
        event=event,
        data=data(liege, title="Nouveau titre", chantier=chantier, capacity=30),
    )

    event.refresh_from_db()
    assert updated == event
    assert (event.title, event.chantier, event.capacity) == ("Nouveau titre", chantier, 30)
    # A new title, a new address; the old one is kept (it redirects).
    assert event.slug.startswith("nouveau-titre-")
    assert event.status == Event.Status.PUBLISHED
    assert list(event.former_slugs.values_list("slug", flat=True)) == ["avant"]
    record = last_history(event)
    assert (record.history_user, record.history_change_reason) == (officer, "Modification")


def test_update_of_another_provinces_event_is_refused(officer, namur):
    event = EventFactory(province=namur, title="Namur")

    with pytest.raises(PermissionDenied):
        event_update(user=officer, event=event, data=data(namur, title="Piraté"))

    event.refresh_from_db()
    assert event.title == "Namur"


def test_update_checks_the_stored_province_not_the_object_passed(officer, namur, liege):
    event = EventFactory(province=namur, title="Namur")
    event.province = liege  # as a form bound to the event would have done

    with pytest.raises(PermissionDenied):
        event_update(user=officer, event=event, data=data(liege, title="Piraté"))

    event.refresh_from_db()
    assert (event.title, event.province) == ("Namur", namur)


def test_update_cannot_move_an_event_to_a_province_one_does_not_follow(officer, liege, namur):
    event = EventFactory(province=liege)

    with pytest.raises(ValidationError) as excinfo:
        event_update(user=officer, event=event, data=data(namur))

    assert "province" in excinfo.value.message_dict
    event.refresh_from_db()
    assert event.province == liege


def test_a_published_event_must_keep_a_place(officer, liege):
    event = EventFactory(province=liege, status="published")

    with pytest.raises(ValidationError) as excinfo:
        event_update(user=officer, event=event, data=data(liege, venue="", address=""))

    assert "venue" in excinfo.value.message_dict
    online = event_update(
        user=officer,
        event=event,
        data=data(liege, venue="", address="", online_url="https://visio.example.org/r"),
    )
    assert online.online_url == "https://visio.example.org/r"


# --- publish -----------------------------------------------------------------------------------


def test_publish_a_draft(officer, liege):
    event = EventFactory(province=liege, status="draft")

    published = event_publish(user=officer, event=event)

    assert published.status == Event.Status.PUBLISHED
    assert Event.objects.public().filter(pk=event.pk).exists()
    record = last_history(event)
    assert (record.history_user, record.history_change_reason) == (officer, "Publication")
    assert record.status == Event.Status.PUBLISHED


def test_publish_twice_is_refused(officer, liege):
    event = EventFactory(province=liege, status="draft")
    event_publish(user=officer, event=event)

    with pytest.raises(ValidationError, match="déjà publié"):
        event_publish(user=officer, event=event)
    assert event.history.count() == 2


def test_a_cancelled_event_is_not_published_again(officer, liege):
    event = EventFactory(province=liege, status="cancelled")

    with pytest.raises(ValidationError, match="copiez-le"):
        event_publish(user=officer, event=event)


def test_publish_without_any_place_is_refused(officer, liege):
    event = EventFactory(province=liege, status="draft", venue="", address="", online_url="")

    with pytest.raises(ValidationError) as excinfo:
        event_publish(user=officer, event=event)

    assert excinfo.value.messages == ["Indiquez un lieu ou un lien en ligne avant de publier."]
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_an_online_only_event_may_be_published(officer, liege):
    event = EventFactory(
        province=liege, status="draft", venue="", address="", online_url="https://v.example.org"
    )

    assert event_publish(user=officer, event=event).status == Event.Status.PUBLISHED


def test_publish_by_another_provinces_officer_is_refused(namur_officer, liege):
    event = EventFactory(province=liege, status="draft")

    with pytest.raises(PermissionDenied):
        event_publish(user=namur_officer, event=event)

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


# --- cancel ------------------------------------------------------------------------------------


def test_cancel_a_published_event(officer, liege):
    event = EventFactory(province=liege, status="published")

    cancelled = event_cancel(user=officer, event=event)

    assert cancelled.status == Event.Status.CANCELLED
    assert Event.objects.public().filter(pk=event.pk).exists()  # still shown, as cancelled
    record = last_history(event)
    assert (record.history_user, record.history_change_reason) == (officer, "Annulation")


@pytest.mark.parametrize(
    ("status", "days", "message"),
    [
        ("draft", 5, "rien à annuler"),
        ("cancelled", 5, "déjà annulé"),
        ("published", -5, "déjà eu lieu"),
    ],
)
def test_cancel_refused_by_state(officer, liege, status, days, message):
    event = EventFactory(
        province=liege, status=status, start=timezone.now() + datetime.timedelta(days=days)
    )

    with pytest.raises(ValidationError, match=message):
        event_cancel(user=officer, event=event)

    event.refresh_from_db()
    assert event.status == status


def test_cancel_by_another_provinces_officer_is_refused(namur_officer, liege):
    event = EventFactory(province=liege, status="published")

    with pytest.raises(PermissionDenied):
        event_cancel(user=namur_officer, event=event)

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


# --- copy --------------------------------------------------------------------------------------


def test_copy_is_a_draft_with_the_same_fields_and_a_new_slug(officer, liege):
    original = EventFactory(
        province=liege,
        status="published",
        title="Rencontre de Liège",
        chantier=ChantierFactory(),
        organiser=OrganisationFactory(),
        capacity=40,
        online_url="https://visio.example.org/r",
        summary="Résumé",
        description="Description",
        latitude=Decimal("50.63373"),
        longitude=Decimal("5.56749"),
        registration_closes_at=timezone.now() + datetime.timedelta(days=2),
    )

    copy = event_copy(user=officer, event=original)

    assert copy.pk != original.pk
    assert copy.status == Event.Status.DRAFT
    assert copy.title == "Rencontre de Liège (copie)"
    assert copy.slug not in (original.slug, "")
    assert copy.created_by == officer
    for name in (
        "kind",
        "province",
        "chantier",
        "organiser",
        "start",
        "end",
        "venue",
        "address",
        "online_url",
        "latitude",
        "longitude",
        "summary",
        "description",
        "capacity",
        "registration_opens_at",
        "registration_closes_at",
    ):
        assert getattr(copy, name) == getattr(original, name), name
    record = last_history(copy)
    assert record.history_user == officer
    assert record.history_change_reason == "Copie de « Rencontre de Liège »"
    original.refresh_from_db()
    assert original.status == Event.Status.PUBLISHED


def test_copy_of_a_long_title_still_fits(officer, liege):
    original = EventFactory(province=liege, title="T" * 200)

    copy = event_copy(user=officer, event=original)

    assert len(copy.title) == 200
    assert copy.title.endswith(" (copie)")
    assert len(last_history(copy).history_change_reason) <= 100


def test_copy_twice_gives_two_slugs(officer, liege):
    original = EventFactory(province=liege)

    assert (
        event_copy(user=officer, event=original).slug
        != event_copy(user=officer, event=original).slug
    )


def test_copy_by_another_provinces_officer_is_refused(namur_officer, liege):
    original = EventFactory(province=liege)

    with pytest.raises(PermissionDenied):
        event_copy(user=namur_officer, event=original)

    assert Event.objects.count() == 1


def test_staff_manage_a_wallonia_wide_event(staff):
    event = EventFactory(province=None, status="draft")

    event_publish(user=staff, event=event)
    event_cancel(user=staff, event=event)
    copy = event_copy(user=staff, event=event)

    assert copy.province is None
    assert [r.history_change_reason for r in event.history.order_by("history_id")] == [
        None,
        "Publication",
        "Annulation",
    ]


def test_raising_the_capacity_promotes_the_first_in_line(officer, liege):
    from events.models import Registration
    from events.services import registration_create

    event = EventFactory(province=liege, capacity=1, start=START, end=None)
    first, second, third = (UserFactory() for _ in range(3))
    for user in (first, second, third):
        registration_create(user=user, event=event, organisation="Asbl")

    event_update(user=officer, event=event, data=data(liege, capacity=2))

    statuses = dict(Registration.objects.filter(event=event).values_list("user", "status"))
    assert statuses == {
        first.pk: Registration.Status.CONFIRMED,
        second.pk: Registration.Status.CONFIRMED,
        third.pk: Registration.Status.WAITING,
    }
    event.refresh_from_db()
    assert event.seats_taken == 2
