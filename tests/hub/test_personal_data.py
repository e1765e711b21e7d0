"""A person's own data: the account page, the JSON export, and account deletion (what goes, what
stays without any link to the person, and the last superuser who cannot leave)."""

import json
import uuid
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chantiers.models import News
from events.calendar import calendar_feed_token_renew
from events.models import CalendarFeedToken, Event, Registration
from expertises.models import Need, Offer, Support, WorkshopProposal
from hub.personal_data import USER_RELATIONS, user_delete, user_delete_plan, user_export_data
from newsletter.models import Issue
from portal.models import ImportUpload, OutgoingEmail, User
from projets.models import JoinRequest, Membership, Project
from tests.chantiers.factories import NewsFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.expertises.factories import NeedFactory, OfferFactory, WorkshopProposalFactory
from tests.newsletter.factories import IssueFactory
from tests.portal.factories import ImportUploadFactory, UserFactory
from tests.projets.factories import ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def own_cache(settings):
    """The deletion form counts wrong passwords in allauth's cache-backed rate limit."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"personal-data-{uuid.uuid4()}",
        }
    }


def person_with_everything(email, *, project_name, event_title, province_name):
    """A person with one of each thing the portal may hold about someone."""
    user = UserFactory(email=email, first_name="Prénom", last_name=email.split("@")[0])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    EmailAddress.objects.create(user=user, email=f"autre-{email}", verified=False)
    led = ProjectFactory(name=project_name)
    Membership.objects.create(project=led, user=user)
    JoinRequest.objects.create(
        project=ProjectFactory(name=f"{project_name} (demandé)"), user=user, message="Bonjour"
    )
    ProvinceFactory(name=province_name).officers.add(user)
    event = EventFactory(title=event_title, created_by=user)
    # A change of a project's page and of an event, made by this person (history_user).
    led.summary = "Résumé modifié"
    led._history_user = user
    led.save()
    event.summary = "Résumé modifié"
    event._history_user = user
    event.save()
    OutgoingEmail.objects.create(to=email, subject=f"Message pour {email}", body_text="…")
    OutgoingEmail.objects.create(to=f"autre-{email}", subject="Autre adresse", body_text="…")
    # Registrations, expertise, news, the newsletter issues staff write, the calendar address.
    name = email.split("@")[0]
    RegistrationFactory(
        event=EventFactory(title=f"Atelier où va {name}"),
        user=user,
        project=led,
        organisation="",
        remarks=f"Repas végétarien pour {name}",
    )
    NeedFactory(project=led, created_by=user, description=f"Besoin de {name}")
    NeedFactory(project=led, answered_by=user, description=f"Besoin répondu par {name}")
    OfferFactory(project=led, created_by=user, description=f"Offre de {name}")
    WorkshopProposalFactory(proposed_by=user, title=f"Atelier proposé par {name}")
    Support.objects.create(
        user=user, proposal=WorkshopProposalFactory(title=f"Atelier soutenu par {name}")
    )
    NewsFactory(author=user, title=f"Actualité de {name}")
    IssueFactory(created_by=user, subject=f"Lettre de {name}")
    calendar_feed_token_renew(user=user)
    return user


@pytest.fixture
def alice():
    return person_with_everything(
        "alice@example.org",
        project_name="Halle d'Alice",
        event_title="Rencontre d'Alice",
        province_name="Liège",
    )


@pytest.fixture
def bob():
    return person_with_everything(
        "bob@example.org",
        project_name="Ferme de Bob",
        event_title="Atelier de Bob",
        province_name="Namur",
    )


# --- The account page -------------------------------------------------------------------------


def test_account_page_needs_a_signed_in_person(client):
    response = client.get(reverse("espace:account"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_account_page_shows_email_roles_and_links(client, alice):
    client.force_login(alice)

    response = client.get(reverse("espace:account"))

    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "alice@example.org" in text
    assert reverse("account_email") in text
    assert reverse("account_change_password") in text
    assert "Halle d&#x27;Alice" in text  # project led
    assert "Liège" in text  # province followed
    assert "Halle d&#x27;Alice (demandé)" in text  # pending request
    assert reverse("espace:account_export") in text
    assert reverse("espace:account_delete") in text
    assert "Ferme de Bob" not in text


def test_account_page_shows_staff_roles(client):
    from portal.roles import staff_group_ensure

    staff = UserFactory(is_staff=True)
    staff.groups.add(staff_group_ensure())
    client.force_login(staff)

    response = client.get(reverse("espace:account"))

    assert "Membre de l'équipe de la Cellule Manger Demain" in response.text
    assert reverse("admin:index") in response.text


def test_account_page_saves_the_name(client, alice):
    client.force_login(alice)

    response = client.post(
        reverse("espace:account"),
        {"first_name": "Alix", "last_name": "Martin", "email": "pirate@example.org"},
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    alice.refresh_from_db()
    assert (alice.first_name, alice.last_name) == ("Alix", "Martin")
    assert alice.email == "alice@example.org"  # the email changes only through allauth
    assert "Votre nom est enregistré." in response.text


def test_account_page_refuses_an_oversized_name_in_french(client, alice):
    client.force_login(alice)

    response = client.post(reverse("espace:account"), {"first_name": "x" * 151, "last_name": ""})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["first_name"] == [
        "Assurez-vous que cette valeur comporte au plus 150 caractères (actuellement 151)."
    ]
    assert 'value="' + "x" * 151 + '"' in response.text


# --- Export -----------------------------------------------------------------------------------


def test_export_needs_a_signed_in_person(client):
    response = client.get(reverse("espace:account_export"))

    assert response.status_code == HTTPStatus.FOUND


def test_export_holds_the_persons_data_and_nothing_of_another(client, alice, bob):
    client.force_login(alice)

    response = client.get(reverse("espace:account_export"))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "no-store"
    raw = response.content.decode()
    data = json.loads(raw)
    assert data["account"]["email"] == "alice@example.org"
    assert "password" not in data["account"]
    assert alice.password not in raw  # not even the hash
    assert {a["email"] for a in data["email_addresses"]} == {
        "alice@example.org",
        "autre-alice@example.org",
    }
    assert [m["project"] for m in data["memberships"]] == ["Halle d'Alice"]
    assert [r["project"] for r in data["join_requests"]] == ["Halle d'Alice (demandé)"]
    assert [r["message"] for r in data["join_requests"]] == ["Bonjour"]
    assert [p["name"] for p in data["provinces_followed"]] == ["Liège"]
    assert [e["title"] for e in data["events_created"]] == ["Rencontre d'Alice"]
    assert {(c["type"], c["title"]) for c in data["changes_made"]} == {
        ("projet", "Halle d'Alice"),
        ("événement", "Rencontre d'Alice"),
    }
    assert {m["subject"] for m in data["emails_sent_to_you"]} == {
        "Message pour alice@example.org",
        "Autre adresse",
    }
    assert all("body_text" not in m for m in data["emails_sent_to_you"])
    [registration] = data["registrations"]
    assert registration["event"] == "Atelier où va alice"
    assert registration["project"] == "Halle d'Alice"
    assert registration["remarks"] == "Repas végétarien pour alice"
    assert registration["status"] == "confirmed"
    assert [n["description"] for n in data["needs_written"]] == ["Besoin de alice"]
    assert [n["project"] for n in data["needs_marked_answered"]] == ["Halle d'Alice"]
    assert [o["description"] for o in data["offers_written"]] == ["Offre de alice"]
    assert [p["title"] for p in data["workshop_proposals"]] == ["Atelier proposé par alice"]
    assert [p["proposal"] for p in data["workshop_supports"]] == ["Atelier soutenu par alice"]
    assert [n["title"] for n in data["news_written"]] == ["Actualité de alice"]
    assert [i["subject"] for i in data["newsletter_issues_created"]] == ["Lettre de alice"]
    assert data["calendar_feed"]["created_at"]
    token = CalendarFeedToken.objects.get(user=alice).token
    assert token not in raw  # the secret address is a key, not information
    for of_bob in ("bob@example.org", "Ferme de Bob", "Atelier de Bob", "Namur", "bob"):
        assert of_bob not in raw


def test_every_relation_to_a_person_is_in_the_export():
    """A model that gains a relation to the user must say where the export shows it."""
    from django.apps import apps

    relations = set()
    for model in apps.get_models():
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if field.is_relation and field.related_model is User:
                relations.add(f"{model._meta.label}.{field.name}")
    exported = set(user_export_data(user=UserFactory()))

    assert relations == set(USER_RELATIONS)
    assert set(USER_RELATIONS.values()) <= exported


def test_the_export_names_who_cancelled_only_as_you_or_not_you(alice):
    organiser = UserFactory(email="organisatrice@example.org", first_name="Organisatrice")
    Registration.objects.filter(user=alice).update(
        status=Registration.Status.CANCELLED, cancelled_at=timezone.now(), cancelled_by=organiser
    )

    data = user_export_data(user=alice)
    raw = json.dumps(data, default=str)

    assert data["registrations"][0]["cancelled_by_you"] is False
    assert "organisatrice@example.org" not in raw
    assert "Organisatrice" not in raw


def test_export_leaves_out_who_decided_a_request(alice):
    decider = UserFactory(email="decideur@example.org", first_name="Décideur")
    JoinRequest.objects.filter(user=alice).update(decided_by=decider)

    raw = json.dumps(user_export_data(user=alice), default=str)

    assert "decideur@example.org" not in raw
    assert "Décideur" not in raw


# --- Deletion ---------------------------------------------------------------------------------


def test_delete_page_says_beforehand_what_goes_and_what_stays(client, alice):
    client.force_login(alice)

    response = client.get(reverse("espace:account_delete"))

    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "Ce qui est supprimé" in text
    assert "Ce qui est conservé sans lien avec vous" in text
    assert "2 adresses e-mail enregistrées" in text
    assert "Votre rôle de porteur·euse dans 1 projet" in text
    assert "1 demande pour rejoindre un projet" in text
    assert "Votre suivi de 1 province" in text
    assert "2 e-mails qui vous étaient adressés" in text
    assert "1 événement que vous avez créé" in text
    assert "2 modifications de pages de projets ou d'événements" in text
    # Deleted: each kind named.
    assert "Votre inscription à 1 événement, avec ce que vous y avez indiqué" in text
    assert "Votre soutien à 1 proposition d'atelier." in text
    assert "L'adresse privée de votre agenda" in text
    # Kept without a link to her: each kind named.
    assert "1 besoin d'expertise que vous avez rédigé pour un projet" in text
    assert "1 offre d'expertise que vous avez rédigée pour un projet" in text
    assert "1 proposition d'atelier que vous avez faite" in text
    assert "1 actualité que vous avez rédigée" in text
    assert "1 numéro de la lettre d'information que vous avez créé" in text
    assert User.objects.filter(pk=alice.pk).exists()  # a GET deletes nothing


def test_delete_page_of_someone_who_wrote_nothing_says_nothing_stays(client):
    user = UserFactory(password=PASSWORD)
    client.force_login(user)

    text = client.get(reverse("espace:account_delete")).text

    assert "Rien : vous n'avez rien rédigé ni modifié" in text
    assert "inscription à" not in text and "Vos inscriptions à" not in text


def test_delete_needs_the_password(client, alice):
    client.force_login(alice)

    response = client.post(reverse("espace:account_delete"), {"password": "mauvais"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["password"] == ["Ce mot de passe est incorrect."]
    assert User.objects.filter(pk=alice.pk).exists()
    assert Membership.objects.filter(user=alice).exists()


def test_delete_refuses_after_too_many_wrong_passwords(client, alice):
    client.force_login(alice)
    url = reverse("espace:account_delete")
    for _attempt in range(5):
        client.post(url, {"password": "mauvais"})

    response = client.post(url, {"password": PASSWORD})

    assert response.status_code == HTTPStatus.OK
    assert "Trop de tentatives" in " ".join(response.context["form"].errors["password"])
    assert User.objects.filter(pk=alice.pk).exists()


def test_delete_removes_what_it_says_and_keeps_history_without_the_person(client, alice, bob):
    client.force_login(alice)
    other_device = Client()
    other_device.force_login(alice)
    bob_device = Client()
    bob_device.force_login(bob)
    alice_pk = alice.pk
    event = Event.objects.get(title="Rencontre d'Alice")
    project = Project.objects.get(name="Halle d'Alice")
    staff = UserFactory(is_staff=True, is_superuser=True)
    LogEntry.objects.log_actions(
        user_id=staff.pk, queryset=[alice], action_flag=CHANGE, change_message="Rôle accordé"
    )

    response = client.post(reverse("espace:account_delete"), {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("home"), HTTPStatus.FOUND)]
    assert "Votre compte est supprimé" in response.text
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(pk=alice_pk).exists()
    assert not Membership.objects.filter(user_id=alice_pk).exists()
    assert not JoinRequest.objects.filter(user_id=alice_pk).exists()
    assert not EmailAddress.objects.filter(user_id=alice_pk).exists()
    assert not OutgoingEmail.objects.filter(to__icontains="alice@example.org").exists()
    assert not User.objects.filter(followed_provinces__name="Liège").exists()
    assert not Registration.objects.filter(remarks__contains="alice").exists()
    assert not Support.objects.filter(proposal__title="Atelier soutenu par alice").exists()
    assert not CalendarFeedToken.objects.filter(user_id=alice_pk).exists()
    # What she wrote for projects, chantiers and the newsletter stays, without her.
    assert Need.objects.get(description="Besoin de alice").created_by is None
    assert Need.objects.get(description="Besoin répondu par alice").answered_by is None
    assert Offer.objects.get(description="Offre de alice").created_by is None
    assert WorkshopProposal.objects.get(title="Atelier proposé par alice").proposed_by is None
    assert News.objects.get(title="Actualité de alice").author is None
    assert Issue.objects.get(subject="Lettre de alice").created_by is None
    # Signed out everywhere: the other device's session is gone too.
    assert other_device.get(reverse("espace:account")).status_code == HTTPStatus.FOUND
    # Kept, without any link to her.
    event.refresh_from_db()
    assert event.created_by is None
    assert project.history.count() == 2
    assert list(project.history.values_list("history_user", flat=True)) == [None, None]
    assert set(event.history.values_list("history_user", flat=True)) == {None}
    assert set(event.history.values_list("created_by", flat=True)) == {None}
    entry = LogEntry.objects.get(user=staff)
    assert entry.object_repr == "Compte supprimé"
    assert "alice" not in entry.change_message
    # Bob is untouched.
    assert bob_device.get(reverse("espace:account")).status_code == HTTPStatus.OK
    assert Membership.objects.filter(user=bob).count() == 1
    assert JoinRequest.objects.filter(user=bob).count() == 1
    assert EmailAddress.objects.filter(user=bob).count() == 2
    assert OutgoingEmail.objects.filter(to__icontains="bob@example.org").count() == 2
    assert Event.objects.get(title="Atelier de Bob").created_by == bob
    assert Project.objects.get(name="Ferme de Bob").history.filter(history_user=bob).exists()


def test_decisions_stay_without_who_took_them(alice):
    decider = UserFactory()
    JoinRequest.objects.filter(user=alice).update(
        status=JoinRequest.Status.APPROVED, decided_by=decider
    )

    assert user_delete_plan(user=decider).decisions_made == 1
    user_delete(user=decider)

    assert JoinRequest.objects.get(user=alice).decided_by is None


def test_the_last_superuser_cannot_delete_their_account(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    UserFactory(is_staff=True, is_superuser=True, is_active=False)  # an inactive one is no help
    client.force_login(admin)

    page = client.get(reverse("espace:account_delete"))
    refused = client.post(reverse("espace:account_delete"), {"password": PASSWORD}, follow=True)

    assert page.status_code == HTTPStatus.OK
    assert "dernière personne superutilisatrice" in page.text
    assert 'name="password"' not in page.text
    assert "dernière personne superutilisatrice" in refused.text
    assert User.objects.filter(pk=admin.pk).exists()
    with pytest.raises(ValidationError):
        user_delete(user=admin)
    assert User.objects.filter(pk=admin.pk).exists()


def test_a_superuser_may_leave_when_another_remains(client):
    leaving = UserFactory(is_staff=True, is_superuser=True)
    UserFactory(is_staff=True, is_superuser=True)
    client.force_login(leaving)

    response = client.post(reverse("espace:account_delete"), {"password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=leaving.pk).exists()


def test_sessions_of_other_people_survive(alice, bob):
    bob_client = Client()
    bob_client.force_login(bob)
    before = Session.objects.count()

    user_delete(user=alice)

    assert Session.objects.count() == before  # alice had none; bob's stays
    assert bob_client.get(reverse("espace:account")).status_code == HTTPStatus.OK


# --- The newsletter subscription --------------------------------------------------------------


def subscriptions_of_alice_and_bob(alice):
    """Alice's linked subscription, one of her own address unlinked (from the public form),
    one of her unverified address (perhaps someone else's), and Bob's."""
    from tests.chantiers.factories import ChantierFactory
    from tests.newsletter.factories import SubscriberFactory

    linked = SubscriberFactory(
        email="alice.lettre@example.org",
        user=alice,
        provinces=[ProvinceFactory(name="Hainaut")],
        chantiers=[ChantierFactory(title="Légumerie")],
        consent_source="Mon espace",
    )
    own = SubscriberFactory(email="alice@example.org", consent_source="Pied de page – /")
    unverified = SubscriberFactory(email="autre-alice@example.org")
    of_bob = SubscriberFactory(email="bob@example.org")
    return linked, own, unverified, of_bob


def test_export_holds_the_newsletter_subscriptions(alice, bob):
    linked, *_others = subscriptions_of_alice_and_bob(alice)

    data = user_export_data(user=alice)

    by_email = {s["email"]: s for s in data["newsletter_subscriptions"]}
    assert set(by_email) == {"alice.lettre@example.org", "alice@example.org"}
    exported = by_email["alice.lettre@example.org"]
    assert exported["status"] == "confirmed"
    assert exported["provinces"] == ["Hainaut"]
    assert exported["chantiers"] == ["Légumerie"]
    assert exported["consent_at"] == linked.consent_at.isoformat()
    assert exported["consent_source"] == "Mon espace"
    assert by_email["alice@example.org"]["consent_source"] == "Pied de page – /"
    json.dumps(data)  # serialisable as it is


def test_delete_page_mentions_the_newsletter(client, alice, bob):
    subscriptions_of_alice_and_bob(alice)
    client.force_login(alice)

    text = client.get(reverse("espace:account_delete")).text

    assert user_delete_plan(user=alice).newsletter_subscriptions == 2
    assert "Vos 2 inscriptions à la lettre d'information (avec vos centres" in text


def test_delete_page_says_nothing_of_a_newsletter_never_subscribed(client, alice):
    client.force_login(alice)

    text = client.get(reverse("espace:account_delete")).text

    assert "Ce qui est supprimé" in text
    assert "lettre d'information (avec vos centres" not in text


def test_delete_removes_the_newsletter_subscriptions_of_the_person_only(alice, bob):
    from newsletter.models import Subscriber

    subscriptions_of_alice_and_bob(alice)

    user_delete(user=alice)

    remaining = set(Subscriber.objects.values_list("email", flat=True))
    assert remaining == {"autre-alice@example.org", "bob@example.org"}


def test_the_privacy_page_mentions_the_newsletter(client):
    text = client.get(reverse("privacy")).text

    assert "Votre inscription à la lettre d'information" in text
    assert "désinscrire en un clic" in text


def test_deleting_an_account_frees_its_seat_for_the_waiting_list(alice):
    registration = Registration.objects.get(user=alice)
    event = registration.event
    Event.objects.filter(pk=event.pk).update(capacity=1)
    waiting = RegistrationFactory(event=event, status=Registration.Status.WAITING)

    user_delete(user=alice)

    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    event.refresh_from_db()
    assert event.seats_taken == 1


# --- The privacy page -------------------------------------------------------------------------


def test_the_privacy_page_describes_registrations_and_when_remarks_go(client):
    text = client.get(reverse("privacy")).text

    assert "Vos inscriptions aux événements" in text
    assert "régime alimentaire, accessibilité" in text
    assert "effacés automatiquement 30 jours après la fin de l'événement" in text
    assert "Les organisateur·rices d'un événement" in text


def test_the_privacy_page_follows_the_delay_actually_applied(client, monkeypatch):
    from hub.views_account import PrivacyView

    monkeypatch.setitem(PrivacyView.extra_context, "remarks_days", 1)

    assert "effacés automatiquement 1 jour après" in client.get(reverse("privacy")).text


# --- Query counts -----------------------------------------------------------------------------


def _grow_everything(user):
    def grow(n):
        for _ in range(n):
            RegistrationFactory(user=user, remarks="Sans gluten")
            NeedFactory(created_by=user)
            OfferFactory(created_by=user)
            WorkshopProposalFactory(proposed_by=user)
            Support.objects.create(user=user, proposal=WorkshopProposalFactory())
            NewsFactory(author=user)
            IssueFactory(created_by=user)

    return grow


@pytest.mark.parametrize("url_name", ["espace:account_export", "espace:account_delete"])
def test_the_export_and_the_deletion_page_cost_the_same_with_ten_times_more_rows(client, url_name):
    from tests.querycount import assert_constant_queries

    user = UserFactory(password=PASSWORD)
    client.force_login(user)

    assert_constant_queries(client, reverse(url_name), _grow_everything(user))


def test_the_pistes_a_person_proposed_are_exported_and_kept_without_them_on_deletion():
    from projets.models import PisteProposal
    from tests.projets.factories import PisteProposalFactory

    alice = UserFactory(email="alice-pistes@example.org")
    mine = PisteProposalFactory(proposed_by=alice, title="Chantier semences")
    PisteProposalFactory(title="Piste de quelqu'un d'autre")

    data = user_export_data(user=alice)
    plan = user_delete_plan(user=alice)
    user_delete(user=alice)

    assert [p["title"] for p in data["piste_proposals"]] == ["Chantier semences"]
    assert plan.piste_proposals == 1 and plan.keeps_anything
    mine.refresh_from_db()
    assert mine.proposed_by is None  # the proposal stays with its project
    assert PisteProposal.objects.count() == 2


# --- Import files waiting for their confirmation ---------------------------------------------


def test_the_export_names_an_import_file_waiting_without_its_content(alice, bob):
    ImportUploadFactory(user=alice, name="projets-liege.csv", data=b"nom\nProjet de Claire\n")
    ImportUploadFactory(user=bob, name="projets-de-bob.csv")

    data = user_export_data(user=alice)
    raw = json.dumps(data, default=str)

    assert [(u["import"], u["name"], u["format"]) for u in data["import_uploads"]] == [
        ("projets.project", "projets-liege.csv", "csv")
    ]
    assert "Projet de Claire" not in raw
    assert "projets-de-bob.csv" not in raw


def test_deleting_an_account_deletes_its_import_files_waiting(alice, bob):
    ImportUploadFactory(user=alice)
    bobs = ImportUploadFactory(user=bob)

    user_delete(user=alice)

    assert list(ImportUpload.objects.all()) == [bobs]
