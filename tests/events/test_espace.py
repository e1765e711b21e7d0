"""The officers' space for events, over HTTP as each role: lists, forms, actions, forged POSTs."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from events.models import Event
from tests.chantiers.factories import ChantierFactory
from tests.events.factories import EventFactory
from tests.portal.factories import UserFactory
from tests.querycount import assert_constant_queries
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

LIST = reverse("espace_events:event_list")
CREATE = reverse("espace_events:event_create")
PUBLIC_LIST = reverse("events:event_list")


# base.html links « Mon espace » (espace:home), which another part of the accounts issue adds.
# Until that route exists, signed-in pages are rendered against a stand-in of it; once it
# exists the fixture below does nothing.
def _home_stand_in(request):
    return HttpResponse("Mon espace")


urlpatterns = [
    path("espace/", include(([path("", _home_stand_in, name="home")], "espace"))),
    path("", include("hub.urls")),
]


@pytest.fixture(autouse=True)
def espace_home(settings):
    try:
        reverse("espace:home")
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


# --- people and events -------------------------------------------------------------------------


@pytest.fixture
def as_officer(client, officer):
    client.force_login(officer)
    return client


def edit_url(event):
    return reverse("espace_events:event_edit", kwargs={"slug": event.slug})


def action_url(name, event):
    return reverse(f"espace_events:event_{name}", kwargs={"slug": event.slug})


def form_data(province, **overrides):
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
        "summary": "Une après-midi d'échanges.",
        "description": "",
        "capacity": "",
        "registration_opens_at": "",
        "registration_closes_at": "",
    }
    values.update(overrides)
    return values


def tag_of(html, name):
    """The opening tag of the form control called ``name``."""
    [tag] = [
        part.split(">", 1)[0]
        for part in html.split("<")
        if part.startswith(("input ", "textarea ", "select ")) and f'name="{name}"' in part
    ]
    return tag


def snapshot(event):
    event.refresh_from_db()
    return (event.title, event.status, event.province_id, event.start, event.updated_at)


# --- who may enter -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, liege):
    event = EventFactory(province=liege, status="draft")

    for url in (LIST, CREATE, edit_url(event), action_url("cancel", event)):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith(reverse("account_login"))

    response = client.post(action_url("publish", event))
    assert response.status_code == HTTPStatus.FOUND
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_someone_who_manages_no_province_finds_nothing(client, liege):
    event = EventFactory(province=liege, status="published")
    client.force_login(UserFactory())

    for url in (LIST, CREATE, edit_url(event), action_url("cancel", event)):
        response = client.get(url)
        assert response.status_code == HTTPStatus.NOT_FOUND, url
        assert "Page introuvable" in response.content.decode()
    for name in ("publish", "cancel", "copy"):
        assert client.post(action_url(name, event)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(CREATE, form_data(liege)).status_code == HTTPStatus.NOT_FOUND
    assert Event.objects.count() == 1


# --- the list ----------------------------------------------------------------------------------


@pytest.fixture
def agenda(liege, namur):
    now = timezone.now()
    return {
        "draft": EventFactory(title="Brouillon liégeois", province=liege, status="draft"),
        "upcoming": EventFactory(title="Bientôt à Liège", province=liege),
        "past": EventFactory(
            title="Passé à Liège", province=liege, start=now - datetime.timedelta(days=30)
        ),
        "cancelled": EventFactory(title="Annulé à Liège", province=liege, status="cancelled"),
        "namur_draft": EventFactory(title="Brouillon namurois", province=namur, status="draft"),
        "wallonia": EventFactory(title="Atelier wallon", province=None, status="draft"),
    }


def section_titles(response, key):
    return [event.title for event, _ in response.context["sections"][key]["page"].object_list]


def test_officer_list_has_the_four_sections_of_their_provinces(as_officer, agenda):
    response = as_officer.get(LIST)

    assert response.status_code == HTTPStatus.OK
    assert section_titles(response, "drafts") == ["Brouillon liégeois"]
    assert section_titles(response, "upcoming") == ["Bientôt à Liège"]
    assert section_titles(response, "past") == ["Passé à Liège"]
    assert section_titles(response, "cancelled") == ["Annulé à Liège"]
    html = response.content.decode()
    assert "Brouillon namurois" not in html
    assert "Atelier wallon" not in html
    assert "<title>Mes événements · " in html
    assert html.count("<h1") == 1


def test_list_buttons_follow_the_permissions(as_officer, agenda):
    html = as_officer.get(LIST).content.decode()

    assert action_url("publish", agenda["draft"]) in html
    assert action_url("publish", agenda["upcoming"]) not in html
    assert action_url("cancel", agenda["upcoming"]) in html
    assert action_url("cancel", agenda["draft"]) not in html
    assert action_url("cancel", agenda["past"]) not in html
    assert action_url("cancel", agenda["cancelled"]) not in html
    for key in ("draft", "upcoming", "past", "cancelled"):
        assert edit_url(agenda[key]) in html
        assert action_url("copy", agenda[key]) in html


def test_staff_list_holds_every_province_and_wallonia(client, staff, agenda):
    client.force_login(staff)

    response = client.get(LIST)

    assert section_titles(response, "drafts") == sorted(
        ["Brouillon liégeois", "Brouillon namurois", "Atelier wallon"],
        key=lambda title: Event.objects.get(title=title).start,
    )


def test_list_pages_each_section_on_its_own(as_officer, liege, settings):
    settings.PAGINATE_BY = 2
    for day in range(1, 6):
        EventFactory(province=liege, status="draft", start=timezone.now() + datetime.timedelta(day))

    first = as_officer.get(LIST)
    last = as_officer.get(LIST, {"brouillons": "3"})
    nonsense = as_officer.get(LIST, {"brouillons": "x", "passes": "-4"})

    assert len(first.context["sections"]["drafts"]["page"].object_list) == 2
    assert 'href="?brouillons=2#section-brouillons"' in first.content.decode()
    assert last.context["sections"]["drafts"]["page"].number == 3
    assert nonsense.status_code == HTTPStatus.OK


def test_list_query_count_is_constant(as_officer, liege, namur):
    def grow(n):
        for _ in range(n):
            chantier = ChantierFactory()
            EventFactory(province=liege, status="draft", chantier=chantier)
            EventFactory(province=liege, chantier=chantier)
            EventFactory(province=liege, start=timezone.now() - datetime.timedelta(days=9))
            EventFactory(province=liege, status="cancelled")
            EventFactory(province=namur, status="draft")

    assert_constant_queries(as_officer, LIST, grow)


def test_staff_list_query_count_is_constant(client, staff, liege):
    client.force_login(staff)

    def grow(n):
        for _ in range(n):
            EventFactory(province=liege, status="draft", chantier=ChantierFactory())
            EventFactory(province=None)

    assert_constant_queries(client, LIST, grow)


# --- create ------------------------------------------------------------------------------------


def test_create_page(as_officer, liege):
    response = as_officer.get(CREATE)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<title>Nouvel événement · " in html
    assert f'<option value="{liege.pk}" selected>' in html  # their only province
    assert 'type="datetime-local"' in html
    assert "data-point-picker" in html
    assert 'aria-describedby="id_latitude_helptext"' in html
    assert "confirm_outside_wallonia" not in html
    assert "<script>" not in html  # CSP: no inline script
    assert "js/point-picker.js" in html


def test_create_saves_a_draft_previewed_by_its_officer_only(client, as_officer, liege):
    response = as_officer.post(CREATE, form_data(liege))

    event = Event.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == event.get_absolute_url()
    assert event.status == Event.Status.DRAFT
    preview = as_officer.get(event.get_absolute_url()).content.decode()
    assert "Brouillon — non visible du public." in preview
    assert action_url("publish", event) in preview
    record = event.history.get()
    assert (record.history_user.email, record.history_change_reason) == (
        "liege@example.org",
        "Création",
    )
    client.logout()
    assert client.get(event.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert event.title not in client.get(PUBLIC_LIST).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end": "2030-06-12T13:00"}, "end", "La fin ne peut pas précéder le début."),
        (
            {"capacity": "0"},
            "capacity",
            "Le nombre de places doit être d&#x27;au moins 1, ou vide pour illimité.",
        ),
        (
            {"registration_closes_at": "2030-06-12T15:00"},
            "registration_closes_at",
            "Les inscriptions doivent se clôturer au plus tard au début de l&#x27;événement.",
        ),
        (
            {
                "registration_opens_at": "2030-06-01T09:00",
                "registration_closes_at": "2030-05-20T09:00",
            },
            "registration_closes_at",
            "La clôture des inscriptions doit suivre leur ouverture.",
        ),
        ({"description": "x" * 10_001}, "description", "au plus 10000 caractères"),
        ({"title": "T" * 201}, "title", "au plus 200 caractères"),
        (
            {"latitude": "50.85034", "longitude": "4.35171"},
            "latitude",
            "se trouve hors de Wallonie",
        ),
    ],
)
def test_bad_input_is_refused_next_to_its_field_keeping_what_was_typed(
    as_officer, liege, overrides, field, message
):
    typed = form_data(liege, summary="Texte tapé à garder", **overrides)

    response = as_officer.post(CREATE, typed)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert not Event.objects.exists()
    assert message in html
    assert f'id="id_{field}_error"' in html
    tag = tag_of(html, field)
    assert 'aria-invalid="true"' in tag
    assert f"id_{field}_error" in tag
    assert "Texte tapé à garder" in html
    assert 'value="2030-06-12T14:00"' in html
    assert "<title>Nouvel événement – erreurs à corriger · " in html


def test_errors_are_tied_to_their_input(as_officer, liege):
    html = as_officer.post(CREATE, form_data(liege, capacity="-2")).content.decode()

    capacity_input = tag_of(html, "capacity")
    assert 'aria-invalid="true"' in capacity_input
    assert "id_capacity_error" in capacity_input
    assert "id_capacity_helptext" in capacity_input
    assert 'value="-2"' in capacity_input


def test_officer_cannot_create_in_another_province(as_officer, namur):
    response = as_officer.post(CREATE, form_data(namur))

    assert response.status_code == HTTPStatus.OK
    assert 'id="id_province_error"' in response.content.decode()
    assert not Event.objects.exists()


def test_staff_creates_a_wallonia_wide_event_and_may_confirm_a_point_outside(client, staff):
    client.force_login(staff)
    outside = form_data(None, latitude="50.85034", longitude="4.35171")

    refused = client.post(CREATE, outside)
    assert "Confirmer un point hors de Wallonie" in refused.content.decode()
    assert not Event.objects.exists()

    response = client.post(CREATE, {**outside, "confirm_outside_wallonia": "on"})

    assert response.status_code == HTTPStatus.FOUND
    event = Event.objects.get()
    assert event.province is None
    assert event.created_by == staff


# --- edit --------------------------------------------------------------------------------------


def test_edit_own_event(as_officer, officer, liege):
    event = EventFactory(province=liege, status="published", title="Avant")

    page = as_officer.get(edit_url(event))
    response = as_officer.post(edit_url(event), form_data(liege, title="Après"))

    assert page.status_code == HTTPStatus.OK
    assert "<title>Modifier « Avant » · " in page.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    event.refresh_from_db()
    assert event.title == "Après"
    record = event.history.order_by("-history_id").first()
    assert (record.history_user, record.history_change_reason) == (officer, "Modification")


def test_edit_errors_keep_the_saved_title_in_the_heading(as_officer, liege):
    event = EventFactory(province=liege, title="Titre enregistré")

    response = as_officer.post(
        edit_url(event), form_data(liege, title="Tapé", end="2000-01-01T00:00")
    )

    html = response.content.decode()
    assert "<h1>Modifier « Titre enregistré »</h1>" in html
    assert 'value="Tapé"' in html
    event.refresh_from_db()
    assert event.title == "Titre enregistré"


def test_publishing_a_published_event_without_a_place_is_refused_on_edit(as_officer, liege):
    event = EventFactory(province=liege, status="published")

    response = as_officer.post(edit_url(event), form_data(liege, venue="", address=""))

    assert response.status_code == HTTPStatus.OK
    assert 'id="id_venue_error"' in response.content.decode()
    event.refresh_from_db()
    assert event.venue == "Salle communale"


def test_edit_page_query_count_is_constant(as_officer, officer, liege):
    event = EventFactory(province=liege, chantier=ChantierFactory())

    def grow(n):
        for _ in range(n):
            ChantierFactory()
            ProvinceFactory().officers.add(officer)
            EventFactory(province=liege)

    assert_constant_queries(as_officer, edit_url(event), grow)


# --- another province's event: not found, and nothing changes ----------------------------------


@pytest.fixture
def namur_events(namur):
    return {
        "draft": EventFactory(province=namur, status="draft", title="Brouillon namurois"),
        "published": EventFactory(province=namur, status="published", title="Namur publié"),
    }


def test_officer_cannot_see_another_provinces_draft(as_officer, namur_events):
    draft = namur_events["draft"]

    assert as_officer.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert as_officer.get(edit_url(draft)).status_code == HTTPStatus.NOT_FOUND
    assert as_officer.get(action_url("cancel", draft)).status_code == HTTPStatus.NOT_FOUND


def test_officer_sees_another_provinces_published_event_without_buttons(as_officer, namur_events):
    published = namur_events["published"]

    response = as_officer.get(published.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Gérer cet événement" not in html
    assert edit_url(published) not in html


@pytest.mark.parametrize("which", ["draft", "published"])
def test_forged_posts_on_another_provinces_event_are_404_and_change_nothing(
    as_officer, liege, namur_events, which
):
    event = namur_events[which]
    before = snapshot(event)

    forged = [
        (edit_url(event), form_data(liege, title="Piraté")),
        (action_url("publish", event), {}),
        (action_url("cancel", event), {}),
        (action_url("copy", event), {}),
    ]
    for url, payload in forged:
        assert as_officer.post(url, payload).status_code == HTTPStatus.NOT_FOUND, url

    assert snapshot(event) == before
    assert Event.objects.count() == 2
    assert event.history.count() == 1


def test_officer_cannot_touch_a_wallonia_wide_event(as_officer):
    event = EventFactory(province=None, status="published")

    assert as_officer.get(edit_url(event)).status_code == HTTPStatus.NOT_FOUND
    assert as_officer.post(action_url("cancel", event)).status_code == HTTPStatus.NOT_FOUND
    assert snapshot(event)[1] == Event.Status.PUBLISHED


def test_staff_may_edit_any_province(client, staff, namur_events, namur):
    client.force_login(staff)
    draft = namur_events["draft"]

    response = client.post(edit_url(draft), form_data(namur, title="Revu par la Cellule"))

    assert response.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.title == "Revu par la Cellule"


# --- publish, cancel, copy ---------------------------------------------------------------------


def test_publish_makes_it_public_at_once(client, as_officer, liege):
    event = EventFactory(province=liege, status="draft", title="Rencontre à publier")

    response = as_officer.post(action_url("publish", event))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == event.get_absolute_url()
    page = as_officer.get(response["Location"]).content.decode()
    assert "est publié" in page
    assert "Brouillon — non visible du public" not in page
    client.logout()
    assert client.get(event.get_absolute_url()).status_code == HTTPStatus.OK
    assert "Rencontre à publier" in client.get(PUBLIC_LIST).content.decode()


def test_publish_without_a_place_sends_back_to_the_form(as_officer, liege):
    event = EventFactory(province=liege, status="draft", venue="", address="")

    response = as_officer.post(action_url("publish", event), follow=True)

    assert response.redirect_chain[-1][0] == edit_url(event)
    assert "Indiquez un lieu ou un lien en ligne avant de publier." in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_publish_twice_is_refused_with_a_message(as_officer, liege):
    event = EventFactory(province=liege, status="published")

    response = as_officer.post(action_url("publish", event), follow=True)

    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    assert "Cet événement est déjà publié." in response.content.decode()


def test_publish_refused_on_a_field_comes_back_as_a_message_not_an_error_page(as_officer, liege):
    # A point outside Wallonia, which staff confirmed on a draft: an officer may not publish it.
    # The refusal names a field (the service's checks of the whole event), not the action.
    event = EventFactory(
        province=liege,
        status="draft",
        latitude=Decimal("50.85034"),
        longitude=Decimal("4.35171"),
    )

    response = as_officer.post(action_url("publish", event), follow=True)

    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    assert "Le point se trouve hors de Wallonie" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_actions_want_a_post(as_officer, liege):
    event = EventFactory(province=liege, status="draft")

    assert as_officer.get(action_url("publish", event)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert as_officer.get(action_url("copy", event)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_cancel_asks_first_then_keeps_the_event_public_as_cancelled(client, as_officer, liege):
    event = EventFactory(province=liege, status="published", title="Rencontre à annuler")

    confirm = as_officer.get(action_url("cancel", event))
    html = confirm.content.decode()
    assert confirm.status_code == HTTPStatus.OK
    assert "<h1>Annuler « Rencontre à annuler » ?</h1>" in html
    assert "Oui, annuler l'événement" in html
    assert snapshot(event)[1] == Event.Status.PUBLISHED

    response = as_officer.post(action_url("cancel", event))

    assert response.status_code == HTTPStatus.FOUND
    assert snapshot(event)[1] == Event.Status.CANCELLED
    client.logout()
    public = client.get(event.get_absolute_url())
    assert public.status_code == HTTPStatus.OK
    assert "Cet événement est annulé." in public.content.decode()


def test_cancel_of_a_draft_or_past_event_is_refused(as_officer, liege):
    draft = EventFactory(province=liege, status="draft")
    past = EventFactory(province=liege, start=timezone.now() - datetime.timedelta(days=3))

    assert as_officer.get(action_url("cancel", draft)).status_code == HTTPStatus.FOUND
    response = as_officer.post(action_url("cancel", past), follow=True)

    assert "déjà eu lieu" in response.content.decode()
    assert snapshot(draft)[1] == Event.Status.DRAFT
    assert snapshot(past)[1] == Event.Status.PUBLISHED


def test_copy_opens_the_new_draft_for_editing(as_officer, liege):
    event = EventFactory(province=liege, status="published", title="Rencontre")

    response = as_officer.post(action_url("copy", event))

    copy = Event.objects.exclude(pk=event.pk).get()
    assert response["Location"] == edit_url(copy)
    assert copy.title == "Rencontre (copie)"
    assert copy.status == Event.Status.DRAFT
    assert copy.start == event.start
    page = as_officer.get(edit_url(copy)).content.decode()
    assert "Copie créée en brouillon" in page


# --- the detail page's manage box --------------------------------------------------------------


def test_manage_box_only_for_who_may_act(client, officer, namur_officer, staff, liege):
    event = EventFactory(province=liege, status="published")

    anonymous = client.get(event.get_absolute_url()).content.decode()
    client.force_login(namur_officer)
    other = client.get(event.get_absolute_url()).content.decode()
    client.force_login(officer)
    own = client.get(event.get_absolute_url()).content.decode()
    client.force_login(staff)
    staff_page = client.get(event.get_absolute_url()).content.decode()

    for html in (anonymous, other):
        assert "Gérer cet événement" not in html
    for html in (own, staff_page):
        assert "Gérer cet événement" in html
        assert edit_url(event) in html
        assert action_url("cancel", event) in html
        assert action_url("copy", event) in html
        assert action_url("publish", event) not in html


def test_detail_query_count_is_constant_for_an_officer(as_officer, liege):
    from tests.chantiers.factories import StepFactory

    event = EventFactory(province=liege, status="draft", chantier=ChantierFactory())

    def grow(n):
        for _ in range(n):
            StepFactory(event=event)

    assert_constant_queries(as_officer, event.get_absolute_url(), grow)
