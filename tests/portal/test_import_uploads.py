"""Between an import's preview and its confirmation the file waits in the database
(portal.imports.uploads), never on a web server's disk: the confirmation may reach another
process; only its sender confirms it, once, within IMPORT_UPLOAD_MAX_AGE; what is never
confirmed goes with the sender's next upload or the hourly purge."""

import datetime
import tempfile
import threading
import time
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from import_export import tmp_storages

from portal.celery import app
from portal.imports.uploads import (
    import_upload_create,
    import_upload_purge,
    import_upload_take,
)
from portal.models import ImportUpload
from portal.tasks import purge_import_uploads
from projets.models import Project
from tests.portal.factories import ImportUploadFactory, UserFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/projets/project/import/"
SESSION_KEY = "import:projets.project"
HEADER = "nom,province,porteurs,source\n"


@pytest.fixture
def namur():
    return ProvinceFactory(name="Namur", slug="namur", code="NA")


@pytest.fixture
def no_local_file(tmp_path, monkeypatch):
    """This "web process" has a /tmp of its own, and the library's temporary storage fails."""

    def refuse(*args, **kwargs):
        raise AssertionError("the import must not keep its file on the local disk")

    for storage in (tmp_storages.TempFolderStorage, tmp_storages.MediaStorage):
        monkeypatch.setattr(storage, "__init__", refuse)

    def use(folder):
        folder.mkdir()
        monkeypatch.setattr(tempfile, "tempdir", str(folder))
        return folder

    return lambda name: use(tmp_path / name)


def staff(email):
    return UserFactory(email=email, is_staff=True, is_superuser=True)


def upload(text, name="projets.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def preview(client, text, name="projets.csv"):
    response = client.post(IMPORT_URL, {"file": upload(text, name)})
    assert response.status_code == HTTPStatus.OK
    assert response.context["preview"], messages_of(response)
    return response


def test_preview_on_one_process_and_confirmation_on_another_use_no_local_file(namur, no_local_file):
    first_tmp = no_local_file("web-1")
    client = Client()
    client.force_login(staff("cellule@example.org"))

    response = preview(client, HEADER + "A,Namur,,s\nB,Namur,,s\n")

    kept = ImportUpload.objects.get()
    assert bytes(kept.data) == (HEADER + "A,Namur,,s\nB,Namur,,s\n").encode()
    assert (kept.import_label, kept.name, kept.file_format) == (
        "projets.project",
        "projets.csv",
        "csv",
    )
    assert client.session[SESSION_KEY] == kept.pk  # the id, nothing else
    assert f'name="upload" value="{kept.pk}"' in response.text
    assert list(first_tmp.iterdir()) == []
    assert not Project.objects.exists()

    # Another process, on another host: an empty /tmp, the same session cookie.
    second_tmp = no_local_file("web-2")
    other = Client()
    other.cookies = client.cookies
    response = other.post(IMPORT_URL, {"confirm": "1", "upload": str(kept.pk)})

    assert response.status_code == HTTPStatus.FOUND, messages_of(response)
    assert sorted(Project.objects.values_list("name", flat=True)) == ["A", "B"]
    assert not ImportUpload.objects.exists()
    assert SESSION_KEY not in other.session
    assert list(second_tmp.iterdir()) == []


def test_a_second_confirmation_is_refused_and_imports_nothing_more(admin_client, namur):
    preview(admin_client, HEADER + "A,Namur,,s\n")
    pk = admin_client.session[SESSION_KEY]
    admin_client.post(IMPORT_URL, {"confirm": "1", "upload": str(pk)})

    again = admin_client.post(IMPORT_URL, {"confirm": "1", "upload": str(pk)})

    assert again.status_code == HTTPStatus.OK
    assert messages_of(again)[-1] == (
        "Le fichier à importer n'est plus disponible : envoyez-le à nouveau."
    )
    assert Project.objects.count() == 1


def test_two_staff_members_each_confirm_their_own_file(namur):
    anne, marc = Client(), Client()
    anne.force_login(staff("anne@example.org"))
    marc.force_login(staff("marc@example.org"))

    preview(anne, HEADER + "D'Anne,Namur,,s\n")
    preview(marc, HEADER + "De Marc,Namur,,s\n")  # does not replace Anne's file

    assert ImportUpload.objects.count() == 2
    assert anne.post(IMPORT_URL, {"confirm": "1"}).status_code == HTTPStatus.FOUND
    assert marc.post(IMPORT_URL, {"confirm": "1"}).status_code == HTTPStatus.FOUND
    assert sorted(Project.objects.values_list("name", flat=True)) == ["D'Anne", "De Marc"]


def test_another_persons_file_is_refused(namur):
    anne, marc = Client(), Client()
    anne.force_login(staff("anne@example.org"))
    marc.force_login(staff("marc@example.org"))
    preview(anne, HEADER + "D'Anne,Namur,,s\n")
    annes = anne.session[SESSION_KEY]
    session = marc.session
    session[SESSION_KEY] = annes  # however Marc's session came to name it
    session.save()

    response = marc.post(IMPORT_URL, {"confirm": "1", "upload": str(annes)})

    assert response.status_code == HTTPStatus.OK
    assert messages_of(response) == [
        (
            "Ce fichier a été envoyé par une autre personne : seule elle peut confirmer son "
            "import. Envoyez votre propre fichier."
        )
    ]
    assert not Project.objects.exists()
    # Anne's file is still hers to confirm.
    assert anne.post(IMPORT_URL, {"confirm": "1"}).status_code == HTTPStatus.FOUND
    assert list(Project.objects.values_list("name", flat=True)) == ["D'Anne"]


def test_a_stale_preview_is_refused(admin_client, namur, settings):
    preview(admin_client, HEADER + "A,Namur,,s\n")
    ImportUpload.objects.update(
        created_at=timezone.now() - datetime.timedelta(seconds=settings.IMPORT_UPLOAD_MAX_AGE + 1)
    )

    response = admin_client.post(IMPORT_URL, {"confirm": "1"})

    assert response.status_code == HTTPStatus.OK
    assert messages_of(response) == [
        (
            "L'aperçu date de plus de 60 minutes : envoyez à nouveau le fichier pour le "
            "vérifier avant de l'importer."
        )
    ]
    assert not Project.objects.exists()
    assert SESSION_KEY not in admin_client.session


@pytest.mark.parametrize("stored", [123456, "../../etc/passwd", None])
def test_an_unknown_id_in_the_session_is_refused(admin_client, namur, stored):
    session = admin_client.session
    session[SESSION_KEY] = stored
    session.save()

    response = admin_client.post(IMPORT_URL, {"confirm": "1", "upload": "123456"})

    assert response.status_code == HTTPStatus.OK
    assert "n'est plus disponible" in messages_of(response)[0]
    assert not Project.objects.exists()


def test_a_preview_replaced_by_a_newer_one_cannot_confirm_it(admin_client, namur):
    preview(admin_client, HEADER + "Ancien,Namur,,s\n")
    old = admin_client.session[SESSION_KEY]
    preview(admin_client, HEADER + "Nouveau,Namur,,s\n")  # in another tab
    new = admin_client.session[SESSION_KEY]

    refused = admin_client.post(IMPORT_URL, {"confirm": "1", "upload": str(old)})

    assert "n'est plus disponible" in messages_of(refused)[0]
    assert not Project.objects.exists()
    assert list(ImportUpload.objects.values_list("pk", flat=True)) == [new]

    admin_client.post(IMPORT_URL, {"confirm": "1", "upload": str(new)})

    assert list(Project.objects.values_list("name", flat=True)) == ["Nouveau"]


# --- The services ------------------------------------------------------------------------------


def test_the_next_upload_replaces_the_senders_file_and_drops_their_stale_ones(settings):
    anne = staff("anne@example.org")
    stale = timezone.now() - datetime.timedelta(seconds=settings.IMPORT_UPLOAD_MAX_AGE + 1)
    same_import = ImportUploadFactory(user=anne)
    stale_other_import = ImportUploadFactory(
        user=anne, import_label="expertises.facilitator", created_at=stale
    )
    fresh_other_import = ImportUploadFactory(user=anne, import_label="expertises.facilitator")
    someone_elses = ImportUploadFactory(created_at=stale)

    new = import_upload_create(
        user=anne, import_label="projets.project", name="b.csv", file_format="csv", data=b"x"
    )

    assert set(ImportUpload.objects.all()) == {new, fresh_other_import, someone_elses}
    assert not ImportUpload.objects.filter(pk__in=[same_import.pk, stale_other_import.pk])


def test_take_hands_the_bytes_over_once():
    kept = ImportUploadFactory(data=b"\x00\xffbytes")

    taken = import_upload_take(user=kept.user, upload_id=kept.pk, import_label="projets.project")

    assert taken.data == b"\x00\xffbytes"
    assert taken.file_format == "csv"
    with pytest.raises(ValidationError) as refusal:
        import_upload_take(user=kept.user, upload_id=kept.pk, import_label="projets.project")
    assert refusal.value.code == "gone"


def test_take_refuses_another_import_and_another_person():
    kept = ImportUploadFactory()

    with pytest.raises(ValidationError) as other_import:
        import_upload_take(user=kept.user, upload_id=kept.pk, import_label="expertises.facilitator")
    with pytest.raises(ValidationError) as other_person:
        import_upload_take(user=UserFactory(), upload_id=kept.pk, import_label="projets.project")

    assert (other_import.value.code, other_person.value.code) == ("gone", "not_yours")
    assert ImportUpload.objects.filter(pk=kept.pk).exists()


def test_the_purge_deletes_stale_files_only_and_twice_is_a_no_op(settings):
    now = timezone.now()
    age = datetime.timedelta(seconds=settings.IMPORT_UPLOAD_MAX_AGE)
    stale = ImportUploadFactory(created_at=now - age - datetime.timedelta(seconds=1))
    fresh = ImportUploadFactory(created_at=now - age + datetime.timedelta(minutes=1))

    assert import_upload_purge(now=now) == 1
    assert import_upload_purge(now=now) == 0
    assert list(ImportUpload.objects.all()) == [fresh]
    assert not ImportUpload.objects.filter(pk=stale.pk).exists()


def test_the_hourly_task_purges(settings):
    ImportUploadFactory(
        created_at=timezone.now() - datetime.timedelta(seconds=settings.IMPORT_UPLOAD_MAX_AGE + 5)
    )
    ImportUploadFactory()

    purge_import_uploads.delay()

    assert ImportUpload.objects.count() == 1
    assert purge_import_uploads() == 0
    entry = app.conf.beat_schedule["purge-import-uploads"]
    assert entry == {"task": "portal.tasks.purge_import_uploads", "schedule": 3600.0}


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_the_same_moment_take_the_file_once():
    """Two requests of the same person (a double click reaching two web processes), each in
    its own thread and connection: one gets the file, the other finds it gone."""
    kept = ImportUploadFactory()
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def confirm() -> None:
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                taken = import_upload_take(
                    user=kept.user, upload_id=kept.pk, import_label="projets.project"
                )
                time.sleep(0.3)  # the import runs while the row is locked
                outcomes.append(taken.data)
        except ValidationError as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes, key=str) == sorted([bytes(kept.data), "gone"], key=str)
    assert not ImportUpload.objects.exists()
