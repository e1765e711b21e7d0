"""History everywhere staff edit: each admin save (the real form posted) and each service call
leaves an entry with who, when and why; the history page shows the diff with French field names,
choice labels and Brussels time."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from chantiers.models import Chantier, Step
from chantiers.services import news_update
from portal.admin_history import REASON_FIELD, history_value
from projets.models import Organisation
from territoires.services import province_officer_add, province_officer_remove
from tests.admin_forms import change_form_data, inline_add
from tests.chantiers.factories import ChantierFactory, NewsFactory, StepFactory
from tests.expertises.factories import CategoryFactory, FacilitatorFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import OrganisationFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_staff(client, staff):
    client.force_login(staff)
    return client


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def history_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


def post_change(client, obj, data_changes=None, **changes):
    data = change_form_data(client.get(change_url(obj)))
    data = {name: value for name, value in data.items() if value is not None}
    data.update(changes)
    if data_changes:
        data_changes(data)
    response = client.post(change_url(obj), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    return response


def diff(record):
    """The changes of ``record`` against the one before, as the history page words them."""
    from portal.admin_history import PortalHistoryContextHelper

    previous = record.prev_record
    delta = record.diff_against(previous, foreign_keys_are_objs=True)
    helper = PortalHistoryContextHelper(record.instance_type, record)
    return {
        c["field"]: (str(c["old"]), str(c["new"])) for c in helper.context_for_delta_changes(delta)
    }


# --- The admin's forms --------------------------------------------------------------------------


def test_a_chantier_saved_with_its_steps_records_who_why_and_the_diff(as_staff, staff):
    chantier = ChantierFactory(title="Logistique", status=Chantier.Status.ACTIVE)
    step = StepFactory(chantier=chantier, order=1, title="Atelier", status=Step.Status.PLANNED)
    chantier.history.all().delete()
    step.history.all().delete()
    chantier.save()  # a first version to compare with
    step.save()

    def more(data):
        data["steps-0-status"] = Step.Status.POSTPONED
        inline_add(
            data, "steps", order=2, title="Rencontre", status="planned", date_precision="day"
        )

    post_change(
        as_staff,
        chantier,
        more,
        status=Chantier.Status.CANDIDATE,
        **{REASON_FIELD: "Décision du comité du 3 mars"},
    )

    record = chantier.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        staff,
        "Décision du comité du 3 mars",
    )
    assert diff(record) == {"Statut": ("Chantier en cours", "Piste de chantier")}
    step_record = step.history.latest()
    assert (step_record.history_user, step_record.history_change_reason) == (
        staff,
        "Décision du comité du 3 mars",
    )
    assert diff(step_record) == {"Statut": ("Prévue", "Reportée")}
    added = Step.objects.get(chantier=chantier, order=2).history.get()
    assert (added.history_type, added.history_user) == ("+", staff)


def test_without_a_reason_the_entry_says_what_was_done(as_staff, staff):
    organisation = OrganisationFactory(kind=Organisation.Kind.OTHER)

    post_change(as_staff, organisation, kind=Organisation.Kind.ASSOCIATION)

    record = organisation.history.latest()
    assert (record.history_user, record.history_change_reason) == (staff, "Modification")
    assert diff(record) == {"Type": ("Autre", "Association")}


def test_news_saved_in_the_admin_hands_the_reason_to_the_service(as_staff, staff):
    # To the second, as the admin's form shows it: the publication does not move.
    news = NewsFactory(title="Avant", published_at=timezone.now().replace(microsecond=0))

    post_change(as_staff, news, title="Après", **{REASON_FIELD: "Coquille"})

    record = news.history.latest()
    assert (record.history_user, record.history_change_reason) == (staff, "Coquille")
    assert diff(record) == {"Titre": ("Avant", "Après")}


def test_a_province_page_saved_with_new_officers_is_one_entry(as_staff, staff):
    province = ProvinceFactory(name="Hainaut")
    anne = UserFactory(email="anne@example.org", first_name="Anne", last_name="Dupont")
    before = province.history.count()

    post_change(as_staff, province, officers=[anne.pk], **{REASON_FIELD: "Arrivée d'Anne"})

    assert province.history.count() == before + 1
    record = province.history.latest()
    assert (record.history_user, record.history_change_reason) == (staff, "Arrivée d'Anne")
    assert diff(record) == {"Chargé·es de mission territoriale": ("—", str(anne))}


def test_a_facilitator_saved_with_new_categories_is_one_entry(as_staff, staff):
    soil, water = CategoryFactory(name="Sol"), CategoryFactory(name="Eau")
    facilitator = FacilitatorFactory(categories=[soil])
    facilitator.save()  # a version holding its categories
    before = facilitator.history.count()

    post_change(as_staff, facilitator, categories=[soil.pk, water.pk])

    assert facilitator.history.count() == before + 1
    record = facilitator.history.latest()
    assert record.history_user == staff
    assert diff(record) == {"Catégories": ("Sol", "Eau, Sol")}


def test_a_deletion_in_the_admin_names_who_deleted(as_staff, staff):
    organisation = OrganisationFactory()
    url = reverse("admin:projets_organisation_delete", args=[organisation.pk])

    as_staff.post(url, {"post": "yes"})

    record = Organisation.history.model.objects.filter(id=organisation.pk).latest()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "-",
        staff,
        "Suppression",
    )


# --- The services -------------------------------------------------------------------------------


def test_a_service_records_who_and_the_reason_it_is_given(staff):
    news = NewsFactory(title="Avant")

    news_update(user=staff, news=news, data={"title": "Après"}, reason="Demande de la Province")

    record = news.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        staff,
        "Demande de la Province",
    )
    assert diff(record) == {"Titre": ("Avant", "Après")}


def test_officers_added_and_removed_by_the_services_are_in_the_province_history(staff):
    province = ProvinceFactory()
    anne = UserFactory(first_name="Anne", last_name="Dupont")

    province_officer_add(by=staff, province=province, user=anne, reason="Nomination")
    added = province.history.latest()
    province_officer_remove(by=staff, province=province, user=anne)
    removed = province.history.latest()

    assert (added.history_user, added.history_change_reason) == (staff, "Nomination")
    assert diff(added) == {"Chargé·es de mission territoriale": ("—", str(anne))}
    assert removed.history_user == staff
    assert removed.history_change_reason.startswith("Chargé·e de mission retiré·e")
    assert diff(removed) == {"Chargé·es de mission territoriale": (str(anne), "—")}


def test_officers_removed_from_the_person_side_are_in_the_province_history(officer, liege):
    before = liege.history.count()

    officer.followed_provinces.clear()

    assert liege.history.count() == before + 1
    assert diff(liege.history.latest()) == {
        "Chargé·es de mission territoriale": (str(officer), "—")
    }


# --- The history page ---------------------------------------------------------------------------


def test_the_history_page_speaks_french_with_brussels_time(as_staff, staff):
    chantier = ChantierFactory(status=Chantier.Status.ACTIVE)
    post_change(as_staff, chantier, status=Chantier.Status.CANDIDATE, **{REASON_FIELD: "Pause"})
    record = chantier.history.latest()
    # 10:00 UTC on 1 June is noon in Brussels (summer time).
    moment = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC)
    chantier.history.filter(pk=record.pk).update(history_date=moment)

    response = as_staff.get(history_url(chantier))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "1 juin 2026, 12:00" in page
    assert "Statut :" in page
    assert "Chantier en cours" in page and "Piste de chantier" in page
    assert "Pause" in page
    assert "status" not in page.lower().split("<tbody>")[1].split("</tbody>")[0]


def test_the_history_columns_are_named_and_valued_in_french(as_staff):
    from tests.events.factories import EventFactory

    event = EventFactory(status="published")

    response = as_staff.get(history_url(event))

    page = response.content.decode()
    assert '<th scope="col">Statut</th>' in page
    assert "Publié" in page


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "—"),
        ("", "—"),
        (True, "oui"),
        (False, "non"),
        (datetime.date(2026, 3, 4), "4 mars 2026"),
        (datetime.datetime(2026, 1, 5, 8, 30, tzinfo=datetime.UTC), "5 janvier 2026, 09:30"),
        (["b", "a"], "b, a"),
    ],
)
def test_values_read_as_people_read_them(value, shown):
    assert history_value(None, value) == shown


def test_a_related_row_deleted_since_reads_in_french():
    from simple_history.models import DeletedObject

    assert history_value(None, DeletedObject(Chantier, 7)) == "Chantier supprimé·e (n° 7)"


def test_a_choice_reads_as_its_label():
    assert history_value(Chantier._meta.get_field("status"), "candidate") == "Piste de chantier"


def test_the_reason_field_is_on_every_history_admin_form(as_staff):
    chantier = ChantierFactory()

    response = as_staff.get(change_url(chantier))

    assert REASON_FIELD in response.context["adminform"].form.fields
    assert "Motif de la modification" in response.content.decode()


# --- Rows older than their history --------------------------------------------------------------


def test_rows_older_than_their_history_get_a_first_entry_with_their_relations(liege, officer):
    from django.apps import apps

    from portal.history import BASELINE_REASON, history_baseline
    from territoires.models import Province

    chantier = ChantierFactory()
    chantier.history.all().delete()
    liege.history.all().delete()  # as before the migration: rows without history

    assert history_baseline(apps, "chantiers", "Chantier") == 1
    assert history_baseline(apps, "territoires", "Province", m2m=("officers",)) == 1
    assert history_baseline(apps, "chantiers", "Chantier") == 0  # once only

    first = chantier.history.get()
    assert (first.history_type, first.history_change_reason) == ("+", BASELINE_REASON)
    assert first.title == chantier.title
    baseline = Province.history.get(id=liege.pk)
    assert [row.user for row in baseline.officers.all()] == [officer]
    # The next change shows its diff against it.
    province_officer_remove(
        by=UserFactory(is_superuser=True, is_staff=True), province=liege, user=officer
    )
    assert diff(liege.history.latest()) == {
        "Chargé·es de mission territoriale": (str(officer), "—")
    }


def test_an_event_saved_in_the_admin_hands_the_reason_to_its_services(as_staff, staff):
    from tests.events.factories import EventFactory
    from tests.events.test_admin import post_change as post_event_change

    event = EventFactory(
        title="Rencontre", start=timezone.now().replace(microsecond=0) + datetime.timedelta(days=10)
    )

    response = post_event_change(
        as_staff, event, venue="Salle B", **{REASON_FIELD: "Salle A prise"}
    )

    assert response.status_code == HTTPStatus.FOUND
    record = event.history.latest()
    assert (record.history_user, record.history_change_reason) == (staff, "Salle A prise")
    assert diff(record)["Lieu"][1] == "Salle B"
