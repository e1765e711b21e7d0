"""System checks of the public-sector pages' settings (registered in ``HubConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from hub import public_pages


@register()
def accessibility_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if str(settings.ACCESSIBILITY_STATUS).strip().lower() not in public_pages.status_labels():
        errors.append(
            Error(
                f"ACCESSIBILITY_STATUS={settings.ACCESSIBILITY_STATUS!r}: use full, partial or "
                "none. The accessibility statement says 'not conformant' meanwhile.",
                id="hub.E001",
            )
        )
    if public_pages.audit_date() is None:
        errors.append(
            Error(
                f"ACCESSIBILITY_AUDIT_DATE={settings.ACCESSIBILITY_AUDIT_DATE!r} is not a "
                "YYYY-MM-DD date.",
                id="hub.E002",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def legal_notice_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if str(settings.LEGAL_HOST).strip():
        return []
    return [
        Warning(
            "LEGAL_HOST is empty: the legal notice (/mentions-legales/) names no host.",
            hint="Set LEGAL_HOST to the host's name and address.",
            id="hub.W001",
        )
    ]
