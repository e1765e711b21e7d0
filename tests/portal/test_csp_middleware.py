"""portal.middleware.csp: the policy header built once is the one django-csp builds, and
whatever makes a response's policy its own (a decorator, a nonce) still gets it built afresh."""

from __future__ import annotations

from csp.constants import HEADER, NONCE
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from portal.middleware.csp import PolicyOnceCSPMiddleware


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>page</p>")


@csp_update({"img-src": ["https://images.example.org"]})
def page_with_images(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>images</p>")


@csp_exempt()
def page_exempt(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>exempt</p>")


def page_with_nonce(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")  # type: ignore[attr-defined]


def headers(middleware_class: type, view, times: int = 3) -> list[str | None]:
    middleware = middleware_class(view)
    return [middleware(RequestFactory().get("/")).get(HEADER) for _ in range(times)]


def test_the_header_is_the_one_django_csp_builds_every_time() -> None:
    expected = headers(CSPMiddleware, page, 1)[0]
    assert expected and "script-src 'self'" in expected
    assert headers(PolicyOnceCSPMiddleware, page) == [expected] * 3


def test_a_response_with_its_own_policy_gets_it_between_ordinary_ones() -> None:
    middleware = PolicyOnceCSPMiddleware(page)
    ordinary = middleware(RequestFactory().get("/")).get(HEADER)
    own = PolicyOnceCSPMiddleware(page_with_images)
    own._headers = middleware._headers  # the policy already built once, as in a live process
    header = own(RequestFactory().get("/")).get(HEADER)
    assert "https://images.example.org" in header
    assert "https://images.example.org" not in ordinary
    assert middleware(RequestFactory().get("/")).get(HEADER) == ordinary


def test_an_exempt_response_gets_no_header_even_once_the_policy_is_built() -> None:
    built = PolicyOnceCSPMiddleware(page)
    built(RequestFactory().get("/"))
    exempt = PolicyOnceCSPMiddleware(page_exempt)
    exempt._headers = built._headers
    assert exempt(RequestFactory().get("/")).get(HEADER) is None


def test_a_nonce_used_by_the_page_is_in_its_header_each_time(settings) -> None:
    """The portal's policy has no nonce; one that had would get each response's own."""
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"], "script-src": ["'self'", NONCE]}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    middleware = PolicyOnceCSPMiddleware(page_with_nonce)
    first, second = (middleware(RequestFactory().get("/")) for _ in range(2))
    for response in (first, second):
        nonce = response.content.decode().split("nonce='")[1].split("'")[0]
        assert f"'nonce-{nonce}'" in response[HEADER]
    assert first[HEADER] != second[HEADER]
