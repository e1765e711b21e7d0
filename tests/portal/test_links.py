"""Links are http, https or mailto: refused otherwise when typed (model fields, forms, the
admin, imports) and dropped when printed (the ``safe_link`` filter), javascript: included."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from expertises.resources import facilitator_import
from portal.links import LinkFormField, link_clean, safe_link, validate_link
from tests.chantiers.factories import ChantierFactory, ResourceFactory
from tests.events.factories import EventFactory
from tests.expertises.factories import CategoryFactory, FacilitatorFactory
from tests.projets.factories import ProjectFactory

ATTACKS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://example.org/",
]
GOOD = [
    "https://www.exemple.be/",
    "http://exemple.be/page?x=1#a",
    "mailto:contact@exemple.be",
    "MAILTO:contact@exemple.be?subject=Bonjour",
]


@pytest.mark.parametrize("value", ATTACKS)
def test_other_schemes_are_refused_with_a_message_that_says_why(value):
    with pytest.raises(ValidationError) as raised:
        validate_link(value)

    assert raised.value.code == "scheme"
    message = raised.value.messages[0]
    assert "Seules les adresses web (http:// ou https://) et e-mail (mailto:)" in message
    assert "« javascript: »" in message or "« data: »" in message or ":" in message


@pytest.mark.parametrize("value", GOOD)
def test_http_https_and_mailto_links_pass(value):
    validate_link(value)
    assert safe_link(value) == value


@pytest.mark.parametrize("value", ["mailto:pas-une-adresse", "https://", "https://exa mple.be"])
def test_broken_links_of_an_allowed_scheme_are_refused(value):
    with pytest.raises(ValidationError) as raised:
        validate_link(value)
    assert raised.value.code == "invalid"


@pytest.mark.parametrize("value", ATTACKS)
def test_printing_drops_every_other_scheme(value):
    assert safe_link(value) == ""


@pytest.mark.parametrize(
    ("value", "printed"),
    [("/projets/x/", "/projets/x/"), ("//evil.example/", ""), ("", ""), (None, "")],
)
def test_printing_keeps_paths_of_this_site_only(value, printed):
    assert safe_link(value) == printed


def test_the_form_field_adds_https_keeps_mailto_and_names_the_refused_scheme():
    field = LinkFormField(required=False)

    assert field.clean("www.exemple.be") == "https://www.exemple.be"
    assert field.clean("mailto:contact@exemple.be") == "mailto:contact@exemple.be"
    with pytest.raises(ValidationError) as raised:
        field.clean("javascript:alert(1)")
    assert "« javascript: » ne l'est pas" in raised.value.messages[0]


def test_an_import_adds_https_and_refuses_javascript():
    assert link_clean("exemple.be") == "https://exemple.be"
    with pytest.raises(ValidationError):
        link_clean("javascript:alert(1)")


# --- Model fields, forms and the admin ---------------------------------------------------------


@pytest.mark.django_db
def test_a_facilitators_links_refuse_javascript_line_by_line():
    facilitator = FacilitatorFactory.build(
        links="https://exemple.be\n\njavascript:alert(1)", categories=None
    )

    with pytest.raises(ValidationError) as raised:
        facilitator.full_clean(exclude=["organisation", "categories", "provinces"])

    assert "Ligne 3 :" in " ".join(raised.value.message_dict["links"])


@pytest.mark.django_db
def test_the_admin_refuses_javascript_in_a_facilitators_links(client, staff):
    client.force_login(staff)
    facilitator = FacilitatorFactory(categories=[CategoryFactory()])
    url = reverse("admin:expertises_facilitator_change", args=[facilitator.pk])
    data = {
        "name": facilitator.name,
        "slug": facilitator.slug,
        "organisation_name": "Asbl",
        "offer": "Une offre.",
        "categories": [facilitator.categories.first().pk],
        "cost": "free",
        "links": "javascript:alert(document.cookie)",
        "website": "javascript:alert(1)",
        "is_published": "on",
    }

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors
    assert "« javascript: » ne l'est pas" in errors["links"][0]
    assert "« javascript: » ne l'est pas" in errors["website"][0]
    facilitator.refresh_from_db()
    assert facilitator.links == ""


@pytest.mark.django_db
def test_an_officer_cannot_give_an_event_a_javascript_meeting_link(client, officer, liege):
    client.force_login(officer)
    event = EventFactory(province=liege, status="draft")
    url = reverse("espace_events:event_edit", kwargs={"slug": event.slug})
    page = client.get(url)
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(online_url="javascript:alert(1)", start="2030-05-01T10:00", end="")

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "« javascript: » ne l'est pas" in response.context["form"].errors["online_url"][0]
    event.refresh_from_db()
    assert event.online_url == ""


@pytest.mark.django_db
def test_a_facilitators_import_names_the_refused_scheme():
    CategoryFactory(name="Diagnostic")
    content = (
        "nom,offre,categories,liens,site_web\nService,Offre,Diagnostic,javascript:x,mailto:a@b.be\n"
    )

    report = facilitator_import(data=content.encode())

    assert not report.ok
    messages = [issue.message for issue in report.errors]
    assert any(
        "Lien invalide : « javascript:x »." in m and "« javascript: »" in m for m in messages
    )


# --- What was stored before: printed without its link -------------------------------------------

STORED = "javascript:alert(document.cookie)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    ["facilitator_website", "facilitator_links", "project", "resource", "event"],
)
def test_pages_never_print_a_stored_javascript_link(client, page):
    if page.startswith("facilitator"):
        field = "website" if page == "facilitator_website" else "links"
        obj = FacilitatorFactory(**{field: STORED})
        url = obj.get_absolute_url()
    elif page == "project":
        obj = ProjectFactory(website=STORED)
        url = obj.get_absolute_url()
    elif page == "resource":
        chantier = ChantierFactory()
        ResourceFactory(chantier=chantier, url=STORED, title="Guide")
        url = chantier.get_absolute_url()
    else:
        obj = EventFactory(online_url=STORED)
        url = obj.get_absolute_url()

    html = client.get(url).content.decode()

    assert 'href="javascript' not in html.replace(" ", "")
    if page != "resource":
        assert STORED in html  # shown as text, so staff can see and fix it
