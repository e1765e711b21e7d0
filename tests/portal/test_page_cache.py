"""The shared page cache for anonymous visitors (portal.page_cache): what is stored and served,
to whom, under which key, and that every kind of write shows on the next anonymous GET."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from chantiers.services import news_publish
from events.services import registration_cancel, registration_create
from newsletter.models import Issue
from newsletter.services.sending import issue_send_batch
from portal import page_cache
from projets.services.imports import project_confirm_many
from territoires.services import province_officer_add
from tests.chantiers.factories import ChantierFactory, NewsFactory, ResourceFactory, StepFactory
from tests.events.factories import EventFactory
from tests.expertises.factories import FacilitatorFactory
from tests.newsletter.factories import IssueFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

HEADER = page_cache.HEADER


def get(client: Client, url: str, **extra):
    response = client.get(url, **extra)
    assert response.status_code == HTTPStatus.OK, url
    return response


def html(client: Client, url: str) -> str:
    return get(client, url).content.decode()


def warm(client: Client, url: str) -> str:
    """Load the page twice: the second answer comes from the cache."""
    get(client, url)
    response = get(client, url)
    assert response[HEADER] == "hit", url
    return response.content.decode()


# --- What is stored, and for whom ---------------------------------------------------------------


def test_a_second_anonymous_visitor_is_served_the_same_bytes_from_the_cache(client):
    first = get(client, "/")
    assert first[HEADER] == "miss"
    second = get(Client(), "/")
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert not second.cookies


def test_a_signed_in_visitor_is_served_a_shared_page_with_their_header_and_stores_none(client):
    chantier = ChantierFactory()
    url = chantier.get_absolute_url()
    warm(Client(), url)
    person = UserFactory(first_name="Zoé", last_name="Personnelle")
    client.force_login(person)
    get(client, url)  # this process renders the signed-in header once, if it never did
    response = get(client, url)
    assert response[HEADER] == "hit"
    assert "Se déconnecter" in response.content.decode()
    assert "Se connecter" not in response.content.decode()
    page_cache.version_bump()
    assert HEADER not in get(client, url)  # built for them ...
    anonymous = get(Client(), url)  # ... is never what an anonymous visitor is given
    assert anonymous[HEADER] == "miss"
    assert "Se déconnecter" not in anonymous.content.decode()


def test_the_language_is_part_of_the_key(client):
    french = warm(client, "/")
    english = get(Client(), "/", HTTP_ACCEPT_LANGUAGE="en")
    assert english[HEADER] == "miss"
    assert english.content.decode() != french
    assert 'lang="en"' in english.content.decode()
    assert get(Client(), "/", HTTP_ACCEPT_LANGUAGE="en")[HEADER] == "hit"


@pytest.mark.parametrize(
    "query",
    ["?utm_source=lettre", "?page=abc", "?page=0", "?page=02", "?page=1&page=2", "?page=99999"],
)
def test_unknown_parameters_and_invalid_values_are_served_without_the_cache(client, query):
    url = reverse("projets:project_list") + query
    assert HEADER not in get(client, url)
    assert HEADER not in get(client, url)


def test_a_known_parameter_with_a_valid_value_forms_a_key(client):
    url = reverse("projets:project_list") + "?page=1"
    assert get(client, url)[HEADER] == "miss"
    assert get(client, url)[HEADER] == "hit"


def test_a_page_with_messages_waiting_is_neither_served_nor_stored():
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    request._messages.add(constants.SUCCESS, "Merci")
    assert not page_cache.pages._without_messages(request, signed_in=False)
    assert len(get_messages(request)) == 1  # still there to be shown


def test_a_response_that_sets_a_cookie_is_not_stored(client, settings):
    url = reverse("newsletter:subscribe")  # not a cached page: its form carries a token
    response = client.get(url)
    assert HEADER not in response
    assert "csrftoken" in response.cookies


def test_entries_live_only_until_the_next_change_by_time(client):
    soon = timezone.now() + datetime.timedelta(seconds=90)
    EventFactory(start=soon, end=soon + datetime.timedelta(hours=1))
    now = timezone.now()
    assert page_cache.next_change(now) <= soon
    page_cache.version._next_change = None  # computed again, from the rows
    assert page_cache.next_change(now) <= soon


def test_the_next_change_is_read_once_per_version_and_follows_every_write(
    django_assert_num_queries, committed
):
    page_cache.next_change(timezone.now())
    with django_assert_num_queries(0):
        page_cache.next_change(timezone.now())
    soon = timezone.now() + datetime.timedelta(minutes=3)
    with committed():
        event = EventFactory(start=soon)
    assert page_cache.next_change(timezone.now()) <= soon
    sooner = timezone.now() + datetime.timedelta(minutes=1)
    with committed():
        event.registration_closes_at = sooner
        event.save()
    assert page_cache.next_change(timezone.now()) <= sooner


def test_a_scheduled_news_item_bounds_the_life_of_entries():
    later = timezone.now() + datetime.timedelta(minutes=5)
    NewsFactory(published_at=later)
    assert page_cache.next_change(timezone.now()) <= later


def test_an_entry_is_stored_only_until_the_next_event_starts(client, monkeypatch):
    EventFactory(start=timezone.now() + datetime.timedelta(minutes=10))
    stored = []
    real_call = page_cache.pages.shared_call

    def spy(cache, method, *args, **kwargs):
        if method == "set" and args[0].startswith("pages:page:"):
            stored.append(args[2])
        return real_call(cache, method, *args, **kwargs)

    monkeypatch.setattr(page_cache.version, "shared_call", spy)
    monkeypatch.setattr(page_cache.pages, "shared_call", spy)
    get(client, reverse("events:event_list"))
    assert len(stored) == 1
    assert 0 < stored[0] <= 600


# --- Every kind of write shows on the next anonymous GET ----------------------------------------


def test_a_chantier_edited(client, committed):
    chantier = ChantierFactory(title="Ancien titre")
    url = chantier.get_absolute_url()
    assert "Ancien titre" in warm(client, url)
    chantier.title = "Nouveau titre"
    with committed():
        chantier.save()
    assert "Nouveau titre" in html(client, url)


def test_a_step_added(client, committed):
    chantier = ChantierFactory()
    url = chantier.get_absolute_url()
    warm(client, url)
    with committed():
        StepFactory(chantier=chantier, title="Étape toute neuve")
    assert "Étape toute neuve" in html(client, url)


def test_a_resource_deleted(client, committed):
    chantier = ChantierFactory()
    resource = ResourceFactory(chantier=chantier, title="Guide à retirer")
    url = chantier.get_absolute_url()
    assert "Guide à retirer" in warm(client, url)
    with committed():
        resource.delete()
    assert "Guide à retirer" not in html(client, url)


def test_a_news_item_published(client, staff, committed):
    news = NewsFactory(title="Annonce du jour", published_at=None)
    url = reverse("news:news_list")
    assert "Annonce du jour" not in warm(client, url)
    with committed():
        news_publish(user=staff, news=news)
    assert "Annonce du jour" in html(client, url)


def test_a_project_added_and_confirmed(client, liege, committed):
    url = reverse("projets:project_list")
    warm(client, url)
    with committed():
        project = ProjectFactory(name="Potager partagé de Huy", province=liege, is_confirmed=False)
    assert "Potager partagé de Huy" in html(client, url)
    detail = project.get_absolute_url()
    before = warm(client, detail)
    with committed():
        project_confirm_many(projects=type(project).objects.filter(pk=project.pk))
    assert html(client, detail) != before


def test_an_event_edited(client, staff, committed):
    from events.services import event_update

    event = EventFactory(title="Rencontre de Namur")
    url = event.get_absolute_url()
    assert "Rencontre de Namur" in warm(client, url)
    with committed():
        event_update(user=staff, event=event, data={"venue": "Salle des fêtes de Jambes"})
    assert "Salle des fêtes de Jambes" in html(client, url)


def test_a_registration_changes_the_seat_count(client, committed):
    event = EventFactory(capacity=3)
    url = event.get_absolute_url()
    assert "Encore 3 places libres" in warm(client, url)
    with committed():
        registration = registration_create(user=UserFactory(), event=event, organisation="Ferme")
    assert "Encore 2 places libres" in warm(client, url)
    with committed():
        registration_cancel(registration=registration)  # conditional UPDATEs, no post_save
    assert "Encore 3 places libres" in html(client, url)


def test_a_facilitator_saved(client, committed):
    facilitator = FacilitatorFactory(name="Atelier Graines")
    url = reverse("expertises:facilitator_list")
    assert "Atelier Graines" in warm(client, url)
    facilitator.name = "Atelier Semences"
    with committed():
        facilitator.save()
    assert "Atelier Semences" in html(client, url)


def test_a_province_officer_added(client, liege, staff, committed):
    url = liege.get_absolute_url()
    warm(client, url)
    officer = UserFactory(first_name="Anne", last_name="Lambert")
    with committed():
        province_officer_add(by=staff, province=liege, user=officer)
    assert "Lambert" in html(client, url)


def test_an_officer_renamed(client, liege, officer, committed):
    url = liege.get_absolute_url()
    warm(client, url)
    officer.last_name = "Nouveaunom"
    with committed():
        officer.save()
    assert "Nouveaunom" in html(client, url)


def test_a_sign_in_leaves_the_cache_alone(client, officer, committed):
    with committed():
        pass  # the officer's account, committed
    warm(client, "/")
    officer.last_login = timezone.now()
    with committed() as hooks:
        officer.save(update_fields=["last_login"])
    assert hooks == []
    assert get(client, "/")[HEADER] == "hit"


def test_a_newsletter_issue_sent(client, committed):
    issue = IssueFactory(subject="Lettre de décembre", status=Issue.Status.SENDING, number=7)
    url = reverse("newsletter:issue_list")
    assert "Lettre de décembre" not in warm(client, url)
    with committed():
        assert issue_send_batch(issue_pk=issue.pk) == 0  # nobody left: marked sent (an UPDATE)
    assert "Lettre de décembre" in html(client, url)


def test_a_province_renamed(client, committed):
    province = ProvinceFactory(name="Luxembourg")
    url = reverse("territoires:province_list")
    assert "Luxembourg" in warm(client, url)
    province.name = "Province de Luxembourg"
    with committed():
        province.save()
    assert "Province de Luxembourg" in html(client, url)


# --- Pages the same for every anonymous visitor -------------------------------------------------


@pytest.fixture
def key_pages(liege):
    chantier = ChantierFactory()
    StepFactory(chantier=chantier)
    project = ProjectFactory(province=liege, latitude="50.5", longitude="5.5")
    event = EventFactory(province=liege, capacity=20, latitude="50.5", longitude="5.5")
    NewsFactory(chantier=chantier)
    return [
        "/",
        chantier.get_absolute_url(),
        reverse("projets:project_list"),
        project.get_absolute_url(),
        reverse("territoires:province_list"),
        liege.get_absolute_url(),
        reverse("events:event_list"),
        event.get_absolute_url(),
        reverse("news:news_list"),
        reverse("maps:map"),
    ]


def test_two_anonymous_renderings_of_each_key_page_are_byte_identical(key_pages):
    for url in key_pages:
        page_cache.version_bump()
        first = Client().get(url)
        page_cache.version_bump()
        second = Client().get(url)
        assert first[HEADER] == second[HEADER] == "miss", url
        assert first.content == second.content, url
        assert not second.cookies, url
        assert b"csrfmiddlewaretoken" not in second.content, url


def test_the_footer_form_and_the_language_switcher_work_without_a_token(liege):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("newsletter:subscribe"), {"email": "lea@example.org"})
    assert response.status_code == HTTPStatus.FOUND
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == HTTPStatus.FOUND
    assert client.cookies["django_language"].value == "en"


def test_a_contact_without_a_token_is_sent_as_from_anyone_even_signed_in(liege, officer):
    from portal.models import OutgoingEmail

    sender = UserFactory(email="camille@example.org")
    client = Client(enforce_csrf_checks=True)
    client.force_login(sender)
    data = {
        "name": "Camille",
        "email": "camille@example.org",
        "message": "Bonjour, une question sur la province.",
        "copy": "on",
    }
    url = reverse("territoires:province_contact", kwargs={"slug": liege.slug})
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    recipients = set(OutgoingEmail.objects.values_list("to", flat=True))
    assert sender.email not in str(recipients)  # no copy: the session was not used

    token_client = Client(enforce_csrf_checks=True)
    token_client.force_login(sender)
    page = token_client.get(url)
    token = page.context["csrf_token"]
    OutgoingEmail.objects.all().delete()
    response = token_client.post(url, {**data, "csrfmiddlewaretoken": str(token)})
    assert response.status_code == HTTPStatus.FOUND
    recipients = set(OutgoingEmail.objects.values_list("to", flat=True))
    assert sender.email in str(recipients)  # with the page's token: the copy is sent


# --- Shared fragments ---------------------------------------------------------------------------


def test_a_shared_fragment_is_rendered_once_per_content_version(committed):
    from django.template import Context, Template

    calls = []

    class Counter:
        def __str__(self):
            calls.append(1)
            return "rendu"

    tpl = Template(
        '{% load fragments %}{% shared_fragment "essai" key %}{{ counter }}{% endshared_fragment %}'
    )
    context = {"key": 1, "counter": Counter()}
    assert tpl.render(Context(context)) == "rendu"
    assert tpl.render(Context(context)) == "rendu"
    assert len(calls) == 1
    assert tpl.render(Context({**context, "key": 2})) == "rendu"
    assert len(calls) == 2
    with committed():
        page_cache.content_changed()
    tpl.render(Context(context))
    assert len(calls) == 3


def test_a_signed_in_visitor_sees_a_step_added_in_the_shared_timeline(client, committed):
    chantier = ChantierFactory()
    StepFactory(chantier=chantier, title="Première étape", start_date=datetime.date(2026, 1, 1))
    client.force_login(UserFactory())
    url = chantier.get_absolute_url()
    assert "Première étape" in html(client, url)
    with committed():
        StepFactory(chantier=chantier, title="Deuxième étape", start_date=datetime.date(2026, 2, 1))
    assert "Deuxième étape" in html(client, url)


def test_a_signed_in_page_from_the_shared_entry_is_one_round_trip(client, monkeypatch):
    chantier = ChantierFactory()
    client.force_login(UserFactory())
    url = chantier.get_absolute_url()
    html(Client(), url)  # stored by an anonymous visitor
    html(client, url)  # the signed-in header rendered once by this process
    reads = []
    real_call = page_cache.pages.shared_call

    def spy(cache, method, *args, **kwargs):
        reads.append((method, args[0]))
        return real_call(cache, method, *args, **kwargs)

    monkeypatch.setattr(page_cache.version, "shared_call", spy)
    monkeypatch.setattr(page_cache.pages, "shared_call", spy)
    response = get(client, url)
    assert response[HEADER] == "hit" and chantier.title in response.content.decode()
    [(method, keys)] = reads
    assert method == "get_many" and keys == [
        page_cache.VERSION_KEY,
        page_cache.page_key(response.wsgi_request),
    ]


def test_a_signed_in_page_built_reads_the_version_once(client, monkeypatch):
    """Built for the visitor (a new version): the version is read with the page's entry, and
    its fragment then alone."""
    chantier = ChantierFactory()
    client.force_login(UserFactory())
    url = chantier.get_absolute_url()
    html(client, url)  # the fragment is stored
    page_cache.version_bump()
    html(client, url)
    reads = []
    real_call = page_cache.pages.shared_call

    def spy(cache, method, *args, **kwargs):
        if method in ("get", "get_many"):
            reads.append((method, args[0]))
        return real_call(cache, method, *args, **kwargs)

    monkeypatch.setattr(page_cache.version, "shared_call", spy)
    monkeypatch.setattr(page_cache.pages, "shared_call", spy)
    assert chantier.title in html(client, url)
    assert [method for method, _ in reads] == ["get_many", "get"]
    assert reads[0][1][0] == page_cache.VERSION_KEY


# --- The middleware: hits served before the session -------------------------------------------


def early(response) -> bool:
    """Served by ``PageCacheMiddleware``: the session middleware never ran."""
    return response[HEADER] == "hit" and not hasattr(response.wsgi_request, "session")


def test_a_hit_is_served_before_the_session_with_the_headers_of_a_full_answer(client):
    miss = get(client, "/")
    hit = get(Client(), "/")
    assert early(hit)
    assert hit.content == miss.content
    assert {k: v for k, v in hit.headers.items() if k != HEADER} == {
        k: v for k, v in miss.headers.items() if k != HEADER
    }
    assert hit["Content-Security-Policy"] and hit["X-Frame-Options"] == "DENY"
    assert hit["X-Content-Type-Options"] == "nosniff"


def test_the_middleware_keys_the_language_as_the_locale_middleware(client, settings):
    french = get(client, "/")
    english = get(Client(HTTP_ACCEPT_LANGUAGE="en"), "/")
    assert english["Content-Language"] == "en" and english[HEADER] == "miss"
    by_header = get(Client(HTTP_ACCEPT_LANGUAGE="en"), "/")
    assert early(by_header) and by_header.content == english.content
    by_cookie = Client()
    by_cookie.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = get(by_cookie, "/")
    assert early(response) and response["Content-Language"] == "en"
    assert response.content == english.content != french.content


def test_a_session_or_messages_cookie_goes_through_the_whole_middleware(client, settings):
    get(client, "/")
    with_session = Client()
    with_session.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    response = get(with_session, "/")
    assert response[HEADER] == "hit" and hasattr(response.wsgi_request, "session")
    with_messages = Client()
    with_messages.cookies["messages"] = "garbage"
    response = get(with_messages, "/")
    assert hasattr(response.wsgi_request, "session")


def test_a_signed_in_visitor_is_never_served_by_the_middleware(client):
    get(client, "/")
    signed_in = Client()
    signed_in.force_login(UserFactory())
    response = get(signed_in, "/")
    assert HEADER not in response and response.wsgi_request.user.is_authenticated


def test_a_write_makes_the_middleware_step_aside(client, committed):
    get(client, "/")
    assert early(get(Client(), "/"))
    with committed():
        page_cache.content_changed()
    response = get(Client(), "/")
    assert response[HEADER] == "miss" and hasattr(response.wsgi_request, "session")


def test_a_known_page_built_again_is_looked_up_once(client, committed, monkeypatch):
    get(client, "/")
    with committed():
        page_cache.content_changed()
    calls = []
    real_call = page_cache.pages.shared_call

    def spy(cache, method, *args, **kwargs):
        if method == "get_many":
            calls.append(args[0])
        return real_call(cache, method, *args, **kwargs)

    monkeypatch.setattr(page_cache.version, "shared_call", spy)
    monkeypatch.setattr(page_cache.pages, "shared_call", spy)
    # The middleware reads the version and the stale entry; the view's wrapper reuses them.
    assert get(Client(), "/")[HEADER] == "miss"
    assert len(calls) == 1
    assert get(Client(), "/")[HEADER] == "hit"


def test_only_keys_of_wrapped_pages_are_looked_up(client, monkeypatch):
    get(client, "/")
    calls = []
    real_call = page_cache.pages.shared_call

    def spy(cache, method, *args, **kwargs):
        if method == "get_many" and any(k.startswith("pages:page:") for k in args[0]):
            calls.append(args[0])
        return real_call(cache, method, *args, **kwargs)

    monkeypatch.setattr(page_cache.version, "shared_call", spy)
    monkeypatch.setattr(page_cache.pages, "shared_call", spy)
    Client().get(reverse("account_login"))
    Client().get("/?garbage=1")
    Client().post("/")
    assert calls == []
