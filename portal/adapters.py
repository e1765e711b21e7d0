"""django-allauth adapter: its emails go through the portal's outbox like every other email;
and the client address both rate limits count by."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from portal.mail import email_queue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # As allauth's own send_mail, but queued in the outbox instead of sent in the request.
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
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
