"""The ground's model-update helper: set, check, save what changed, say what changed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from chantiers.models import News
from portal.model_updates import model_assign, model_locked, model_update, model_validate
from portal.models import OutgoingEmail
from tests.chantiers.factories import NewsFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def email():
    return OutgoingEmail.objects.create(to="a@example.org", subject="Avant", body_text="Texte")


def test_update_saves_only_the_changed_fields_and_says_which(email, django_assert_num_queries):
    before = email.updated_at
    OutgoingEmail.objects.filter(pk=email.pk).update(body_html="écrit ailleurs entre-temps")

    with django_assert_num_queries(1):
        changed = model_update(
            instance=email,
            fields=["subject", "body_text"],
            data={"subject": "Après", "body_text": "Texte", "to": "ignored@example.org"},
        )

    assert changed == ["subject"]
    email.refresh_from_db()
    assert email.subject == "Après"
    assert email.to == "a@example.org"  # not among the fields
    assert email.body_html == "écrit ailleurs entre-temps"  # not written back
    assert email.updated_at > before


def test_update_without_change_saves_nothing(email, django_assert_num_queries):
    with django_assert_num_queries(0):
        changed = model_update(instance=email, fields=["subject"], data={"subject": "Avant"})

    assert changed == []


def test_none_in_a_text_column_is_stored_blank(email):
    changed = model_assign(email, fields=["body_html"], data={"body_html": None})

    assert email.body_html == ""
    assert changed == []  # it was blank already


def test_relations_are_compared_by_key_without_reading_them(django_assert_num_queries):
    liege, namur = ProvinceFactory(), ProvinceFactory()
    news = News.objects.get(pk=NewsFactory(province=liege).pk)

    with django_assert_num_queries(0):
        same = model_assign(news, fields=["province"], data={"province": liege})
        moved = model_assign(news, fields=["province", "chantier"], data={"province": namur})

    assert same == []
    assert moved == ["province"]
    assert news.province_id == namur.pk


def test_a_many_to_many_relation_is_not_a_column():
    from newsletter.models import Subscriber

    with pytest.raises(TypeError):
        model_assign(Subscriber(), fields=["provinces"], data={"provinces": []})


def test_the_models_rules_and_the_services_are_refused_together(email):
    def check(instance):
        raise ValidationError({"subject": "Trop court.", "body_text": "Vide."})

    with pytest.raises(ValidationError) as excinfo:
        model_update(
            instance=email,
            fields=["to", "subject"],
            data={"to": "pas une adresse", "subject": "x"},
            check=check,
        )

    assert set(excinfo.value.message_dict) == {"to", "subject", "body_text"}
    email.refresh_from_db()
    assert email.to == "a@example.org"  # nothing saved


def test_a_check_without_field_is_a_general_error(email):
    def check(instance):
        raise ValidationError("Refusé.", code="nope")

    with pytest.raises(ValidationError) as excinfo:
        model_validate(email, check=check)

    assert excinfo.value.message_dict == {"__all__": ["Refusé."]}
    assert [e.code for e in excinfo.value.error_dict["__all__"]] == ["nope"]


def test_locked_rereads_the_stored_row(email):
    email.subject = "changé en mémoire"

    with transaction.atomic():
        locked = model_locked(email)

    assert locked is not email
    assert locked.subject == "Avant"


def test_a_row_gone_meanwhile_is_refused_with_the_message_given(email):
    OutgoingEmail.objects.filter(pk=email.pk).delete()

    with transaction.atomic(), pytest.raises(ValidationError) as excinfo:
        model_locked(email, gone="Ce message n'existe plus.")
    assert excinfo.value.messages == ["Ce message n'existe plus."]
    assert excinfo.value.code == "gone"

    with transaction.atomic(), pytest.raises(OutgoingEmail.DoesNotExist):
        model_locked(email)
