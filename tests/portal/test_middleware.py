"""Bodies over the set size are refused (413, a page in the visitor's language) before
anything reads them: before the CSRF middleware, before the view; the staff's CSV import takes
a larger body. The same limits through nginx and gunicorn: test_proxy.py."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from newsletter.models import Subscriber
from portal.middleware import body_limit

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/lettre/inscription/"
IMPORT = "/admin/projets/project/import/"
HUGE = str(200 * 1024 * 1024)


def test_the_import_pages_take_the_larger_limit_and_nothing_else_does():
    assert body_limit(IMPORT) == settings.UPLOAD_BODY_MAX_BYTES
    assert body_limit("/admin/expertises/facilitator/import/") == settings.UPLOAD_BODY_MAX_BYTES
    for path in (SUBSCRIBE, "/admin/projets/project/add/", "/admin/projets/project/import/x/"):
        assert body_limit(path) == settings.REQUEST_BODY_MAX_BYTES
    assert settings.UPLOAD_BODY_MAX_BYTES > settings.REQUEST_BODY_MAX_BYTES


def test_a_declared_huge_body_is_refused_without_being_read():
    # The test client's input refuses to be read past what it holds (here nothing): any
    # parsing would fail loudly. The CSRF check is on and would say 403 had it run first.
    client = Client(enforce_csrf_checks=True)
    response = client.generic(
        "POST",
        SUBSCRIBE,
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=HUGE,
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "Envoi trop volumineux" in response.text
    assert "1 Mo" in response.text


def test_a_form_one_byte_over_the_limit_is_refused_and_nothing_is_saved(client):
    limit = settings.REQUEST_BODY_MAX_BYTES
    body = f"email=camille%40example.org&source=/&pad={'x' * limit}".encode()
    response = client.generic(
        "POST", SUBSCRIBE, body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert not Subscriber.objects.exists()


def test_a_form_within_the_limit_goes_through(client):
    response = client.post(SUBSCRIBE, {"email": "camille@example.org", "pad": "x" * 1000})
    assert response.status_code == HTTPStatus.FOUND


def test_the_page_speaks_english_to_english_readers():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.generic("POST", SUBSCRIBE, b"", CONTENT_LENGTH=HUGE)
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "Request too large" in response.text
    assert '<html lang="en"' in response.text


def test_an_import_file_over_the_form_limit_gets_the_forms_message(admin_client):
    # Over the general limit, under the import's: the import page itself says what is wrong.
    data = b"nom;province\n" + b"x" * (2 * 1024 * 1024 + 10)
    upload = SimpleUploadedFile("projets.csv", data, content_type="text/csv")
    response = admin_client.post(IMPORT, {"file": upload})
    assert response.status_code == HTTPStatus.OK
    assert "Le fichier dépasse la taille maximale de 2 Mo." in response.text


def test_an_import_body_over_the_import_limit_is_refused_with_its_own_message(admin_client):
    response = admin_client.generic(
        "POST", IMPORT, b"", content_type="multipart/form-data; boundary=xyz", CONTENT_LENGTH=HUGE
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "l'import accepte au plus 3 Mo" in response.text
