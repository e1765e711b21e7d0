"""django-allauth adapter: its emails go through the portal's outbox like every other email;
and the client address both rate limits count by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest

from portal.mail import SITE_NAME, email_queue


@dataclass(frozen=True)
class Site:
    """What allauth's email templates read of the site: its name and domain."""

    name: str
    domain: str


def site_links(context: dict[str, Any], request: HttpRequest | None) -> dict[str, Any]:
    """allauth builds its links from the request's address: rewrite them onto SITE_URL, like
    every other link the portal emails (the same address under `make run`; the public one
    behind a proxy)."""
    if request is None:
        return context
    origin = request.build_absolute_uri("/")
    site = settings.SITE_URL.rstrip("/") + "/"
    return {
        key: site + value[len(origin) :]
        if isinstance(value, str) and value.startswith(origin)
        else value
        for key, value in context.items()
    }


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # As allauth's own send_mail, but queued in the outbox instead of sent in the request,
        # naming the site "Chantiers communs" (not the request's host) and linking to SITE_URL.
        request = allauth_context.request
        site = Site(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        ctx = {"request": request, "email": email, "current_site": site}
        ctx.update(site_links(context, request))
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (
                body
                for body, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        if message.content_subtype == "html":  # allauth sends HTML-only mails as the main body
            html, text = message.body, ""
        else:
            text = message.body
        email_queue(to=email, subject=message.subject, body_text=text, body_html=html)


def client_ip(request: HttpRequest) -> str:
    """The client's address as allauth's rate limits see it (X-Forwarded-For read only as far
    as ALLAUTH_TRUSTED_PROXY_COUNT allows), so that django-ratelimit counts the same way."""
    return get_account_adapter(request).get_client_ip(request)
