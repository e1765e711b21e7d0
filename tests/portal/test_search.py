"""The one search rule (portal.search): accents and case folded, every word, ranked; any input."""

import pytest

from portal.search import MAX_QUERY_LENGTH, fold, highlight, search_words, text_search
from projets.models import Project
from tests.projets.factories import ProjectFactory

FIELDS = (("name", "A"), ("summary", "B"), ("communes", "B"), ("description", "C"))


def test_fold_lowers_and_strips_accents_and_ligatures():
    assert fold("Liège ÉCOLE Œuvre Straße") == "liege ecole oeuvre strasse"


def test_search_words_are_folded_unique_and_bounded():
    assert search_words("  Liège, liege; «marché» ") == ["liege", "marche"]
    assert search_words("\x00 -- !!") == []
    assert len(search_words(" ".join(f"mot{i}" for i in range(50)))) == 10


def test_highlight_marks_words_by_prefix_and_escapes_the_rest():
    html = highlight("<b>Marché</b> de Liège & marchés", ["marche", "lieg"])

    assert html == (
        "&lt;b&gt;<mark>Marché</mark>&lt;/b&gt; de <mark>Liège</mark> &amp; <mark>marchés</mark>"
    )


def test_highlight_cuts_an_excerpt_around_the_first_word_found():
    text = "début " + "mot " * 100 + "pomme " + "fin " * 100

    html = highlight(text, ["pomme"], length=80)

    assert "<mark>pomme</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html) < 140


def test_highlight_never_marks_inside_a_tag_it_escaped():
    assert highlight("<mark onclick=x>", ["mark", "onclick"]) == (
        "&lt;<mark>mark</mark> <mark>onclick</mark>=x&gt;"
    )


@pytest.fixture
def projects():
    return {
        "liege": ProjectFactory(name="Halle de Liège", summary="", communes="Liège"),
        "body": ProjectFactory(
            name="Épicerie", summary="", description="Une coopérative près de Liège."
        ),
        "namur": ProjectFactory(name="Ceinture alimentaire", summary="", communes="Namur"),
        "oeuvre": ProjectFactory(name="Œuvre commune", summary=""),
    }


def found(text):
    return [p.name for p in text_search(Project.objects.all(), text, fields=FIELDS)]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["Liege", "liège", "LIEGE", "lieg"])
def test_accents_and_case_do_not_matter_and_the_title_ranks_first(projects, text):
    assert found(text) == ["Halle de Liège", "Épicerie"]


@pytest.mark.django_db
def test_every_word_must_be_found(projects):
    assert found("halle liege") == ["Halle de Liège"]
    assert found("halle namur") == []
    assert found("epicerie") == ["Épicerie"]
    assert found("oeuvre") == ["Œuvre commune"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["\x00", "liège\x00", "x" * 10_000, "'; DROP TABLE x; --", ":* & | !", "é" * 300]
)
def test_any_string_gives_a_result_never_an_error(projects, text):
    results = found(text)

    if len(text) > MAX_QUERY_LENGTH or not search_words(text):
        assert results == []


@pytest.mark.django_db
def test_a_nul_byte_separates_words_like_a_space(projects):
    assert found("halle\x00liège") == ["Halle de Liège"]


@pytest.mark.django_db
def test_a_blank_query_leaves_the_rows_as_they_are(projects):
    assert text_search(Project.objects.all(), "   ", fields=FIELDS).count() == 4


@pytest.mark.django_db
def test_text_that_looks_like_html_is_searched_as_text():
    ProjectFactory(name="<b>Halle</b> de <script>Liège</script>", summary="")

    assert found("liege halle") == ["<b>Halle</b> de <script>Liège</script>"]
