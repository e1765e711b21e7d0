"""The message a visitor writes to a province's officers: through the outbox, addresses unseen."""

import pytest
from django.core.exceptions import ValidationError

from portal.models import OutgoingEmail
from territoires.contact import OfficerMessage, officer_message_send
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

MESSAGE = OfficerMessage(
    sender_name="Camille Porteur",
    sender_email="camille@example.org",
    organisation="Ferme du Sart",
    message="Bonjour,\nnous cherchons un atelier de découpe.",
)


@pytest.fixture
def officers(liege, namur):
    anne = UserFactory(email="anne.cachee@example.org", first_name="Anne", last_name="Lambert")
    nameless = UserFactory(email="sans.nom@example.org", first_name="", last_name="")
    gone = UserFactory(email="partie@example.org", last_name="Zorro", is_active=False)
    liege.officers.add(anne, nameless, gone)
    namur.officers.add(anne)
    return {"anne": anne, "nameless": nameless, "gone": gone}


def test_a_message_reaches_each_active_officer_with_the_sender_as_reply_to(
    liege, officers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reached = officer_message_send(province=liege, message=MESSAGE)

    assert reached == 2
    emails = OutgoingEmail.objects.order_by("to")
    assert [email.to for email in emails] == ["anne.cachee@example.org", "sans.nom@example.org"]
    for email in emails:
        assert email.headers == {"Reply-To": "camille@example.org"}
        assert "Camille Porteur (camille@example.org)" in email.body_text
        assert "Ferme du Sart" in email.body_text
        assert "nous cherchons un atelier de découpe." in email.body_text
        assert "Liège" in email.subject and "Camille Porteur" in email.subject
        assert "<p>Bonjour,<br>nous cherchons" in email.body_html


def test_the_senders_copy_names_the_officers_without_their_addresses(liege, officers):
    sender = UserFactory(email="camille.compte@example.org")

    officer_message_send(province=liege, message=MESSAGE, copy_to=sender)

    copy = OutgoingEmail.objects.get(to="camille.compte@example.org")
    assert "Anne Lambert, un·e chargé·e de mission territoriale" in copy.body_text
    assert "nous cherchons un atelier de découpe." in copy.body_text
    for officer in officers.values():
        for text in (copy.subject, copy.body_text, copy.body_html, str(copy.headers)):
            assert officer.email not in text
    assert OutgoingEmail.objects.count() == 3


def test_without_a_signed_in_sender_no_copy_goes_anywhere(liege, officers):
    officer_message_send(province=liege, message=MESSAGE, copy_to=None)

    assert not OutgoingEmail.objects.filter(to="camille@example.org").exists()
    assert OutgoingEmail.objects.count() == 2


def test_a_province_nobody_follows_refuses_the_message_and_queues_nothing(namur, officers):
    namur.officers.clear()

    with pytest.raises(ValidationError) as error:
        officer_message_send(province=namur, message=MESSAGE)

    assert error.value.messages == ["Aucun·e chargé·e de mission ne suit encore cette province."]
    assert not OutgoingEmail.objects.exists()
