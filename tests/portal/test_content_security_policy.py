"""No inline code and no per-response value on any page, and a policy that allows none.

Every public page reachable from the home page (on the seed content, with a facilitator, a
located upcoming event and a draft), the account and "Mon espace" pages a person signed in with
every role reaches, and the admin pages staff use (index, each model's list, add, change and
history pages) are rendered and scanned: no <script> without src, no <style>, no style=
attribute, no on*= handler, no nonce; the Content-Security-Policy header allows neither
'unsafe-inline' nor a nonce for scripts and styles.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from html.parser import HTMLParser
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from events.models import Event
from portal.roles import staff_group_ensure
from territoires.models import Province
from tests.events.factories import EventFactory
from tests.expertises.factories import FacilitatorFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MAX_PAGES = 400
SKIPPED_PREFIXES = ("/static/", "/calendrier/", "/i18n/")
NOT_HTML_SUFFIXES = ("/rss/", "/atom/", ".geojson", ".ics", ".csv", ".xlsx", ".json")


class InlineCode(HTMLParser):
    """Collects what a strict policy refuses: inline scripts, style elements and attributes,
    event handler attributes, and nonces."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append(f"<script> without src: {self.getpos()}")
        if tag == "style":
            self.found.append(f"<style>: {self.getpos()}")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            elif name == "nonce":
                self.found.append(f"<{tag} nonce=...>")
        if tag == "a" and (names.get("href") or "").strip().lower().startswith("javascript:"):
            self.found.append(f"<a href={names['href']}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def assert_strict_policy(response) -> None:
    header = response["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in header.split(";") if part.strip()
    )
    for directive in ("script-src", "style-src"):
        sources = directives[directive]
        assert sources.split() == ["'self'"], f"{directive}: {sources}"
    assert "unsafe-inline" not in header and "nonce-" not in header, header


def links(html: str, base: str) -> set[str]:
    found = set()
    for href in re.findall(r'href="([^"]+)"', html):
        href = href.replace("&amp;", "&")
        parts = urlsplit(urljoin(base, href))
        if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
            continue
        if parts.path.startswith(SKIPPED_PREFIXES) or parts.path.endswith(NOT_HTML_SUFFIXES):
            continue
        found.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def crawl(client: Client, start: list[str], *, keep: tuple[str, ...] = ("/",)) -> dict[str, int]:
    """Visit every internal page reachable from ``start`` (paths under ``keep``); return how
    many were scanned by first path segment, failing on any inline code."""
    to_visit, seen, problems = list(start), set(start), {}
    while to_visit:
        path = to_visit.pop(0)
        response = client.get(path)
        if response.status_code in (HTTPStatus.FOUND, HTTPStatus.MOVED_PERMANENTLY):
            continue
        assert response.status_code == HTTPStatus.OK, path
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        assert_strict_policy(response)
        if found := inline_code(html):
            problems[path] = found
        for link in sorted(links(html, path) - seen):
            if link.startswith(keep) and "logout" not in link and "delete" not in link:
                seen.add(link)
                to_visit.append(link)
        assert len(seen) <= MAX_PAGES, "the crawl found more pages than expected"
    assert not problems, problems
    return {segment: sum(1 for p in seen if p.startswith(segment)) for segment in keep}


@pytest.fixture
def world() -> dict[str, object]:
    call_command("load_seed", verbosity=0)
    liege = Province.objects.get(slug="liege")
    soon = timezone.now() + datetime.timedelta(days=12)
    EventFactory(title="Rencontre située", province=liege, start=soon, latitude=50.6, longitude=5.5)
    EventFactory(title="Brouillon", province=liege, start=soon, status=Event.Status.DRAFT)
    FacilitatorFactory(name="Service de test", covers_all_wallonia=True)
    member = MembershipFactory(project__province=liege).user
    member.is_staff = True
    member.is_superuser = True
    member.save()
    member.groups.add(staff_group_ensure())
    liege.officers.add(member)
    return {"member": member}


def test_every_public_page_has_no_inline_code(client: Client, world: dict) -> None:
    scanned = crawl(client, ["/", reverse("maps:map"), reverse("account_login")])

    assert scanned["/"] > 60


def test_every_page_of_a_signed_in_person_has_no_inline_code(client: Client, world) -> None:
    client.force_login(world["member"])

    scanned = crawl(
        client,
        [reverse("espace:home"), reverse("account_email"), reverse("account_change_password")],
        keep=("/espace/", "/compte/"),
    )

    assert scanned["/espace/"] > 10


def admin_pages() -> list[str]:
    pages = [reverse("admin:index"), reverse("dashboard:staff")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(_superuser_request()):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            with contextlib.suppress(NoReverseMatch):
                pages.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
    return pages


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = UserFactory.build(is_staff=True, is_superuser=True, is_active=True)
    return request


def test_the_admin_pages_staff_use_have_no_inline_code(client: Client, world) -> None:
    client.force_login(world["member"])
    pages = admin_pages()
    problems = {}

    for path in pages:
        response = client.get(path)
        assert response.status_code == HTTPStatus.OK, path
        assert_strict_policy(response)
        if found := inline_code(response.content.decode()):
            problems[path] = found

    assert not problems, problems
    assert len(pages) > 40


def test_a_list_without_actions_keeps_its_header_rule_in_a_stylesheet(
    client, world, monkeypatch
) -> None:
    """Django's change list writes an inline <style> when a list shows no actions; ours moves the
    rule into static/css/admin.css behind a body class."""
    registered = admin.site._registry[Province]
    monkeypatch.setattr(registered, "actions_on_top", False)
    monkeypatch.setattr(registered, "actions_on_bottom", False)
    client.force_login(world["member"])

    response = client.get(reverse("admin:territoires_province_changelist"))

    html = response.content.decode()
    assert "change-list--no-actions" in html
    assert "/static/css/admin.css" in html
    assert inline_code(html) == []


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<p style="color: red">x</p>',
        "<style>p {}</style>",
        '<button onclick="go()">x</button>',
        '<script src="/static/x.js" nonce="abc"></script>',
    ],
)
def test_the_scanner_finds_each_kind_of_inline_code(html: str) -> None:
    assert inline_code(html)


def test_the_scanner_accepts_external_scripts_and_data_attributes() -> None:
    html = '<script src="/static/js/map.js" defer></script><div data-layers="[]"></div>'

    assert inline_code(html) == []
