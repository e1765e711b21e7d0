"""English as a second language: the catalogue, the language switcher, French by default.

None of these tests needs GNU gettext: the .po is read by a tiny parser below, and the committed
.mo by Python's own ``gettext`` module (the one Django uses at run time).
"""

import ast
import gettext
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.chantiers.factories import ChantierFactory, StepFactory
from tests.events.factories import EventFactory
from tests.projets.factories import ProjectFactory

CATALOGUE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = CATALOGUE_DIR / "django.po"
MO_PATH = CATALOGUE_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{.*?\}\}|<[^>]+>")


def parse_po(path):
    """The entries of a .po file: dicts with "flags", "msgid", "msgid_plural", "msgstr",
    "msgstr[0]"… Enough for makemessages' output; no polib needed."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set()}
            entries.append(entry)
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return [e for e in entries if "msgid" in e]


def translations_of(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


@pytest.fixture(scope="module")
def po_entries():
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run `make messages`"
    return [e for e in parse_po(PO_PATH) if e["msgid"]]


def test_every_msgid_is_translated(po_entries):
    untranslated = [e["msgid"] for e in po_entries if not all(translations_of(e))]
    assert not untranslated, (
        f"{len(untranslated)} msgid(s) without English in {PO_PATH.name}:\n"
        + "\n".join(untranslated)
    )


def test_no_entry_is_fuzzy(po_entries):
    # gettext leaves fuzzy entries out of the .mo: they would show in French.
    fuzzy = [e["msgid"] for e in po_entries if "fuzzy" in e["flags"]]
    assert not fuzzy, "Fuzzy entries (remove the flag once checked):\n" + "\n".join(fuzzy)


def test_translations_keep_their_placeholders(po_entries):
    broken = []
    for entry in po_entries:
        expected = sorted(PLACEHOLDER.findall(entry.get("msgid_plural", entry["msgid"])))
        for key, value in entry.items():
            # An English singular may drop the count ("Correct the line…"), as the French does.
            if key in ("msgstr", "msgstr[1]") and sorted(PLACEHOLDER.findall(value)) != expected:
                broken.append(f"{entry['msgid']!r} -> {value!r}")
    assert not broken, "Placeholders changed:\n" + "\n".join(broken)


def test_committed_mo_matches_the_po(po_entries):
    """The compiled catalogue is the one the .po describes (no stale .mo), without msgfmt."""
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run `make messages` and commit it"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in po_entries:
        if "msgid_plural" in entry:
            for n, key in ((1, "msgstr[0]"), (2, "msgstr[1]")):
                if compiled.ngettext(entry["msgid"], entry["msgid_plural"], n) != entry[key]:
                    stale.append(entry["msgid"])
        elif "msgctxt" in entry:
            if compiled.pgettext(entry["msgctxt"], entry["msgid"]) != entry["msgstr"]:
                stale.append(entry["msgid"])
        elif compiled.gettext(entry["msgid"]) != entry["msgstr"]:
            stale.append(entry["msgid"])
    assert not stale, "django.mo is older than django.po; run `make messages`:\n" + "\n".join(stale)


def test_django_translates_key_strings():
    with translation.override("en"):
        assert translation.gettext("Chantiers") == "Workstreams"
        assert translation.gettext("Mon espace") == "My space"
        assert translation.gettext("Rencontre territoriale") == "Territorial meeting"
        assert translation.gettext("Atelier thématique") == "Thematic workshop"
        assert translation.gettext("Piste de chantier") == "Candidate workstream"
        assert (
            translation.ngettext("%(counter)s projet", "%(counter)s projets", 3) % {"counter": 3}
            == "3 projects"
        )
    with translation.override("fr"):
        assert translation.gettext("Chantiers") == "Chantiers"


@pytest.mark.django_db
def test_english_when_the_browser_asks_for_it(client):
    html = client.get(reverse("home"), headers={"accept-language": "en"}).content.decode()

    assert '<html lang="en">' in html
    for label in ("Workstreams", "Projects", "Events", "Skip to content"):
        assert f">{label}<" in html
    assert ">Chantiers<" not in html
    assert "Aller au contenu" not in html


@pytest.mark.django_db
def test_french_by_default(client):
    html = client.get(reverse("home")).content.decode()

    assert '<html lang="fr">' in html
    for label in ("Chantiers", "Projets", "Événements", "Aller au contenu"):
        assert f">{label}<" in html
    assert "Workstreams" not in html


@pytest.mark.django_db
def test_french_for_a_language_we_do_not_offer(client):
    html = client.get(reverse("home"), headers={"accept-language": "de"}).content.decode()

    assert '<html lang="fr">' in html


@pytest.mark.django_db
def test_the_switcher_is_an_accessible_form_in_the_footer(client):
    url = reverse("projets:project_list") + "?province=x"
    html = client.get(url).content.decode()

    footer = html[html.index('<footer class="site-footer">') : html.index("</footer>")]
    assert f'action="{reverse("set_language")}"' in footer
    assert 'method="post"' in footer
    # No token: the page is the same for every anonymous visitor (set_language is exempt).
    assert 'name="csrfmiddlewaretoken"' not in footer
    assert '<input type="hidden" name="next" value="/projets/?province=x">' in footer
    assert '<label for="language-switcher-select">Langue</label>' in footer
    assert '<select id="language-switcher-select" name="language">' in footer
    assert '<option value="fr" lang="fr" selected>Français</option>' in footer
    assert '<option value="en" lang="en">English</option>' in footer
    assert '<button type="submit">' in footer
    assert "<script" not in footer


@pytest.mark.django_db
def test_choosing_english_redirects_back_and_sticks(client):
    next_url = reverse("events:event_list")

    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == next_url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(next_url).content.decode()
    assert '<html lang="en">' in html
    assert '<label for="language-switcher-select">Language</label>' in html
    assert '<option value="en" lang="en" selected>English</option>' in html

    client.post(reverse("set_language"), {"language": "fr", "next": next_url})
    assert '<html lang="fr">' in client.get(next_url).content.decode()


@pytest.mark.django_db
def test_set_language_refuses_an_outside_next(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "english", "french"),
    [
        (
            "chantiers:chantier_list",
            ["Objective:", "1 step", "Workstreams"],
            ["Objectif :", "1 étape", "Aller au contenu", "Fil d'Ariane"],
        ),
        (
            "projets:project_list",
            ["Filter the projects", "1 project", "List of projects", "Map"],
            ["Filtrer les projets", "1 projet<", "Liste des projets", "Aller au contenu"],
        ),
        (
            "events:event_list",
            ["Thematic workshops, territorial meetings", "Filter the events", "Upcoming"],
            ["Ateliers thématiques", "Filtrer les événements", "À venir", "Aller au contenu"],
        ),
    ],
)
def test_list_pages_show_no_french_interface_in_english(client, url_name, english, french):
    chantier = ChantierFactory(objective="Un objectif rédigé en français.")
    StepFactory(chantier=chantier)
    ProjectFactory()
    EventFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(reverse(url_name)).content.decode()

    assert '<html lang="en">' in html
    for text in english:
        assert text in html
    for text in french:
        assert text not in html
    # Content written by staff stays as written.
    if url_name == "chantiers:chantier_list":
        assert "Un objectif rédigé en français." in html


@pytest.mark.django_db
def test_error_pages_render_without_the_switcher(client):
    # A 404 must look the same for every unknown address (no echoed path, no CSRF token).
    first = client.get("/nulle-part/")
    second = client.get("/ailleurs/")

    assert first.status_code == HTTPStatus.NOT_FOUND
    assert "language-switcher" not in first.content.decode()
    assert first.content == second.content


@pytest.mark.django_db
def test_the_error_page_follows_the_chosen_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get("/nulle-part/").content.decode()

    assert '<html lang="en">' in html
    assert "Page not found" in html


# --- No message frozen in one language -----------------------------------------------------

NON_LAZY = {"gettext", "ngettext", "pgettext", "npgettext"}


def _frozen_translations(path: Path) -> list[str]:
    """Calls of a non-lazy gettext at import time (module or class level): they are translated
    once, in whatever language is active then (French), and show in French on English pages."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in NON_LAZY
    }
    found: list[str] = []

    def visit(body: list[ast.stmt]) -> None:
        for statement in body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(statement, ast.ClassDef):
                visit(statement.body)
                continue
            for node in ast.walk(statement):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in names
                ):
                    found.append(f"{path}:{node.lineno}")  # noqa: PERF401

    visit(tree.body)
    return found


def test_no_message_is_translated_once_at_import_time():
    base = Path(settings.BASE_DIR)
    apps = (
        "portal",
        "territoires",
        "chantiers",
        "projets",
        "events",
        "expertises",
        "newsletter",
        "hub",
    )
    frozen = [
        place
        for app in apps
        for path in sorted((base / app).rglob("*.py"))
        if "migrations" not in path.parts
        for place in _frozen_translations(path)
    ]
    assert not frozen, "Use gettext_lazy at module or class level:\n" + "\n".join(frozen)
