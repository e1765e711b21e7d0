"""The event form of the officers' space: French field-level errors, times in Brussels."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from events.forms import EventForm
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def data(province, **overrides):
    values = {
        "title": "Rencontre territoriale de Liège",
        "kind": "territorial_meeting",
        "province": str(province.pk) if province else "",
        "chantier": "",
        "start": "2030-06-12T14:00",
        "end": "2030-06-12T17:00",
        "venue": "Salle des fêtes",
        "address": "Place du Marché 1, 4000 Liège",
        "online_url": "",
        "latitude": "",
        "longitude": "",
        "summary": "",
        "description": "",
        "capacity": "",
        "registration_opens_at": "",
        "registration_closes_at": "",
    }
    values.update(overrides)
    return values


def test_valid_input_is_read_in_brussels_time(officer, liege):
    form = EventForm(data(liege), user=officer)

    assert form.is_valid(), form.errors
    start = form.cleaned_data["start"]
    assert start == datetime.datetime(2030, 6, 12, 14, 0, tzinfo=BRUSSELS)
    assert start.utcoffset() == datetime.timedelta(hours=2)
    assert form.cleaned_data["capacity"] is None


def test_datetimes_render_for_datetime_local_inputs(officer, liege):
    event = EventFactory(
        province=liege, start=datetime.datetime(2030, 1, 5, 9, 30, tzinfo=datetime.UTC)
    )

    html = str(EventForm(instance=event, user=officer)["start"])

    assert 'type="datetime-local"' in html
    assert 'value="2030-01-05T10:30"' in html  # 9:30 UTC is 10:30 in Brussels in winter


def test_an_officer_chooses_among_their_provinces_and_must_choose(officer, liege, namur):
    form = EventForm(data(None), user=officer)

    assert list(form.fields["province"].queryset) == [liege]
    assert not form.is_valid()
    assert form.errors["province"] == ["Ce champ est obligatoire."]
    assert "confirm_outside_wallonia" not in form.fields

    forged = EventForm(data(namur), user=officer)
    assert not forged.is_valid()
    assert "province" in forged.errors


def test_staff_may_leave_the_province_empty_for_all_of_wallonia(staff, liege, namur):
    form = EventForm(data(None), user=staff)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["province"] is None
    assert set(form.fields["province"].queryset) == {liege, namur}
    assert "confirm_outside_wallonia" in form.fields


@pytest.mark.parametrize("capacity", ["0", "-3"])
def test_capacity_below_one_is_refused(officer, liege, capacity):
    form = EventForm(data(liege, capacity=capacity), user=officer)

    assert form.errors["capacity"] == [
        "Le nombre de places doit être d'au moins 1, ou vide pour illimité."
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"end": "2030-06-12T13:00"},
            "end",
            "La fin ne peut pas précéder le début.",
        ),
        (
            {"registration_closes_at": "2030-06-12T15:00"},
            "registration_closes_at",
            "Les inscriptions doivent se clôturer au plus tard au début de l'événement.",
        ),
        (
            {
                "registration_opens_at": "2030-06-01T09:00",
                "registration_closes_at": "2030-05-20T09:00",
            },
            "registration_closes_at",
            "La clôture des inscriptions doit suivre leur ouverture.",
        ),
        (
            {"registration_opens_at": "2030-06-13T09:00"},
            "registration_opens_at",
            "Les inscriptions doivent s'ouvrir avant le début de l'événement.",
        ),
        (
            {"description": "x" * 10_001},
            "description",
            "Assurez-vous que cette valeur comporte au plus 10000 caractères (actuellement 10001).",
        ),
        (
            {"title": "T" * 201},
            "title",
            "Assurez-vous que cette valeur comporte au plus 200 caractères (actuellement 201).",
        ),
        (
            {"online_url": "javascript:alert(1)"},
            "online_url",
            (
                "Seules les adresses web (http:// ou https://) et e-mail (mailto:) "
                "sont acceptées ; « javascript: » ne l'est pas."
            ),
        ),
        (
            {"start": "12/06/2030 quatorze heures"},
            "start",
            "Saisissez une date et une heure valides.",
        ),
    ],
)
def test_bad_input_gets_a_french_message_next_to_its_field(
    officer, liege, overrides, field, message
):
    form = EventForm(data(liege, **overrides), user=officer)

    assert not form.is_valid()
    assert form.errors[field] == [message]
    assert not form.non_field_errors()


def test_an_officer_cannot_place_a_point_outside_wallonia(officer, liege):
    # Brussels, with latitude and longitude swapped as often happens.
    form = EventForm(data(liege, latitude="4.35171", longitude="50.85034"), user=officer)

    assert not form.is_valid()
    [message] = form.errors["latitude"]
    assert "hors de Wallonie" in message
    assert "Seule la Cellule Manger Demain" in message
    assert not form.non_field_errors()  # no invitation to tick a box they do not have

    ticked = EventForm(
        data(liege, latitude="50.85034", longitude="4.35171", confirm_outside_wallonia="on"),
        user=officer,
    )
    assert not ticked.is_valid()


def test_staff_may_confirm_a_point_outside_wallonia(staff, liege):
    outside = data(liege, latitude="50.85034", longitude="4.35171")

    refused = EventForm(outside, user=staff)
    assert not refused.is_valid()
    assert "Confirmer un point hors de Wallonie" in refused.non_field_errors()[0]

    confirmed = EventForm({**outside, "confirm_outside_wallonia": "on"}, user=staff)
    assert confirmed.is_valid(), confirmed.errors


def test_a_point_in_wallonia_is_fine_and_the_map_follows_the_inputs(officer, liege):
    form = EventForm(data(liege, latitude="50.63373", longitude="5.56749"), user=officer)

    assert form.is_valid(), form.errors
    widget = form.fields["point"].widget
    assert (widget.latitude_input_id, widget.longitude_input_id) == ("id_latitude", "id_longitude")


def test_no_place_at_all_is_fine_for_a_draft(officer, liege):
    form = EventForm(data(liege, venue="", address="", online_url=""), user=officer)

    assert form.is_valid(), form.errors
