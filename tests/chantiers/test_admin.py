"""News written in the admin go through the services of the officers' space: the same rules
(the body's limit), the publication and its withdrawal, deletion; a refusal is a form error."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from chantiers.models import News
from chantiers.services import BODY_MAX_LENGTH
from tests.admin_forms import change_form_data, split_datetime
from tests.chantiers.factories import NewsFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def as_staff(client, staff):
    client.force_login(staff)
    return client


def change_url(news):
    return reverse("admin:chantiers_news_change", args=[news.pk])


def post_change(client, news, **changes):
    data = change_form_data(client.get(change_url(news)))
    for name, value in changes.items():
        if isinstance(value, datetime.datetime):
            data.update(split_datetime(name, value))
        elif value is None:
            data[f"{name}_0"] = data[f"{name}_1"] = ""
        else:
            data[name] = value
    return client.post(change_url(news), data)


def test_published_from_the_admin_at_a_time_given(as_staff, staff, liege):
    at = (timezone.now() - HOUR).replace(second=0, microsecond=0)
    data = {
        "title": "Marchés publics : le guide",
        "slug": "guide-marches-publics",
        "summary": "Un guide.",
        "body": "Le texte.",
        "province": liege.pk,
        **split_datetime("published_at", at),
    }

    response = as_staff.post(reverse("admin:chantiers_news_add"), data)

    assert response.status_code == HTTPStatus.FOUND
    news = News.objects.get(slug="guide-marches-publics")
    assert news.published_at == at
    assert news.author == staff
    assert news.is_published


def test_withdrawn_from_the_admin(as_staff):
    news = NewsFactory()

    assert post_change(as_staff, news, published_at=None).status_code == HTTPStatus.FOUND

    news.refresh_from_db()
    assert news.published_at is None


def test_a_published_item_given_another_date_keeps_it(as_staff):
    news = NewsFactory()
    later = (timezone.now() + 24 * HOUR).replace(second=0, microsecond=0)

    assert post_change(as_staff, news, published_at=later).status_code == HTTPStatus.FOUND

    news.refresh_from_db()
    assert news.published_at == later
    assert not news.is_published  # scheduled now


def test_the_services_limit_is_a_form_error_and_nothing_changes(as_staff):
    """The admin's form has no limit on the body: the service's refusal shows on the form."""
    news = NewsFactory(title="Avant")

    response = post_change(as_staff, news, title="Après", body="x" * (BODY_MAX_LENGTH + 1))

    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors
    assert "ne peut pas dépasser" in " ".join(errors["body"])
    news.refresh_from_db()
    assert news.title == "Avant"


def test_deleted_from_the_admin(as_staff):
    news = NewsFactory()

    response = as_staff.post(
        reverse("admin:chantiers_news_delete", args=[news.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not News.objects.exists()
