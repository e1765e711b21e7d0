"""The public-sector pages: the accessibility statement and the legal notice."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from hub.public_pages import accessibility_statement, legal_notice


class AccessibilityView(TemplateView):
    template_name = "hub/accessibility.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            statement=accessibility_statement(), notice=legal_notice(), **kwargs
        )


class LegalNoticeView(TemplateView):
    template_name = "hub/legal_notice.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(notice=legal_notice(), **kwargs)
