"""Writes on the news: each service as each role, with the states it must refuse."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chantiers.models import News
from chantiers.services import (
    BODY_MAX_LENGTH,
    news_create,
    news_delete,
    news_publish,
    news_unpublish,
    news_update,
)
from tests.chantiers.factories import ChantierFactory, NewsFactory

pytestmark = pytest.mark.django_db


def data(**overrides):
    values = {
        "title": "Lancement du chantier",
        "summary": "Le chantier démarre en septembre.",
        "body": "Rendez-vous **le 12**.",
        "chantier": None,
        "province": None,
    }
    values.update(overrides)
    return values


def messages_of(error, field):
    return error.value.message_dict[field]


# --- news_create ------------------------------------------------------------------------------


def test_officer_creates_a_draft_in_their_province(officer, liege):
    chantier = ChantierFactory()

    news = news_create(user=officer, data=data(province=liege, chantier=chantier))

    news.refresh_from_db()
    assert news.published_at is None
    assert news.author == officer
    assert news.province == liege and news.chantier == chantier
    assert news.slug == "lancement-du-chantier"
    assert news not in News.objects.published()


def test_staff_creates_a_wallonia_wide_item_without_chantier(staff):
    news = news_create(user=staff, data=data())

    assert news.province is None and news.chantier is None
    assert news.author == staff


def test_officer_cannot_leave_the_province_empty(officer):
    with pytest.raises(ValidationError) as error:
        news_create(user=officer, data=data(province=None))

    assert messages_of(error, "province") == ["Choisissez la province de l'actualité."]
    assert News.objects.count() == 0


def test_officer_cannot_write_for_another_province(officer, namur):
    with pytest.raises(ValidationError) as error:
        news_create(user=officer, data=data(province=namur))

    assert messages_of(error, "province") == ["Vous ne gérez pas les actualités de cette province."]
    assert News.objects.count() == 0


@pytest.mark.parametrize("role", ["anonymous", "plain", "leader"])
def test_people_without_a_province_cannot_write(role, people, liege):
    with pytest.raises(PermissionDenied):
        news_create(user=people[role], data=data(province=liege))

    assert News.objects.count() == 0


def test_title_and_summary_are_required(staff):
    with pytest.raises(ValidationError) as error:
        news_create(user=staff, data=data(title="", summary=""))

    assert set(error.value.message_dict) == {"title", "summary"}
    assert News.objects.count() == 0


def test_body_has_a_limit(staff):
    with pytest.raises(ValidationError) as error:
        news_create(user=staff, data=data(body="x" * (BODY_MAX_LENGTH + 1)))

    assert "ne peut pas dépasser" in messages_of(error, "body")[0]


def test_slugs_are_unique(staff):
    first = news_create(user=staff, data=data())
    second = news_create(user=staff, data=data())

    assert first.slug == "lancement-du-chantier"
    assert second.slug == "lancement-du-chantier-2"


@pytest.mark.parametrize("title", ["RSS", "Atom", "Chantier", "Nouvelle"])
def test_slugs_avoid_the_paths_of_the_list(staff, title):
    news = news_create(user=staff, data=data(title=title))

    assert news.slug == f"{title.lower()}-actualite"


def test_a_title_without_letters_gets_a_fallback_slug(staff):
    assert news_create(user=staff, data=data(title="« ! »")).slug == "actualite"


# --- news_update ------------------------------------------------------------------------------


def test_update_changes_the_content_and_keeps_slug_and_publication(officer, liege):
    news = NewsFactory(province=liege, slug="ancien", title="Ancien titre")
    published_at = news.published_at

    news = news_update(user=officer, news=news, data=data(title="Nouveau titre", province=liege))

    news.refresh_from_db()
    assert news.title == "Nouveau titre"
    assert news.slug == "ancien"
    assert news.published_at == published_at


def test_officer_cannot_move_an_item_to_another_province(officer, liege, namur):
    news = NewsFactory(province=liege, title="Reste à Liège")

    with pytest.raises(ValidationError) as error:
        news_update(user=officer, news=news, data=data(province=namur))

    assert "province" in error.value.message_dict
    news.refresh_from_db()
    assert news.province == liege and news.title == "Reste à Liège"


def test_officer_cannot_update_another_provinces_item(officer, namur):
    news = NewsFactory(province=namur, title="De Namur")

    with pytest.raises(PermissionDenied):
        news_update(user=officer, news=news, data=data(province=namur, title="Pris"))

    news.refresh_from_db()
    assert news.title == "De Namur"


def test_the_stored_province_decides_not_the_object_passed_in(officer, liege, namur):
    news = NewsFactory(province=namur)
    news.province = liege  # as a bound form would leave it

    with pytest.raises(PermissionDenied):
        news_update(user=officer, news=news, data=data(province=liege))

    news.refresh_from_db()
    assert news.province == namur


def test_staff_may_make_an_item_wallonia_wide(staff, liege):
    news = NewsFactory(province=liege)

    news = news_update(user=staff, news=news, data=data(province=None))

    news.refresh_from_db()
    assert news.province is None


def test_update_refuses_an_empty_title(staff):
    news = NewsFactory(title="Gardé")

    with pytest.raises(ValidationError):
        news_update(user=staff, news=news, data=data(title=""))

    news.refresh_from_db()
    assert news.title == "Gardé"


# --- news_publish / news_unpublish ------------------------------------------------------------


def test_publish_a_draft_now(officer, liege):
    news = NewsFactory(province=liege, published_at=None)
    before = timezone.now()

    news = news_publish(user=officer, news=news)

    news.refresh_from_db()
    assert before <= news.published_at <= timezone.now()
    assert news in News.objects.published()


def test_publish_at_a_later_time_schedules_it(staff):
    news = NewsFactory(published_at=None)
    later = timezone.now() + datetime.timedelta(days=2)

    news_publish(user=staff, news=news, at=later)

    news.refresh_from_db()
    assert news.published_at == later
    assert news not in News.objects.published()
    assert news in News.objects.published(now=later)


def test_publish_a_scheduled_item_now(staff):
    news = NewsFactory(published_at=timezone.now() + datetime.timedelta(days=2))

    news_publish(user=staff, news=news)

    news.refresh_from_db()
    assert news.published_at <= timezone.now()


def test_publish_refuses_a_published_item(staff):
    published_at = timezone.now() - datetime.timedelta(days=3)
    news = NewsFactory(published_at=published_at)

    with pytest.raises(ValidationError) as error:
        news_publish(user=staff, news=news)

    assert error.value.messages == ["Cette actualité est déjà publiée."]
    news.refresh_from_db()
    assert news.published_at == published_at


def test_publish_refuses_a_naive_time(staff):
    news = NewsFactory(published_at=None)

    with pytest.raises(ValidationError):
        news_publish(user=staff, news=news, at=datetime.datetime(2030, 1, 1, 9))  # noqa: DTZ001

    news.refresh_from_db()
    assert news.published_at is None


def test_officer_cannot_publish_another_provinces_item(officer, namur):
    news = NewsFactory(province=namur, published_at=None)

    with pytest.raises(PermissionDenied):
        news_publish(user=officer, news=news)

    news.refresh_from_db()
    assert news.published_at is None


def test_unpublish_makes_it_a_draft(officer, liege):
    news = NewsFactory(province=liege)

    news_unpublish(user=officer, news=news)

    news.refresh_from_db()
    assert news.published_at is None


def test_unpublish_a_scheduled_item(staff):
    news = NewsFactory(published_at=timezone.now() + datetime.timedelta(days=1))

    news_unpublish(user=staff, news=news)

    news.refresh_from_db()
    assert news.published_at is None


def test_unpublish_refuses_a_draft(staff):
    news = NewsFactory(published_at=None)

    with pytest.raises(ValidationError) as error:
        news_unpublish(user=staff, news=news)

    assert error.value.messages == ["Cette actualité est déjà un brouillon."]


def test_officer_cannot_unpublish_a_wallonia_wide_item(officer):
    news = NewsFactory(province=None)

    with pytest.raises(PermissionDenied):
        news_unpublish(user=officer, news=news)

    news.refresh_from_db()
    assert news.published_at is not None


# --- news_delete ------------------------------------------------------------------------------


def test_delete(officer, liege):
    news = NewsFactory(province=liege)

    news_delete(user=officer, news=news)

    assert not News.objects.filter(pk=news.pk).exists()


def test_officer_cannot_delete_another_provinces_item(officer, namur):
    news = NewsFactory(province=namur)

    with pytest.raises(PermissionDenied):
        news_delete(user=officer, news=news)

    assert News.objects.filter(pk=news.pk).exists()


def test_acting_on_a_deleted_item_is_a_clear_error(staff):
    news = NewsFactory()
    News.objects.filter(pk=news.pk).delete()

    with pytest.raises(ValidationError) as error:
        news_publish(user=staff, news=news)

    assert error.value.messages == ["Cette actualité n'existe plus."]
