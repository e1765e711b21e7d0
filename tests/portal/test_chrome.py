"""The site's chrome, rendered once per process (``{% chrome %}``): each page still gets its own
section marked, its own path and, signed in, its own working CSRF token; nothing of one
visitor reaches another."""

import re
from http import HTTPStatus

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from portal.templatetags import chrome
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">')


def header(html: str) -> str:
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def current_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', header(html))


def test_each_page_marks_its_own_section(client):
    chantiers = reverse("chantiers:chantier_list")
    timeline = reverse("chantiers:timeline")

    assert current_links(client.get(chantiers).content.decode()) == [chantiers]
    assert current_links(client.get(timeline).content.decode()) == [timeline]
    assert current_links(client.get(reverse("home")).content.decode()) == []


def test_the_footer_forms_carry_this_page_address_escaped(client):
    html = client.get(reverse("projets:project_list") + '?q="><b>').content.decode()

    assert 'name="next" value="/projets/?q=%22%3E%3Cb%3E"' in html
    assert '"><b>' not in html
    assert '<input type="hidden" name="source" value="/projets/">' in html
    other = client.get(reverse("events:event_list")).content.decode()
    assert '<input type="hidden" name="source" value="/evenements/">' in other


def test_a_signed_in_header_holds_this_visitor_s_token_and_signs_them_out():
    first, second = Client(), Client()
    alice, bob = UserFactory(), UserFactory()
    first.force_login(alice)
    second.force_login(bob)

    html = first.get(reverse("espace:home")).content.decode()
    second.get(reverse("espace:home"))

    assert current_links(html) == [reverse("espace:home")]
    (token,) = TOKEN.findall(header(html))
    assert "Se déconnecter" in header(html)
    response = first.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == HTTPStatus.FOUND
    assert first.get(reverse("espace:home")).status_code == HTTPStatus.FOUND  # signed out
    assert second.get(reverse("espace:home")).status_code == HTTPStatus.OK  # still signed in


def test_an_anonymous_header_asks_for_no_token(client):
    response = client.get(reverse("legal_notice"))

    assert "csrftoken" not in response.cookies
    assert not TOKEN.findall(response.content.decode())
    assert "Se connecter" in header(response.content.decode())


def test_each_language_has_its_own_chrome():
    client = Client()
    french = client.get(reverse("legal_notice"), headers={"accept-language": "fr"})
    english = client.get(reverse("legal_notice"), headers={"accept-language": "en"})

    assert "Se connecter" in header(french.content.decode())
    assert "Log in" in header(english.content.decode())
    assert "Se connecter" not in header(english.content.decode())


def test_a_part_is_rendered_once_then_reused():
    chrome._memo.clear()
    template = Template(
        '{% load chrome %}{% chrome "t" k=k with s=s %}{{ k }}/{{ s }}{% endchrome %}'
    )
    with translation.override("fr"):
        assert template.render(Context({"k": "a", "s": "<1>"})) == "a/&lt;1&gt;"
        assert template.render(Context({"k": "a", "s": "2"})) == "a/2"
        assert template.render(Context({"k": "b", "s": "3"})) == "b/3"
    assert len(chrome._memo) == 2


def test_a_part_sees_only_what_it_names():
    template = Template('{% load chrome %}{% chrome "hidden" %}[{{ secret }}]{% endchrome %}')

    assert template.render(Context({"secret": "x"})) == "[]"


def test_a_block_inside_a_part_is_refused():
    with pytest.raises(TemplateSyntaxError):
        Template('{% load chrome %}{% chrome "b" %}{% block x %}{% endblock %}{% endchrome %}')


def test_a_slot_through_a_filter_is_refused():
    chrome._memo.clear()
    template = Template(
        '{% load chrome %}{% chrome "f" with s=s %}{{ s|slice:"2" }}{% endchrome %}'
    )

    with pytest.raises(TemplateSyntaxError):
        template.render(Context({"s": "value"}))
