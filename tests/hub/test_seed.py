"""Tests of the seed content and its create-only loader."""

import datetime
import re
from importlib import import_module
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import translation

from chantiers.models import Chantier, Partnership, Resource, Step
from events.models import Event
from hub.seed import content
from hub.seed.loader import seed_load
from portal.models import in_wallonia
from projets.models import Organisation, Project, ProjectType
from territoires.models import Province

BRUSSELS = ZoneInfo("Europe/Brussels")
SEED_DIR = Path(content.__file__).parent
MODELS = (
    Province,
    ProjectType,
    Organisation,
    Chantier,
    Resource,
    Partnership,
    Step,
    Event,
    Project,
)


@pytest.fixture(autouse=True)
def _in_french():
    """The seed and its report are French: whatever language an earlier test left active."""
    with translation.override("fr"):
        yield


# A fragment must be a whole piece of a line: it starts the line or a sentence, after a label
# ("Objectif : ") or a bullet, and ends the line or a sentence, or before a remark of the
# document that the seed renders otherwise; a truncated text therefore does not match.
_START = r"(?:^|(?<=[.:] )|(?<=⇒ ))"
_END = (
    r"(?:$|(?<=\.) (?=\S)| ?[.;]$"
    r"| \((?:en continu|à définir|infos et inscriptions|inscriptions)\)\.?$)"
)


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _document_lines() -> list[str]:
    """The copied source document's lines and table cells, with the typo fixes applied."""
    text = (SEED_DIR / "chantiers-communs.txt").read_text(encoding="utf-8")
    for wrong, right in content.DOCUMENT_FIXES:
        assert wrong in text, f"documented fix {wrong!r} no longer matches the document"
        text = text.replace(wrong, right)
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text)  # Lost links: keep their text.
    lines = (_normalise(line) for line in re.split(r"[\n\t]", text))
    return [line for line in lines if line]


def _in_document(fragment: str) -> bool:
    if not fragment.strip():
        return False
    pattern = re.compile(_START + re.escape(_normalise(fragment)) + _END)
    return any(pattern.search(line) for line in _document_lines())


def _snapshot() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


@pytest.mark.django_db
def test_one_load_creates_the_whole_seed():
    report = seed_load()

    assert Province.objects.count() == 5
    assert set(Province.objects.values_list("code", flat=True)) == {"BW", "HT", "LG", "LX", "NA"}
    for province in Province.objects.all():
        assert in_wallonia(float(province.centre_latitude), float(province.centre_longitude))
    assert ProjectType.objects.count() == 8
    assert Organisation.objects.count() == 11
    assert Chantier.objects.active().count() == 8
    assert Chantier.objects.candidates().count() == 4
    assert Resource.objects.count() == 8
    assert Step.objects.count() == 11
    assert Event.objects.count() == 6
    assert Project.objects.count() == 19
    assert not Project.objects.filter(is_confirmed=True).exists()
    assert report.total == 5 + 8 + 11 + 12 + 8 + 4 + 11 + 6 + 19
    assert report.projects == 19


@pytest.mark.django_db
def test_active_chantiers_keep_the_document_order():
    seed_load()

    assert list(Chantier.objects.active().values_list("title", flat=True)) == [
        "Diagnostics",
        "Caractérisation offre/demande",
        "Conseils de politiques alimentaires",
        "Marchés publics",
        "Recueil d'expertises",
        "Projets à finalité sociale",
        "Communication",
        "Approche territoriale",
    ]


@pytest.mark.django_db
def test_a_second_load_creates_and_changes_nothing():
    seed_load()
    before = _snapshot()

    report = seed_load()

    assert report.total == 0
    assert _snapshot() == before


@pytest.mark.django_db
def test_staff_edits_survive_a_reload():
    seed_load()
    Chantier.objects.filter(slug="diagnostics").update(objective="Objectif revu par la Cellule.")
    project = Project.objects.get(slug="atelier-de-pain-durable")
    project.name = "Atelier de pain durable des Moulins de Statte"
    project.is_confirmed = True
    project.save()
    Event.objects.filter(slug=content.WORKSHOP_SLUG).update(venue="Namur")

    report = seed_load()

    assert report.total == 0
    assert Chantier.objects.get(slug="diagnostics").objective == "Objectif revu par la Cellule."
    project.refresh_from_db()
    assert project.name == "Atelier de pain durable des Moulins de Statte"
    assert project.is_confirmed
    assert Event.objects.get(slug=content.WORKSHOP_SLUG).venue == "Namur"


def _staff_edits_of_the_measured_case():
    """What staff did before the measured duplicates: renamed a resource, changed an event's
    slug and a project's slug, deleted a step."""
    Resource.objects.filter(title="Projet FRUGAL").update(title="FRUGAL (projet de recherche)")
    Event.objects.filter(slug=content.WORKSHOP_SLUG).update(slug="atelier-micro-credits")
    Project.objects.filter(slug="atelier-de-pain-durable").update(slug="pain-durable")
    Step.objects.filter(chantier__slug="recueil-expertises").order_by("order").last().delete()


@pytest.mark.django_db
def test_after_renames_and_a_deletion_a_load_changes_nothing():
    seed_load()
    _staff_edits_of_the_measured_case()
    before = _snapshot()

    report = seed_load()

    assert report.total == 0
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_row_staff_deleted_stays_deleted():
    seed_load()
    Resource.objects.get(title="Projet FRUGAL").delete()
    Chantier.objects.get(slug="marches-publics").delete()  # its resources and steps go with it

    report = seed_load()

    assert report.total == 0
    assert not Resource.objects.filter(title="Projet FRUGAL").exists()
    assert not Chantier.objects.filter(slug="marches-publics").exists()


@pytest.mark.django_db
def test_a_database_seeded_before_records_is_recognised_after_the_migration():
    """The data migration back-fills the records of rows loaded by the former loader."""
    from django.apps import apps

    from hub.models import SeedRecord

    backfill = import_module("hub.migrations.0002_backfill_seed_records").backfill
    seed_load()
    SeedRecord.objects.all().delete()  # as before this release

    backfill(apps, None)

    # 0002 records the pieces of its time; the load adopts the later ones (the partnerships).
    assert SeedRecord.objects.count() == 5 + 8 + 11 + 12 + 8 + 11 + 6 + 19
    _staff_edits_of_the_measured_case()
    before = _snapshot()
    assert seed_load().total == 0
    assert _snapshot() == before


@pytest.mark.django_db
def test_the_backfill_of_a_new_database_records_nothing():
    from django.apps import apps

    from hub.models import SeedRecord

    import_module("hub.migrations.0002_backfill_seed_records").backfill(apps, None)

    assert not SeedRecord.objects.exists()


@pytest.mark.django_db
def test_a_row_made_by_hand_before_the_first_load_is_adopted_not_doubled():
    Province.objects.create(
        name="Liège",
        slug="province-de-liege",
        code="LG",
        centre_latitude=50.6,
        centre_longitude=5.6,
    )

    report = seed_load()

    assert report.provinces == 4
    assert Province.objects.filter(code="LG").count() == 1


@pytest.mark.django_db
def test_initial_loads_an_empty_database_and_nothing_after():
    """What the web container runs at each start: only the very first one loads."""
    from hub.models import SeedRecord

    first = seed_load(initial=True)
    assert first.total == 5 + 8 + 11 + 12 + 8 + 4 + 11 + 6 + 19

    # A piece never recorded would be new content for a plain load; --initial leaves it.
    record = SeedRecord.objects.get(key="resource:caracterisation-offre-demande:projet-frugal")
    Resource.objects.filter(pk=record.object_id).delete()
    record.delete()
    before = _snapshot()
    assert seed_load(initial=True).total == 0
    assert _snapshot() == before
    assert seed_load().resources == 1


@pytest.mark.django_db
def test_a_slug_changed_by_staff_does_not_break_the_load():
    seed_load()
    Chantier.objects.filter(slug="diagnostics").update(slug="diagnostics-territoriaux")
    Province.objects.filter(slug="liege").update(slug="province-de-liege")

    report = seed_load()

    assert report.chantiers == 0
    assert report.provinces == 0
    assert Chantier.objects.filter(title="Diagnostics").count() == 1


def test_the_faithfulness_check_can_fail():
    assert _in_document("Outiller, partager et centraliser ces travaux.")
    assert _in_document("Recueillir les demandes pour envisager d'autres actions")
    assert not _in_document("Ouiller, partager et centraliser ces travaux.")
    assert not _in_document("Partager, capitaliser et faire du lien entre ces projets.")
    assert not _in_document("Outiller, partager et centraliser")  # truncated
    assert not _in_document("partager et centraliser ces travaux.")  # truncated
    assert not _in_document("Recueillir les demandes pour envisager d'autres action")
    assert not _in_document("")


def test_the_seed_texts_appear_verbatim_in_the_document():
    # In French whatever language an earlier test's request left active in this thread.
    with translation.override("fr"):
        texts = [str(content.INTRO), str(content.CONTACT), content.CANDIDATES_INTRO]
    for chantier in content.CHANTIERS:
        if chantier.status == Chantier.Status.ACTIVE:
            texts += [chantier.objective, chantier.summary, chantier.description]
        else:
            texts.append(chantier.title)
        texts += [resource.description for resource in chantier.resources]
        texts += [step.title for step in chantier.steps]
    texts += [event.summary for event in content.EVENTS]

    missing = [text for text in texts if not _in_document(text)]

    assert missing == []


def test_every_objective_is_a_whole_objective_line():
    lines = _document_lines()
    for chantier in content.CHANTIERS:
        if chantier.status == Chantier.Status.ACTIVE:
            assert f"Objectif : {_normalise(chantier.objective)}" in lines


def test_the_document_copy_holds_the_eight_chantiers_and_the_four_candidates():
    lines = _document_lines()
    assert sum(line.startswith("CHANTIER « ") for line in lines) == 8
    assert [line for line in lines if line.startswith("- ⇒ ")] == [
        f"- ⇒ {chantier.title}{' ;' if chantier.order < 12 else '.'}"
        for chantier in content.CHANTIERS
        if chantier.status == Chantier.Status.CANDIDATE
    ]


@pytest.mark.django_db
def test_territorial_meetings_are_linked_from_their_steps_in_order():
    seed_load()
    expected = [
        ("liege", datetime.date(2021, 6, 1)),
        ("namur", datetime.date(2021, 6, 8)),
        ("luxembourg", datetime.date(2021, 6, 10)),
        ("brabant-wallon", datetime.date(2021, 6, 17)),
        ("hainaut", datetime.date(2021, 6, 24)),
    ]

    steps = list(
        Step.objects.filter(chantier__slug="approche-territoriale")
        .select_related("event__province", "event__chantier")
        .order_by("order")
    )

    assert [step.order for step in steps] == [1, 2, 3, 4, 5]
    for step, (province, day) in zip(steps, expected, strict=True):
        event = step.event
        assert event is not None
        assert event.kind == Event.Kind.TERRITORIAL_MEETING
        assert event.status == Event.Status.PUBLISHED
        assert event.province.slug == province
        assert event.chantier.slug == "approche-territoriale"
        assert event.start == datetime.datetime.combine(day, datetime.time(14), tzinfo=BRUSSELS)
        assert event.start.astimezone(BRUSSELS).hour == 14
        assert event.end is None
        assert not event.time_to_be_confirmed
        assert event.slug == f"rencontre-territoriale-{province}-{day.isoformat()}"
        assert event.organiser.name == "Cellule Manger Demain"


@pytest.mark.django_db
def test_the_workshop_and_the_step_statuses():
    seed_load()
    workshop = Event.objects.get(kind=Event.Kind.WORKSHOP)
    steps = {
        (step.chantier.slug, step.order): step
        for step in Step.objects.with_current_status().select_related("chantier", "event")
    }

    assert workshop.start == datetime.datetime(2021, 5, 6, tzinfo=BRUSSELS)
    assert workshop.time_to_be_confirmed
    assert workshop.province is None
    assert workshop.capacity is None
    assert workshop.chantier.slug == "recueil-expertises"
    assert steps["recueil-expertises", 1].event == workshop
    # Stored as planned; done because its event took place (6 May 2021), not because of a date.
    assert steps["recueil-expertises", 1].status == Step.Status.PLANNED
    assert steps["recueil-expertises", 1].current_status == Step.Status.DONE
    assert steps["recueil-expertises", 2].current_status == Step.Status.ONGOING
    assert steps["recueil-expertises", 3].current_status == Step.Status.PLANNED
    assert steps["projets-finalite-sociale", 1].current_status == Step.Status.PLANNED
    assert steps["projets-finalite-sociale", 2].current_status == Step.Status.ONGOING
    assert all(step.current_status == Step.Status.DONE for step in steps.values() if step.event)


@pytest.mark.django_db
def test_the_second_semester_is_a_semester_and_not_done():
    """The document says "au 2e semestre" (of 2021) and nothing of its progress."""
    seed_load()
    step = Step.objects.with_current_status().get(chantier__slug="communication", order=1)

    assert (step.start_date, step.end_date) == (datetime.date(2021, 7, 1), None)
    assert step.date_precision == Step.Precision.SEMESTER
    assert step.when() == "2e semestre 2021"
    assert step.current_status == Step.Status.PLANNED


@pytest.mark.django_db
def test_no_seeded_step_says_its_missing_date_itself():
    """A missing date ("à définir") is named by the pages, never in a description as well."""
    seed_load()

    undated = Step.objects.filter(start_date__isnull=True, event__isnull=True, is_continuous=False)

    assert undated.exists()
    assert not undated.exclude(description="").exists()
    assert not Step.objects.filter(description__icontains="définir").exists()
    assert not Step.objects.filter(
        chantier__slug__in=["diagnostics", "caracterisation-offre-demande"]
    ).exists()


@pytest.mark.django_db
def test_resources_have_their_providers():
    seed_load()

    providers = {
        resource.title: resource.provider.short_name if resource.provider else None
        for resource in Resource.objects.select_related("provider")
    }

    assert providers == {
        "Répertoire": "Cellule Manger Demain",
        "Le clic local": "Cellule Manger Demain",
        "Plateforme Craft": "SOWALFIN",
        "Projet FRUGAL": None,
        "Guide pour un marché public alimentaire plus durable": "Cellule Manger Demain",
        "Outils et helpdesk achats publics responsables": "SPW",
        "Portail Manger Demain": "Cellule Manger Demain",
        "Newsletter inter-projets": "Cellule Manger Demain",
    }


@pytest.mark.django_db
def test_projects_come_from_the_csv_with_approximate_points_where_known():
    seed_load()

    located = Project.objects.located()
    assert located.count() == 9
    assert not located.filter(location_is_approximate=False).exists()
    assert not Project.objects.filter(latitude__isnull=True, location_is_approximate=True).exists()
    jumet = Project.objects.get(name="Maison de l'Alimentation Durable")
    assert jumet.communes == "Charleroi (Jumet)"
    assert jumet.province.name == "Hainaut"
    sunwall = Project.objects.get(slug="sunwall-huile-de-tournesol-wallonne")
    assert sunwall.province is None
    assert sunwall.promoters == "SCAM; Alvenat; CRA-W"
    assert sunwall.promoter_list == ["SCAM", "Alvenat", "CRA-W"]
    assert sunwall.status == Project.Status.ONGOING
    assert not sunwall.has_location


@pytest.mark.django_db
def test_the_command_prints_one_line_per_kind():
    first, second = StringIO(), StringIO()

    call_command("load_seed", stdout=first)
    call_command("load_seed", stdout=second)

    assert first.getvalue().splitlines() == [
        "Provinces : 5 créées",
        "Types de projet : 8 créés",
        "Organisations : 11 créées",
        "Chantiers : 12 créés",
        "Ressources : 8 créées",
        "Partenaires de chantiers : 4 créés",
        "Étapes : 11 créées",
        "Événements : 6 créés",
        "Projets : 19 créés",
    ]
    assert second.getvalue().splitlines() == [
        "Provinces : 0 créée",
        "Types de projet : 0 créé",
        "Organisations : 0 créée",
        "Chantiers : 0 créé",
        "Ressources : 0 créée",
        "Partenaires de chantiers : 0 créé",
        "Étapes : 0 créée",
        "Événements : 0 créé",
        "Projets : 0 créé",
    ]
    assert Chantier.objects.count() == 12
