"""No input gives a 500: every URL pattern of the portal, generated from the URLconf, with each
of its parameters mutated, in the path, the query string and the forms of its page, GET and
POST, anonymous and staff.

The patterns are walked from the root URLconf (``hub.urls``), so a page added tomorrow is
fuzzed without touching this file; its valid parameters come from a small world of one object
of each kind (``valid_kwargs``), and a test fails when a new parameterised page has none. The
mutations are what broke pages before: a NUL character (PostgreSQL refuses it in a query),
control characters and quotes, a word where a number is expected, a number too large for any
column, bytes that are not UTF-8, and nothing at all (an empty form).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from chantiers.models import Chantier
from events.calendar import calendar_feed_token_renew
from portal.mail import email_queue
from tests.chantiers.factories import ChantierFactory, NewsFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.expertises.factories import (
    CategoryFactory,
    FacilitatorFactory,
    NeedFactory,
    OfferFactory,
    WorkshopProposalFactory,
)
from tests.newsletter.factories import IssueFactory, SectionFactory, SubscriberFactory
from tests.portal.factories import UserFactory
from tests.projets.factories import JoinRequestFactory, MembershipFactory, ProjectFactory
from tests.territoires.factories import ProvinceFactory

pytestmark = pytest.mark.django_db

# What each parameter, query value and form field is replaced by. "raw" values go into the
# path as they are (already percent-encoded), the others are quoted.
MUTATIONS: dict[str, str] = {
    "nul": "a\x00b",
    "control": "a\x0b\x1f\x7f'\"<>;\r\nb",
    "word": "abc",
    "huge": "9" * 30,
    "negative": "-1",
    "unicode": "é\u202e\ufeff☃",
}
RAW_MUTATIONS: dict[str, str] = {"not-utf8": "%FF%FE%ED%A0%80"}
# Query names pages read besides those of their forms (pagination, filters, the admin's own).
QUERY_NAMES = (
    "page",
    "q",
    "next",
    "province",
    "chantier",
    "kind",
    "type",
    "types",
    "status",
    "category",
    "depuis",
    "o",
    "p",
    "e",
    "all",
    "_to_field",
    "_popup",
    "_changelist_filters",
    "app_label",
    "model_name",
    "field_name",
    "term",
    "language",
)
# Files as an uploader could send them to either CSV import: NUL bytes and control characters
# in valid UTF-8 (they reach the rows' checks), then bytes that are not UTF-8 at all.
EVIL_FILES = (
    "nom,province,porteurs,source\nProjet\x00 nul,Liège,Asbl\x00\x0b,Source\x1f\x00\n".encode(),
    b"nom,offre,categories\nService\x00 nul,Offre\x00\x0b,Diagnostic\n",
    (
        b"nom,province,porteurs,source,site_web\n"
        b"A\x00B,Li\x00ge,\x0b\x1f,https://example.org/\x00,javascript:alert(1)\n"
    ),
    b"nom,province\n\xff\xfe\x00\n",
)
EVIL_FILE = EVIL_FILES[0]


# --- The world: one object of each kind -------------------------------------------------------


@dataclass
class World:
    staff: Any
    superuser: Any
    objects: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(staff, settings) -> World:
    # Rate limits would turn most requests into 429s before they reach a form.
    settings.ACCOUNT_RATE_LIMITS = False
    settings.RATELIMIT_ENABLE = False
    liege = ProvinceFactory(name="Liège", slug="liege")
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    # The pages only a superuser reaches: groups, allauth's addresses, people's permissions.
    superuser = UserFactory(email="super@example.org", is_staff=True, is_superuser=True)
    member = UserFactory(email="membre@example.org")
    email_address = EmailAddress.objects.create(
        user=member, email=member.email, verified=False, primary=True
    )
    chantier = ChantierFactory()
    candidate = ChantierFactory(status=Chantier.Status.CANDIDATE)
    project = ProjectFactory(province=liege)
    MembershipFactory(project=project, user=staff)
    event = EventFactory(province=liege, chantier=chantier, capacity=10, created_by=staff)
    registration = RegistrationFactory(event=event, user=member, remarks="Sans gluten")
    news = NewsFactory(chantier=chantier, province=liege, author=staff)
    category = CategoryFactory(name="Diagnostic", slug="diagnostic")
    facilitator = FacilitatorFactory(categories=[category], provinces=[liege])
    need = NeedFactory(project=project, category=category, created_by=staff)
    offer = OfferFactory(project=project, category=category)
    proposal = WorkshopProposalFactory(chantier=chantier, proposed_by=member)
    issue = IssueFactory(sent=True)
    SectionFactory(issue=issue)
    draft_issue = IssueFactory()
    subscriber = SubscriberFactory(email="abonne@example.org")
    pending = SubscriberFactory(email="attente@example.org", pending=True)
    join_request = JoinRequestFactory(project=project, user=member)
    feed_token = calendar_feed_token_renew(user=staff)
    email_queue(to=member.email, subject="Bonjour", body_text="Texte")
    return World(
        staff=staff,
        superuser=superuser,
        objects={
            "province": liege,
            "member": member,
            "email_address": email_address,
            "chantier": chantier,
            "candidate": candidate,
            "project": project,
            "event": event,
            "registration": registration,
            "news": news,
            "facilitator": facilitator,
            "need": need,
            "offer": offer,
            "proposal": proposal,
            "issue": issue,
            "draft_issue": draft_issue,
            "subscriber": subscriber,
            "pending": pending,
            "join_request": join_request,
            "feed_token": feed_token,
        },
    )


def valid_kwargs(name: str | None, route: str, world: World) -> dict[str, str] | None:
    """Parameters that reach a real object through this pattern; None when none are known."""
    o = world.objects
    event, need, proposal = o["event"], o["need"], o["proposal"]
    table: dict[str, dict[str, Any]] = {
        "chantiers:chantier_detail": {"slug": o["chantier"].slug},
        "projets:project_detail": {"slug": o["project"].slug},
        "territoires:province_detail": {"slug": o["province"].slug},
        "events:event_detail": {"slug": event.slug},
        "events:register": {"slug": event.slug},
        "events:unregister": {"slug": event.slug},
        "expertises:facilitator_detail": {"slug": o["facilitator"].slug},
        "calendar:event_ics": {"slug": event.slug},
        "calendar:province": {"slug": o["province"].slug},
        "calendar:chantier": {"slug": o["chantier"].slug},
        "calendar:private": {"token": o["feed_token"].token},
        "news:chantier_feed_rss": {"slug": o["chantier"].slug},
        "news:chantier_feed_atom": {"slug": o["chantier"].slug},
        "news:province_feed_rss": {"slug": o["province"].slug},
        "news:province_feed_atom": {"slug": o["province"].slug},
        "news:news_detail": {"slug": o["news"].slug},
        "newsletter:confirm": {"key": o["pending"].confirmation_key},
        "newsletter:unsubscribe": {"token": o["subscriber"].token},
        "newsletter:resubscribe": {"token": o["subscriber"].token},
        "newsletter:preferences": {"token": o["subscriber"].token},
        "newsletter:issue_detail": {"slug": o["issue"].slug},
        "account_confirm_email": {"key": EmailConfirmationHMAC(o["email_address"]).key},
        "account_reset_password_from_key": {
            "uidb36": user_pk_to_url_str(o["member"]),
            "key": default_token_generator.make_token(o["member"]),
        },
        "espace_projets:join_request_approve": {"pk": o["join_request"].pk},
        "espace_projets:join_request_decline": {"pk": o["join_request"].pk},
        "espace_projets:join_request_create": {"slug": o["project"].slug},
        "espace_projets:project_edit": {"slug": o["project"].slug},
        "espace_events:attendees_cancel": {"slug": event.slug, "pk": o["registration"].pk},
        "espace_expertises:need_detail": {"pk": need.pk},
        "espace_expertises:need_edit": {"pk": need.pk},
        "espace_expertises:need_delete": {"pk": need.pk},
        "espace_expertises:need_mark_answered": {"pk": need.pk},
        "espace_expertises:offer_edit": {"pk": o["offer"].pk},
        "espace_expertises:offer_delete": {"pk": o["offer"].pk},
        "espace_expertises:project": {"slug": o["project"].slug},
        "espace_expertises:need_create": {"slug": o["project"].slug},
        "espace_expertises:offer_create": {"slug": o["project"].slug},
        "espace_expertises:proposal_support": {"pk": proposal.pk},
        "espace_expertises:proposal_schedule": {"pk": proposal.pk},
        "espace_expertises:proposal_decline": {"pk": proposal.pk},
        "dashboard:figure_csv": {"slug": "projets-par-province"},
        "espace_dashboard:figure_csv": {"slug": "projets-par-province"},
        "admin:app_list": {"app_label": "projets"},
        "admin:view_on_site": {
            "content_type_id": _content_type_id(o["project"]),
            "object_id": o["project"].pk,
        },
    }
    if name in table:
        return {key: str(value) for key, value in table[name].items()}
    if name and name.endswith("_simple_history"):  # simple-history: one past version
        app_label, model_name = route.split("/")[1:3]
        pk = _first_pk(app_label, model_name, world)
        from django.apps import apps

        model = apps.get_model(app_label, model_name)
        version = model.history.filter(pk=pk).order_by("history_id").first()  # type: ignore[attr-defined]
        return {"arg0": str(pk), "arg1": str(version.history_id if version else 1)}
    if name and name.startswith("espace_events:"):
        return {"slug": event.slug}
    if name in {"territoires:province_contact"}:
        return {"slug": o["province"].slug}
    if name and name.startswith("opendata:"):
        return {"slug": "projets"}
    if name and name.startswith("api:"):
        return _api_kwargs(name, route)
    if name and name.startswith("espace_news:"):
        return {"slug": o["news"].slug}
    admin = re.match(r"admin/(\w+)/(\w+)/<(?:path:)?(object_id|id)>/", route)
    if admin:
        return {admin.group(3): str(_first_pk(admin.group(1), admin.group(2), world))}
    if route == "admin/(?P<url>.*)$":
        return {"url": "nulle-part/"}
    return None


def _api_kwargs(name: str, route: str) -> dict[str, str]:
    """The API's routes: a format suffix, and the first public row of the dataset as ``pk``."""
    from opendata.datasets import dataset_get

    kwargs = {"format": "json"} if "format" in route else {}
    if "<pk>" in route:
        dataset = dataset_get(name.removeprefix("api:").rsplit("-", 1)[0])
        assert dataset is not None, name
        first = dataset.queryset().order_by("pk").first()
        kwargs["pk"] = str(first.pk if first else 1)
    return kwargs


def _content_type_id(obj: Any) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def _first_pk(app_label: str, model_name: str, world: World) -> Any:
    from django.apps import apps

    model = apps.get_model(app_label, model_name)
    if model_name == "issue":
        return world.objects["draft_issue"].pk  # the draft: its fill and send pages work
    if model_name == "user":
        return world.objects["member"].pk
    first = model._default_manager.order_by("pk").first()
    return first.pk if first else 1


# --- The URLconf, walked ----------------------------------------------------------------------

# <converter:name>, a named regex group, or an unnamed one (named arg0, arg1… here).
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\((?:\?P<(?P<group>\w+)>)?[^)]*\)")


def _parameter_names(route: str) -> list[str]:
    return [
        m.group("name") or m.group("group") or f"arg{index}"
        for index, m in enumerate(PARAMETER.finditer(route))
    ]


@dataclass(frozen=True)
class Route:
    route: str  # "lettre/preferences/<str:token>/" or a regex for the regex patterns
    name: str | None

    @property
    def parameters(self) -> list[str]:
        return _parameter_names(self.route)

    def path(self, values: dict[str, str], *, raw: set[str] = frozenset()) -> str:  # type: ignore[assignment]
        names = iter(self.parameters)

        def replace(match: re.Match[str]) -> str:
            name = next(names)
            value = values[name]
            return value if name in raw else quote(value, safe="/" if name == "url" else "")

        path = PARAMETER.sub(replace, self.route)
        return "/" + path.replace("^", "").replace("$", "")


def url_routes() -> list[Route]:
    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> list[Route]:
        routes = []
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                routes += walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name
                if name and namespace:
                    name = f"{namespace}:{name}"
                routes.append(Route(prefix + str(pattern.pattern), name))
        return routes

    return walk(get_resolver(), "", None)


# --- Pages, their forms and links -------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # the input's type, or "select", "textarea"
    values: list[str] = field(default_factory=list)  # what a browser would send as it is


@dataclass
class Form:
    method: str
    action: str
    fields: list[Field] = field(default_factory=list)

    def data(self, **replaced: str) -> dict[str, list[str]]:
        """The form as a browser sends it untouched, with some fields replaced."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in ("submit", "button", "file", "image", "reset"):
                continue
            data.setdefault(f.name, []).extend(f.values)
        for name, value in replaced.items():
            data[name] = [value]
        return data


class PageParser(HTMLParser):
    """The forms of a page (with their fields and values) and the query names of its links."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.query_names: set[str] = set()
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._first_option: str | None = None

    def _current(self, attrs: dict[str, str]) -> Form | None:
        if attrs.get("form"):
            return None  # a field of another form, by id: rare here, left out
        return self._form

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        form = self._current(a)
        if tag == "form":
            self._form = Form(method=a.get("method", "get").lower(), action=a.get("action", ""))
            self.forms.append(self._form)
        elif tag == "input" and a.get("name") and form is not None:
            kind = a.get("type", "text").lower()
            f = Field(a["name"], kind)
            if kind not in ("checkbox", "radio") or "checked" in a:
                f.values.append(a.get("value", "on" if kind == "checkbox" else ""))
            form.fields.append(f)
        elif tag == "button" and a.get("name") and form is not None:
            form.fields.append(Field(a["name"], "submit", [a.get("value", "")]))
        elif tag == "select" and a.get("name") and form is not None:
            self._select = Field(a["name"], "select")
            self._first_option = None
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._select.values.append(a.get("value", ""))
        elif tag == "textarea" and a.get("name") and form is not None:
            self._textarea = Field(a["name"], "textarea", [""])
            form.fields.append(self._textarea)
        elif tag == "a" and "?" in a.get("href", ""):
            query = a["href"].split("?", 1)[1].split("#", 1)[0]
            self.query_names.update(name for name, _ in parse_qsl(query, keep_blank_values=True))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.values[0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._select.values and self._first_option is not None:
                self._select.values.append(self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse_page(response: Any) -> PageParser:
    parser = PageParser()
    if response is not None and response.get("Content-Type", "").startswith("text/html"):
        parser.feed(response.content.decode("utf-8", "replace"))
    return parser


# --- Requests ---------------------------------------------------------------------------------


@dataclass
class Prober:
    """Sends requests as one role; each route's requests are undone afterwards (a delete page
    must not take the world away from the next route), each request in a savepoint (a view that
    breaks the transaction must not break the next request)."""

    role: str
    world: World
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def __post_init__(self) -> None:
        self.client = Client(raise_request_exception=True)

    @contextmanager
    def route(self) -> Iterator[None]:
        with transaction.atomic():
            if self.role != "anonymous":
                self.client.force_login(getattr(self.world, self.role))
            yield
            transaction.set_rollback(True)
        self.client.cookies.clear()

    def send(self, method: str, path: str, **kwargs: Any) -> Any:
        self.requests += 1
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(path, **kwargs)
        except Exception as exc:  # the test client re-raises what the view raised
            self.failures.append(f"{self.role} {method.upper()} {path!r}: {exc!r}"[:400])
            return None
        if response.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            self.failures.append(f"{self.role} {method.upper()} {path!r}: {response.status_code}")
        return response

    def report(self) -> str:
        return f"{len(self.failures)} of {self.requests} requests:\n" + "\n".join(self.failures)


# Staff (the Cellule's group) reach every page of the portal's own admin; a superuser besides
# reaches these, and only these are fuzzed again as one.
SUPERUSER_ONLY = ("admin/auth/", "admin/account/", "admin/portal/user/", "admin/^")


def base_paths(world: World, role: str = "staff") -> list[tuple[Route, str | None]]:
    """Every route with the path of its valid parameters (None when it has none known); for the
    superuser, only the pages that staff do not reach."""
    result = []
    for route in url_routes():
        if role == "superuser" and not (
            route.route == "admin/" or route.route.startswith(SUPERUSER_ONLY)
        ):
            continue
        if not route.parameters:
            result.append((route, route.path({})))
            continue
        kwargs = valid_kwargs(route.name, route.route, world)
        result.append((route, route.path(kwargs) if kwargs else None))
    return result


ROLES = ["anonymous", "staff", "superuser"]


def test_every_parameterised_route_has_valid_parameters(world):
    """Otherwise a new page would only be fuzzed on 404s."""
    missing = [route.route for route, path in base_paths(world) if path is None]
    assert not missing, "Add these routes to valid_kwargs:\n" + "\n".join(missing)


def test_the_walk_covers_the_whole_urlconf(world):
    routes = url_routes()
    names = {route.name for route in routes}
    assert len(routes) > 200  # the admin's included
    assert {"newsletter:preferences", "admin:projets_project_import", "home"} <= names


# The sign-out pages would end the staff session mid-way; they take no parameter.
SKIPPED = ("account_logout", "admin:logout")
SIGN_OUT = ("/compte/logout", "/admin/logout")
# Fields where an id or a number goes: each is also mutated alone, the others left as the page
# gave them, so that the form gets past its other checks.
ID_KINDS = ("select", "hidden", "checkbox", "radio", "number")


def resolves(path: str) -> bool:
    try:
        resolve(unquote(urlsplit(path).path))
    except Resolver404:
        return False
    return True


@pytest.mark.parametrize("role", ROLES)
def test_no_mutated_path_parameter_gives_a_500(world, role):
    """Each parameter of each route replaced by each mutation, where the route still matches
    (a converter that refuses the value makes a plain 404 without reaching any view)."""
    prober = Prober(role, world)
    for route, _path in base_paths(world, role):
        kwargs = valid_kwargs(route.name, route.route, world) or {}
        with prober.route():
            for parameter in route.parameters:
                for value in [*MUTATIONS.values(), *RAW_MUTATIONS.values()]:
                    values = {k: kwargs.get(k, "x") for k in route.parameters}
                    values[parameter] = value
                    raw = {parameter} if value in RAW_MUTATIONS.values() else set()
                    path = route.path(values, raw=raw)
                    if not resolves(path):
                        continue
                    prober.send("get", path)
                    prober.send("post", path, data={"x": value})
    assert not prober.failures, prober.report()


@pytest.mark.parametrize("role", ROLES)
def test_no_mutated_query_string_gives_a_500(world, role):
    """Every query name a page reads (its GET forms, its links, the usual ones) set at once to
    each mutation."""
    prober = Prober(role, world)
    for route, path in base_paths(world, role):
        if path is None or route.name in SKIPPED:
            continue
        with prober.route():
            page = parse_page(prober.send("get", path))
            names = set(QUERY_NAMES) | page.query_names
            names |= {f.name for form in page.forms if form.method == "get" for f in form.fields}
            for value in MUTATIONS.values():
                query = "&".join(f"{quote(n, safe='')}={quote(value, safe='')}" for n in names)
                prober.send("get", f"{path}?{query}")
            for value in RAW_MUTATIONS.values():
                prober.send("get", f"{path}?q={value}&page={value}&{value}={value}")
            prober.send("get", f"{path}?{quote(MUTATIONS['nul'], safe='')}")  # a name alone
    assert not prober.failures, prober.report()


def id_like_fields(form: Form) -> list[Field]:
    """The fields where an id or a number goes, once per name (the extra forms of an inline
    formset repeat the first one's fields: "steps-0-id", "steps-1-id"…)."""
    seen, fields = set(), []
    for f in form.fields:
        shape = re.sub(r"-\d+-", "-N-", f.name)
        if f.kind in ID_KINDS and f.name != "csrfmiddlewaretoken" and shape not in seen:
            seen.add(shape)
            fields.append(f)
    return fields


@pytest.mark.parametrize("role", ROLES)
def test_no_mutated_form_gives_a_500(world, role):
    """Every form of every page: empty; every field replaced by each mutation (a file gets
    NUL bytes and invalid UTF-8); each id-like field alone replaced by a word, the others as
    the page gave them. A form met on many pages (the footer's) is sent once."""
    prober = Prober(role, world)
    done: set[tuple[str, tuple[str, ...]]] = set()
    for route, path in base_paths(world, role):
        if path is None or route.name in SKIPPED:
            continue
        with prober.route():
            response = prober.send("get", path)
            if response is not None and response.status_code in (301, 302):
                # Not for this role (the sign-in page instead): the address alone.
                prober.send("post", path, data={})
                prober.send("post", path, data={"x": MUTATIONS["nul"]})
                continue
            forms = [form for form in parse_page(response).forms if form.method == "post"]
            targets = [((form.action or path).split("#", 1)[0], form) for form in forms]
            if not any(target == path for target, _form in targets):
                targets.append((path, Form(method="post", action=path)))
            for target, form in targets:
                key = (target, tuple(f.name for f in form.fields))
                if key in done or urlsplit(target).netloc or target.startswith(SIGN_OUT):
                    continue
                done.add(key)
                prober.send("post", target, data={})
                for label, value in MUTATIONS.items():
                    if label == "word":
                        continue  # "control" is a word too; "word" goes in each id field below
                    data: dict[str, Any] = {"x": value}
                    for f in form.fields:
                        if f.name == "csrfmiddlewaretoken":
                            continue
                        if f.kind == "file":
                            upload = SimpleUploadedFile(f"f{value}.csv", EVIL_FILE, "text/csv")
                            data[f.name] = upload
                        else:
                            data[f.name] = value
                    prober.send("post", target, data=data)
                for f in form.fields:
                    for content in EVIL_FILES if f.kind == "file" else ():
                        upload = SimpleUploadedFile("import.csv", content, "text/csv")
                        prober.send("post", target, data={**form.data(), f.name: upload})
                for f in id_like_fields(form):
                    prober.send("post", target, data=form.data(**{f.name: MUTATIONS["word"]}))
    assert not prober.failures, prober.report()


# --- Stored text: what a form let through must not break a page later -------------------------

STORED = 'Texte <b>gras</b> & <script>alert("x")</script>\r\nligne\x0b\x0c\x01\x1f é ☃ fin'
# Fields that name or find a row, or hold a secret: they keep their valid values.
KEPT = ("slug", "token", "key", "confirmation_key", "password", "code", "email")


def fill_every_text_field(value: str) -> int:
    """Write ``value`` (cut to each field's length) into every free-text field of every row of
    the portal's own models, without their validation, as a hostile or careless form might."""
    from django.apps import apps
    from django.db import models

    fields = 0
    for config in apps.get_app_configs():
        if config.name not in (
            "portal",
            "territoires",
            "chantiers",
            "projets",
            "events",
            "expertises",
            "newsletter",
        ):
            continue
        for model in config.get_models():
            chosen = []
            for f in model._meta.concrete_fields:
                if (
                    isinstance(f, (models.CharField, models.TextField))
                    and not isinstance(f, (models.SlugField, models.EmailField, models.URLField))
                    and not f.choices
                    and not f.primary_key
                    and f.name not in KEPT
                    and not f.name.startswith("history_")
                ):
                    chosen.append(f)  # noqa: PERF401 (the condition reads better as a loop)
            for pk in model._default_manager.values_list("pk", flat=True):
                updates = {}
                for f in chosen:
                    text = f"{value} {pk}" if f.unique else value  # unique titles stay unique
                    updates[f.name] = text[-f.max_length :] if f.max_length else text
                model._default_manager.filter(pk=pk).update(**updates)
            fields += len(chosen)
    return fields


@pytest.mark.parametrize("role", ROLES)
def test_stored_text_with_markup_line_breaks_and_control_characters_breaks_no_page(world, role):
    """Every page, feed, calendar and export read back text that holds markup, line breaks and
    control characters (XML and iCalendar refuse them, e-mail headers refuse line breaks)."""
    assert fill_every_text_field(STORED) > 30
    prober = Prober(role, world)
    for route, path in base_paths(world, role):
        if path is None or route.name in SKIPPED:
            continue
        with prober.route():
            prober.send("get", path)
    assert not prober.failures, prober.report()


# --- A GET changes nothing --------------------------------------------------------------------

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


def writes_of(queries: list[dict[str, Any]]) -> list[str]:
    """The writes among captured queries, the sessions' own table left out."""
    return [
        query["sql"][:120]
        for query in queries
        if WRITE.match(query["sql"]) and "django_session" not in query["sql"]
    ]


@pytest.mark.parametrize("role", ROLES)
def test_no_get_changes_anything(world, role):
    """Every page, as it is linked (from an email too: mail scanners open every link), only
    reads: a change takes a POST."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    prober = Prober(role, world)
    changed = []
    for _route, path in base_paths(world, role):
        if path is None:
            continue
        with prober.route(), CaptureQueriesContext(connection) as captured:
            prober.send("get", path)
        writes = writes_of(captured.captured_queries)
        if writes:
            changed.append(f"{role} GET {path}: {writes}")
    assert not prober.failures, prober.report()
    assert not changed, "\n".join(changed)
